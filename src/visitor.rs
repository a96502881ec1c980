//! What vitrin knows of the visitor from this browser: cart, recent views, time-decayed
//! interest per category and brand, purchases, sessions. Bounded in size and
//! serialisable for storage. Depends on `catalog` (to read categories) and `events`.

use crate::catalog::Catalog;
use crate::error::{join, Result};
use crate::events::{Event, EventKind, Page};
use crate::json::Obj;
use crate::jsontext::{fields, WriteJson};
use crate::prelude::*;
use crate::value::Value;

pub const MAX_VIEWS: usize = 50;
pub const MAX_PURCHASES: usize = 200;
pub const MAX_CART_LINES: usize = 100;
pub const MAX_INTEREST_KEYS: usize = 200;
pub const MAX_SEARCHES: usize = 10;
pub const MAX_CAMPAIGNS: usize = 200;
pub const MAX_SHOWN: usize = 30;
/// Interest halves every day: what the visitor did today outweighs last week.
pub const INTEREST_HALF_LIFE_MS: f64 = 86_400_000.0;
const CODE: &str = "storage_corrupt";
/// A gap longer than this starts a new session (the common analytics convention).
pub const SESSION_GAP_MS: f64 = 30.0 * 60_000.0;

#[derive(Debug, Clone, PartialEq)]
pub struct CartLine {
    pub product_id: String,
    pub quantity: u32,
    pub added_at: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Viewed {
    pub product_id: String,
    pub at: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bought {
    pub product_id: String,
    pub order_id: String,
    pub quantity: u32,
    pub price: Option<f64>,
    pub at: f64,
}

/// A count that halves every `INTEREST_HALF_LIFE_MS`.
#[derive(Debug, Clone, PartialEq)]
pub struct Interest {
    pub key: String,
    pub weight: f64,
    pub at: f64,
}

impl Interest {
    pub fn weight_at(&self, now: f64) -> f64 {
        self.weight * decay(now - self.at)
    }
}

/// 2^-t, t the half-lives elapsed. Not `0.5.powf(t)`: LLVM makes that libm's `exp2`, whose
/// 256-entry table of doubles (4 KB) was the largest item in the wasm's data and gzip hardly
/// shrinks it. fdlibm's `exp` kernel instead: t = k + r with |r| <= 1/2, 2^-r = e^y for
/// y = -r ln 2 held as hi - lo (hi exact: r's leading 21 bits times ln 2's leading 32), then
/// times 2^-k. Within 1 ulp of 2^-t (libm's `exp2` is within 0.51), and the same bits on
/// the host and in the wasm (plain arithmetic; libm's was the host's C library's there).
fn decay(elapsed_ms: f64) -> f64 {
    // fdlibm's constants (e_exp.c), by their bits.
    let ln2_hi = f64::from_bits(0x3fe6_2e42_fee0_0000);
    let ln2_lo = f64::from_bits(0x3dea_39ef_3579_3c76);
    let p = [
        0x3fc5_5555_5555_553e,
        0xbf66_c16c_16be_bd93,
        0x3f11_566a_af25_de2c,
        0xbebb_bd41_c5d2_6bf1,
        0x3e66_3769_72be_a4d0,
    ]
    .map(f64::from_bits);
    let t = elapsed_ms.max(0.0) / INTEREST_HALF_LIFE_MS;
    if t >= 1100.0 {
        return 0.0; // below the smallest double
    }
    let k = (t + 0.5).floor(); // exact: t < 2^11
    let r = t - k; // exact, in [-1/2, 1/2)
    let rh = f64::from_bits(r.to_bits() & !0xffff_ffff);
    let hi = -rh * ln2_hi;
    let lo = rh * ln2_lo + (r - rh) * (ln2_hi + ln2_lo);
    let x = hi - lo;
    let xx = x * x;
    let c = x - xx * (p[0] + xx * (p[1] + xx * (p[2] + xx * (p[3] + xx * p[4]))));
    let e = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
    // 2^-k in two exact steps (each factor a normal double), so a subnormal result is
    // rounded once.
    let k = k as u64;
    let pow2 = |n: u64| f64::from_bits((1023 - n) << 52);
    e * pow2(k.min(1000)) * pow2(k - k.min(1000))
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct VisitorState {
    pub cart: Vec<CartLine>,
    /// Removals heard from another tab before the adds they remove (a product's
    /// quantity is its adds minus its removals, shown while positive): so tabs that hear
    /// one another's cart changes in different orders end with the same cart.
    pub cart_debt: Vec<CartLine>,
    /// Most recent first; a product viewed twice appears twice.
    pub recently_viewed: Vec<Viewed>,
    pub category_interest: Vec<Interest>,
    pub brand_interest: Vec<Interest>,
    pub purchases: Vec<Bought>,
    pub searches: Vec<String>,
    pub page: Option<String>,
    pub first_seen: f64,
    pub last_seen: f64,
    pub session_count: u32,
    pub session_started: f64,
    pub last_cart_change: f64,
    /// When each event type last happened (campaign triggers).
    pub last_events: Vec<EventTime>,
    /// The one visitor id: bucketing, sync and the server all use it. Minted in the
    /// browser (or given by the store), kept until `forget()`.
    pub visitor_id: String,
    /// How many times the visitor was forgotten in this browser: tab messages carry it, so
    /// one written before a `forget()` another tab heard is dropped, never applied to the
    /// new visitor.
    pub generation: u32,
    /// Sticky arms: the variant (or `holdout`) each campaign exposed this visitor to.
    pub assignments: Vec<Assignment>,
    pub campaigns: Vec<CampaignLog>,
    pub metrics: Vec<MetricRow>,
}

/// The arm a campaign exposed the visitor to, first at `at`. Once recorded it is the
/// visitor's arm for good (a new visitor id or new weights do not move it); two tabs that
/// recorded different arms keep the earlier one (ties: the smaller arm), so they agree.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub campaign: String,
    pub arm: String,
    pub at: f64,
}

impl Assignment {
    fn before(&self, other: &Assignment) -> bool {
        (self.at, &self.arm) < (other.at, &other.arm)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventTime {
    pub kind: String,
    pub at: f64,
}

/// What one campaign did to this visitor: its impressions (most recent first, bounded),
/// its last dismissal, and for holdout visitors the times it would have acted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CampaignLog {
    pub id: String,
    pub variant: String,
    pub shown: Vec<f64>,
    pub shown_total: u32,
    pub dismissed_at: f64,
    pub exposed_at: f64,
    /// Last click on its prompt, here or in another tab (0: never).
    pub clicked_at: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricRow {
    pub campaign: String,
    pub variant: String,
    pub impressions: u32,
    pub clicks: u32,
    pub conversions: u32,
    pub revenue: f64,
}

/// The stored visitor document (read back by `VisitorState::from_json`): camelCase fields,
/// every field written, keys in serde_json's order (the order it was first stored in).
impl WriteJson for CartLine {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .field("addedAt", &self.added_at)
            .field("productId", &self.product_id)
            .field("quantity", &self.quantity)
            .end()
    }
}

impl WriteJson for Viewed {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .field("at", &self.at)
            .field("productId", &self.product_id)
            .end()
    }
}

impl WriteJson for Bought {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .field("at", &self.at)
            .field("orderId", &self.order_id)
            .field("price", &self.price)
            .field("productId", &self.product_id)
            .field("quantity", &self.quantity)
            .end()
    }
}

impl WriteJson for Interest {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .field("at", &self.at)
            .field("key", &self.key)
            .field("weight", &self.weight)
            .end()
    }
}

