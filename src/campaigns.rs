//! Campaign decisions: the visitor context conditions read, deterministic variant
//! bucketing, whether each campaign is due (trigger, schedule, condition, caps), and
//! `explain`, which reports every check that stops one. Plain Rust; the rules arrive
//! compiled (`rules::Rules`), the visitor as `VisitorState` + `Profile`.

use crate::catalog::Catalog;
use crate::json;
use crate::logic::dates::{calendar, day_number, DAY_MS};
use crate::logic::Fields;
use crate::prelude::*;
use crate::profile::Profile;
use crate::reasons::Blocked;
use crate::rules::vocabulary::CONTEXT as NAMES;
use crate::rules::{Campaign, Caps, Rules, Trigger};
use crate::value::{Map, Value};
use crate::visitor::{CampaignLog, VisitorState};

/// Exit intent counts for this long after the page reported it.
const EXIT_INTENT_MS: f64 = 60_000.0;

/// Everything a campaign decision reads.
pub struct Visitor<'a> {
    pub catalog: &'a Catalog,
    pub state: &'a VisitorState,
    pub profile: Option<&'a Profile>,
    pub now: f64,
    pub lang: &'a str,
    pub utc_offset_ms: f64,
}

/// The visitor context of the rules reference ("Context") for one decision: each value made
/// the first time a condition reads it (`field`), read by index by conditions compiled
/// against `vocabulary::CONTEXT` (`Logic::index`). `fill` is `|i| field(visitor, i)`.
pub fn fields<'a>(fill: &'a dyn Fn(usize) -> Value) -> Fields<'a> {
    Fields::new(&NAMES, fill)
}

/// The whole context as one object (slot conditions read it under `visitor`).
pub fn context(v: &Visitor) -> Value {
    let fill = |i| field(v, i);
    fields(&fill).into_value()
}

/// The index of `name` in `NAMES`, found while compiling (a name it lacks does not build).
const fn index_of(name: &str) -> usize {
    let mut i = 0;
    while !same(NAMES[i].as_bytes(), name.as_bytes()) {
        i += 1;
    }
    i
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() && a[i] == b[i] {
        i += 1;
    }
    i == a.len()
}

/// Consts holding names' indexes in `NAMES`, for `field` to match on: one integer
/// compare per arm, not a string compare per name on every fill.
macro_rules! at {
    ($($id:ident = $name:literal,)*) => {
        $(const $id: usize = index_of($name);)*
    };
}

