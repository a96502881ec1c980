// Generated from src/rules/vocabulary.rs (the context vocabulary) and src/reasons.rs (the explain codes' texts); `cargo test` fails when stale.
export const VOCABULARY = [
  {
    "doc": "ms since the epoch (the engine's clock)",
    "label": "Now",
    "labels": {
      "en": "Now",
      "tr": "Şu an"
    },
    "name": "now",
    "scope": "visitor",
    "type": "datetime"
  },
  {
    "doc": "the year in the store's time zone",
    "label": "Year",
    "labels": {
      "en": "Year",
      "tr": "Yıl"
    },
    "name": "year",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the month, 1–12",
    "label": "Month (1–12)",
    "labels": {
      "en": "Month (1–12)",
      "tr": "Ay (1–12)"
    },
    "name": "month",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the day of the month",
    "label": "Day of month",
    "labels": {
      "en": "Day of month",
      "tr": "Ayın günü"
    },
    "name": "day",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the hour, 0–23",
    "label": "Hour (0–23)",
    "labels": {
      "en": "Hour (0–23)",
      "tr": "Saat (0–23)"
    },
    "name": "hour",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the day of the week, 0 = Sunday",
    "label": "Weekday",
    "labels": {
      "en": "Weekday",
      "tr": "Haftanın günü"
    },
    "name": "weekday",
    "scope": "visitor",
    "type": "number",
    "valueLabels": {
      "0": {
        "en": "Sunday",
        "tr": "Pazar"
      },
      "1": {
        "en": "Monday",
        "tr": "Pazartesi"
      },
      "2": {
        "en": "Tuesday",
        "tr": "Salı"
      },
      "3": {
        "en": "Wednesday",
        "tr": "Çarşamba"
      },
      "4": {
        "en": "Thursday",
        "tr": "Perşembe"
      },
      "5": {
        "en": "Friday",
        "tr": "Cuma"
      },
      "6": {
        "en": "Saturday",
        "tr": "Cumartesi"
      }
    },
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
    "labels": {
      "en": "Language",
      "tr": "Dil"
    },
    "name": "locale",
    "scope": "visitor",
    "type": "select",
    "valueLabels": {
      "en": {
        "en": "English",
        "tr": "İngilizce"
      },
      "tr": {
        "en": "Turkish",
        "tr": "Türkçe"
      }
    },
    "values": [
      "en",
      "tr"
    ]
  },
  {
    "doc": "the last page type tracked",
    "label": "Page type",
    "labels": {
      "en": "Page type",
      "tr": "Sayfa türü"
    },
    "name": "page",
    "scope": "visitor",
    "type": "select",
    "valueLabels": {
      "cart": {
        "en": "Cart",
        "tr": "Sepet"
      },
      "category": {
        "en": "Category",
        "tr": "Kategori"
      },
      "checkout": {
        "en": "Checkout",
        "tr": "Ödeme"
      },
      "home": {
        "en": "Home",
        "tr": "Ana sayfa"
      },
      "product": {
        "en": "Product",
        "tr": "Ürün"
      },
      "search": {
        "en": "Search",
        "tr": "Arama"
      }
    },
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
    "labels": {
      "en": "Cart units",
      "tr": "Sepetteki adet"
    },
    "name": "cart.count",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "lines in the cart",
    "label": "Cart lines",
    "labels": {
      "en": "Cart lines",
      "tr": "Sepetteki satır"
    },
    "name": "cart.lines",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "catalog prices × quantity",
    "label": "Cart value",
    "labels": {
      "en": "Cart value",
      "tr": "Sepet tutarı"
    },
    "name": "cart.value",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the ids in the cart",
    "label": "Cart products",
    "labels": {
      "en": "Cart products",
      "tr": "Sepetteki ürünler"
    },
    "name": "cart.productIds",
    "scope": "visitor",
    "type": "list",
    "values": "products"
  },
  {
    "doc": "units per category path and every ancestor (`{\"pets\": 2, \"pets/cat\": 2}`)",
    "label": "Cart units in",
    "labels": {
      "en": "Cart units in",
      "tr": "Sepetteki adet:"
    },
    "name": "cart.categories",
    "scope": "visitor",
    "type": "per category",
    "values": "categories"
  },
  {
    "doc": "whole minutes since the cart last changed, `null` when empty",
    "label": "Minutes since the cart changed",
    "labels": {
      "en": "Minutes since the cart changed",
      "tr": "Sepet değişeli geçen dakika"
    },
    "name": "cart.minutesSinceChange",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "product views this session",
    "label": "Views this session",
    "labels": {
      "en": "Views this session",
      "tr": "Bu oturumdaki görüntüleme"
    },
    "name": "views.session",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "views this session per category path (with ancestors)",
    "label": "Views this session in",
    "labels": {
      "en": "Views this session in",
      "tr": "Bu oturumdaki görüntüleme:"
    },
    "name": "views.byCategory",
    "scope": "visitor",
    "type": "per category",
    "values": "categories"
  },
  {
    "doc": "the last 10 product ids viewed",
    "label": "Recently viewed",
    "labels": {
      "en": "Recently viewed",
      "tr": "Son bakılanlar"
    },
    "name": "views.recent",
    "scope": "visitor",
    "type": "list",
    "values": "products"
  },
  {
    "doc": "sessions so far (a 30-minute gap starts one)",
    "label": "Sessions",
    "labels": {
      "en": "Sessions",
      "tr": "Oturum sayısı"
    },
    "name": "session.count",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "minutes into this session",
    "label": "Minutes into this session",
    "labels": {
      "en": "Minutes into this session",
      "tr": "Bu oturumdaki dakika"
    },
    "name": "session.minutes",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "purchases here and in the profile",
    "label": "Purchases",
    "labels": {
      "en": "Purchases",
      "tr": "Satın alma sayısı"
    },
    "name": "purchases.count",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "days since the last purchase (`null` if none)",
    "label": "Days since the last purchase",
    "labels": {
      "en": "Days since the last purchase",
      "tr": "Son satın almadan beri gün"
    },
    "name": "purchases.daysSinceLast",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "purchases per category path (with ancestors)",
    "label": "Purchases in",
    "labels": {
      "en": "Purchases in",
      "tr": "Satın alma:"
    },
    "name": "purchases.categories",
    "scope": "visitor",
    "type": "per category",
    "values": "categories"
  },
  {
    "doc": "days since the first tracked event",
    "label": "Days since the first visit",
    "labels": {
      "en": "Days since the first visit",
      "tr": "İlk ziyaretten beri gün"
    },
    "name": "daysSinceFirstVisit",
    "scope": "visitor",
    "type": "number"
  },
  {
    "doc": "the last search queries, newest first",
    "label": "Recent searches",
    "labels": {
      "en": "Recent searches",
      "tr": "Son aramalar"
    },
    "name": "searches",
    "scope": "visitor",
    "type": "list"
  },
  {
    "doc": "the name in the synced profile",
    "label": "Name",
    "labels": {
      "en": "Name",
      "tr": "Ad"
    },
    "name": "profile.name",
    "scope": "visitor",
    "type": "text"
  },
  {
    "doc": "the profile's segments",
    "label": "Segments",
    "labels": {
      "en": "Segments",
      "tr": "Segmentler"
    },
    "name": "profile.segments",
    "scope": "visitor",
    "type": "list",
    "values": "segments"
  },
  {
    "doc": "the profile's affinity per category path",
    "label": "Affinity to",
    "labels": {
      "en": "Affinity to",
      "tr": "Kategori ilgisi:"
    },
    "name": "profile.categoryAffinity",
    "scope": "visitor",
    "type": "per category",
    "values": "categories"
  },
  {
    "doc": "the profile's affinity per brand",
    "label": "Affinity to brand",
    "labels": {
      "en": "Affinity to brand",
      "tr": "Marka ilgisi:"
    },
    "name": "profile.brandAffinity",
    "scope": "visitor",
    "type": "per brand",
    "values": "brands"
  },
  {
    "doc": "the product id",
    "label": "Product",
    "labels": {
      "en": "Product",
      "tr": "Ürün"
    },
    "name": "product.id",
    "scope": "product",
    "type": "select",
    "values": "products"
  },
  {
    "doc": "the title",
    "label": "Product title",
    "labels": {
      "en": "Product title",
      "tr": "Ürün adı"
    },
    "name": "product.title",
    "scope": "product",
    "type": "text"
  },
  {
    "doc": "the category path",
    "label": "Product category",
    "labels": {
      "en": "Product category",
      "tr": "Ürün kategorisi"
    },
    "name": "product.category",
    "scope": "product",
    "type": "select",
    "values": "categories"
  },
  {
    "doc": "its category path and every ancestor",
    "label": "Product category or parent",
    "labels": {
      "en": "Product category or parent",
      "tr": "Ürün kategorisi ya da üstü"
    },
    "name": "product.categories",
    "scope": "product",
    "type": "list",
    "values": "categories"
  },
  {
    "doc": "the brand",
    "label": "Product brand",
    "labels": {
      "en": "Product brand",
      "tr": "Ürün markası"
    },
    "name": "product.brand",
    "scope": "product",
    "type": "select",
    "values": "brands"
  },
  {
    "doc": "the price",
    "label": "Product price",
    "labels": {
      "en": "Product price",
      "tr": "Ürün fiyatı"
    },
    "name": "product.price",
    "scope": "product",
    "type": "number"
  },
  {
    "doc": "false when the catalog says so",
    "label": "Product in stock",
    "labels": {
      "en": "Product in stock",
      "tr": "Ürün stokta"
    },
    "name": "product.inStock",
    "scope": "product",
    "type": "boolean"
  },
  {
    "doc": "the catalog's tags",
    "label": "Product tags",
    "labels": {
      "en": "Product tags",
      "tr": "Ürün etiketleri"
    },
    "name": "product.tags",
    "scope": "product",
    "type": "list",
    "values": "tags"
  },
  {
    "doc": "the catalog's popularity",
    "label": "Product popularity",
    "labels": {
      "en": "Product popularity",
      "tr": "Ürün popülerliği"
    },
    "name": "product.popularity",
    "scope": "product",
    "type": "number"
  }
];
export const EXPLAIN_TEXTS = {
  "cart_not_idle": {
    "en": "the cart is empty or the visitor is not idle long enough",
    "tr": "Sepet boş ya da ziyaretçi yeterince uzun süredir hareketsiz değil"
  },
  "condition_false": {
    "en": "this condition is false for the visitor",
    "tr": "Bu koşul ziyaretçi için doğru değil"
  },
  "cooling_down": {
    "en": "cooling down after it was shown ({minutes} min left)",
    "tr": "Gösterildikten sonraki bekleme süresi ({minutes} dk kaldı)"
  },
  "dismissed": {
    "en": "quiet after the visitor dismissed it ({minutes} min left)",
    "tr": "Ziyaretçi kapattığı için sessiz ({minutes} dk kaldı)"
  },
  "ended": {
    "en": "the campaign has ended",
    "tr": "Kampanya sona erdi"
  },
  "holdout": {
    "en": "the visitor is in the holdout (control) group",
    "tr": "Ziyaretçi holdout (kontrol) grubunda"
  },
  "lifetime": {
    "en": "shown as often as allowed ever ({limit})",
    "tr": "Şimdiye dek izin verilen sayıda gösterildi ({limit})"
  },
  "no_exit_intent": {
    "en": "no exit intent with items in the cart",
    "tr": "Sepette ürün varken çıkış niyeti yok"
  },
  "no_messaging_consent": {
    "en": "the visitor did not consent to messaging",
    "tr": "Ziyaretçi mesajlara izin vermedi"
  },
  "no_products": {
    "en": "no product fits the prompt (it would show none)",
    "tr": "Mesaja uyan ürün yok (hiçbirini gösteremezdi)"
  },
  "no_recent_event": {
    "en": "the event has not happened recently",
    "tr": "Olay yakın zamanda gerçekleşmedi"
  },
  "no_recent_purchase": {
    "en": "no recent purchase in the category",
    "tr": "Bu kategoride yakın zamanda satın alma yok"
  },
  "no_replenishment_due": {
    "en": "no replenishment cycle is due",
    "tr": "Yenileme zamanı gelmiş bir ürün yok"
  },
  "no_seasonal_habit": {
    "en": "no seasonal habit covers this month",
    "tr": "Bu aya düşen mevsimsel bir alışkanlık yok"
  },
  "not_returning": {
    "en": "not a returning visitor with a cart or views",
    "tr": "Sepeti ya da baktığı ürünleri olan, geri dönen bir ziyaretçi değil"
  },
  "not_started": {
    "en": "the campaign has not started yet",
    "tr": "Kampanya henüz başlamadı"
  },
  "other_page": {
    "en": "the visitor is on another page",
    "tr": "Ziyaretçi başka bir sayfada"
  },
  "per_day": {
    "en": "shown as often as allowed today ({limit})",
    "tr": "Bugün izin verilen sayıda gösterildi ({limit})"
  },
  "per_session": {
    "en": "shown as often as allowed this session ({limit})",
    "tr": "Bu oturumda izin verilen sayıda gösterildi ({limit})"
  },
  "quiet_after_dismiss": {
    "en": "quiet time after the visitor dismissed a prompt ({minutes} min left)",
    "tr": "Ziyaretçi bir mesajı kapattıktan sonraki sessiz süre ({minutes} dk kaldı)"
  },
  "quiet_after_prompt": {
    "en": "quiet time after another prompt ({minutes} min left)",
    "tr": "Başka bir mesajdan sonraki sessiz süre ({minutes} dk kaldı)"
  },
  "same_subject_dismissed": {
    "en": "the visitor dismissed another prompt about the same cart ({minutes} min left)",
    "tr": "Ziyaretçi aynı sepetle ilgili başka bir mesajı kapattı ({minutes} dk kaldı)"
  },
  "too_few_views": {
    "en": "fewer than {views} views of one category without adding to the cart",
    "tr": "Sepete eklemeden tek bir kategoride {views} ürüne bakılmadı"
  }
};