impl WriteJson for Assignment {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .field("arm", &self.arm)
            .field("at", &self.at)
            .field("campaign", &self.campaign)
            .end()
    }
}

impl WriteJson for EventTime {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .field("at", &self.at)
            .field("type", &self.kind)
            .end()
    }
}

impl WriteJson for CampaignLog {
    fn write_json(&self, out: &mut String) {
        let CampaignLog {
            id,
            variant,
            shown,
            shown_total,
            dismissed_at,
            exposed_at,
            clicked_at,
        } = self;
        fields(out)
            .field("clickedAt", clicked_at)
            .field("dismissedAt", dismissed_at)
            .field("exposedAt", exposed_at)
            .field("id", id)
            .field("shown", shown)
            .field("shownTotal", shown_total)
            .field("variant", variant)
            .end()
    }
}

impl WriteJson for MetricRow {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .field("campaign", &self.campaign)
            .field("clicks", &self.clicks)
            .field("conversions", &self.conversions)
            .field("impressions", &self.impressions)
            .field("revenue", &self.revenue)
            .field("variant", &self.variant)
            .end()
    }
}

impl WriteJson for VisitorState {
    fn write_json(&self, out: &mut String) {
        // Every field named: a field added to the struct and not stored fails to compile.
        let VisitorState {
            cart,
            cart_debt,
            recently_viewed,
            category_interest,
            brand_interest,
            purchases,
            searches,
            page,
            first_seen,
            last_seen,
            session_count,
            session_started,
            last_cart_change,
            last_events,
            visitor_id,
            generation,
            assignments,
            campaigns,
            metrics,
        } = self;
        fields(out)
            .field("assignments", assignments)
            .field("brandInterest", brand_interest)
            .field("campaigns", campaigns)
            .field("cart", cart)
            .field("cartDebt", cart_debt)
            .field("categoryInterest", category_interest)
            .field("firstSeen", first_seen)
            .field("generation", generation)
            .field("lastCartChange", last_cart_change)
            .field("lastEvents", last_events)
            .field("lastSeen", last_seen)
            .field("metrics", metrics)
            .field("page", page)
            .field("purchases", purchases)
            .field("recentlyViewed", recently_viewed)
            .field("searches", searches)
            .field("sessionCount", session_count)
            .field("sessionStarted", session_started)
            .field("visitorId", visitor_id)
            .end()
    }
}

