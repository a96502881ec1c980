// Generated from src/rules/vocabulary.rs (the context vocabulary); `cargo test` fails when stale.
export const VOCABULARY = [
  {
    "doc": "ms since the epoch (the engine's clock)",
    "label": "Now",
    "name": "now",
    "scope": "visitor",
    "type": "datetime"
  },
  {
    "doc": "the year in the store's time zone",
    "label": "Year",
    "name": "year",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the month, 1–12",
    "label": "Month (1–12)",
    "name": "month",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the day of the month",
    "label": "Day of month",
    "name": "day",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the hour, 0–23",
    "label": "Hour (0–23)",
    "name": "hour",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the day of the week, 0 = Sunday",
    "label": "Weekday (0 = Sunday)",
    "name": "weekday",
    "scope": "visitor",
    "type": "number",
    "values": [
      "0",
      "1",
      "2",
      "3",
      "4",
      "5",
      "6"
    ]
  },
  {
    "doc": "`en` or `tr`",
    "label": "Language",
    "name": "locale",
    "scope": "visitor",
    "type": "select",
    "values": [
      "en",
      "tr"
    ]
  },
  {
    "doc": "the last page type tracked",
    "label": "Page type",
    "name": "page",
    "scope": "visitor",
    "type": "select",
    "values": [
      "home",
      "category",
      "product",
      "cart",
      "checkout",
      "search"
    ]
  },
  {
    "doc": "units in the cart",
    "label": "Cart units",
    "name": "cart.count",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "lines in the cart",
    "label": "Cart lines",
    "name": "cart.lines",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "catalog prices × quantity",
    "label": "Cart value",
    "name": "cart.value",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the ids in the cart",
    "label": "Cart products",
    "name": "cart.productIds",
    "scope": "visitor",
    "type": "list",
    "values": "products"
  },
  {
    "doc": "units per category path and every ancestor (`{\"pets\": 2, \"pets/cat\": 2}`)",
    "label": "Cart units in",
    "name": "cart.categories",
    "scope": "visitor",
    "type": "per category",
    "values": "categories"
  },
  {
    "doc": "whole minutes since the cart last changed, `null` when empty",
    "label": "Minutes since the cart changed",
    "name": "cart.minutesSinceChange",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "product views this session",
    "label": "Views this session",
    "name": "views.session",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "views this session per category path (with ancestors)",
    "label": "Views this session in",
    "name": "views.byCategory",
    "scope": "visitor",
    "type": "per category",
    "values": "categories"
  },
  {
    "doc": "the last 10 product ids viewed",
    "label": "Recently viewed",
    "name": "views.recent",
    "scope": "visitor",
    "type": "list",
    "values": "products"
  },
  {
    "doc": "sessions so far (a 30-minute gap starts one)",
    "label": "Sessions",
    "name": "session.count",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "minutes into this session",
    "label": "Minutes into this session",
    "name": "session.minutes",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "purchases here and in the profile",
    "label": "Purchases",
    "name": "purchases.count",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "days since the last purchase (`null` if none)",
    "label": "Days since the last purchase",
    "name": "purchases.daysSinceLast",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "purchases per category path (with ancestors)",
    "label": "Purchases in",
    "name": "purchases.categories",
    "scope": "visitor",
    "type": "per category",
    "values": "categories"
  },
  {
    "doc": "days since the first tracked event",
    "label": "Days since the first visit",
    "name": "daysSinceFirstVisit",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the last search queries, newest first",
    "label": "Recent searches",
    "name": "searches",
    "scope": "visitor",
    "type": "list"
  },
  {
    "doc": "the name in the synced profile",
    "label": "Name",
    "name": "profile.name",
    "scope": "visitor",
    "type": "text"
  },
  {
    "doc": "the profile's segments",
    "label": "Segments",
    "name": "profile.segments",
    "scope": "visitor",
    "type": "list",
    "values": "segments"
  },
  {
    "doc": "the profile's affinity per category path",
    "label": "Affinity to",
    "name": "profile.categoryAffinity",
    "scope": "visitor",
    "type": "per category",
    "values": "categories"
  },
  {
    "doc": "the profile's affinity per brand",
    "label": "Affinity to brand",
    "name": "profile.brandAffinity",
    "scope": "visitor",
    "type": "per brand",
    "values": "brands"
  },
  {
    "doc": "the product id",
    "label": "Product",
    "name": "product.id",
    "scope": "product",
    "type": "select",
    "values": "products"
  },
  {
    "doc": "the title",
    "label": "Product title",
    "name": "product.title",
    "scope": "product",
    "type": "text"
  },
  {
    "doc": "the category path",
    "label": "Product category",
    "name": "product.category",
    "scope": "product",
    "type": "select",
    "values": "categories"
  },
  {
    "doc": "its category path and every ancestor",
    "label": "Product category or parent",
    "name": "product.categories",
    "scope": "product",
    "type": "list",
    "values": "categories"
  },
  {
    "doc": "the brand",
    "label": "Product brand",
    "name": "product.brand",
    "scope": "product",
    "type": "select",
    "values": "brands"
  },
  {
    "doc": "the price",
    "label": "Product price",
    "name": "product.price",
    "scope": "product",
    "type": "number"
  },
  {
    "doc": "false when the catalog says so",
    "label": "Product in stock",
    "name": "product.inStock",
    "scope": "product",
    "type": "boolean"
  },
  {
    "doc": "the catalog's tags",
    "label": "Product tags",
    "name": "product.tags",
    "scope": "product",
    "type": "list",
    "values": "tags"
  },
  {
    "doc": "the catalog's popularity",
    "label": "Product popularity",
    "name": "product.popularity",
    "scope": "product",
    "type": "number"
  }
];