/// The context's value `NAMES[i]` for the visitor now.
pub fn field(v: &Visitor, i: usize) -> Value {
    let (c, s) = (v.catalog, v.state);
    let days = |t: f64| ((v.now - t) / DAY_MS * 100.0).round() / 100.0;
    // Cheap to compute whole; one copy of each in the code.
    let (year, month, day, hour, weekday) = calendar(v.now, v.utc_offset_ms);
    let profile_purchases = v.profile.map_or(&[][..], |p| &p.purchases);
    let session_views = || {
        s.recently_viewed
            .iter()
            .filter(|x| x.at >= s.session_started)
    };
    let mut units = PerCategory {
        c,
        sums: Vec::new(),
    };
    at! {
        NOW = "now",
        YEAR = "year",
        MONTH = "month",
        DAY = "day",
        HOUR = "hour",
        WEEKDAY = "weekday",
        LOCALE = "locale",
        PAGE = "page",
        CART_COUNT = "cart.count",
        CART_LINES = "cart.lines",
        CART_VALUE = "cart.value",
        CART_PRODUCT_IDS = "cart.productIds",
        CART_CATEGORIES = "cart.categories",
        CART_MINUTES_SINCE_CHANGE = "cart.minutesSinceChange",
        VIEWS_SESSION = "views.session",
        VIEWS_BY_CATEGORY = "views.byCategory",
        VIEWS_RECENT = "views.recent",
        SESSION_COUNT = "session.count",
        SESSION_MINUTES = "session.minutes",
        PURCHASES_COUNT = "purchases.count",
        PURCHASES_DAYS_SINCE_LAST = "purchases.daysSinceLast",
        PURCHASES_CATEGORIES = "purchases.categories",
        DAYS_SINCE_FIRST_VISIT = "daysSinceFirstVisit",
        SEARCHES = "searches",
        PROFILE_NAME = "profile.name",
        PROFILE_SEGMENTS = "profile.segments",
        PROFILE_CATEGORY_AFFINITY = "profile.categoryAffinity",
        PROFILE_BRAND_AFFINITY = "profile.brandAffinity",
        VARIANT = "variant",
    }
    match i {
        NOW => json!(v.now),
        YEAR => json!(year),
        MONTH => json!(month),
        DAY => json!(day),
        HOUR => json!(hour),
        WEEKDAY => json!(weekday),
        LOCALE => json!(v.lang),
        PAGE => json!(s.page),
        CART_COUNT => json!(s.cart_quantity()),
        CART_LINES => json!(s.cart.len()),
        CART_VALUE => {
            let mut value = 0.0;
            for l in &s.cart {
                if let Some(ix) = c.index(&l.product_id) {
                    value += c.prices[ix as usize] as f64 * l.quantity as f64;
                }
            }
            json!((value * 100.0).round() / 100.0)
        }
        CART_PRODUCT_IDS => {
            // Loops, not `map(..).collect()` into a list for `json!`: no adapter copies.
            let mut ids = Vec::new();
            for l in &s.cart {
                ids.push(json!(l.product_id));
            }
            Value::Array(ids)
        }
        CART_CATEGORIES => {
            // Loops feeding `PerCategory`, not adapters behind a `dyn Iterator`.
            for l in &s.cart {
                units.add(&l.product_id, l.quantity as f64);
            }
            units.json()
        }
        CART_MINUTES_SINCE_CHANGE => match s.cart.is_empty() {
            true => Value::Null,
            false => json!(((v.now - s.last_cart_change) / 60_000.0).floor()),
        },
        VIEWS_SESSION => json!(session_views().count()),
        VIEWS_BY_CATEGORY => {
            for x in &s.recently_viewed {
                if x.at >= s.session_started {
                    units.add(&x.product_id, 1.0);
                }
            }
            units.json()
        }
        VIEWS_RECENT => {
            let mut ids = Vec::new();
            for x in &s.recently_viewed[..s.recently_viewed.len().min(10)] {
                ids.push(json!(x.product_id));
            }
            Value::Array(ids)
        }
        SESSION_COUNT => json!(s.session_count),
        SESSION_MINUTES => json!(if s.session_count == 0 {
            0.0
        } else {
            ((v.now - s.session_started) / 60_000.0).floor()
        }),
        PURCHASES_COUNT => json!(s.purchases.len() + profile_purchases.len()),
        PURCHASES_DAYS_SINCE_LAST => {
            // Loops, not `chain(..).fold(..)`: the adapter compiled its own copy.
            let mut last: Option<f64> = None;
            let mut see = |t: f64| last = Some(last.map_or(t, |m| m.max(t)));
            for b in &s.purchases {
                see(b.at);
            }
            for b in profile_purchases {
                see(b.at);
            }
            last.map_or(Value::Null, |t| json!(days(t)))
        }
        PURCHASES_CATEGORIES => {
            for b in &s.purchases {
                units.add(&b.product_id, 1.0);
            }
            for b in profile_purchases {
                units.add(&b.product_id, 1.0);
            }
            units.json()
        }
        DAYS_SINCE_FIRST_VISIT => match s.first_seen > 0.0 {
            true => json!(days(s.first_seen)),
            false => Value::Null,
        },
        SEARCHES => texts(&s.searches),
        PROFILE_NAME => match v.profile.and_then(|p| p.name.as_ref()) {
            Some(name) => json!(name),
            None => Value::Null,
        },
        PROFILE_SEGMENTS => texts(v.profile.map_or(&[], |p| &p.segments)),
        PROFILE_CATEGORY_AFFINITY => weights(v.profile.map_or(&[], |p| &p.category_affinity)),
        PROFILE_BRAND_AFFINITY => weights(v.profile.map_or(&[], |p| &p.brand_affinity)),
        VARIANT => Value::Null,
        _ => unreachable!(),
    }
}

/// The strings as a JSON array, by a loop: `json!` on a slice compiled a generic writer
/// for these two lists alone.
fn texts(list: &[String]) -> Value {
    let mut out = Vec::new();
    for x in list {
        out.push(Value::String(x.clone()));
    }
    Value::Array(out)
}

