//! Ranking: the strategies behind the built-in slots. `for_you` scores candidates: the
//! products its sparse signals reach (the seeds' related lists, two hops, revisits), then
//! the most popular products, tier by tier, until no product left unscored could enter the
//! selection (its dense terms — embedding, affinity, popularity, a slot's prefilter — are
//! bounded); only when that cannot be shown does it score every product. Either way the
//! ranking is the one a pass over the whole catalog gives. A bounded top-k keeps the best.
//! Scratch buffers live in `Scorer` and are reused, so a call allocates only its result.
//! Depends on `catalog`, `visitor`, `profile`, `reasons`.

use crate::blend::Blend;
use crate::catalog::{Catalog, Relation};
use crate::embeddings::Query;
use crate::prelude::*;
use crate::profile::{purchases_until, Profile};
use crate::reasons::{Lang, Why};
use crate::visitor::VisitorState;
use alloc::rc::Rc;

pub const MAX_LIMIT: usize = 100;
/// A replenishment shows from this many days before it is due.
pub const REPLENISH_WINDOW_DAYS: f64 = 7.0;

pub use crate::names::Strategy;

/// Everything a ranking reads.
pub struct Signals<'a> {
    pub catalog: &'a Catalog,
    pub state: &'a VisitorState,
    pub profile: Option<&'a Profile>,
    pub now: f64,
    /// False without personalization consent: no history, no profile.
    pub personal: bool,
    pub lang: Lang,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub ix: u32,
    pub score: f32,
    pub why: Why,
    /// What the reason names; its text is written only for the picks a slot returns.
    pub subject: Subject,
    /// The slot's tweak (its place in `slots::tune`'s list) that touched the pick last, or
    /// `NONE`: an index, so that a tuned slot re-ranks the scorer's own picks (wasm size).
    pub by: u32,
}

/// The variable part of a reason, as indices: formatting waits until a pick survives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Subject {
    None,
    /// A product's title (the seed it relates to).
    Product(u32),
    /// The category name of a product.
    CategoryOf(u32),
    /// A number of days.
    Days(u32),
    /// A product the visitor bought, and when (the newest purchase of it).
    Bought(u32, f64),
}

impl Pick {
    /// The reason's text; dates of purchases in the store's zone.
    pub fn text(&self, c: &Catalog, lang: Lang, utc_offset_ms: f64) -> String {
        let owned;
        let subject = match self.subject {
            Subject::Bought(ix, at) => {
                let date = crate::reasons::day_month(at, utc_offset_ms, lang);
                return self.why.text_bought(lang, c.title(ix), &date);
            }
            Subject::None => "",
            Subject::Product(ix) => c.title(ix),
            Subject::CategoryOf(ix) => {
                owned = c.category_name(ix, lang.code());
                &owned
            }
            Subject::Days(n) => {
                owned = crate::cat!(n);
                &owned
            }
        };
        self.why.text(lang, subject)
    }
}

/// A slot's product-only filters and boosts (`slots::prefilter`), applied to every product
/// by the next `recommend` before it selects.
#[derive(Default)]
pub struct Prefilter {
    /// Added to product i's score when `active`: its boosts, or -inf when a filter drops it.
    pub adjust: Vec<f32>,
    /// The largest of `adjust` (what a boost can add to a product not yet scored).
    pub max: f32,
    pub active: bool,
    applied: bool,
    /// The product sets (and boost weights; `None`: a filter) `adjust` was made from, kept
    /// so that unchanged sets reuse it; holding them keeps their pointers unique.
    pub made_from: Vec<(Rc<[u64]>, Option<f32>)>,
    pub wanted: Vec<(Rc<[u64]>, Option<f32>)>,
}

#[derive(Default)]
pub struct Scorer {
    pub prefilter: Prefilter,
    /// At most this many picks per leaf category in the next `recommend`'s selection while
    /// other candidates remain (a slot's diversity share); the best of the rest fill up after.
    pub per_category: Option<usize>,
    /// Products the cap does not count (the visitor's views, which the slot moves last).
    pub uncounted: Vec<u32>,
    cat_count: Vec<u16>,
    /// Per full category, the score of its worst place in the selection.
    cat_floor: Vec<f32>,
    capped: Vec<(f32, u32)>,
    scores: Vec<f32>,
    /// True when every score is 0 (`for_you` resets only the products it scored).
    clean: bool,
    /// The products a pass scores and selects from, one bit each: every product, or
    /// `for_you`'s candidates.
    member: Vec<u64>,
    /// The best scores among the candidates so far, best first (at most the limit).
    kbest: Vec<f32>,
    /// Per catalog (`Catalog::generation`): its products by popularity tier, most popular
    /// tier first (`Tiers`).
    tiers: Tiers,
    /// Rank over every product, never on candidates (tests compare the two).
    pub exhaustive: bool,
    node_total: Vec<f32>,
    brand_w: Vec<f32>,
    /// The taste vector as built (f32, unit length) and quantised for the scoring pass.
    query: Vec<f32>,
    query_q: Query,
    seeds: Vec<(u32, f32)>,
    /// `for_you`'s candidates with their scores before the dense terms (a pass over every
    /// product starts again from them).
    sparse: Vec<(u32, f32)>,
    /// The visitor's purchases (`purchased`).
    bought: Vec<Purchased>,
    /// What the related lists gave each product this call, read by pooling and the reasons.
    reach: Reach,
    /// The visitor's recent views with their revisit weight (`add_revisits`).
    revisit: Vec<(u32, f32)>,
    top: Vec<(f32, u32)>,
}

impl Scorer {
    /// `Scorer::default()`, compiled once: its two dozen empty buffers written inline at
    /// each caller cost a few hundred bytes of wasm each.
    #[inline(never)]
    pub fn new() -> Scorer {
        Scorer::default()
    }

    /// The best `limit` products for `strategy`, best first, ties broken by catalog order.
    /// `product` is the page's product (`similar`, `bought_together`), never recommended.
    pub fn recommend(
        &mut self,
        s: &Signals,
        strategy: Strategy,
        product: Option<u32>,
        limit: usize,
    ) -> Vec<Pick> {
        let limit = limit.min(MAX_LIMIT);
        let n = s.catalog.len();
        if !self.clean || self.scores.len() != n {
            self.scores.clear();
            self.scores.resize(n, 0.0);
        }
        self.clean = false;
        self.top.clear();
        if n == 0 || limit == 0 {
            return Vec::new();
        }
        let strategy = if !s.personal && strategy == Strategy::ForYou {
            Strategy::Trending
        } else {
            strategy
        };
        self.member.clear();
        self.member.resize(n.div_ceil(64), 0);
        self.reach.size(n);
        if strategy != Strategy::ForYou {
            self.score_all(n);
        }
        self.prefilter.applied = false;
        let mut picks = match strategy {
            Strategy::ForYou => self.for_you(s, product, limit),
            Strategy::Similar => self.similar(s, product, limit),
            Strategy::BoughtTogether => self.bought_together(s, product, limit),
            Strategy::RecentlyViewed => self.recently_viewed(s, product, limit),
            Strategy::Trending => self.trending(s, limit),
            Strategy::Replenish => self.replenish(s, limit),
        };
        if self.prefilter.active && !self.prefilter.applied {
            // `replenish` ranks without `select`: its picks take the prefilter here, and
            // keep their order of urgency.
            let adjust = &self.prefilter.adjust;
            keep(&mut picks, &mut |p| {
                p.score += adjust[p.ix as usize];
                p.score > f32::NEG_INFINITY
            });
        }
        self.prefilter.active = false;
        self.per_category = None;
        self.uncounted.clear();
        self.reach.reset();
        picks
    }

