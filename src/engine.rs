//! The engine facade: owns the catalog, profile, visitor state and scorer, and answers
//! the calls of API.md with plain Rust values. Knows nothing of JavaScript or storage
//! APIs: the platform layer saves what `snapshot` returns and feeds back `restore`.

use crate::assistant::{self, Prompt};
use crate::campaigns::{self, Visitor};
use crate::catalog::{Catalog, Packed};
use crate::error::{Error, Result};
use crate::events::{Event, EventKind};
use crate::json;
use crate::json::Obj;
use crate::jsontext::{fields, list, With, WriteJson};
use crate::names::ProductSource;
use crate::prelude::*;
use crate::profile::Profile;
pub use crate::reasons::Reason;
use crate::reasons::{Blocked, Lang, Why};
use crate::rules::Rules;
use crate::scoring::{Scorer, Signals, Strategy, MAX_LIMIT};
use crate::value::Value;
use crate::visitor::{Assignment, VisitorState};

/// Version of the stored visitor document; older or newer ones are reset, not guessed at.
pub const STORAGE_VERSION: u32 = 1;
/// Largest stored document accepted back.
pub const MAX_STORED_BYTES: usize = 512 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    pub personalization: bool,
    pub messaging: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub product_id: String,
    pub score: f32,
    pub slot: String,
    pub reason: Reason,
    pub campaign_id: Option<String>,
    pub variant: Option<String>,
}

/// API.md's `Recommendation` (camelCase; `campaignId` and `variant` only when set).
impl WriteJson for Recommendation {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .opt("campaignId", &self.campaign_id)
            .field("productId", &self.product_id)
            .field("reason", &self.reason)
            .field("score", &self.score)
            .field("slot", &self.slot)
            .opt("variant", &self.variant)
            .end()
    }
}

pub struct Engine {
    catalog: Catalog,
    profile: Option<Profile>,
    state: VisitorState,
    consent: Consent,
    lang: Lang,
    currency: String,
    rules: Rules,
    scorer: Scorer,
    /// Set when a read (`prompts`, `recommend`) recorded something worth storing.
    recorded: bool,
    /// Arms recorded since the last `take_assigned`, for the other tabs.
    assigned: Vec<Assignment>,
    /// The store's own id for the visitor (option `visitorId`, a logged-in customer): it
    /// wins over a stored one and survives `forget()`.
    given_id: Option<String>,
    /// The prompt this page shows, for `withdrawal`.
    on_screen: Option<OnScreen>,
}

/// A prompt on this page's screen: its id, who it was for, and when it was shown.
struct OnScreen {
    id: String,
    visitor: String,
    at: f64,
}

/// Why a prompt on screen is withdrawn (the `reason` of the `withdraw` event).
pub const WITHDRAW_REASONS: &[&str] = &[
    "no_longer_due",
    "offer_ended",
    "visitor_changed",
    "consent_withdrawn",
    "acted_elsewhere",
    "rules_changed",
];

/// The products a prompt shows: catalog indices with the reason each was picked.
type Picked = Vec<(u32, Option<Reason>)>;

fn consent_from(v: Option<Obj>, base: Consent) -> Result<Consent> {
    let Some(o) = v else { return Ok(base) };
    Ok(Consent {
        personalization: o
            .opt_bool("personalization")?
            .unwrap_or(base.personalization),
        messaging: o.opt_bool("messaging")?.unwrap_or(base.messaging),
    })
}

impl Engine {
    /// `options` is API.md's Options without its functions (`now`) and platform parts
    /// (`storage`, `storageKey`, `sync`), which the platform layer reads.
    pub fn new(options: &Value) -> Result<Engine> {
        Engine::with_packed(options, None)
    }

    /// `new`, with the catalog's embeddings passed beside the JSON (see `catalog::Packed`).
    pub fn with_packed(options: &Value, packed: Option<Packed>) -> Result<Engine> {
        let o = Obj::new(options, "", "invalid_options")?;
        let catalog = Catalog::from_json_packed(
            o.get("catalog")
                .ok_or_else(|| o.err("catalog", "is required"))?,
            packed,
        )
        .map_err(|e| nest(e, "/catalog"))?;
        Engine::with_catalog(options, catalog)
    }

    /// `new` with the binary catalog (`catalog::binary`) instead of `options.catalog`.
    pub fn with_binary(options: &Value, catalog: &[u8]) -> Result<Engine> {
        let catalog = Catalog::from_bytes(catalog).map_err(|e| nest(e, "/catalog"))?;
        Engine::with_catalog(options, catalog)
    }