impl VisitorState {
    /// Applies a validated event whose products are in `catalog`.
    /// `personal` false keeps only what the page needs to work (the cart), not history.
    pub fn apply(&mut self, event: &Event, catalog: &Catalog, personal: bool) {
        let at = event.at;
        if self.first_seen == 0.0 {
            self.first_seen = at;
        }
        if self.session_count == 0 || at - self.last_seen > SESSION_GAP_MS {
            self.session_count += 1;
            self.session_started = at;
        }
        self.last_seen = self.last_seen.max(at);
        let kind = event.kind.name();
        match self.last_events.iter_mut().find(|e| e.kind == kind) {
            Some(e) => e.at = e.at.max(at),
            None => self.last_events.push(EventTime {
                kind: kind.to_string(),
                at,
            }),
        }
        match &event.kind {
            EventKind::Page { page, .. } => self.page = Some(page.name().to_string()),
            EventKind::Search { query } if personal => {
                self.page = Some(Page::Search.name().to_string());
                // An empty search box is a visit to the search page, not a query to keep
                // (and the stored state refuses empty queries).
                let query = query.trim();
                if !query.is_empty() {
                    self.searches.retain(|q| q != query);
                    self.searches.insert(0, query.to_string());
                    self.searches.truncate(MAX_SEARCHES);
                }
            }
            EventKind::View { product_id } if personal => {
                self.recently_viewed.insert(
                    0,
                    Viewed {
                        product_id: product_id.clone(),
                        at,
                    },
                );
                self.recently_viewed.truncate(MAX_VIEWS);
                self.note_interest(product_id, catalog, 1.0, at);
            }
            EventKind::AddToCart {
                product_id,
                quantity,
            } => {
                let quantity = self.pay_debt(product_id, *quantity);
                let full = self.cart.len() >= MAX_CART_LINES;
                match self.cart.iter_mut().find(|l| &l.product_id == product_id) {
                    _ if quantity == 0 => {}
                    Some(line) => {
                        line.quantity = line
                            .quantity
                            .saturating_add(quantity)
                            .min(crate::events::MAX_QUANTITY as u32)
                    }
                    None if !full => self.cart.push(CartLine {
                        product_id: product_id.clone(),
                        quantity,
                        added_at: at,
                    }),
                    None => {}
                }
                self.last_cart_change = at;
                if personal {
                    self.note_interest(product_id, catalog, 2.0, at);
                }
            }
            EventKind::RemoveFromCart {
                product_id,
                quantity,
            } => {
                let line = self.cart.iter().position(|l| &l.product_id == product_id);
                let had = line.map_or(0, |pos| self.cart[pos].quantity);
                match (line, quantity) {
                    (Some(pos), Some(q)) if had > *q => self.cart[pos].quantity -= q,
                    (Some(pos), _) => {
                        self.cart.remove(pos);
                    }
                    (None, _) => {}
                }
                // More removed than this tab holds: another tab's add is still on its way.
                if let Some(rest) = quantity.map(|q| q.saturating_sub(had)).filter(|&r| r > 0) {
                    let room = self.cart_debt.len() < MAX_CART_LINES;
                    match self
                        .cart_debt
                        .iter_mut()
                        .find(|d| &d.product_id == product_id)
                    {
                        Some(d) => d.quantity = d.quantity.saturating_add(rest),
                        None if room => self.cart_debt.push(CartLine {
                            product_id: product_id.clone(),
                            quantity: rest,
                            added_at: at,
                        }),
                        None => {}
                    }
                }
                if line.is_some() {
                    self.last_cart_change = at;
                }
            }
            EventKind::Purchase { order_id, items } => {
                for item in items {
                    self.cart.retain(|l| l.product_id != item.product_id);
                    if personal {
                        self.purchases.insert(
                            0,
                            Bought {
                                product_id: item.product_id.clone(),
                                order_id: order_id.clone(),
                                quantity: item.quantity,
                                price: item.price,
                                at,
                            },
                        );
                        self.note_interest(&item.product_id, catalog, 3.0, at);
                    }
                }
                self.purchases.truncate(MAX_PURCHASES);
                self.last_cart_change = at;
            }
            EventKind::Search { .. } | EventKind::View { .. } | EventKind::ExitIntent => {}
        }
    }