    fn for_you(&mut self, s: &Signals, product: Option<u32>, limit: usize) -> Vec<Pick> {
        let c = s.catalog;
        let n = c.len();
        self.session_seeds(s);
        self.add_related(
            c,
            &[Relation::Similar, Relation::BoughtWith, Relation::GoesWith],
        );
        self.add_two_hop(c);
        self.build_query(s);
        self.build_affinities(s);
        self.tiers.build(c);
        self.revisit.clear();
        add_revisits(&mut self.revisit, s);
        for &(ix, _) in &self.revisit {
            mark(&mut self.member, ix);
        }
        // Exclusions first: -inf absorbs the terms added after.
        self.exclude_owned(s);
        self.exclude(product);
        self.sparse.clear();
        for i in bits(&self.member) {
            self.sparse.push((i as u32, self.scores[i]));
        }
        // The prefilter is one of the dense terms, added product by product.
        self.prefilter.applied = true;
        let d = Dense::new(
            c,
            &self.node_total,
            &self.brand_w,
            &self.prefilter,
            &self.query_q,
            &self.tiers,
        );
        let mut walked = None;
        if !self.exhaustive {
            let scores = &mut self.scores[..n];
            d.add_to(c, &self.member, scores);
            for &(ix, w) in &self.revisit {
                scores[ix as usize] += w;
            }
            let (tiers, kbest) = (&self.tiers, &mut self.kbest);
            walked = walk(c, &d, tiers, scores, &mut self.member, kbest, limit);
        }
        let cap = self.cap(c);
        // Candidates suffice when their selection is full and its worst beats every product
        // left unscored; else (too few candidates, a filter that drops them, dense terms too
        // strong to bound) every product is scored.
        let exact = walked.is_some_and(|bound| {
            !self.select_top(c, limit, cap)
                && self.top.len() == limit
                && self.top[limit - 1].0 > bound
        });
        for i in bits(&self.member) {
            self.scores[i] = 0.0;
        }
        if exact {
            self.clean = true;
        } else {
            // From the sparse scores again, in passes over the columns.
            for &(j, x) in &self.sparse {
                self.scores[j as usize] = x;
            }
            let d = Dense::new(
                c,
                &self.node_total,
                &self.brand_w,
                &self.prefilter,
                &self.query_q,
                &self.tiers,
            );
            d.add_all(c, &mut self.scores[..n]);
            for &(ix, w) in &self.revisit {
                self.scores[ix as usize] += w;
            }
            self.score_all(n);
            self.select_with(c, limit, cap);
        }
        let mut picks = self.picks(Why::Popular, Subject::None);
        for p in &mut picks {
            (p.why, p.subject) = self.explain_for_you(s, p.ix);
        }
        picks
    }

    /// Every product takes part in the next selection.
    fn score_all(&mut self, n: usize) {
        self.member.iter_mut().for_each(|w| *w = !0);
        first_only(&mut self.member, n);
    }

    fn similar(&mut self, s: &Signals, product: Option<u32>, limit: usize) -> Vec<Pick> {
        let c = s.catalog;
        let Some(p) = product else { return Vec::new() };
        for (r, &j) in c.related(p, Relation::Similar).iter().enumerate() {
            self.scores[j as usize] += c.blend.similar * c.blend.rank_factor(r);
        }
        let leaf = c.category[p as usize];
        self.query.clear();
        self.query.resize(c.embeddings.dim(), 0.0);
        c.embeddings.add_to(p, 1.0, &mut self.query);
        self.query_q.set(&self.query, &c.embeddings);
        for i in 0..c.len() {
            let same_leaf = if c.category[i] == leaf { 0.2 } else { 0.0 };
            self.scores[i] += 0.05 * c.popularity[i] + same_leaf;
        }
        c.embeddings.add_dots(&self.query_q, 1.0, &mut self.scores);
        self.exclude(Some(p));
        if s.personal {
            self.exclude_owned(s);
        }
        self.select(c, limit);
        self.picks(Why::Similar, Subject::Product(p))
    }

    /// What is bought with or goes with the page's product, else with the cart and the
    /// visitor's purchases (a purchase weighs less than the cart, and less as it ages; then
    /// never a product bought before unless a profile cycle makes it replenishable). Never
    /// the page's product or the cart; a pick driven by a purchase names it and its date.
    fn bought_together(&mut self, s: &Signals, product: Option<u32>, limit: usize) -> Vec<Pick> {
        let c = s.catalog;
        const RELATIONS: [Relation; 2] = [Relation::BoughtWith, Relation::GoesWith];
        self.seeds.clear();
        self.bought.clear();
        if s.personal {
            purchased(c, &s.state.purchases, s.profile, s.now, &mut self.bought);
        }
        let mut from_cart = 1;
        match product {
            Some(p) => self.seeds.push((p, 1.0)),
            None => {
                add_cart_seeds(&mut self.seeds, s);
                from_cart = self.seeds.len();
                for &(ix, at, _) in &self.bought {
                    if self.seeds.iter().any(|&(j, _)| j == ix) {
                        continue; // in the cart: a cart line
                    }
                    let age_days = ((s.now - at) / 86_400_000.0).max(0.0) as f32;
                    self.seeds.push((
                        ix,
                        PURCHASE_SEED * 0.5f32.powf(age_days / PURCHASE_HALF_LIFE_DAYS),
                    ));
                }
            }
        }
        self.add_related(c, &RELATIONS);
        // Only products some seed actually relates to qualify.
        for (sc, pop) in self.scores.iter_mut().zip(&c.popularity) {
            *sc = if *sc > 0.0 {
                *sc + 0.01 * pop
            } else {
                f32::NEG_INFINITY
            };
        }
        let seeds = core::mem::take(&mut self.seeds);
        self.exclude(product);
        self.exclude_cart(s);
        // From purchases, never what was bought (a product page keeps its own relations).
        for &(ix, ..) in self.bought.iter().filter(|_| product.is_none()) {
            if !replenishable(c, s.profile, ix) {
                self.scores[ix as usize] = f32::NEG_INFINITY;
            }
        }
        self.select(c, limit);
        let mut picks = self.picks(Why::Popular, Subject::None);
        for p in &mut picks {
            let (why, subject) = self.reach.strongest(p.ix);
            // Seeds after the page's product or the cart lines are purchases.
            let bought = match subject {
                Subject::Product(seed) if seeds[from_cart..].iter().any(|&(j, _)| j == seed) => {
                    self.bought.iter().find(|b| b.0 == seed).map(|b| (b.0, b.1))
                }
                _ => None,
            };
            (p.why, p.subject) = match bought {
                Some((seed, at)) if why == Why::GoesWith => {
                    (Why::GoesWithPurchase, Subject::Bought(seed, at))
                }
                Some((seed, at)) => (Why::BoughtWithPurchase, Subject::Bought(seed, at)),
                None => (why, subject),
            };
        }
        self.seeds = seeds;
        picks
    }