    /// `new` with the catalog already read; `options.catalog` is not read.
    pub fn with_catalog(options: &Value, catalog: Catalog) -> Result<Engine> {
        let o = Obj::new(options, "", "invalid_options")?;
        let profile = o
            .get("profile")
            .map(Profile::from_json)
            .transpose()
            .map_err(|e| nest(e, "/profile"))?;
        let rules = match o.get("rules") {
            Some(r) => crate::rules::compile(r).map_err(|e| nest(e, "/rules"))?,
            None => Rules::default(),
        };
        let all = Consent {
            personalization: true,
            messaging: true,
        };
        // The rest is read in one step, borrowed, before anything of it is owned: a fault
        // then compiles one early return that drops the catalog, profile and rules, not
        // one per option read (wasm size, issue 13).
        let options = || -> Result<_> {
            // `visitorId`: the store's id for the visitor; `localId`: one minted by the
            // page, used when nothing is stored.
            let given = o.opt_str("visitorId")?.filter(|id| !id.is_empty());
            let local = o.opt_str("localId")?;
            let consent = consent_from(o.opt_obj("consent")?, all)?;
            let locale = o.opt_str("locale")?.unwrap_or("en");
            Ok((given, local, consent, locale, o.opt_str("currency")?))
        };
        let (given, local, consent, locale, currency) = options()?;
        let given_id = given.map(String::from);
        Ok(Engine {
            catalog,
            profile,
            rules,
            state: fresh(
                given.or(local).unwrap_or_default().to_string(),
                0,
                Vec::new(),
            ),
            consent,
            lang: Lang::from_locale(locale),
            currency: currency.unwrap_or("TRY").to_string(),
            scorer: Scorer::new(),
            recorded: false,
            assigned: Vec::new(),
            given_id,
            on_screen: None,
        })
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn consent(&self) -> Consent {
        self.consent
    }

    /// Validates and applies an event; returns it in canonical form for other tabs.
    pub fn track(&mut self, event: &Value, now: f64) -> Result<Event> {
        let mut event = Event::from_json(event, now)?;
        if let Some((id, path)) = event.unknown_product(&|id| self.catalog.index(id).is_some()) {
            return Err(Error::at(
                "unknown_product",
                path,
                crate::cat!("no product \"", id, "\" in the catalog"),
            ));
        }
        // Other tabs remove what was removed here, not "the whole line" of theirs, which
        // may hold an add this tab has not heard of yet: so the tabs' carts converge.
        if let EventKind::RemoveFromCart {
            product_id,
            quantity,
        } = &mut event.kind
        {
            let line = self
                .state
                .cart
                .iter()
                .find(|l| &l.product_id == product_id)
                .map_or(0, |l| l.quantity);
            *quantity = Some(quantity.map_or(line, |q| q.min(line)));
        }
        self.apply(&event);
        Ok(event)
    }

    /// Applies a valid event, attributing a purchase to the campaigns the visitor saw.
    fn apply(&mut self, event: &Event) {
        self.state
            .apply(event, &self.catalog, self.consent.personalization);
        let EventKind::Purchase { items, .. } = &event.kind else {
            return;
        };
        let revenue: f64 = items
            .iter()
            .map(|i| {
                i.price.unwrap_or_else(|| {
                    self.catalog
                        .index(&i.product_id)
                        .map_or(0.0, |ix| self.catalog.prices[ix as usize] as f64)
                }) * i.quantity as f64
            })
            .sum();
        for c in &self.rules.campaigns {
            let Some(log) = self.state.campaigns.iter().find(|l| l.id == c.id) else {
                continue;
            };
            let seen = log
                .shown
                .first()
                .copied()
                .unwrap_or(0.0)
                .max(log.exposed_at);
            if seen > 0.0 && event.at >= seen && event.at - seen <= c.attribution_ms {
                let variant = log.variant.clone();
                let m = self.state.metric(&c.id, &variant);
                m.conversions += 1;
                m.revenue = ((m.revenue + revenue) * 100.0).round() / 100.0;
            }
        }
    }

    pub fn recommend(
        &mut self,
        slot: &str,
        product_id: Option<&str>,
        limit: Option<u32>,
        now: f64,
    ) -> Result<Vec<Recommendation>> {
        self.recommend_with(slot, product_id, limit, now, true)
    }

    /// `recommend`; `variety` false leaves out the storefront's default diversity (a
    /// prompt's few products are about one thing: the shirts of a January habit).
    fn recommend_with(
        &mut self,
        slot: &str,
        product_id: Option<&str>,
        limit: Option<u32>,
        now: f64,
        variety: bool,
    ) -> Result<Vec<Recommendation>> {
        self.set_clock(now);
        // The scorer's buffers are lent out while the rules stay borrowed (an error return
        // leaves fresh buffers behind, nothing else).
        let mut scorer = core::mem::replace(&mut self.scorer, Scorer::new());
        let rule_slot = self.rules.slot(slot);
        let strategy = Strategy::from_name(rule_slot.map_or(slot, |s| s.strategy.as_str()))
            .ok_or_else(|| {
                let names = crate::error::listed(
                    Strategy::NAMES
                        .iter()
                        .copied()
                        .chain(self.rules.slots.iter().map(|s| s.name.as_str())),
                );
                Error::at(
                    "unknown_slot",
                    "/slot",
                    crate::cat!("unknown slot \"", slot, "\"; slots are ", names),
                )
            })?;
        let limit = limit.or(rule_slot.and_then(|s| s.limit)).unwrap_or(10) as usize;
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::at(
                "invalid_argument",
                "/limit",
                crate::cat!("limit must be between 1 and ", MAX_LIMIT),
            ));
        }
        let product = match product_id {
            Some(id) => Some(self.catalog.index(id).ok_or_else(|| {
                Error::at(
                    "unknown_product",
                    "/productId",
                    crate::cat!("no product \"", id, "\" in the catalog"),
                )
            })?),
            None if strategy == Strategy::Similar => {
                return Err(Error::at(
                    "invalid_argument",
                    "/productId",
                    "the similar slot needs a productId",
                ))
            }
            None => None,
        };
        let signals = Signals {
            catalog: &self.catalog,
            state: &self.state,
            profile: self
                .profile
                .as_ref()
                .filter(|_| self.consent.personalization),
            now,
            personal: self.consent.personalization,
            lang: self.lang,
        };
        // The visitor context is built at most once, and only when a condition will read it.
        let campaign_tweaks = self.consent.personalization
            && self
                .rules
                .campaigns
                .iter()
                .any(|c| !c.slots.is_empty() || c.variants.iter().any(|v| v.slots.is_some()));
        let slot_conditions =
            rule_slot.is_some_and(|s| !s.tweak.filters.is_empty() || !s.tweak.boosts.is_empty());
        let v = self.visitor(now);
        let fill = |i| campaigns::field(&v, i);
        let ctx = (campaign_tweaks || slot_conditions).then(|| campaigns::fields(&fill));
        let tweaks = self.active_tweaks(slot, now, ctx.as_ref());
        let variety = crate::slots::Diversity::of(
            rule_slot,
            strategy,
            limit,
            variety,
            &self.state,
            &self.catalog,
        );
        let diversity = variety.is_some();
        let tuned = diversity || !tweaks.is_empty();
        // Exclusions, visitor conditions and diversity re-rank a wider pool of the
        // strategy's best; product-only conditions apply to the whole catalog first.
        let reranked = tweaks
            .iter()
            .any(|(t, _)| !t.filters.is_empty() || !t.boosts.is_empty() || !t.exclude.is_empty());
        let narrowing = diversity
            || reranked
            || (strategy == Strategy::Replenish && tweaks.iter().any(|(t, _)| t.has_conditions()));
        let pool = if narrowing {
            (limit * 4).clamp(40, MAX_LIMIT)
        } else {
            limit
        };
        let mut exposed: Vec<Assignment> = Vec::new();
        for (_, by) in &tweaks {
            if let Some((campaign, arm)) = by {
                exposed.push(Assignment {
                    campaign: campaign.to_string(),
                    arm: arm.to_string(),
                    at: now,
                });
            }
        }
        crate::slots::prefilter(&mut scorer.prefilter, &self.catalog, &tweaks);
        // The pool already holds the slot's share of each category where others exist, so
        // the share holds even when the strategy's best are all one category. Visitor
        // conditions and exclusions re-rank the pool afterwards: there the share only
        // reorders the pool (a capped one could lose the picks they lift).
        if let Some(d) = variety.as_ref().filter(|_| !reranked) {
            scorer.per_category = d.pool_cap();
            scorer.uncounted.extend_from_slice(d.moved_last());
        }
        let mut cands = scorer.recommend(&signals, strategy, product, pool);
        if tuned {
            // The context moves into the conditions' data: no copy of it per call.
            let mut data = crate::value::Map::new();
            data.insert("product".into(), Value::Null);
            data.insert(
                "visitor".into(),
                ctx.map_or(Value::Null, crate::logic::Fields::into_value),
            );
            crate::slots::tune(
                &mut cands,
                &self.catalog,
                variety.as_ref(),
                &tweaks,
                &mut Value::Object(data),
                product,
            );
        }
        cands.truncate(limit);
        // Only the picks returned get their strings. A loop rather than `map(..).collect()`:
        // the adapters compiled to more wasm.
        let mut recs = Vec::with_capacity(cands.len());
        for pick in cands {
            // The campaign and variant whose tweak touched the pick last.
            let by = tweaks.get(pick.by as usize).and_then(|t| t.1);
            recs.push(Recommendation {
                product_id: self.catalog.id(pick.ix).to_string(),
                score: pick.score,
                slot: slot.to_string(),
                reason: Reason {
                    code: pick.why.code(),
                    text: pick.text(&self.catalog, self.lang, self.rules.utc_offset_ms),
                },
                campaign_id: by.map(|w| w.0.to_string()),
                variant: by.map(|w| w.1.to_string()),
            });
        }
        self.scorer = scorer;
        for a in exposed {
            self.expose(a);
        }
        Ok(recs)
    }

    /// The slot tweaks in force for `slot`: the slot's own, then those of every campaign
    /// acting for this visitor now (outside the holdout), with who asked for them.
    fn active_tweaks(
        &self,
        slot: &str,
        now: f64,
        ctx: Option<&crate::logic::Fields>,
    ) -> Vec<crate::slots::Active<'_>> {
        let mut out: Vec<crate::slots::Active> = Vec::new();
        if let Some(s) = self.rules.slot(slot) {
            out.push((&s.tweak, None));
        }
        if !self.consent.personalization {
            return out;
        }
        let Some(ctx) = ctx else { return out };
        let v = self.visitor(now);
        for c in &self.rules.campaigns {
            let arm = self.arm(c);
            if arm == "holdout" {
                continue;
            }
            let variant_slots = c
                .variants
                .iter()
                .find(|x| x.id == arm)
                .and_then(|x| x.slots.as_ref());
            let Some(tweak) = variant_slots
                .unwrap_or(&c.slots)
                .iter()
                .find(|(name, _)| name == slot)
                .map(|(_, t)| t)
            else {
                continue;
            };
            if campaigns::applies(c, &v, ctx, false).is_empty() {
                out.push((tweak, Some((&c.id, arm))));
            }
        }
        out
    }

    /// The visitor's arm of a campaign: the one recorded at the first exposure while the
    /// campaign still has it, else the visitor id's bucket.
    fn arm<'a>(&'a self, c: &'a crate::rules::Campaign) -> &'a str {
        let known = |arm: &str| {
            arm == "holdout"
                || (arm == "default" && c.variants.is_empty())
                || c.variants.iter().any(|v| v.id == arm)
        };
        match self.state.assignment(&c.id) {
            Some(a) if known(&a.arm) => &a.arm,
            _ => campaigns::arm(c, &self.state.visitor_id),
        }
    }

    /// Records that the visitor met a campaign's arm (a prompt, a holdout moment, a slot
    /// tweak), making the arm sticky. The callers make the `Assignment` (with the strings
    /// they own already), not a list of their own to make it from (wasm size).
    fn expose(&mut self, a: Assignment) {
        if self
            .state
            .assignment(&a.campaign)
            .is_some_and(|x| x.arm == a.arm)
        {
            return;
        }
        // A recorded arm the rules no longer have is replaced by the one now in force.
        self.state.assignments.retain(|x| x.campaign != a.campaign);
        if self.state.assign(a.clone()) {
            self.assigned.push(a);
            self.recorded = true;
        }
    }

    /// Arms another tab recorded; true when this tab's state changed.
    pub fn apply_assignment(&mut self, a: Assignment) -> bool {
        self.state.assign(a)
    }

    /// Arms recorded here since the last call, for the other tabs.
    pub fn take_assigned(&mut self) -> Vec<Assignment> {
        core::mem::take(&mut self.assigned)
    }

    pub fn visitor_id(&self) -> &str {
        &self.state.visitor_id
    }

    /// The store's currency (option `currency`), for `Prompt::text` on a host.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// How many times the visitor was forgotten in this browser (`VisitorState::generation`).
    pub fn generation(&self) -> u32 {
        self.state.generation
    }

    /// The store names the visitor (login, or a server-issued id). Arms already recorded
    /// stay; campaigns the visitor has not met yet bucket the new id.
    pub fn identify(&mut self, id: &str) -> bool {
        if self.state.visitor_id == id {
            return false;
        }
        self.state.visitor_id = id.to_string();
        true
    }

    /// Another tab's visitor id: two tabs that minted ids at once settle on the smaller.
    pub fn adopt_visitor_id(&mut self, id: &str) -> bool {
        if id.is_empty()
            || self.given_id.is_some()
            || (!self.state.visitor_id.is_empty() && self.state.visitor_id.as_str() <= id)
        {
            return false;
        }
        let before = self.who();
        self.state.visitor_id = id.to_string();
        // The same visitor under the id the tabs settled on: a prompt on screen stays.
        let after = self.who();
        if let Some(on) = self.on_screen.as_mut().filter(|on| on.visitor == before) {
            on.visitor = after;
        }
        true
    }

    /// Not inlined: it is built in a dozen places (wasm size).
    #[inline(never)]
    fn visitor(&self, now: f64) -> Visitor<'_> {
        Visitor {
            catalog: &self.catalog,
            state: &self.state,
            profile: self
                .profile
                .as_ref()
                .filter(|_| self.consent.personalization),
            now,
            lang: self.lang.code(),
            utc_offset_ms: self.rules.utc_offset_ms,
        }
    }

    /// A rules document checked against this engine's store (`rules::store`): structural
    /// errors first (as `validateRules`), else the catalog and route checks.
    pub fn check_rules(&self, doc: &Value, routes: &[String]) -> crate::rules::Findings {
        let errors = crate::rules::problems(doc);
        if !errors.is_empty() {
            return crate::rules::Findings {
                errors,
                warnings: Vec::new(),
            };
        }
        crate::rules::store::check(doc, &self.catalog, routes)
    }

    /// The context rule conditions read (documented in the rules reference).
    /// The time conditions' date operators (`now`, `today`, …) read, in the store's zone.
    fn set_clock(&self, now: f64) {
        crate::logic::set_clock(crate::logic::Clock {
            now,
            utc_offset_ms: self.rules.utc_offset_ms,
        });
    }

    pub fn visitor_context(&self, now: f64) -> Value {
        campaigns::context(&self.visitor(now))
    }

    /// Campaigns due now, caps applied: the top-priority prompt (at most one, so the
    /// visitor is never spoken to twice at once). For a visitor in a campaign's holdout the
    /// campaign is skipped (a lower-priority one may speak), and the moment it would have
    /// spoken is recorded for the uplift comparison.
    pub fn prompts(&mut self, now: f64) -> Vec<Prompt> {
        self.set_clock(now);
        if !self.consent.messaging {
            return Vec::new();
        }
        let ctx_visitor = self.visitor(now);
        let fill = |i| campaigns::field(&ctx_visitor, i);
        let ctx = campaigns::fields(&fill);
        let mut holdouts: Vec<usize> = Vec::new();
        let mut chosen = None;
        for &i in &self.rules.by_priority {
            let c = &self.rules.campaigns[i];
            let v = self.visitor(now);
            let arm = self.arm(c);
            let spec = prompt_spec(c, arm);
            if spec.is_none() && arm != "holdout" {
                continue;
            }
            if !campaigns::applies(c, &v, &ctx, false).is_empty()
                || !campaigns::cap_blocks(c, &self.rules, &self.state, now).is_empty()
            {
                continue;
            }
            match spec {
                Some(spec) if arm != "holdout" => {
                    // A prompt promising complements says nothing when there are none.
                    let picked = match spec.products {
                        ProductSource::Complements | ProductSource::CrossSell => {
                            let picked = self.complements(self.products_category(c, spec), 3, now);
                            if picked.is_empty() {
                                continue;
                            }
                            Some(picked)
                        }
                        _ => None,
                    };
                    chosen = Some((i, arm.to_string(), spec.products, picked));
                    break;
                }
                _ => holdouts.push(i),
            }
        }
        if let Some((i, arm, ..)) = &chosen {
            self.expose(Assignment {
                campaign: self.rules.campaigns[*i].id.clone(),
                arm: arm.clone(),
                at: now,
            });
        }
        let prompt = chosen.and_then(|(i, arm, source, picked)| {
            let picked = picked.unwrap_or_else(|| self.prompt_products(source, now));
            let c = &self.rules.campaigns[i];
            let v = self.visitor(now);
            let ends_at = campaigns::ends_at(&c.trigger, c.to, &v);
            let reason = self.prompt_reason(c, source, &picked, now);
            let fill = self.fill(picked, ends_at);
            prompt_spec(c, &arm).map(|spec| {
                assistant::build(
                    c,
                    &arm,
                    spec,
                    self.lang.code(),
                    fill,
                    reason,
                    self.rules.utc_offset_ms,
                )
            })
        });
        for i in holdouts {
            let id = self.rules.campaigns[i].id.clone();
            self.expose(Assignment {
                campaign: id.clone(),
                arm: "holdout".into(),
                at: now,
            });
            let session_started = self.state.session_started;
            let log = self.state.campaign_log(&id, "holdout");
            if log.exposed_at < session_started {
                log.exposed_at = now;
                self.state.metric(&id, "holdout").impressions += 1;
                self.recorded = true;
            }
        }
        prompt.into_iter().collect()
    }

    /// The profile's replenishment cycles (none without a profile): a slice, not a
    /// `flat_map` over the option, whose adapters compiled to more wasm.
    fn cycles(&self) -> &[crate::profile::Cycle] {
        self.profile.as_ref().map_or(&[], |p| &p.cycles)
    }

    /// The next moment after `now` at which a prompt may become due by the clock alone
    /// (an idle threshold, a schedule start, a cycle coming due, a cool-down ending), so
    /// the page sets one timer, or none when nothing can become due.
    pub fn next_check(&self, now: f64) -> Option<f64> {
        if !self.consent.messaging {
            return None;
        }
        let s = &self.state;
        let mut times: Vec<f64> = Vec::new();
        for c in self
            .rules
            .campaigns
            .iter()
            .filter(|c| c.prompt.is_some() || c.variants.iter().any(|v| v.prompt.is_some()))
        {
            times.extend(c.from);
            match &c.trigger {
                crate::rules::Trigger::CartIdle { idle_ms } if !s.cart.is_empty() => {
                    times.push(s.last_seen + idle_ms)
                }
                crate::rules::Trigger::ReplenishmentDue { within_days } => {
                    for cy in self.cycles() {
                        times.push(cy.due_from(&s.purchases, *within_days));
                    }
                }
                _ => {}
            }
            times.extend(campaigns::quiet_ends(c, &self.rules, s));
            // When an offer or a window ends, the prompt about it is withdrawn.
            times.extend(campaigns::ends_at(&c.trigger, c.to, &self.visitor(now)));
            match &c.trigger {
                crate::rules::Trigger::ReplenishmentDue { .. } => {
                    for cy in self.cycles() {
                        times.push(cy.due_until(&s.purchases));
                    }
                }
                crate::rules::Trigger::Event { event, within_ms } => {
                    times.extend(s.last_event(event).map(|at| at + within_ms))
                }
                _ => {}
            }
        }
        times
            .into_iter()
            .filter(|&t| t > now)
            .min_by(f64::total_cmp)
    }

    fn fill(&self, picked: Picked, ends_at: Option<f64>) -> assistant::Fill<'_> {
        let c = &self.catalog;
        let products = picked
            .into_iter()
            .map(|(ix, reason)| {
                let i = ix as usize;
                // The catalog refused any url or image outside the URL rule (`url`).
                assistant::PromptProduct {
                    id: c.id(ix).to_string(),
                    title: c.title(ix).to_string(),
                    price: c.prices[i],
                    brand: c.brand_names.get(c.brand[i] as usize).cloned(),
                    category: c.category_name(ix, self.lang.code()),
                    url: c.url(ix).map(String::from),
                    image: c.image(ix).map(String::from),
                    reason,
                }
            })
            .collect::<Vec<_>>();
        // -0.0, the start of `Iterator::sum` this replaced: an empty cart's value keeps its bits.
        let mut value = -0.0;
        for l in &self.state.cart {
            if let Some(ix) = c.index(&l.product_id) {
                value += c.prices[ix as usize] as f64 * l.quantity as f64;
            }
        }
        // For a replenishment, the cycle of the first product offered.
        let days = self.profile.as_ref().and_then(|p| {
            products
                .first()
                .and_then(|first| p.cycles.iter().find(|cy| cy.product_id == first.id))
                .map(|cy| cy.every_days)
        });
        assistant::Fill {
            name: self
                .profile
                .as_ref()
                .filter(|_| self.consent.personalization)
                .and_then(|p| p.name.as_deref()),
            cart: (
                self.state.cart_quantity(),
                self.state.cart.len(),
                (value * 100.0).round() / 100.0,
            ),
            products,
            days,
            ends_at,
        }
    }

    /// The category node a campaign's prompt products must fall in: the prompt's
    /// `productsCategory`, else the category a `browse_abandon` trigger watches.
    fn products_category(
        &self,
        c: &crate::rules::Campaign,
        spec: &crate::rules::PromptSpec,
    ) -> Option<u32> {
        let path = spec.products_category.as_deref().or(match &c.trigger {
            crate::rules::Trigger::BrowseAbandon { category, .. } => category.as_deref(),
            _ => None,
        })?;
        // A category the catalog does not have matches nothing (not everything).
        Some(self.catalog.category_index(path).unwrap_or(u32::MAX))
    }

    /// Complements of the visitor's purchases, newest purchase first: what goes with
    /// (`goesWith`) or is bought with (`boughtWith`) each, taken in turns so every purchase
    /// contributes; in stock, in `category` (a node, subtree included), not in the cart,
    /// and not bought before unless a profile cycle makes it replenishable. Each pick's
    /// reason names the purchase and its date.
    fn complements(&self, category: Option<u32>, limit: usize, now: f64) -> Picked {
        let c = &self.catalog;
        let profile = self
            .profile
            .as_ref()
            .filter(|_| self.consent.personalization);
        // Each product bought once, at its newest purchase, newest first (ties: the one
        // whose newest purchase came first).
        let mut bought = Vec::new();
        crate::scoring::purchased(c, &self.state.purchases, profile, now, &mut bought);
        crate::order::sort_by_key(&mut bought, |b| (-b.1, b.2));
        let eligible = |j: u32| {
            let i = j as usize;
            c.in_stock[i]
                && category
                    .is_none_or(|node| node != u32::MAX && c.in_category(c.category[i], node))
                && !self.state.cart.iter().any(|l| l.product_id == c.id(j))
                && (!bought.iter().any(|b| b.0 == j)
                    || crate::scoring::replenishable(c, profile, j))
        };
        let relations = [
            (crate::catalog::Relation::GoesWith, Why::GoesWithPurchase),
            (
                crate::catalog::Relation::BoughtWith,
                Why::BoughtWithPurchase,
            ),
        ];
        let mut out: Picked = Vec::new();
        for rank in 0.. {
            let mut more = false;
            for &(seed, at, _) in &bought {
                for (rel, why) in relations {
                    let Some(&j) = c.related(seed, rel).get(rank) else {
                        continue;
                    };
                    more = true;
                    if out.len() < limit && eligible(j) && !out.iter().any(|(x, _)| *x == j) {
                        let date =
                            crate::reasons::day_month(at, self.rules.utc_offset_ms, self.lang);
                        out.push((
                            j,
                            Some(Reason {
                                code: why.code(),
                                text: why.text_bought(self.lang, c.title(seed), &date),
                            }),
                        ));
                    }
                }
            }
            if !more || out.len() == limit {
                break;
            }
        }
        out
    }

    fn prompt_products(&mut self, source: ProductSource, now: f64) -> Picked {
        let slot = match source {
            ProductSource::Cart => {
                // Loops, not `filter_map(..).collect()` (more wasm), here and below.
                let mut out = Vec::new();
                for l in &self.state.cart {
                    if let Some(ix) = self.catalog.index(&l.product_id) {
                        out.push((ix, None));
                    }
                }
                return out;
            }
            ProductSource::RecentlyViewed => "recently_viewed",
            ProductSource::Replenish => "replenish",
            ProductSource::ForYou | ProductSource::Habit => "for_you",
            ProductSource::None | ProductSource::Complements | ProductSource::CrossSell => {
                return Vec::new()
            }
        };
        let recs = self
            .recommend_with(slot, None, Some(3), now, false)
            .unwrap_or_default();
        let mut out = Vec::new();
        for r in recs {
            if let Some(ix) = self.catalog.index(&r.product_id) {
                out.push((ix, Some(r.reason)));
            }
        }
        out
    }

    /// What really drove a prompt, in the visitor's language: the first product's own
    /// reason where the products carry the story (complements, replenishment), else what
    /// the trigger saw.
    fn prompt_reason(
        &self,
        c: &crate::rules::Campaign,
        source: ProductSource,
        picked: &Picked,
        now: f64,
    ) -> Reason {
        use crate::rules::Trigger;
        if matches!(
            source,
            ProductSource::Complements | ProductSource::CrossSell | ProductSource::Replenish
        ) {
            if let Some((_, Some(r))) = picked.first() {
                return r.clone();
            }
        }
        if let Trigger::SeasonalHabit = c.trigger {
            let (_, month, ..) = crate::logic::dates::calendar(now, self.rules.utc_offset_ms);
            let habits = self.profile.as_ref().map_or(&[][..], |p| &p.habits);
            // Not `contains` (see `campaigns::applies`).
            let habit = (habits.iter()).find(|h| h.months.iter().any(|&m| m == month as u8));
            if let Some(node) = habit.and_then(|h| self.catalog.category_index(&h.category)) {
                let name = self.catalog.category_node_name(node, self.lang.code());
                return Reason {
                    code: "seasonal",
                    text: crate::reasons::seasonal_text(self.lang, &name, month as u32),
                };
            }
        }
        assistant::reason(c, self.lang.code())
    }

    /// Who a prompt on screen is for: the visitor id and the profile's (a persona switch or
    /// `forget()` changes one of them).
    fn who(&self) -> String {
        crate::cat!(
            self.state.visitor_id,
            "|",
            self.profile.as_ref().map_or("", |p| p.visitor_id.as_str())
        )
    }

    /// `prompt_action` for this page's own prompt: `shown` puts it on screen (watched by
    /// `withdrawal`), `dismiss` and `clicked` take it down. Other tabs' actions go through
    /// `prompt_action` alone.
    pub fn page_prompt_action(&mut self, action: &str, prompt_id: &str, now: f64) -> Result<()> {
        self.prompt_action(action, prompt_id, now)?;
        self.on_screen = if action == "shown" {
            let visitor = self.who();
            Some(OnScreen {
                id: prompt_id.to_string(),
                visitor,
                at: now,
            })
        } else {
            self.on_screen.take().filter(|o| o.id != prompt_id)
        };
        Ok(())
    }

    /// The prompt on screen when it stopped being true, with why (one of
    /// `WITHDRAW_REASONS`); it is then no longer watched. The page asks after anything
    /// that can change what is due: an event here or in another tab, new rules, profile
    /// or consent, `forget`, and the clock (`next_check` includes when offers end).
    pub fn withdrawal(&mut self, now: f64) -> Option<(String, &'static str)> {
        let on = self.on_screen.as_ref()?;
        self.set_clock(now);
        let campaign =
            crate::jsontext::rsplit_once(&on.id, b':').map_or(on.id.as_str(), |(c, _)| c);
        let v = self.visitor(now);
        let reason = if !self.consent.messaging {
            "consent_withdrawn"
        } else if self.who() != on.visitor {
            "visitor_changed"
        } else {
            match self.rules.campaign(campaign) {
                None => "rules_changed",
                Some(c) => {
                    let log = self.state.campaigns.iter().find(|l| l.id == c.id);
                    if log.is_some_and(|l| l.dismissed_at >= on.at || l.clicked_at >= on.at) {
                        "acted_elsewhere"
                    } else if campaigns::ends_at(&c.trigger, c.to, &v).is_some_and(|end| now >= end)
                    {
                        "offer_ended"
                    } else if !campaigns::still_due(
                        c,
                        &v,
                        &campaigns::fields(&|i| campaigns::field(&v, i)),
                    ) {
                        "no_longer_due"
                    } else {
                        return None;
                    }
                }
            }
        };
        self.on_screen.take().map(|o| (o.id, reason))
    }

    /// Whether `prompts()` recorded a holdout exposure since the last call.
    pub fn take_recorded(&mut self) -> bool {
        core::mem::take(&mut self.recorded)
    }

    /// Records that a prompt was shown, dismissed or clicked (`action`), here or in another tab.
    pub fn prompt_action(&mut self, action: &str, prompt_id: &str, now: f64) -> Result<()> {
        let unknown = || {
            Error::at(
                "unknown_prompt",
                "",
                crate::cat!("no prompt \"", prompt_id, "\" in the current rules"),
            )
        };
        let (campaign, arm) = crate::jsontext::rsplit_once(prompt_id, b':').ok_or_else(unknown)?;
        let c = self.rules.campaign(campaign).ok_or_else(unknown)?;
        if arm != "default" && !c.variants.iter().any(|v| v.id == arm) {
            return Err(unknown());
        }
        let id = c.id.clone();
        match action {
            "shown" => {
                let log = self.state.campaign_log(&id, arm);
                // Newest first whatever order the tabs' actions arrive in.
                let at = log.shown.partition_point(|&t| t > now);
                log.shown.insert(at, now);
                log.shown.truncate(crate::visitor::MAX_SHOWN);
                log.shown_total += 1;
                self.state.metric(&id, arm).impressions += 1;
            }
            "dismiss" => {
                let log = self.state.campaign_log(&id, arm);
                log.dismissed_at = log.dismissed_at.max(now);
            }
            "clicked" => {
                self.state.campaign_log(&id, arm).clicked_at = now;
                self.state.metric(&id, arm).clicks += 1;
            }
            _ => {
                return Err(Error::at(
                    "invalid_argument",
                    "",
                    crate::cat!("unknown prompt action \"", action, "\""),
                ))
            }
        }
        Ok(())
    }

    /// API.md `metrics()`: campaign → variant → counts.
    pub fn metrics(&self) -> Value {
        let mut out = crate::value::Map::new();
        for m in &self.state.metrics {
            let campaign = out.entry(m.campaign.clone()).or_insert_with(|| json!({}));
            // Not `campaign[&m.variant] = …`: IndexMut would bring a panic path for nothing.
            if let Value::Object(variants) = campaign {
                variants.insert(m.variant.clone(), json!({"impressions": m.impressions, "clicks": m.clicks, "conversions": m.conversions, "revenue": m.revenue}));
            }
        }
        Value::Object(out)
    }

    /// API.md `explain(campaignId)`: would the campaign act for this visitor now, and if
    /// not, every schedule, trigger, condition, cap or holdout check that stops it.
    pub fn explain(&self, campaign_id: &str, now: f64) -> Result<String> {
        self.set_clock(now);
        let c = self.rules.campaign(campaign_id).ok_or_else(|| {
            Error::at(
                "unknown_campaign",
                "",
                crate::cat!("no campaign \"", campaign_id, "\" in the rules"),
            )
        })?;
        let v = self.visitor(now);
        let fill = |i| campaigns::field(&v, i);
        let mut because = campaigns::applies(c, &v, &campaigns::fields(&fill), true);
        because.extend(campaigns::cap_blocks(c, &self.rules, &self.state, now));
        let arm = self.arm(c);
        if arm == "holdout" {
            because.push(campaigns::block(
                crate::cat!(c.path, "/holdout"),
                Blocked::Holdout,
            ));
        }
        if c.prompt.is_some() && !self.consent.messaging {
            because.push(campaigns::block("", Blocked::NoMessagingConsent));
        }
        // A complements prompt with nothing to show stays quiet (as `prompts` decides).
        if let Some(spec) = prompt_spec(c, arm).filter(|_| because.is_empty()) {
            if matches!(
                spec.products,
                ProductSource::Complements | ProductSource::CrossSell
            ) && self
                .complements(self.products_category(c, spec), 3, now)
                .is_empty()
            {
                let at = match c
                    .variants
                    .iter()
                    .position(|x| x.id == arm && x.prompt.is_some())
                {
                    Some(k) => crate::cat!(c.path, "/variants/", k, "/prompt/products"),
                    None => crate::cat!(c.path, "/prompt/products"),
                };
                because.push(campaigns::block(at, Blocked::NoProducts));
            }
        }
        let mut out = String::new();
        fields(&mut out)
            .field("acts", &because.is_empty())
            .field("because", &because)
            .field("variant", &arm)
            .end();
        Ok(out)
    }

    /// Evaluates a campaign's compiled condition `iterations` times against the visitor
    /// context built once, as `prompts()` does; answers how many evaluations matched. The
    /// benchmark times this to compare the engine's rule evaluation with JS evaluators
    /// (the `bench` build only: no page calls it).
    #[cfg(feature = "bench")]
    pub fn bench_condition(&self, campaign_id: &str, iterations: u32, now: f64) -> Result<u32> {
        self.set_clock(now);
        let c = self.rules.campaign(campaign_id).ok_or_else(|| {
            Error::at(
                "unknown_campaign",
                "",
                crate::cat!("no campaign \"", campaign_id, "\" in the rules"),
            )
        })?;
        let when = c.when.as_ref().ok_or_else(|| {
            Error::at(
                "invalid_argument",
                "",
                crate::cat!("campaign \"", campaign_id, "\" has no condition"),
            )
        })?;
        let v = self.visitor(now);
        let fill = |i| campaigns::field(&v, i);
        let ctx = campaigns::fields(&fill);
        Ok((0..iterations)
            .map(|_| u32::from(when.logic.matches_fields(core::hint::black_box(&ctx))))
            .sum())
    }

    /// API.md `state()`: what vitrin holds about the visitor, for the page to show.
    pub fn state(&self) -> String {
        let s = &self.state;
        let mut viewed: Vec<&str> = Vec::new();
        for v in &s.recently_viewed {
            if !viewed.contains(&v.product_id.as_str()) {
                viewed.push(&v.product_id);
            }
        }
        let mut out = String::new();
        fields(&mut out)
            .field(
                "cart",
                &With(|out: &mut String| {
                    list(out, &s.cart, |out, l| {
                        fields(out)
                            .field("productId", &l.product_id)
                            .field("quantity", &l.quantity)
                            .end()
                    })
                }),
            )
            .field(
                "consent",
                &With(|out: &mut String| {
                    fields(out)
                        .field("messaging", &self.consent.messaging)
                        .field("personalization", &self.consent.personalization)
                        .end()
                }),
            )
            .field("page", &s.page)
            .field(
                "purchases",
                &With(|out: &mut String| {
                    list(out, &s.purchases, |out, b| {
                        fields(out)
                            .field("at", &b.at)
                            .field("orderId", &b.order_id)
                            .field("productId", &b.product_id)
                            .field("quantity", &b.quantity)
                            .end()
                    })
                }),
            )
            .field("recentlyViewed", &viewed)
            .field("searches", &s.searches)
            .field("sessionCount", &s.session_count)
            .field("visitorId", &s.visitor_id)
            .end();
        out
    }

    pub fn set_catalog(&mut self, catalog: &Value) -> Result<()> {
        self.set_catalog_packed(catalog, None)
    }

    pub fn set_catalog_packed(&mut self, catalog: &Value, packed: Option<Packed>) -> Result<()> {
        self.replace_catalog(Catalog::from_json_packed(catalog, packed)?);
        Ok(())
    }

    /// Puts a catalog read elsewhere (`Catalog::from_bytes`) in force.
    pub fn replace_catalog(&mut self, catalog: Catalog) {
        self.catalog = catalog;
    }

    pub fn set_profile(&mut self, profile: &Value) -> Result<()> {
        self.profile = Some(Profile::from_json(profile)?);
        Ok(())
    }

    /// Replaces the rules; a refused document leaves the current ones in force.
    pub fn set_rules(&mut self, rules: &Value) -> Result<()> {
        self.rules = crate::rules::compile(rules)?;
        Ok(())
    }

    /// Withdrawing personalization consent also drops the history held in memory;
    /// the platform layer erases storage.
    pub fn set_consent(&mut self, consent: &Value) -> Result<Consent> {
        self.consent = consent_from(
            Some(Obj::new(consent, "", "invalid_consent")?),
            self.consent,
        )?;
        if !self.consent.personalization {
            let cart = core::mem::take(&mut self.state.cart);
            self.state = fresh(String::new(), 0, cart);
        }
        Ok(self.consent)
    }

    /// The document to store, or `None` when consent forbids storing.
    pub fn snapshot(&self) -> Option<String> {
        self.consent.personalization.then(|| {
            let mut out = String::new();
            fields(&mut out)
                .field("v", &STORAGE_VERSION)
                .field("visitor", &self.state)
                .end();
            out
        })
    }

    /// Restores a stored document. A corrupt, foreign or other-version one is an error
    /// and leaves the current state as it was.
    pub fn restore(&mut self, text: &str) -> Result<()> {
        let doc = crate::json::parse(text, MAX_STORED_BYTES, "storage_corrupt")?;
        match doc.get("v").and_then(Value::as_u64) {
            Some(v) if v == STORAGE_VERSION as u64 => {}
            Some(v) => {
                return Err(Error::at(
                    "storage_version",
                    "/v",
                    crate::cat!(
                        "stored state has version ",
                        v,
                        ", this build reads ",
                        STORAGE_VERSION
                    ),
                ))
            }
            None => {
                return Err(Error::at(
                    "storage_corrupt",
                    "/v",
                    "stored state is not a vitrin document",
                ))
            }
        }
        let mut state = VisitorState::from_json(doc.get("visitor").unwrap_or(&Value::Null))?;
        match &self.given_id {
            Some(id) => state.visitor_id = id.clone(),
            None if state.visitor_id.is_empty() => {
                state.visitor_id = core::mem::take(&mut self.state.visitor_id)
            }
            None => {}
        }
        self.state = state;
        Ok(())
    }

    /// Applies an event another tab tracked; it was validated there, but this tab's
    /// catalog may differ, so unknown products are skipped rather than trusted.
    pub fn apply_remote(&mut self, event: &Value) -> Result<()> {
        self.apply_remote_event(&Event::from_json(event, 0.0)?);
        Ok(())
    }

    /// `apply_remote` for an event already read.
    pub fn apply_remote_event(&mut self, event: &Event) {
        if event
            .unknown_product(&|id| self.catalog.index(id).is_some())
            .is_none()
        {
            self.apply(event);
        }
    }

    /// Erases the visitor: state, arms and profile. The visitor becomes `new_id` (a fresh
    /// one minted by the page, the same in every tab), or stays the store's given id.
    pub fn forget(&mut self, new_id: &str) {
        self.forget_as(new_id, self.state.generation.saturating_add(1));
    }

    /// `forget` as another tab did it: the visitor's `generation` is the one it reached.
    pub fn forget_as(&mut self, new_id: &str, generation: u32) {
        let visitor_id = self.given_id.clone().unwrap_or_else(|| new_id.to_string());
        self.state = fresh(visitor_id, generation, Vec::new());
        self.profile = None;
        self.assigned.clear();
        // Whatever is on screen was for the visitor just forgotten.
        if let Some(on) = &mut self.on_screen {
            on.visitor.clear();
        }
    }
}

/// A visitor's state with nothing recorded but these: `VisitorState::default()` compiled
/// once, not its two dozen fields written inline at each of three callers (wasm size).
#[inline(never)]
fn fresh(visitor_id: String, generation: u32, cart: Vec<crate::visitor::CartLine>) -> VisitorState {
    VisitorState {
        visitor_id,
        generation,
        cart,
        ..VisitorState::default()
    }
}

/// The prompt of the visitor's arm: the variant's own, else the campaign's.
fn prompt_spec<'a>(
    c: &'a crate::rules::Campaign,
    arm: &str,
) -> Option<&'a crate::rules::PromptSpec> {
    c.variants
        .iter()
        .find(|x| x.id == arm)
        .and_then(|x| x.prompt.as_ref())
        .or(c.prompt.as_ref())
}

/// Prefixes the error's paths with where the sub-document sits in the options.
fn nest(mut e: Error, prefix: &str) -> Error {
    e.path = e.path.take().map(|p| crate::cat!(prefix, p));
    e.errors
        .iter_mut()
        .for_each(|pe| pe.path = crate::cat!(prefix, pe.path));
    e
}