    fn note_interest(&mut self, product_id: &str, catalog: &Catalog, amount: f64, at: f64) {
        let Some(ix) = catalog.index(product_id) else {
            return;
        };
        let category = &catalog.category_paths[catalog.category[ix as usize] as usize];
        bump(&mut self.category_interest, category, amount, at);
        if let Some(brand) = catalog.brand_names.get(catalog.brand[ix as usize] as usize) {
            bump(&mut self.brand_interest, brand, amount, at);
        }
    }

    pub fn last_event(&self, kind: &str) -> Option<f64> {
        self.last_events
            .iter()
            .find(|e| e.kind == kind)
            .map(|e| e.at)
    }

    pub fn campaign_log(&mut self, id: &str, variant: &str) -> &mut CampaignLog {
        let pos = match self.campaigns.iter().position(|c| c.id == id) {
            Some(pos) => pos,
            None => {
                if self.campaigns.len() >= MAX_CAMPAIGNS {
                    self.campaigns.remove(0);
                }
                self.campaigns.push(CampaignLog {
                    id: id.to_string(),
                    ..CampaignLog::default()
                });
                self.campaigns.len() - 1
            }
        };
        let log = &mut self.campaigns[pos];
        log.variant = variant.to_string();
        log
    }

    pub fn metric(&mut self, campaign: &str, variant: &str) -> &mut MetricRow {
        let pos = match self
            .metrics
            .iter()
            .position(|m| m.campaign == campaign && m.variant == variant)
        {
            Some(pos) => pos,
            None => {
                if self.metrics.len() >= MAX_CAMPAIGNS * 4 {
                    self.metrics.remove(0);
                }
                self.metrics.push(MetricRow {
                    campaign: campaign.to_string(),
                    variant: variant.to_string(),
                    ..MetricRow::default()
                });
                self.metrics.len() - 1
            }
        };
        &mut self.metrics[pos]
    }

    /// Pays what removals heard early owe out of an add; returns what is left to add.
    fn pay_debt(&mut self, product_id: &str, quantity: u32) -> u32 {
        let Some(pos) = self
            .cart_debt
            .iter()
            .position(|d| d.product_id == product_id)
        else {
            return quantity;
        };
        let paid = self.cart_debt[pos].quantity.min(quantity);
        self.cart_debt[pos].quantity -= paid;
        if self.cart_debt[pos].quantity == 0 {
            self.cart_debt.remove(pos);
        }
        quantity - paid
    }

    pub fn assignment(&self, campaign: &str) -> Option<&Assignment> {
        self.assignments.iter().find(|a| a.campaign == campaign)
    }

    /// Records an arm unless an earlier one is known; true when the state changed.
    pub fn assign(&mut self, a: Assignment) -> bool {
        match self
            .assignments
            .iter_mut()
            .find(|x| x.campaign == a.campaign)
        {
            Some(x) if a.before(x) => *x = a,
            Some(_) => return false,
            None => {
                if self.assignments.len() >= MAX_CAMPAIGNS {
                    self.assignments.remove(0);
                }
                self.assignments.push(a);
            }
        }
        true
    }

    pub fn cart_quantity(&self) -> u32 {
        self.cart.iter().map(|l| l.quantity).sum()
    }