    fn recently_viewed(&mut self, s: &Signals, product: Option<u32>, limit: usize) -> Vec<Pick> {
        let c = s.catalog;
        if !s.personal {
            return Vec::new();
        }
        self.scores.iter_mut().for_each(|x| *x = f32::NEG_INFINITY);
        for (k, v) in s.state.recently_viewed.iter().enumerate().rev() {
            if let Some(ix) = c.index(&v.product_id) {
                self.scores[ix as usize] = 1.0 / (1.0 + k as f32);
            }
        }
        self.exclude(product);
        self.select(c, limit);
        self.picks(Why::RecentlyViewed, Subject::None)
    }

    fn trending(&mut self, s: &Signals, limit: usize) -> Vec<Pick> {
        let c = s.catalog;
        self.scores.copy_from_slice(&c.popularity);
        self.select(c, limit);
        self.picks(Why::Popular, Subject::None)
    }

    /// Profile cycles due within the window (or overdue), most urgent first, each
    /// followed by its companion (the first product it is bought with).
    fn replenish(&mut self, s: &Signals, limit: usize) -> Vec<Pick> {
        let c = s.catalog;
        let Some(profile) = s.profile.filter(|_| s.personal) else {
            return Vec::new();
        };
        let mut due: Vec<(f64, u32, f64)> = Vec::new();
        for cy in &profile.cycles {
            let Some(ix) = c.index(&cy.product_id) else {
                continue;
            };
            if cy.due_within(&s.state.purchases, s.now, REPLENISH_WINDOW_DAYS) {
                due.push((cy.days_left(&s.state.purchases, s.now), ix, cy.every_days));
            }
        }
        crate::order::sort_by_key(&mut due, |d| (d.0, d.1));
        let mut picks: Vec<Pick> = Vec::new();
        for (days_left, ix, every) in due {
            let urgency = (1.0 - days_left / (REPLENISH_WINDOW_DAYS + every)) as f32;
            if c.in_stock[ix as usize] && !picks.iter().any(|p| p.ix == ix) {
                picks.push(Pick {
                    ix,
                    score: urgency,
                    why: Why::Replenish,
                    subject: Subject::Days(every.round() as u32),
                    by: NONE,
                });
            }
            let companion = c
                .related(ix, Relation::BoughtWith)
                .iter()
                .copied()
                .find(|&j| c.in_stock[j as usize] && !picks.iter().any(|p| p.ix == j));
            if let Some(j) = companion {
                picks.push(Pick {
                    ix: j,
                    score: urgency * 0.9,
                    why: Why::ReplenishCompanion,
                    subject: Subject::Product(ix),
                    by: NONE,
                });
            }
        }
        picks.truncate(limit);
        picks
    }

    /// Recent views (most recent weighs most) and the cart lines, as catalog indices.
    fn session_seeds(&mut self, s: &Signals) {
        let c = s.catalog;
        self.seeds.clear();
        let mut w = 1.0;
        for v in s.state.recently_viewed.iter().take(c.blend.seed_count()) {
            if let Some(ix) = c.index(&v.product_id) {
                self.seeds.push((ix, w));
            }
            w *= c.blend.recency;
        }
        add_cart_seeds(&mut self.seeds, s);
    }

    /// Adds each seed's related lists (sum pooling) and, with `blend.max_pool`, the best
    /// single seed's contribution per candidate (max pooling); `reach` keeps both and where
    /// the best came from (the reason).
    fn add_related(&mut self, c: &Catalog, relations: &[Relation]) {
        let b = &c.blend;
        let r = &mut self.reach;
        for &(seed, w) in &self.seeds {
            for &rel in relations {
                let wr = w * relation_weight(b, rel);
                for (k, &j) in c.related(seed, rel).iter().enumerate() {
                    let x = wr * b.rank_factor(k);
                    let i = j as usize;
                    self.scores[i] += x;
                    mark(&mut self.member, j);
                    r.sum[i] += x;
                    if r.from[i] == NONE {
                        r.list.push(j);
                    } else if !(x > r.best[i]) {
                        continue;
                    }
                    r.best[i] = x;
                    r.from[i] = seed << 2 | rel as u32;
                }
            }
        }
        if b.max_pool > 0.0 {
            for &j in &r.list {
                self.scores[j as usize] += b.max_pool * r.best[j as usize];
            }
        }
    }

    /// Neighbours of neighbours (`Blend::two_hop`): the "viewed together" lists of the first
    /// products in the most recent seeds' own, weighted by the seed and both ranks.
    fn add_two_hop(&mut self, c: &Catalog) {
        let b = &c.blend;
        if b.two_hop <= 0.0 {
            return;
        }
        let (seeds, fanout) = b.two_hop_counts();
        for &(seed, w) in self.seeds.iter().take(seeds) {
            let near = c.related(seed, Relation::Similar);
            for (r, &m) in near.iter().take(fanout).enumerate() {
                let w1 = w * b.two_hop * b.rank_factor(r);
                for (r2, &j) in c.related(m, Relation::Similar).iter().enumerate() {
                    self.scores[j as usize] += w1 * b.rank_factor(r2);
                    mark(&mut self.member, j);
                    let r = &mut self.reach;
                    if r.hop[j as usize] == NONE {
                        if r.from[j as usize] == NONE {
                            r.list.push(j);
                        }
                        r.hop[j as usize] = seed;
                    }
                }
            }
        }
    }

    /// The taste vector: recency-weighted views blended with the profile embedding.
    fn build_query(&mut self, s: &Signals) {
        let c = s.catalog;
        let dim = c.embeddings.dim();
        self.query.clear();
        self.query.resize(dim, 0.0);
        let mut any = false;
        for &(ix, w) in &self.seeds {
            any |= c.embeddings.add_to(ix, w, &mut self.query);
        }
        crate::catalog::normalize(&mut self.query);
        if let Some(p) = s.profile.filter(|p| dim > 0 && p.embedding.len() == dim) {
            let (ws, wp) = if any { (0.6, 0.4) } else { (0.0, 1.0) };
            self.query
                .iter_mut()
                .zip(&p.embedding)
                .for_each(|(q, x)| *q = ws * *q + wp * x);
            crate::catalog::normalize(&mut self.query);
            any = true;
        }
        if !any {
            self.query.clear();
        }
        self.query_q.set(&self.query, &c.embeddings);
    }

