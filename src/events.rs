//! Visitor events of API.md, validated from JSON into a closed enum. Catalog membership
//! is checked by the engine, not here. Depends on `json`/`error`.

use crate::error::{join, Error, Result};
use crate::json::Obj;
use crate::jsontext::{fields, list, With, WriteJson};
use crate::prelude::*;
use crate::value::Value;

const CODE: &str = "invalid_event";
pub const MAX_ITEMS: usize = 500;
pub const MAX_QUANTITY: f64 = 10_000.0;

crate::names! {
    /// Page types of a `page` event.
    pub enum Page {
        Home = "home",
        Category = "category",
        Product = "product",
        Cart = "cart",
        Checkout = "checkout",
        Search = "search",
    }
}

crate::names! {
    /// The event types of `track`.
    pub enum EventType {
        Page = "page",
        View = "view",
        Search = "search",
        AddToCart = "add_to_cart",
        RemoveFromCart = "remove_from_cart",
        Purchase = "purchase",
        /// The page saw the visitor move to leave (pointer to the top edge, back gesture).
        ExitIntent = "exit_intent",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineItem {
    pub product_id: String,
    pub quantity: u32,
    pub price: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    Page {
        page: Page,
        category_id: Option<String>,
    },
    View {
        product_id: String,
    },
    Search {
        query: String,
    },
    AddToCart {
        product_id: String,
        quantity: u32,
    },
    /// `quantity: None` removes the line whatever its quantity.
    RemoveFromCart {
        product_id: String,
        quantity: Option<u32>,
    },
    Purchase {
        order_id: String,
        items: Vec<LineItem>,
    },
    /// The page saw the visitor move to leave (pointer to the top edge, back gesture).
    ExitIntent,
}

impl EventKind {
    pub fn event_type(&self) -> EventType {
        match self {
            EventKind::Page { .. } => EventType::Page,
            EventKind::View { .. } => EventType::View,
            EventKind::Search { .. } => EventType::Search,
            EventKind::AddToCart { .. } => EventType::AddToCart,
            EventKind::RemoveFromCart { .. } => EventType::RemoveFromCart,
            EventKind::Purchase { .. } => EventType::Purchase,
            EventKind::ExitIntent => EventType::ExitIntent,
        }
    }

    pub fn name(&self) -> &'static str {
        self.event_type().name()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    /// Milliseconds since the epoch.
    pub at: f64,
}

fn quantity(o: &Obj, key: &str) -> Result<Option<u32>> {
    let q = o.opt_num_in(key, 1.0, MAX_QUANTITY)?;
    match q {
        Some(q) if q.fract() != 0.0 => Err(o.err(key, "must be a whole number")),
        q => Ok(q.map(|q| q as u32)),
    }
}

impl Event {
    /// Validates an event; `now` fills a missing `at`.
    pub fn from_json(v: &Value, now: f64) -> Result<Event> {
        let o = Obj::new(v, "", CODE)?;
        let at = o.opt_num_in("at", 0.0, 1e15)?.unwrap_or(now);
        let name = o.str("type")?;
        let Some(event_type) = EventType::from_name(name) else {
            return Err(unknown(&o, "type", "event type", name, EventType::NAMES));
        };
        let kind = match event_type {
            EventType::Page => {
                let name = o.str("page")?;
                let page = Page::from_name(name)
                    .ok_or_else(|| unknown(&o, "page", "page", name, Page::NAMES))?;
                EventKind::Page {
                    page,
                    category_id: o.opt_str("categoryId")?.map(String::from),
                }
            }
            EventType::Search => EventKind::Search {
                query: o
                    .opt_str("query")?
                    .ok_or_else(|| o.err("query", "is required"))?
                    .to_string(),
            },
            // A view and the two cart events read `productId` once; the cart events their
            // `quantity` too.
            EventType::View | EventType::AddToCart | EventType::RemoveFromCart => {
                let id = o.str("productId")?;
                let q = match event_type {
                    EventType::View => None,
                    _ => quantity(&o, "quantity")?,
                };
                let product_id = id.to_string();
                match event_type {
                    EventType::View => EventKind::View { product_id },
                    EventType::AddToCart => EventKind::AddToCart {
                        product_id,
                        quantity: q.unwrap_or(1),
                    },
                    _ => EventKind::RemoveFromCart {
                        product_id,
                        quantity: q,
                    },
                }
            }
            EventType::Purchase => {
                let items = o
                    .opt_arr("items", MAX_ITEMS)?
                    .ok_or_else(|| o.err("items", "is required"))?;
                if items.is_empty() {
                    return Err(o.err("items", "a purchase needs at least one item"));
                }
                // A loop: `collect::<Result<_>>()` compiles an adapter of its own.
                let mut lines = Vec::with_capacity(items.len());
                for (i, v) in items.iter().enumerate() {
                    let it = Obj::new(v, &join("/items", i), CODE)?;
                    // Every field read before one is owned (a `?` after a `to_string`
                    // would compile a drop of it).
                    let (id, q) = (it.str("productId")?, quantity(&it, "quantity")?);
                    let price = it.opt_num_in("price", 0.0, 1e12)?;
                    lines.push(LineItem {
                        product_id: id.to_string(),
                        quantity: q.unwrap_or(1),
                        price,
                    });
                }
                let items = lines;
                EventKind::Purchase {
                    order_id: o.str("orderId")?.to_string(),
                    items,
                }
            }
            EventType::ExitIntent => EventKind::ExitIntent,
        };
        Ok(Event { kind, at })
    }
}

/// The canonical JSON form (with `at` filled in), as sent to other tabs and the server.
impl WriteJson for Event {
    fn write_json(&self, out: &mut String) {
        let mut o = fields(out);
        o.field("at", &self.at);
        let kind = self.kind.name();
        match &self.kind {
            EventKind::Page { page, category_id } => o
                .field("categoryId", category_id)
                .field("page", &page.name()),
            EventKind::View { product_id } => o.field("productId", product_id),
            EventKind::Search { query } => o.field("query", query),
            EventKind::AddToCart {
                product_id,
                quantity,
            } => o.field("productId", product_id).field("quantity", quantity),
            EventKind::RemoveFromCart {
                product_id,
                quantity,
            } => o.field("productId", product_id).field("quantity", quantity),
            EventKind::ExitIntent => &mut o,
            EventKind::Purchase { order_id, items } => o
                .field(
                    "items",
                    &With(|out: &mut String| {
                        list(out, items, |out, item| {
                            fields(out)
                                .field("price", &item.price)
                                .field("productId", &item.product_id)
                                .field("quantity", &item.quantity)
                                .end()
                        })
                    }),
                )
                .field("orderId", order_id),
        }
        .field("type", &kind)
        .end()
    }
}

impl Event {
    /// The first product id the event refers to that is not `known`, with its JSON Pointer
    /// (written only then: an event of known products allocates nothing here).
    pub fn unknown_product(&self, known: &dyn Fn(&str) -> bool) -> Option<(&str, String)> {
        match &self.kind {
            EventKind::View { product_id }
            | EventKind::AddToCart { product_id, .. }
            | EventKind::RemoveFromCart { product_id, .. } => {
                (!known(product_id)).then(|| (product_id.as_str(), "/productId".to_string()))
            }
            EventKind::Purchase { items, .. } => {
                for (i, it) in items.iter().enumerate() {
                    if !known(&it.product_id) {
                        let path = crate::cat!("/items/", i, "/productId");
                        return Some((&it.product_id, path));
                    }
                }
                None
            }
            EventKind::Page { .. } | EventKind::Search { .. } | EventKind::ExitIntent => None,
        }
    }
}

/// `name` is none of `names`: the error that lists them.
fn unknown(o: &Obj, key: &str, what: &str, name: &str, names: &[&str]) -> Error {
    o.err(
        key,
        crate::cat!(
            "unknown ",
            what,
            " \"",
            name,
            "\"; expected one of ",
            crate::error::listed(names.iter().copied())
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn round_trips_through_json() {
        let events = [
            json!({"type": "page", "page": "category", "categoryId": "pets", "at": 5.0}),
            json!({"type": "add_to_cart", "productId": "p", "quantity": 2, "at": 5.0}),
            json!({"type": "purchase", "orderId": "o", "items": [{"productId": "p", "quantity": 1, "price": 9.5}], "at": 5.0}),
        ];
        for e in events {
            let parsed = Event::from_json(&e, 0.0).unwrap();
            assert_eq!(
                Event::from_json(
                    &crate::jsontext::read(&crate::jsontext::to_text(&parsed)).unwrap(),
                    1.0
                )
                .unwrap(),
                parsed
            );
        }
        assert_eq!(
            Event::from_json(&json!({"type": "view", "productId": "p"}), 42.0)
                .unwrap()
                .at,
            42.0
        );
    }

    #[test]
    fn rejects_bad_events_with_paths() {
        let cases = [
            (json!({"type": "click"}), "/type"),
            (json!({"type": "view"}), "/productId"),
            (
                json!({"type": "add_to_cart", "productId": "p", "quantity": 0}),
                "/quantity",
            ),
            (
                json!({"type": "add_to_cart", "productId": "p", "quantity": 1.5}),
                "/quantity",
            ),
            (
                json!({"type": "purchase", "orderId": "o", "items": [{"quantity": 1}]}),
                "/items/0/productId",
            ),
            (json!({"type": "page", "page": "about"}), "/page"),
            (json!({"type": "view", "productId": "p", "at": -1}), "/at"),
        ];
        for (e, path) in cases {
            let err = Event::from_json(&e, 0.0).unwrap_err();
            assert_eq!(
                (err.code, err.path.as_deref()),
                ("invalid_event", Some(path)),
                "{e}"
            );
        }
    }
}