    /// Reads back what `write_json` wrote, checking every field; lists longer than their
    /// bound (written by another build, or tampered with) are cut to it.
    pub fn from_json(v: &Value) -> Result<VisitorState> {
        let o = Obj::new(v, "/visitor", CODE)?;
        let time = |o: &Obj, k: &str| o.num_in(k, 0.0, 1e15);
        let count = |o: &Obj, k: &str| Ok(o.num_in(k, 0.0, u32::MAX as f64)? as u32);
        // Each entry's fields are read (in the document's order of checks) before any is
        // owned: a `?` after a `to_string` would compile a drop of it (wasm size, issue 13).
        // The two lists of each kind are read by one reader into either (one copy of it).
        let interests = |key: &str, into: &mut Vec<Interest>| {
            read_list(&o, key, MAX_INTEREST_KEYS, &mut |i| {
                let (key, weight, at) = (
                    i.str("key")?,
                    i.num_in("weight", 0.0, 1e12)?,
                    time(i, "at")?,
                );
                into.push(Interest {
                    key: key.to_string(),
                    weight,
                    at,
                });
                Ok(())
            })
        };
        let cart_lines = |key: &str, into: &mut Vec<CartLine>| {
            read_list(&o, key, MAX_CART_LINES, &mut |l| {
                let (id, quantity) = (l.str("productId")?, count(l, "quantity")?);
                let added_at = time(l, "addedAt")?;
                into.push(CartLine {
                    product_id: id.to_string(),
                    quantity: quantity.max(1),
                    added_at,
                });
                Ok(())
            })
        };
        let mut searches = o.opt_strs("searches", usize::MAX)?;
        searches.truncate(MAX_SEARCHES);
        // Field by field into one value, not a struct literal: a literal drops every field
        // read so far at each `?`, which compiled ~190 drop calls here (issue 13).
        let mut s = VisitorState::default();
        cart_lines("cart", &mut s.cart)?;
        cart_lines("cartDebt", &mut s.cart_debt)?;
        read_list(&o, "recentlyViewed", MAX_VIEWS, &mut |v| {
            let (id, at) = (v.str("productId")?, time(v, "at")?);
            s.recently_viewed.push(Viewed {
                product_id: id.to_string(),
                at,
            });
            Ok(())
        })?;
        interests("categoryInterest", &mut s.category_interest)?;
        interests("brandInterest", &mut s.brand_interest)?;
        read_list(&o, "purchases", MAX_PURCHASES, &mut |b| {
            let (id, order) = (b.str("productId")?, b.str("orderId")?);
            let (quantity, price) = (count(b, "quantity")?, b.opt_num("price")?);
            let at = time(b, "at")?;
            s.purchases.push(Bought {
                product_id: id.to_string(),
                order_id: order.to_string(),
                quantity,
                price,
                at,
            });
            Ok(())
        })?;
        s.searches = searches.into_iter().map(String::from).collect();
        s.page = o.opt_str("page")?.map(String::from);
        s.first_seen = time(&o, "firstSeen")?;
        s.last_seen = time(&o, "lastSeen")?;
        s.session_count = count(&o, "sessionCount")?;
        s.session_started = time(&o, "sessionStarted")?;
        s.last_cart_change = time(&o, "lastCartChange")?;
        read_list(&o, "lastEvents", 16, &mut |e| {
            let (kind, at) = (e.str("type")?, time(e, "at")?);
            s.last_events.push(EventTime {
                kind: kind.to_string(),
                at,
            });
            Ok(())
        })?;
        // Documents written before the one visitor id called it `localId`.
        s.visitor_id = o
            .opt_str("visitorId")?
            .or(o.opt_str("localId")?)
            .unwrap_or_default()
            .to_string();
        // Documents written before generations have none: the first.
        s.generation = o
            .opt_num_in("generation", 0.0, u32::MAX as f64)?
            .unwrap_or(0.0) as u32;
        read_list(&o, "assignments", MAX_CAMPAIGNS, &mut |a| {
            let (campaign, arm, at) = (a.str("campaign")?, a.str("arm")?, time(a, "at")?);
            s.assignments.push(Assignment {
                campaign: campaign.to_string(),
                arm: arm.to_string(),
                at,
            });
            Ok(())
        })?;
        read_list(&o, "campaigns", MAX_CAMPAIGNS, &mut |c| {
            let mut shown = Vec::new();
            let times = c.opt_arr("shown", usize::MAX)?.unwrap_or_default();
            for (i, t) in times.iter().take(MAX_SHOWN).enumerate() {
                match t.as_f64().filter(|t| t.is_finite() && *t >= 0.0) {
                    Some(t) => shown.push(t),
                    None => {
                        let at = join(&c.at("shown"), i);
                        return Err(crate::error::Error::at(CODE, at, "expected a time"));
                    }
                }
            }
            let (id, variant) = (c.str("id")?, c.str("variant")?);
            let shown_total = count(c, "shownTotal")?;
            let (dismissed_at, exposed_at) = (time(c, "dismissedAt")?, time(c, "exposedAt")?);
            // Absent in documents stored before clicks were timed.
            let clicked_at = c.opt_num_in("clickedAt", 0.0, 1e15)?.unwrap_or(0.0);
            s.campaigns.push(CampaignLog {
                id: id.to_string(),
                variant: variant.to_string(),
                shown,
                shown_total,
                dismissed_at,
                exposed_at,
                clicked_at,
            });
            Ok(())
        })?;
        read_list(&o, "metrics", MAX_CAMPAIGNS * 4, &mut |m| {
            let (campaign, variant) = (m.str("campaign")?, m.str("variant")?);
            let (impressions, clicks) = (count(m, "impressions")?, count(m, "clicks")?);
            let (conversions, revenue) =
                (count(m, "conversions")?, m.num_in("revenue", 0.0, 1e15)?);
            s.metrics.push(MetricRow {
                campaign: campaign.to_string(),
                variant: variant.to_string(),
                impressions,
                clicks,
                conversions,
                revenue,
            });
            Ok(())
        })?;
        // Every field named: one added to the type fails to compile until it is read here.
        let VisitorState {
            cart: _,
            cart_debt: _,
            recently_viewed: _,
            category_interest: _,
            brand_interest: _,
            purchases: _,
            searches: _,
            page: _,
            first_seen: _,
            last_seen: _,
            session_count: _,
            session_started: _,
            last_cart_change: _,
            last_events: _,
            visitor_id: _,
            generation: _,
            assignments: _,
            campaigns: _,
            metrics: _,
        } = &s;
        Ok(s)
    }
}