    /// Per category node, the summed affinity of the node and its ancestors; per brand
    /// its affinity. Profile and live interest each scaled to at most 1.
    fn build_affinities(&mut self, s: &Signals) {
        let c = s.catalog;
        self.node_total.clear();
        self.node_total.resize(c.category_paths.len(), 0.0);
        self.brand_w.clear();
        self.brand_w.resize(c.brand_names.len() + 1, 0.0);
        let live_max = s
            .state
            .category_interest
            .iter()
            .map(|i| i.weight_at(s.now))
            .fold(0.0, f64::max);
        for i in &s.state.category_interest {
            if let Some(node) = c.category_index(&i.key) {
                self.node_total[node as usize] += (i.weight_at(s.now) / live_max.max(1.0)) as f32;
            }
        }
        let brand_max = s
            .state
            .brand_interest
            .iter()
            .map(|i| i.weight_at(s.now))
            .fold(0.0, f64::max);
        for i in &s.state.brand_interest {
            if let Some(b) = c.brand_index(&i.key) {
                self.brand_w[b as usize] += (i.weight_at(s.now) / brand_max.max(1.0)) as f32;
            }
        }
        if let Some(p) = s.profile {
            let scale = |w: &[(String, f32)]| {
                w.iter()
                    .map(|(_, x)| x.abs())
                    .fold(0.0f32, f32::max)
                    .max(1.0)
            };
            let cs = scale(&p.category_affinity);
            for (path, w) in &p.category_affinity {
                if let Some(node) = c.category_index(path) {
                    self.node_total[node as usize] += w / cs;
                }
            }
            let bs = scale(&p.brand_affinity);
            for (name, w) in &p.brand_affinity {
                if let Some(b) = c.brand_index(name) {
                    self.brand_w[b as usize] += w / bs;
                }
            }
        }
        // Parents are interned before their children, so one forward pass accumulates.
        for n in 0..self.node_total.len() {
            let parent = c.category_parent[n];
            if parent != u32::MAX {
                self.node_total[n] += self.node_total[parent as usize];
            }
        }
    }

    fn affinity(&self, c: &Catalog, i: usize) -> f32 {
        affinity(&self.node_total, &self.brand_w, c.category[i], c.brand[i])
    }

    /// Products in the cart or already bought are not offered again (replenishment has its own slot).
    fn exclude_owned(&mut self, s: &Signals) {
        self.exclude_cart(s);
        let c = s.catalog;
        // Two loops, not a chain of iterators: its adapters compiled to more wasm.
        for b in &s.state.purchases {
            self.exclude(c.index(&b.product_id));
        }
        for b in s.profile.map_or(&[][..], |p| &p.purchases) {
            self.exclude(c.index(&b.product_id));
        }
    }

    fn exclude_cart(&mut self, s: &Signals) {
        for l in &s.state.cart {
            self.exclude(s.catalog.index(&l.product_id));
        }
    }

    /// Never selected; a candidate, so that no later pass scores it.
    fn exclude(&mut self, product: Option<u32>) {
        if let Some(p) = product {
            self.scores[p as usize] = f32::NEG_INFINITY;
            mark(&mut self.member, p);
        }
    }

    /// Keeps the `limit` best in-stock, non-excluded products in `self.top`, best first
    /// (ties: lower index first). Most products lose to the current worst at a glance.
    /// With `per_category`, no leaf category holds more than that many places while other
    /// candidates exist; when they run out, the best of the rest follow (a narrow catalog
    /// still fills the slot), scored at most as the last capped pick.
    fn select(&mut self, c: &Catalog, limit: usize) {
        self.apply_prefilter();
        let cap = self.cap(c);
        self.select_with(c, limit, cap);
    }

    /// The per-category cap of the next selection (`usize::MAX`: none).
    fn cap(&mut self, c: &Catalog) -> usize {
        // One category in the whole catalog: nothing to vary, and no capped pass to pay for.
        (self.per_category.take())
            .filter(|_| c.category_paths.len() > 1)
            .unwrap_or(usize::MAX)
    }

    /// `select` with the cap already taken.
    fn select_with(&mut self, c: &Catalog, limit: usize, cap: usize) {
        if !self.select_top(c, limit, cap) {
            return;
        }
        // Too few categories: the best of the rest fill the places left.
        core::mem::swap(&mut self.top, &mut self.capped);
        for &(_, j) in &self.capped {
            self.scores[j as usize] = f32::NEG_INFINITY;
        }
        self.select_top(c, limit - self.capped.len(), usize::MAX);
        let floor = self.capped.last().map_or(f32::INFINITY, |p| p.0);
        self.capped
            .extend(self.top.iter().map(|&(s, j)| (s.min(floor), j)));
        core::mem::swap(&mut self.top, &mut self.capped);
        self.capped.clear();
    }

    /// The selection, at most `cap` per leaf category (`uncounted` products aside): a
    /// candidate whose category is full must beat that category's worst place and takes it.
    /// True when the cap left a candidate out and places are still free.
    fn select_top(&mut self, c: &Catalog, limit: usize, cap: usize) -> bool {
        self.top.clear();
        let n = self.scores.len();
        let (in_stock, cats) = (&c.in_stock[..n], &c.category[..n]);
        let capped = cap < limit;
        self.cat_count.clear();
        if capped {
            self.cat_count.resize(c.category_paths.len(), 0);
            self.cat_floor.resize(c.category_paths.len(), 0.0);
        }
        let (top, counts, floor) = (&mut self.top, &mut self.cat_count, &mut self.cat_floor);
        let free = &self.uncounted;
        let counted = |j: u32| capped && !free.contains(&j);
        let mut worst = f32::NEG_INFINITY;
        let mut left_out = false;
        let scores = &self.scores[..n];
        for i in bits(&self.member) {
            let sc = scores[i];
            // NaN and excluded (-inf) never pass; once full, neither does a tie (a later index).
            if !(sc > worst || (top.len() < limit && sc > f32::NEG_INFINITY)) || !in_stock[i] {
                continue;
            }
            let k = cats[i] as usize;
            let mine = counted(i as u32);
            // The last counted place of category k: its worst (`top` is best first).
            let last = |top: &[(f32, u32)]| {
                top.iter()
                    .rposition(|&(_, j)| cats[j as usize] as usize == k && counted(j))
            };
            if mine && counts[k] as usize >= cap {
                // A full category: only a candidate better than its worst place gets in
                // (`floor`), taking that place; the slot's other places stay as they are.
                left_out = true;
                if !(sc > floor[k]) {
                    continue;
                }
                if let Some(at) = last(top) {
                    top.remove(at);
                }
            } else {
                if top.len() == limit {
                    if let Some((_, j)) = top.pop().filter(|&(_, j)| counted(j)) {
                        counts[cats[j as usize] as usize] -= 1;
                    }
                }
                if mine {
                    counts[k] += 1;
                }
            }
            let pos = top.partition_point(|&(s, _)| s >= sc);
            top.insert(pos, (sc, i as u32));
            if mine && counts[k] as usize >= cap {
                floor[k] = last(top).map_or(f32::NEG_INFINITY, |at| top[at].0);
            }
            if top.len() == limit {
                worst = top[limit - 1].0;
            }
        }
        left_out && top.len() < limit
    }