/// `{name: weight}`, inserted one by one: `collect()` into a map compiles a stable sort.
fn weights(list: &[(String, f32)]) -> Value {
    let mut map = Map::new();
    for (k, w) in list {
        map.insert(k.clone(), json!(w));
    }
    Value::Object(map)
}

/// Units per category path and every ancestor, over the catalog's products `add`ed:
/// summed per category node first, so each path is copied into the map once.
struct PerCategory<'c> {
    c: &'c Catalog,
    sums: Vec<(u32, f64)>,
}

impl PerCategory<'_> {
    fn add(&mut self, id: &str, n: f64) {
        let c = self.c;
        let Some(ix) = c.index(id) else { return };
        for node in c.ancestors(c.category[ix as usize]) {
            match self.sums.iter_mut().find(|(k, _)| *k == node) {
                Some((_, sum)) => *sum += n,
                None => self.sums.push((node, n)),
            }
        }
    }

    fn json(&mut self) -> Value {
        let mut map = Map::new();
        for &(node, sum) in &self.sums {
            map.insert(self.c.category_paths[node as usize].clone(), json!(sum));
        }
        Value::Object(map)
    }
}

/// FNV-1a over `visitor \0 campaign`, mapped to [0, 100): stable across reloads, tabs and
/// builds, and independent between campaigns.
pub fn bucket(visitor: &str, campaign: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [visitor.as_bytes(), &[0], campaign.as_bytes()] {
        for &b in part {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    // FNV's low bits mix poorly for short keys; fold the high half in.
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 32;
    (h >> 11) as f64 / (1u64 << 53) as f64 * 100.0
}

/// The visitor's arm: `"holdout"`, a variant id, or `"default"` without variants.
pub fn arm<'a>(c: &'a Campaign, visitor: &str) -> &'a str {
    let b = bucket(visitor, &c.id);
    if b < c.holdout {
        return "holdout";
    }
    // A loop from -0.0, as `Iterator::sum` starts: no adapter copy, the same bits.
    let mut total = -0.0;
    for v in &c.variants {
        total += v.weight;
    }
    if total <= 0.0 {
        return "default";
    }
    let mut x = (b - c.holdout) / (100.0 - c.holdout) * total;
    for v in &c.variants {
        if x < v.weight {
            return &v.id;
        }
        x -= v.weight;
    }
    c.variants
        .last()
        .map(|v| v.id.as_str())
        .unwrap_or("default")
}

/// One reason a campaign does not act, at a JSON Pointer into the rules: a stable code
/// with at most one number (a cap's limit, the minutes a quiet time has left).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub path: String,
    pub code: Blocked,
    pub param: Option<(&'static str, u64)>,
}

/// `{ path, code, params, reason }`: `reason` is the English text, `params` what the texts
/// of other languages (`vitrin/editor`'s `explainText`) write in.
impl crate::jsontext::WriteJson for Block {
    fn write_json(&self, out: &mut String) {
        let mut o = crate::jsontext::fields(out);
        o.field("code", &self.code.name());
        o.field(
            "params",
            &crate::jsontext::With(|out: &mut String| {
                let mut params = crate::jsontext::fields(out);
                if let Some((name, n)) = self.param {
                    params.field(name, &n);
                }
                params.end()
            }),
        );
        o.field("path", &self.path)
            .field("reason", &self.code.reason(self.param.map(|p| p.1)))
            .end()
    }
}

pub fn block(path: impl Into<String>, code: Blocked) -> Block {
    Block {
        path: path.into(),
        code,
        param: None,
    }
}

fn block_with(path: impl Into<String>, code: Blocked, name: &'static str, n: u64) -> Block {
    Block {
        param: Some((name, n)),
        ..block(path, code)
    }
}

/// Whole minutes until `end` (at least 1 while it has not come).
fn minutes_left(end: f64, now: f64) -> u64 {
    ((end - now) / 60_000.0).ceil().max(1.0) as u64
}