/// Reads each object of the array `key`, at most `max` of them, with `f`.
fn read_list<'a>(
    o: &Obj<'a>,
    key: &str,
    max: usize,
    f: &mut dyn FnMut(&Obj<'a>) -> Result<()>,
) -> Result<()> {
    let items = o.opt_arr(key, usize::MAX)?.unwrap_or_default();
    o.each(key, &items[..items.len().min(max)], f)
}

fn bump(list: &mut Vec<Interest>, key: &str, amount: f64, at: f64) {
    match list.iter_mut().find(|i| i.key == key) {
        Some(i) => {
            i.weight = i.weight_at(at) + amount;
            i.at = at;
        }
        None => {
            if list.len() >= MAX_INTEREST_KEYS {
                // Forget the weakest interest to stay bounded.
                if let Some(weakest) = (0..list.len())
                    .min_by(|&a, &b| list[a].weight_at(at).total_cmp(&list[b].weight_at(at)))
                {
                    list.swap_remove(weakest);
                }
            }
            list.push(Interest {
                key: key.to_string(),
                weight: amount,
                at,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn catalog() -> Catalog {
        Catalog::from_json(&json!({"products": [
            {"id": "a", "title": "A", "category": "shoes/running", "brand": "N", "price": 1},
            {"id": "b", "title": "B", "category": "books", "price": 1},
        ]}))
        .unwrap()
    }

    fn ev(v: crate::value::Value) -> Event {
        Event::from_json(&v, 0.0).unwrap()
    }

    #[test]
    fn cart_adds_merges_and_removes() {
        let c = catalog();
        let mut s = VisitorState::default();
        s.apply(
            &ev(json!({"type": "add_to_cart", "productId": "a", "at": 1})),
            &c,
            true,
        );
        s.apply(
            &ev(json!({"type": "add_to_cart", "productId": "a", "quantity": 2, "at": 2})),
            &c,
            true,
        );
        s.apply(
            &ev(json!({"type": "add_to_cart", "productId": "b", "at": 3})),
            &c,
            true,
        );
        assert_eq!(s.cart_quantity(), 4);
        s.apply(
            &ev(json!({"type": "remove_from_cart", "productId": "a", "quantity": 1, "at": 4})),
            &c,
            true,
        );
        assert_eq!(s.cart[0].quantity, 2);
        s.apply(
            &ev(json!({"type": "remove_from_cart", "productId": "a", "at": 5})),
            &c,
            true,
        );
        assert_eq!(s.cart.len(), 1);
        s.apply(
            &ev(
                json!({"type": "purchase", "orderId": "o", "items": [{"productId": "b"}], "at": 6}),
            ),
            &c,
            true,
        );
        assert!(s.cart.is_empty());
        assert_eq!(s.purchases[0].product_id, "b");
    }

    #[test]
    fn interest_decays_by_half_each_day() {
        let c = catalog();
        let mut s = VisitorState::default();
        s.apply(
            &ev(json!({"type": "view", "productId": "a", "at": 0})),
            &c,
            true,
        );
        let i = &s.category_interest[0];
        assert_eq!(i.key, "shoes/running");
        assert!((i.weight_at(INTEREST_HALF_LIFE_MS) - 0.5).abs() < 1e-9);
        assert_eq!(s.brand_interest[0].key, "N");
    }

    /// The table-free 2^-t: within 1 ulp of the C library's `exp2` over ages from a
    /// millisecond to past the smallest double, exact at whole half-lives.
    #[test]
    fn decay_is_within_an_ulp_of_exp2() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for i in 0..200_000u64 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let ms = match i % 2 {
                0 => (seed % (400 * 86_400_000)) as f64,
                _ => (seed >> 11) as f64 / (1u64 << 53) as f64 * 1100.0 * INTEREST_HALF_LIFE_MS,
            };
            let exact = (-ms / INTEREST_HALF_LIFE_MS).exp2();
            let ulps = decay(ms).to_bits().abs_diff(exact.to_bits());
            assert!(ulps <= 1, "{ms} ms: {} vs {exact}", decay(ms));
        }
        for n in 0..1075 {
            assert_eq!(
                decay(n as f64 * INTEREST_HALF_LIFE_MS),
                (-n as f64).exp2(),
                "{n}"
            );
        }
        assert_eq!(decay(-5.0), 1.0);
        assert_eq!(decay(1075.5 * INTEREST_HALF_LIFE_MS), 0.0);
    }

    #[test]
    fn without_consent_keeps_the_cart_but_no_history() {
        let c = catalog();
        let mut s = VisitorState::default();
        s.apply(&ev(json!({"type": "view", "productId": "a"})), &c, false);
        s.apply(
            &ev(json!({"type": "add_to_cart", "productId": "a"})),
            &c,
            false,
        );
        assert!(s.recently_viewed.is_empty() && s.category_interest.is_empty());
        assert_eq!(s.cart.len(), 1);
    }

    #[test]
    fn stored_form_reads_back_and_damage_names_its_path() {
        let c = catalog();
        let mut s = VisitorState::default();
        s.apply(
            &ev(json!({"type": "view", "productId": "a", "at": 3})),
            &c,
            true,
        );
        s.apply(
            &ev(json!({"type": "add_to_cart", "productId": "b", "at": 4})),
            &c,
            true,
        );
        s.apply(&ev(json!({"type": "purchase", "orderId": "o", "items": [{"productId": "a", "price": 2.5}], "at": 5})), &c, true);
        s.apply(
            &ev(json!({"type": "search", "query": "kedi maması", "at": 6})),
            &c,
            true,
        );
        assert_eq!(
            VisitorState::from_json(&crate::jsontext::read(&crate::jsontext::to_text(&s)).unwrap())
                .unwrap(),
            s
        );
        let mut doc = crate::jsontext::read(&crate::jsontext::to_text(&s)).unwrap();
        doc["cart"][0]["quantity"] = json!("two");
        assert_eq!(
            VisitorState::from_json(&doc).unwrap_err().path.as_deref(),
            Some("/visitor/cart/0/quantity")
        );
    }

    #[test]
    fn sessions_split_on_a_long_gap() {
        let c = catalog();
        let mut s = VisitorState::default();
        for at in [1.0, 1000.0, 1000.0 + SESSION_GAP_MS + 1.0] {
            s.apply(
                &ev(json!({"type": "page", "page": "home", "at": at})),
                &c,
                true,
            );
        }
        assert_eq!(s.session_count, 2);
    }
}