    /// Adds the prefilter's adjustments to the scores, once per `recommend`.
    fn apply_prefilter(&mut self) {
        let p = &mut self.prefilter;
        if p.applied {
            return;
        }
        p.applied = true;
        if p.active {
            self.scores
                .iter_mut()
                .zip(&p.adjust)
                .for_each(|(s, a)| *s += a);
        }
    }

    /// The selection as picks, each with the same reason (`for_you` and `bought_together`
    /// name theirs afterwards): one body, not one per strategy (wasm size).
    fn picks(&self, why: Why, subject: Subject) -> Vec<Pick> {
        let mut out = Vec::with_capacity(self.top.len());
        for &(score, ix) in &self.top {
            out.push(Pick {
                ix,
                score,
                why,
                subject,
                by: NONE,
            });
        }
        out
    }

    /// Names the largest part of a `for_you` score.
    fn explain_for_you(&self, s: &Signals, ix: u32) -> (Why, Subject) {
        let c = s.catalog;
        let i = ix as usize;
        let (rel_why, rel_subject) = self.reach.strongest(ix);
        let related = self.reach.sum[i];
        let emb = c.blend.embedding * c.embeddings.dot(ix, &self.query_q);
        let aff = c.blend.affinity * self.affinity(c, i);
        let pop = c.blend.popularity * c.popularity[i];
        // Loops here, not `filter(..).sum()` or `max_by(..)`: the adapters compiled to more
        // wasm. -0.0 is where `sum` started.
        let mut revisit = -0.0f32;
        for &(j, w) in &self.revisit {
            if j == ix {
                revisit += w;
            }
        }
        if revisit >= related.max(emb).max(aff).max(pop) && revisit > 0.0 {
            (Why::RecentlyViewed, Subject::None)
        } else if related >= emb.max(aff).max(pop) && related > 0.0 {
            (rel_why, rel_subject)
        } else if let Some(seed) = Some(self.reach.hop[i]).filter(|&h| h != NONE && related == 0.0)
        {
            // Only a neighbour of a neighbour: the view it came through is the reason.
            (Why::Viewed, Subject::Product(seed))
        } else if emb >= aff.max(pop) && emb > 0.0 {
            // The last of the closest, as `max_by` chose.
            let mut closest: Option<(f32, u32)> = None;
            for &(seed, _) in &self.seeds {
                if c.embeddings.has(seed) {
                    let cos = c.embeddings.cosine(seed, ix);
                    if closest.is_none_or(|(best, _)| cos.total_cmp(&best).is_ge()) {
                        closest = Some((cos, seed));
                    }
                }
            }
            match closest {
                Some((_, seed)) => (Why::Viewed, Subject::Product(seed)),
                None => (Why::Taste, Subject::None),
            }
        } else if aff >= pop && aff > 0.0 {
            (Why::Affinity, Subject::CategoryOf(ix))
        } else {
            (Why::Popular, Subject::None)
        }
    }
}

pub const NONE: u32 = u32::MAX;

/// `picks.retain_mut(f)`, compiled once for the scorer's and the slots' filters (a copy of
/// `retain` per closure cost wasm; a pool holds at most a few hundred picks).
#[inline(never)]
pub fn keep(picks: &mut Vec<Pick>, f: &mut dyn FnMut(&mut Pick) -> bool) {
    picks.retain_mut(f);
}

/// Per product, what the seeds' related lists gave it in this call: the sum, the best single
/// contribution and where it came from (`seed << 2 | relation`), and the first seed whose
/// neighbours' lists hold it (two hops). Reset after each call, only where set (`list`).
#[derive(Default)]
struct Reach {
    sum: Vec<f32>,
    best: Vec<f32>,
    from: Vec<u32>,
    hop: Vec<u32>,
    list: Vec<u32>,
}

impl Reach {
    fn size(&mut self, n: usize) {
        if self.from.len() != n {
            *self = Reach::default();
            self.sum.resize(n, 0.0);
            self.best.resize(n, 0.0);
            self.from.resize(n, NONE);
            self.hop.resize(n, NONE);
        }
    }

    fn reset(&mut self) {
        for &j in &self.list {
            let i = j as usize;
            (self.sum[i], self.best[i], self.from[i], self.hop[i]) = (0.0, 0.0, NONE, NONE);
        }
        self.list.clear();
    }

    /// The seed whose related lists give `ix` the most, with the relation as the reason.
    fn strongest(&self, ix: u32) -> (Why, Subject) {
        match self.from[ix as usize] {
            NONE => (Why::Popular, Subject::None),
            f => {
                let rel = [Relation::BoughtWith, Relation::GoesWith, Relation::Similar];
                (
                    relation_why(rel[(f & 3) as usize]),
                    Subject::Product(f >> 2),
                )
            }
        }
    }
}

/// `for_you`'s dense terms for one product — popularity, affinity, the slot's prefilter,
/// the embedding — added in one order whichever pass scores the product, so a candidate's
/// score is, bit for bit, the one a pass over every product gives; a term whose weight is 0
/// is skipped. `bound` caps what they can give a product not scored yet.
struct Dense<'a> {
    pop: f32,
    aff: f32,
    nodes: &'a [f32],
    brands: &'a [f32],
    adjust: Option<&'a [f32]>,
    adjust_max: f32,
    query: &'a Query,
    /// The embedding weight; 0 also when there is no query or no embedding table.
    emb: f32,
    /// The affinity and embedding terms' upper bounds over all products, and their sizes.
    rest: f32,
    rest_abs: f32,
}

impl<'a> Dense<'a> {
    fn new(
        c: &Catalog,
        nodes: &'a [f32],
        brands: &'a [f32],
        prefilter: &'a Prefilter,
        query: &'a Query,
        tiers: &Tiers,
    ) -> Dense<'a> {
        let b = &c.blend;
        let aff = if b.affinity != 0.0 {
            let node = nodes.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            b.affinity * (node + 0.5 * brands.iter().copied().fold(0.0, f32::max))
        } else {
            0.0
        };
        let w_emb = if query.is_empty() || c.embeddings.dim() == 0 {
            0.0
        } else {
            b.embedding
        };
        let emb = w_emb * query.norm() * tiers.emb_norm;
        let active = prefilter.active;
        Dense {
            pop: b.popularity,
            aff: b.affinity,
            nodes,
            brands,
            adjust: active.then_some(&prefilter.adjust[..]),
            adjust_max: if active { prefilter.max } else { 0.0 },
            query,
            emb: w_emb,
            rest: aff + emb,
            rest_abs: aff.abs() + emb,
        }
    }

    /// `add` for every product, column by column (the same sums in the same order).
    fn add_all(&self, c: &Catalog, scores: &mut [f32]) {
        // Plain index loops over pre-sliced columns: the size-optimised release build
        // neither inlines iterator adapters nor hoists bounds checks on its own.
        let n = scores.len();
        let (pop, cat, brand) = (&c.popularity[..n], &c.category[..n], &c.brand[..n]);
        let (nodes, brands) = (self.nodes, self.brands);
        let (w_pop, w_aff) = (self.pop, self.aff);
        if w_aff != 0.0 {
            for i in 0..n {
                scores[i] += w_pop * pop[i] + w_aff * affinity(nodes, brands, cat[i], brand[i]);
            }
        } else if w_pop != 0.0 {
            for i in 0..n {
                scores[i] += w_pop * pop[i];
            }
        }
        if let Some(adjust) = self.adjust {
            scores.iter_mut().zip(adjust).for_each(|(s, a)| *s += a);
        }
        c.embeddings.add_dots(self.query, c.blend.embedding, scores);
    }

    /// `add` for the products in `member`.
    fn add_to(&self, c: &Catalog, member: &[u64], scores: &mut [f32]) {
        for i in bits(member) {
            self.add(c, i, &mut scores[i]);
        }
    }

    #[inline(never)]
    fn add(&self, c: &Catalog, i: usize, score: &mut f32) {
        if self.pop != 0.0 || self.aff != 0.0 {
            let mut x = self.pop * c.popularity[i];
            if self.aff != 0.0 {
                x += self.aff * affinity(self.nodes, self.brands, c.category[i], c.brand[i]);
            }
            *score += x;
        }
        if let Some(adjust) = self.adjust {
            *score += adjust[i];
        }
        if self.emb != 0.0 && *score != f32::NEG_INFINITY {
            *score += self.emb * c.embeddings.dot(i as u32, self.query);
        }
    }

    /// At least what `add` gives a product of popularity at most `pop` (rounding allowed for).
    fn bound(&self, pop: f32) -> f32 {
        if self.adjust_max == f32::NEG_INFINITY {
            return f32::NEG_INFINITY; // the prefilter drops every product
        }
        let p = self.pop * pop;
        let slack = 1e-4 * (p.abs() + self.rest_abs + self.adjust_max.abs()) + 1e-6;
        p + self.rest + self.adjust_max + slack
    }
}