/// Checks schedule, trigger and condition (not caps, not the holdout): whether the
/// campaign applies to the visitor now. Empty means it does.
pub fn applies(c: &Campaign, v: &Visitor, ctx: &Fields, all: bool) -> Vec<Block> {
    let mut out = Vec::new();
    if c.from.is_some_and(|from| v.now < from) {
        out.push(block(
            crate::cat!(c.path, "/schedule/from"),
            Blocked::NotStarted,
        ));
    }
    if c.to.is_some_and(|to| v.now >= to) {
        out.push(block(crate::cat!(c.path, "/schedule/to"), Blocked::Ended));
    }
    if !all && !out.is_empty() {
        return out;
    }
    if let Some(why) = trigger_blocks(&c.trigger, v) {
        out.push(Block {
            path: crate::cat!(c.path, "/trigger"),
            ..why
        });
        if !all {
            return out;
        }
    }
    if let Some(when) = &c.when {
        if !when.logic.matches_fields(ctx) {
            // A loop, not `filter(..).map(..).collect()`: the adapter compiled its own copy.
            let before = out.len();
            for p in &c.when_parts {
                if !p.logic.matches_fields(ctx) {
                    out.push(block(p.path.clone(), Blocked::ConditionFalse));
                }
            }
            if out.len() == before {
                out.push(block(when.path.clone(), Blocked::ConditionFalse));
            }
        }
    }
    out
}

/// Why the trigger does not hold now, if it does not (the path is the caller's).
fn trigger_blocks(t: &Trigger, v: &Visitor) -> Option<Block> {
    let s = v.state;
    // Each arm answers whether the trigger holds and the code of its block when it does
    // not: one match, not a second one for the code.
    let (ok, code) = match t {
        // Never false: its code is never read.
        Trigger::Always => (true, Blocked::NotReturning),
        Trigger::Event { event, within_ms } => (
            s.last_event(event)
                .is_some_and(|at| v.now - at <= *within_ms && v.now >= at),
            Blocked::NoRecentEvent,
        ),
        Trigger::CartIdle { idle_ms } => (
            !s.cart.is_empty() && v.now - s.last_seen >= *idle_ms,
            Blocked::CartNotIdle,
        ),
        Trigger::ExitIntent => (
            !s.cart.is_empty()
                && s.last_event("exit_intent")
                    .is_some_and(|at| v.now - at <= EXIT_INTENT_MS),
            Blocked::NoExitIntent,
        ),
        Trigger::Page { page } => (s.page.as_deref() == Some(page.as_str()), Blocked::OtherPage),
        Trigger::BrowseAbandon { views, category } => {
            // Views count per leaf category, or, when the trigger names a category, over its
            // whole subtree (`fashion/shoes` counts running and casual shoes together).
            let added = s
                .last_event("add_to_cart")
                .is_some_and(|at| at >= s.session_started);
            let mut counts: Vec<(u32, u32)> = Vec::new();
            let wanted = category
                .as_deref()
                .and_then(|p| v.catalog.category_index(p));
            for x in s
                .recently_viewed
                .iter()
                .filter(|x| x.at >= s.session_started)
            {
                let Some(ix) = v.catalog.index(&x.product_id) else {
                    continue;
                };
                let leaf = v.catalog.category[ix as usize];
                let key = match (category, wanted) {
                    (None, _) => leaf,
                    (Some(_), Some(w)) if v.catalog.in_category(leaf, w) => w,
                    _ => continue,
                };
                match counts.iter_mut().find(|(c, _)| *c == key) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((key, 1)),
                }
            }
            if !added && counts.iter().any(|(_, n)| n >= views) {
                return None;
            }
            return Some(block_with("", Blocked::TooFewViews, "views", *views as u64));
        }
        Trigger::ReplenishmentDue { within_days } => (
            v.profile.is_some_and(|p| {
                p.cycles
                    .iter()
                    .any(|cy| cy.due_within(&v.state.purchases, v.now, *within_days))
            }),
            Blocked::NoReplenishmentDue,
        ),
        Trigger::SeasonalHabit => {
            let (_, month, ..) = calendar(v.now, v.utc_offset_ms);
            // `iter().any`, not `contains`: on bytes that calls `memchr`, which nothing else
            // in the wasm needs.
            (
                v.profile.is_some_and(|p| {
                    p.habits
                        .iter()
                        .any(|h| h.months.iter().any(|&m| m == month as u8))
                }),
                Blocked::NoSeasonalHabit,
            )
        }
        Trigger::PostPurchase { .. } => (
            ends_at(t, None, v).is_some_and(|end| v.now < end),
            Blocked::NoRecentPurchase,
        ),
        Trigger::Returning => (
            s.session_count > 1 && (!s.cart.is_empty() || !s.recently_viewed.is_empty()),
            Blocked::NotReturning,
        ),
    };
    (!ok).then(|| block("", code))
}