/// Scores products outside the candidates, most popular tier first, until the `limit`-th
/// best score beats every product still unscored (`Dense::bound` of the next tier's
/// popularity). Returns that bound (-inf once every product is scored), or `None` when a
/// quarter of the catalog went by without it: a pass in catalog order then does the rest.
fn walk(
    c: &Catalog,
    d: &Dense,
    tiers: &Tiers,
    scores: &mut [f32],
    member: &mut [u64],
    kbest: &mut Vec<f32>,
    limit: usize,
) -> Option<f32> {
    kbest.clear();
    let keep = |kbest: &mut Vec<f32>, i: usize, sc: f32| {
        if !(sc > f32::NEG_INFINITY && c.in_stock[i]) {
            return;
        }
        if kbest.len() == limit {
            if !(sc > kbest[limit - 1]) {
                return;
            }
            kbest.pop();
        }
        let at = kbest.partition_point(|&x| x >= sc);
        kbest.insert(at, sc);
    };
    for i in bits(member) {
        keep(kbest, i, scores[i]);
    }
    let mut budget = c.len() / 4;
    let mut start = 0;
    // No bound falls below this one (popularity 0): a full selection that does not beat it
    // hardly will (the dense terms' bounds are rarely reached), so every product it is.
    let floor = d.bound(0.0);
    for &(end, max) in &tiers.ends {
        let bound = d.bound(max);
        if kbest.len() == limit && kbest[limit - 1] > bound {
            return Some(bound);
        }
        for &j in &tiers.items[start..end as usize] {
            let i = j as usize;
            if is_member(member, i) {
                continue;
            }
            if budget == 0 || (kbest.len() == limit && !(kbest[limit - 1] > floor)) {
                return None;
            }
            budget -= 1;
            mark(member, j);
            d.add(c, i, &mut scores[i]);
            keep(kbest, i, scores[i]);
        }
        start = end as usize;
    }
    Some(f32::NEG_INFINITY)
}

/// Popularity tiers: eight per binary order of magnitude over 24 of them, from the
/// exponent and the top three mantissa bits (tier 0: [15/16, 1]; tier 8: [15/32, 1/2));
/// the last tier also holds every popularity below.
const TIERS: usize = 8 * 24;

fn tier(pop: f32) -> usize {
    if !(pop > 0.0) {
        return TIERS - 1;
    }
    let bits = pop.to_bits();
    let octave = 126 - ((bits >> 23) & 0xff) as i32;
    let eighth = 7 - ((bits >> 20) & 7) as i32;
    (octave * 8 + eighth).clamp(0, TIERS as i32 - 1) as usize
}

/// A catalog's products by popularity tier, most popular tier first, for `walk`: built once
/// per catalog by counting, with no sort.
#[derive(Default)]
struct Tiers {
    /// The `Catalog::generation` they were built for.
    of: Option<u64>,
    /// The products, tier after tier.
    items: Vec<u32>,
    /// Per tier, where it ends in `items` and its largest popularity.
    ends: Vec<(u32, f32)>,
    /// The longest embedding row (`Embeddings::max_norm`), which bounds a dot product.
    emb_norm: f32,
}

impl Tiers {
    fn build(&mut self, c: &Catalog) {
        if self.of == Some(c.generation) {
            return;
        }
        self.of = Some(c.generation);
        let mut count = [0u32; TIERS];
        let mut max = [f32::NEG_INFINITY; TIERS];
        for &p in &c.popularity {
            let t = tier(p);
            count[t] += 1;
            max[t] = max[t].max(p);
        }
        let mut next = [0u32; TIERS];
        self.ends.clear();
        let mut end = 0;
        for t in 0..TIERS {
            next[t] = end;
            end += count[t];
            self.ends.push((end, max[t]));
        }
        self.items.clear();
        self.items.resize(c.popularity.len(), 0);
        for (i, &p) in c.popularity.iter().enumerate() {
            let t = tier(p);
            self.items[next[t] as usize] = i as u32;
            next[t] += 1;
        }
        self.emb_norm = c.embeddings.max_norm();
    }
}

/// The indices of the set bits, ascending.
struct Bits<'a> {
    words: &'a [u64],
    at: usize,
    word: u64,
}

fn bits(words: &[u64]) -> Bits<'_> {
    Bits {
        words,
        at: 0,
        word: words.first().copied().unwrap_or(0),
    }
}

impl Iterator for Bits<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.word == 0 {
            self.at += 1;
            self.word = *self.words.get(self.at)?;
        }
        let i = self.at * 64 + self.word.trailing_zeros() as usize;
        self.word &= self.word - 1;
        Some(i)
    }
}

#[inline(always)]
fn mark(member: &mut [u64], ix: u32) {
    member[ix as usize / 64] |= 1 << (ix % 64);
}

/// Clears the bits past the `n` products.
fn first_only(member: &mut [u64], n: usize) {
    if let Some(last) = member.last_mut().filter(|_| n % 64 != 0) {
        *last &= (1 << (n % 64)) - 1;
    }
}

#[inline(always)]
fn is_member(member: &[u64], i: usize) -> bool {
    (member[i / 64] >> (i % 64)) & 1 != 0
}

/// Category (with ancestors) plus half the brand affinity of a product.
#[inline(always)]
fn affinity(nodes: &[f32], brands: &[f32], node: u32, brand: u32) -> f32 {
    let brand = if brand == u32::MAX {
        0.0
    } else {
        brands[brand as usize]
    };
    nodes[node as usize] + 0.5 * brand
}

/// A product the visitor bought: its index, its newest purchase, and which of the visitor's
/// purchases that was (`purchased`).
pub type Purchased = (u32, f64, u32);

/// The visitor's purchases up to `now` (this browser's, then the profile's), each product
/// once, in the order they were first bought, with the newest purchase of it: the list
/// `bought_together` seeds from and `Engine::complements` ranks newest first.
pub fn purchased(
    c: &Catalog,
    local: &[crate::visitor::Bought],
    profile: Option<&Profile>,
    now: f64,
    out: &mut Vec<Purchased>,
) {
    let mut k = 0;
    for (at, id) in purchases_until(local, profile, now) {
        k += 1;
        let Some(ix) = c.index(id) else { continue };
        match out.iter_mut().find(|b| b.0 == ix) {
            Some(b) if b.1 < at => (b.1, b.2) = (at, k),
            Some(_) => {}
            None => out.push((ix, at, k)),
        }
    }
}

/// Whether a profile cycle makes a product bought before replenishable (offered again).
pub fn replenishable(c: &Catalog, profile: Option<&Profile>, ix: u32) -> bool {
    profile.is_some_and(|p| p.cycles.iter().any(|cy| cy.product_id == c.id(ix)))
}

/// A purchase as a `bought_together` seed weighs this much against a cart line (1) when
/// new, and half as much every `PURCHASE_HALF_LIFE_DAYS`.
const PURCHASE_SEED: f32 = 0.6;
const PURCHASE_HALF_LIFE_DAYS: f32 = 60.0;

// Plain loops below, not iterator adapters (`filter_map`, `zip`, `successors`): those
// compiled to more wasm.

/// The cart's products as seeds of full weight.
fn add_cart_seeds(seeds: &mut Vec<(u32, f32)>, s: &Signals) {
    for l in &s.state.cart {
        if let Some(ix) = s.catalog.index(&l.product_id) {
            seeds.push((ix, 1.0));
        }
    }
}

/// The visitor's recent views (most recent first) with their `for_you` revisit weight.
fn add_revisits(out: &mut Vec<(u32, f32)>, s: &Signals) {
    let b = &s.catalog.blend;
    let mut w = b.revisit;
    for v in &s.state.recently_viewed {
        if let Some(ix) = s.catalog.index(&v.product_id) {
            out.push((ix, w));
        }
        w *= b.revisit_recency;
    }
}

fn relation_weight(b: &Blend, rel: Relation) -> f32 {
    match rel {
        Relation::Similar => b.similar,
        Relation::BoughtWith => b.bought_with,
        Relation::GoesWith => b.goes_with,
    }
}