/// When a campaign's offer ends for this visitor: its schedule's `to`, or for a
/// `post_purchase` trigger the newest qualifying purchase plus `withinDays`, whichever is
/// sooner. Templates show it as `{{endsAt}}`; the prompt is withdrawn then.
pub fn ends_at(t: &Trigger, to: Option<f64>, v: &Visitor) -> Option<f64> {
    let window = match t {
        Trigger::PostPurchase {
            category,
            within_ms,
        } => {
            let node = v.catalog.category_index(category)?;
            let fits = |id: &str| {
                v.catalog
                    .index(id)
                    .is_some_and(|ix| v.catalog.in_category(v.catalog.category[ix as usize], node))
            };
            let profile = v.profile.map_or(&[][..], |p| &p.purchases);
            let mut newest = f64::NAN;
            let mut see = |at: f64, id: &str| {
                if at <= v.now && fits(id) {
                    newest = newest.max(at);
                }
            };
            for b in &v.state.purchases {
                see(b.at, &b.product_id);
            }
            for b in profile {
                see(b.at, &b.product_id);
            }
            // No qualifying purchase: the window is already over.
            Some(if newest.is_nan() {
                f64::NEG_INFINITY
            } else {
                newest + within_ms
            })
        }
        _ => None,
    };
    match (window, to) {
        (Some(w), Some(t)) => Some(w.min(t)),
        (w, t) => w.or(t),
    }
}

/// Whether a prompt already on screen is still true: schedule, trigger and condition hold
/// again now. Exit intent is a moment, so its prompt stays while the cart holds items and
/// the visitor has done nothing since.
pub fn still_due(c: &Campaign, v: &Visitor, ctx: &Fields) -> bool {
    let blocks = applies(c, v, ctx, true);
    let trigger = crate::cat!(c.path, "/trigger");
    match c.trigger {
        Trigger::ExitIntent => {
            let s = v.state;
            let lingering = !s.cart.is_empty()
                && s.last_event("exit_intent")
                    .is_some_and(|at| at >= s.last_seen);
            blocks.iter().all(|b| b.path == trigger && lingering)
        }
        _ => blocks.is_empty(),
    }
}

/// What a prompt is about, when other campaigns' prompts can be about the same thing: a
/// prompt about the cart (idle cart, exit intent, or showing the cart's products).
fn subject(c: &Campaign) -> Option<&'static str> {
    let cart = crate::names::ProductSource::Cart;
    let cart_prompt = c.prompt.as_ref().is_some_and(|p| p.products == cart)
        || c.variants
            .iter()
            .any(|x| x.prompt.as_ref().is_some_and(|p| p.products == cart));
    (matches!(c.trigger, Trigger::CartIdle { .. } | Trigger::ExitIntent) || cart_prompt)
        .then_some("cart")
}

/// The blocks of one scope of caps (the campaign's or the global ones): its counts, then
/// its quiet times (one blocks while `now - since < gap`; `since` -∞: nothing to be quiet
/// after). One function for both scopes, not a copy of each block.
fn scope_blocks(
    out: &mut Vec<Block>,
    now: f64,
    caps: &Caps,
    base: &str,
    counts: [usize; 3],
    since: [f64; 2],
    quiet: &[(&str, Blocked); 2],
) {
    const LIMITS: [(&str, Blocked); 3] = [
        ("perSession", Blocked::PerSession),
        ("perDay", Blocked::PerDay),
        ("lifetime", Blocked::Lifetime),
    ];
    for (i, (key, code)) in LIMITS.into_iter().enumerate() {
        if let Some(n) = caps.limits[i].filter(|&n| counts[i] >= n as usize) {
            out.push(block_with(crate::cat!(base, key), code, "limit", n as u64));
        }
    }
    for (i, &(key, code)) in quiet.iter().enumerate() {
        let gap = caps.quiet_ms[i];
        if now - since[i] < gap {
            out.push(block_with(
                crate::cat!(base, key),
                code,
                "minutes",
                minutes_left(since[i] + gap, now),
            ));
        }
    }
}