fn relation_why(rel: Relation) -> Why {
    match rel {
        Relation::Similar => Why::Viewed,
        Relation::BoughtWith => Why::BoughtWith,
        Relation::GoesWith => Why::GoesWith,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::profile::Profile;
    use crate::value::Value;
    use crate::visitor::{Bought, CartLine, Interest, Viewed};

    /// A small deterministic generator (the cases must replay exactly).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = (self.0)
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }
        /// A weight from a few values, so that ties and zero weights are common.
        fn weight(&mut self) -> f64 {
            [0.0, 0.0, 0.05, 0.3, 1.0, 2.0][self.below(6)]
        }
    }

    const CATEGORIES: [&str; 5] = ["a", "a/x", "a/y", "b", "b/z"];

    fn random_catalog(r: &mut Rng) -> Catalog {
        let n = 1 + r.below(150);
        let dim = [0, 4, 64][r.below(3)];
        let id = |i: usize| format!("p{i}");
        let products: Vec<Value> = (0..n)
            .map(|i| {
                let popularity = [0.0, 1.0, 3.0, 10.0, 200.0][r.below(5)] + r.below(3) as f64;
                let mut p = json!({
                    "id": id(i), "title": id(i), "price": 1,
                    "category": CATEGORIES[r.below(CATEGORIES.len())],
                    "inStock": !r.chance(15),
                    "popularity": popularity,
                });
                if r.chance(50) {
                    p["brand"] = json!(format!("b{}", r.below(3)));
                }
                if dim > 0 && r.chance(80) {
                    p["embedding"] = (0..dim).map(|_| r.below(9) as f64 - 4.0).collect();
                }
                let mut related = crate::value::Map::new();
                for key in ["similar", "boughtWith", "goesWith"] {
                    let list: Vec<String> = (0..r.below(12)).map(|_| id(r.below(n))).collect();
                    related.insert(key.into(), json!(list));
                }
                p["related"] = Value::Object(related);
                p
            })
            .collect();
        let mut blend = crate::value::Map::new();
        for f in Blend::FIELDS {
            let x = match f.name {
                "recency" | "revisitRecency" => [0.5, 0.9][r.below(2)],
                "seeds" | "twoHopSeeds" | "twoHopFanout" => 1.0 + r.below(4) as f64,
                "rankDecay" => [0.0, 0.15][r.below(2)],
                _ => r.weight(),
            };
            blend.insert(f.name.into(), json!(x));
        }
        Catalog::from_json(&json!({"products": products, "blend": blend})).unwrap()
    }

    fn random_visitor(r: &mut Rng, c: &Catalog) -> (VisitorState, Option<Profile>) {
        let n = c.len();
        let mut state = VisitorState::default();
        let id = |r: &mut Rng| c.id(r.below(n) as u32).to_string();
        for k in 0..r.below(6) {
            let at = 1000.0 - k as f64;
            state.recently_viewed.push(Viewed {
                product_id: id(r),
                at,
            });
        }
        if r.chance(30) {
            let (product_id, added_at) = (id(r), 900.0);
            state.cart.push(CartLine {
                product_id,
                quantity: 1,
                added_at,
            });
        }
        if r.chance(30) {
            state.purchases.push(Bought {
                product_id: id(r),
                order_id: "o".into(),
                quantity: 1,
                price: None,
                at: 500.0,
            });
        }
        for key in CATEGORIES {
            if !r.chance(30) {
                continue;
            }
            let weight = 1.0 + r.below(3) as f64;
            state.category_interest.push(Interest {
                key: key.to_string(),
                weight,
                at: 990.0,
            });
        }
        if r.chance(30) {
            let key = format!("b{}", r.below(3));
            state.brand_interest.push(Interest {
                key,
                weight: 1.0,
                at: 990.0,
            });
        }
        let profile = r.chance(30).then(|| {
            let mut p = Profile::default();
            p.embedding = (0..c.embeddings.dim())
                .map(|_| r.below(5) as f32 - 2.0)
                .collect();
            p.category_affinity = vec![("a/x".into(), r.below(5) as f32 - 2.0)];
            p.brand_affinity = vec![("b1".into(), 1.0)];
            p
        });
        (state, profile)
    }

    /// The slot's knobs a pass must honour: a prefilter, the per-category share.
    fn random_slot(r: &mut Rng, s: &mut Scorer, c: &Catalog) {
        if r.chance(30) {
            let p = &mut s.prefilter;
            p.adjust = (0..c.len())
                .map(|_| [0.0, 0.0, 0.5, 3.0, f32::NEG_INFINITY][r.below(5)])
                .collect();
            p.max = p.adjust.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            p.active = true;
        }
        if r.chance(40) {
            s.per_category = Some(1 + r.below(3));
            for _ in 0..r.below(3) {
                s.uncounted.push(r.below(c.len()) as u32);
            }
        }
    }

    fn run(
        s: &mut Scorer,
        c: &Catalog,
        state: &VisitorState,
        profile: Option<&Profile>,
        strategy: Strategy,
        limit: usize,
    ) -> Vec<(u32, u32, Why, Subject)> {
        let signals = Signals {
            catalog: c,
            state,
            profile,
            now: 1000.0,
            personal: true,
            lang: Lang::En,
        };
        let picks = s.recommend(&signals, strategy, None, limit);
        picks
            .iter()
            .map(|p| (p.ix, p.score.to_bits(), p.why, p.subject))
            .collect()
    }

    /// `n` products in two categories, popularity falling with the index, each "viewed
    /// together" with the next three; when `embedded`, embeddings (2 dims: the angle grows
    /// with the index) and one popularity for all.
    fn catalog(n: usize, embedded: bool) -> Catalog {
        let products: Vec<Value> = (0..n)
            .map(|i| {
                let similar: Vec<String> = (1..4).map(|k| format!("p{}", (i + k) % n)).collect();
                let a = i as f64 / n as f64;
                let mut p = json!({"id": format!("p{i}"), "title": "t", "price": 1,
                    "category": CATEGORIES[i % 2], "popularity": (n - i) as f64,
                    "related": {"similar": similar}});
                if embedded {
                    p["embedding"] = json!([a.cos(), a.sin()]);
                    p["popularity"] = json!(1);
                }
                p
            })
            .collect();
        Catalog::from_json(&json!({ "products": products })).unwrap()
    }

    fn scored(s: &Scorer) -> usize {
        s.member.iter().map(|w| w.count_ones() as usize).sum()
    }

    #[test]
    fn a_session_scores_its_candidates_only_and_ranks_as_the_full_pass() {
        let c = catalog(2000, false);
        let mut state = VisitorState::default();
        for (k, id) in ["p700", "p1200"].iter().enumerate() {
            let (product_id, at) = (id.to_string(), 1000.0 - k as f64);
            state.recently_viewed.push(Viewed { product_id, at });
        }
        let (mut fast, mut full) = (
            Scorer::default(),
            Scorer {
                exhaustive: true,
                ..Scorer::default()
            },
        );
        let got = run(&mut fast, &c, &state, None, Strategy::ForYou, 20);
        assert_eq!(got, run(&mut full, &c, &state, None, Strategy::ForYou, 20));
        assert!(
            scored(&fast) < 200,
            "{} of 2000 products scored",
            scored(&fast)
        );
        // The views themselves (revisits), their neighbours, then the bestsellers fill.
        let ids: Vec<u32> = got.iter().map(|p| p.0).collect();
        assert_eq!(ids[..3], [700, 1200, 701]);
        assert!(ids.contains(&0));
    }

    #[test]
    fn a_visitor_known_only_by_taste_gets_the_pass_over_every_product() {
        // No views: no candidates; the profile's taste vector ranks the whole catalog.
        let c = catalog(500, true);
        let a = 400.0f32 / 500.0;
        let profile = Profile {
            embedding: vec![a.cos(), a.sin()],
            ..Profile::default()
        };
        let state = VisitorState::default();
        let (mut fast, mut full) = (
            Scorer::default(),
            Scorer {
                exhaustive: true,
                ..Scorer::default()
            },
        );
        let got = run(&mut fast, &c, &state, Some(&profile), Strategy::ForYou, 10);
        assert_eq!(
            got,
            run(&mut full, &c, &state, Some(&profile), Strategy::ForYou, 10)
        );
        assert_eq!(scored(&fast), 500);
        let ids: Vec<u32> = got.iter().map(|p| p.0).collect();
        assert!(ids.iter().all(|&i| (380..420).contains(&i)), "{ids:?}");
    }

    #[test]
    fn a_filter_that_drops_every_candidate_still_fills_the_slot_from_the_rest() {
        let c = catalog(2000, false);
        let mut state = VisitorState::default();
        state.recently_viewed.push(Viewed {
            product_id: "p700".into(),
            at: 1000.0,
        });
        let (mut fast, mut full) = (
            Scorer::default(),
            Scorer {
                exhaustive: true,
                ..Scorer::default()
            },
        );
        for s in [&mut fast, &mut full] {
            // Only products past 1500 pass (none of the view's neighbours, no bestseller).
            let p = &mut s.prefilter;
            p.adjust = (0..2000)
                .map(|i| if i > 1500 { 0.0 } else { f32::NEG_INFINITY })
                .collect();
            p.max = 0.0;
            p.active = true;
        }
        let got = run(&mut fast, &c, &state, None, Strategy::ForYou, 20);
        assert_eq!(got, run(&mut full, &c, &state, None, Strategy::ForYou, 20));
        let ids: Vec<u32> = got.iter().map(|p| p.0).collect();
        assert_eq!(ids, (1501..1521).collect::<Vec<u32>>());
    }

    #[test]
    fn candidates_rank_exactly_as_a_pass_over_every_product() {
        let mut r = Rng(17);
        let (mut walked, mut capped, mut passes) = (0, 0, 0);
        for case in 0..1000 {
            let c = random_catalog(&mut r);
            let (state, profile) = random_visitor(&mut r, &c);
            let limit = 1 + r.below(25);
            let mut full = Scorer {
                exhaustive: true,
                ..Scorer::default()
            };
            // One scorer across calls of several strategies, as an engine keeps it.
            let mut fast = Scorer::default();
            for call in 0..3 {
                let strategy = [
                    Strategy::ForYou,
                    Strategy::Trending,
                    Strategy::BoughtTogether,
                ][r.below(3)];
                let strategy = if call == 0 {
                    Strategy::ForYou
                } else {
                    strategy
                };
                let knobs = r.next();
                random_slot(&mut Rng(knobs), &mut full, &c);
                random_slot(&mut Rng(knobs), &mut fast, &c);
                let cap = fast.per_category.is_some();
                let want = run(&mut full, &c, &state, profile.as_ref(), strategy, limit);
                let got = run(&mut fast, &c, &state, profile.as_ref(), strategy, limit);
                assert_eq!(
                    got, want,
                    "case {case}, call {call}, {strategy:?}, limit {limit}"
                );
                if strategy == Strategy::ForYou {
                    let scored: u32 = fast.member.iter().map(|w| w.count_ones()).sum();
                    let candidates = (scored as usize) < c.len();
                    walked += usize::from(candidates);
                    capped += usize::from(candidates && cap);
                    passes += 1;
                }
            }
        }
        // Enough passes must take the candidate path, or the comparison proves little.
        let seen = format!("candidates in {walked} of {passes} passes, {capped} capped");
        assert!(walked * 4 > passes && capped * 20 > passes, "{seen}");
    }
}