/// Caps that stop a prompt now: the campaign's own, then the global ones.
pub fn cap_blocks(c: &Campaign, rules: &Rules, s: &VisitorState, now: f64) -> Vec<Block> {
    let mut out = Vec::new();
    let day = |t: f64| day_number(t, rules.utc_offset_ms);
    let log = s.campaigns.iter().find(|l| l.id == c.id);
    let shown: &[f64] = log.map(|l| l.shown.as_slice()).unwrap_or_default();
    // Shown times this session and today: one loop for both lists, not a `filter(..).count()`
    // copy per list and test.
    let counts = |list: &[f64], total: u32| {
        let (mut session, mut daily) = (0, 0);
        for &t in list {
            session += usize::from(t >= s.session_started);
            daily += usize::from(day(t) == day(now));
        }
        [session, daily, total as usize]
    };
    let dismissed = |l: &CampaignLog| {
        if l.dismissed_at > 0.0 {
            l.dismissed_at
        } else {
            f64::NEG_INFINITY
        }
    };
    scope_blocks(
        &mut out,
        now,
        &c.caps,
        &crate::cat!(c.path, "/caps/"),
        counts(shown, log.map_or(0, |l| l.shown_total)),
        [
            shown.first().copied().unwrap_or(f64::NEG_INFINITY),
            log.map_or(f64::NEG_INFINITY, dismissed),
        ],
        &[
            ("cooldownMinutes", Blocked::CoolingDown),
            ("dismissCooldownMinutes", Blocked::Dismissed),
        ],
    );
    let mut all: Vec<f64> = Vec::new();
    for l in &s.campaigns {
        all.extend_from_slice(&l.shown);
    }
    scope_blocks(
        &mut out,
        now,
        &rules.caps,
        "/caps/",
        counts(&all, 0),
        [
            all.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            s.campaigns
                .iter()
                .map(dismissed)
                .fold(f64::NEG_INFINITY, f64::max),
        ],
        &[
            ("minGapMinutes", Blocked::QuietAfterPrompt),
            ("quietAfterDismissMinutes", Blocked::QuietAfterDismiss),
        ],
    );
    if let Some(about) = subject(c) {
        let mut quiet_until = f64::NEG_INFINITY;
        for l in &s.campaigns {
            if l.id == c.id || !(l.dismissed_at > 0.0) {
                continue;
            }
            let Some(other) = rules.campaign(&l.id) else {
                continue;
            };
            let quiet = other.caps.quiet_ms[1].max(c.caps.quiet_ms[1]);
            if subject(other) == Some(about) {
                quiet_until = quiet_until.max(l.dismissed_at + quiet);
            }
        }
        if now < quiet_until {
            out.push(block_with(
                crate::cat!(c.path, "/prompt/products"),
                Blocked::SameSubjectDismissed,
                "minutes",
                minutes_left(quiet_until, now),
            ));
        }
    }
    out
}

/// When the caps and quiet times that block campaign `c` now run out (for the prompt timer).
pub fn quiet_ends(c: &Campaign, rules: &Rules, s: &VisitorState) -> Vec<f64> {
    let mut out = Vec::new();
    if let Some(log) = s.campaigns.iter().find(|l| l.id == c.id) {
        out.extend(log.shown.first().map(|t| t + c.caps.quiet_ms[0]));
        out.push(log.dismissed_at + c.caps.quiet_ms[1]);
    }
    for l in s.campaigns.iter().filter(|l| l.dismissed_at > 0.0) {
        out.push(l.dismissed_at + rules.caps.quiet_ms[1]);
        out.extend(
            rules
                .campaign(&l.id)
                .map(|o| l.dismissed_at + o.caps.quiet_ms[1].max(c.caps.quiet_ms[1])),
        );
    }
    for l in &s.campaigns {
        if let Some(t) = l.shown.first() {
            out.push(t + rules.caps.quiet_ms[0]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_split_visitors_within_one_percent_of_the_weights() {
        let mut counts = [0u32; 4];
        for i in 0..100_000 {
            let b = bucket(&format!("visitor-{i}"), "spring-sale");
            assert!((0.0..100.0).contains(&b));
            counts[(b / 25.0) as usize] += 1;
        }
        for c in counts {
            assert!((c as f64 - 25_000.0).abs() < 1_000.0, "{counts:?}");
        }
        assert_eq!(bucket("v1", "c"), bucket("v1", "c"));
        assert_ne!(bucket("v1", "c"), bucket("v1", "d"));
    }
}
