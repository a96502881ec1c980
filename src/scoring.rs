//! Ranking: the strategies behind the built-in slots. One dense pass over the catalog's
//! flat arrays blends the query embedding (profile + live session), category/brand
//! affinities and popularity on top of sparse related-list boosts; a bounded top-k keeps
//! the best. Scratch buffers live in `Scorer` and are reused, so a call allocates only
//! its result. Depends on `catalog`, `visitor`, `profile`, `reasons`.

use crate::blend::Blend;
use crate::catalog::{Catalog, Relation};
use crate::embeddings::Query;
use crate::profile::{purchases_until, Profile};
use crate::reasons::{Lang, Why};
use crate::visitor::VisitorState;
use std::rc::Rc;

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
                owned = n.to_string();
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
    node_total: Vec<f32>,
    brand_w: Vec<f32>,
    /// The taste vector as built (f32, unit length) and quantised for the scoring pass.
    query: Vec<f32>,
    query_q: Query,
    seeds: Vec<(u32, f32)>,
    /// The visitor's purchases among the seeds, with when each was last bought.
    bought: Vec<(u32, f64)>,
    /// Max pooling's scratch: per product its best seed contribution, and the products set.
    best: Vec<f32>,
    touched: Vec<u32>,
    top: Vec<(f32, u32)>,
}

impl Scorer {
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
        self.scores.clear();
        self.scores.resize(n, 0.0);
        self.top.clear();
        if n == 0 || limit == 0 {
            return Vec::new();
        }
        let strategy = if !s.personal && strategy == Strategy::ForYou {
            Strategy::Trending
        } else {
            strategy
        };
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
            picks.retain_mut(|p| {
                p.score += adjust[p.ix as usize];
                p.score > f32::NEG_INFINITY
            });
        }
        self.prefilter.active = false;
        self.per_category = None;
        self.uncounted.clear();
        picks
    }

    fn for_you(&mut self, s: &Signals, product: Option<u32>, limit: usize) -> Vec<Pick> {
        let c = s.catalog;
        self.session_seeds(s);
        self.add_related(
            c,
            &[Relation::Similar, Relation::BoughtWith, Relation::GoesWith],
        );
        self.add_two_hop(c);
        self.build_query(s);
        self.build_affinities(s);
        // Plain index loops over pre-sliced columns: the size-optimised release build
        // neither inlines iterator adapters nor hoists bounds checks on its own.
        let n = c.len();
        let (pop, cat, brand) = (&c.popularity[..n], &c.category[..n], &c.brand[..n]);
        let (nodes, brands) = (&self.node_total[..], &self.brand_w[..]);
        let scores = &mut self.scores[..n];
        let (w_pop, w_aff) = (c.blend.popularity, c.blend.affinity);
        for i in 0..n {
            scores[i] += w_pop * pop[i] + w_aff * affinity(nodes, brands, cat[i], brand[i]);
        }
        // Before the dot products, which skip the products a filter dropped.
        self.apply_prefilter();
        c.embeddings
            .add_dots(&self.query_q, c.blend.embedding, &mut self.scores[..n]);
        for (ix, w) in revisits(s) {
            self.scores[ix as usize] += w;
        }
        self.exclude_owned(s);
        self.exclude(product);
        self.select(c, limit);
        let picks: Vec<(f32, u32)> = self.top.clone();
        picks
            .into_iter()
            .map(|(score, ix)| self.explain_for_you(s, ix, score))
            .collect()
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
        self.picks(|_, _| (Why::Similar, Subject::Product(p)))
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
            for (at, id) in purchases_until(&s.state.purchases, s.profile, s.now) {
                let Some(ix) = c.index(id) else { continue };
                match self.bought.iter_mut().find(|(j, _)| *j == ix) {
                    Some(b) => b.1 = b.1.max(at),
                    None => self.bought.push((ix, at)),
                }
            }
        }
        let mut from_cart = 1;
        match product {
            Some(p) => self.seeds.push((p, 1.0)),
            None => {
                self.seeds.extend(cart_seeds(s));
                from_cart = self.seeds.len();
                for &(ix, at) in &self.bought {
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
        let seeds = std::mem::take(&mut self.seeds);
        self.exclude(product);
        self.exclude_cart(s);
        // From purchases, never what was bought (a product page keeps its own relations).
        for &(ix, _) in self.bought.iter().filter(|_| product.is_none()) {
            let replenishable = s.profile.is_some_and(|p| {
                p.cycles
                    .iter()
                    .any(|cy| c.index(&cy.product_id) == Some(ix))
            });
            if !replenishable {
                self.scores[ix as usize] = f32::NEG_INFINITY;
            }
        }
        self.select(c, limit);
        let picks = self.picks(|this, ix| {
            let (why, subject) = this.strongest_seed(c, &seeds, ix, &RELATIONS);
            // Seeds after the page's product or the cart lines are purchases.
            let bought = match subject {
                Subject::Product(seed) if seeds[from_cart..].iter().any(|&(j, _)| j == seed) => {
                    this.bought.iter().find(|(j, _)| *j == seed).copied()
                }
                _ => None,
            };
            match bought {
                Some((seed, at)) if why == Why::GoesWith => {
                    (Why::GoesWithPurchase, Subject::Bought(seed, at))
                }
                Some((seed, at)) => (Why::BoughtWithPurchase, Subject::Bought(seed, at)),
                None => (why, subject),
            }
        });
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
        self.picks(|_, _| (Why::RecentlyViewed, Subject::None))
    }

    fn trending(&mut self, s: &Signals, limit: usize) -> Vec<Pick> {
        let c = s.catalog;
        self.scores.copy_from_slice(&c.popularity);
        self.select(c, limit);
        self.picks(|_, _| (Why::Popular, Subject::None))
    }

    /// Profile cycles due within the window (or overdue), most urgent first, each
    /// followed by its companion (the first product it is bought with).
    fn replenish(&mut self, s: &Signals, limit: usize) -> Vec<Pick> {
        let c = s.catalog;
        let Some(profile) = s.profile.filter(|_| s.personal) else {
            return Vec::new();
        };
        let mut due: Vec<(f64, u32, f64)> = profile
            .cycles
            .iter()
            .filter_map(|cy| {
                let ix = c.index(&cy.product_id)?;
                cy.due_within(&s.state.purchases, s.now, REPLENISH_WINDOW_DAYS)
                    .then(|| (cy.days_left(&s.state.purchases, s.now), ix, cy.every_days))
            })
            .collect();
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
        self.seeds.extend(cart_seeds(s));
    }

    /// Adds each seed's related lists (sum pooling) and, with `blend.max_pool`, the best
    /// single seed's contribution per candidate (max pooling).
    fn add_related(&mut self, c: &Catalog, relations: &[Relation]) {
        let b = &c.blend;
        let pool = b.max_pool > 0.0;
        if pool && self.best.len() != c.len() {
            self.best.clear();
            self.best.resize(c.len(), 0.0);
        }
        for &(seed, w) in &self.seeds {
            for &rel in relations {
                let wr = w * relation_weight(b, rel);
                for (r, &j) in c.related(seed, rel).iter().enumerate() {
                    let x = wr * b.rank_factor(r);
                    self.scores[j as usize] += x;
                    if pool {
                        let best = &mut self.best[j as usize];
                        if *best == 0.0 {
                            self.touched.push(j);
                        }
                        *best = best.max(x);
                    }
                }
            }
        }
        for &j in &self.touched {
            self.scores[j as usize] += b.max_pool * self.best[j as usize];
            self.best[j as usize] = 0.0;
        }
        self.touched.clear();
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
                }
            }
        }
    }

    /// The seed whose neighbours' "viewed together" lists hold `ix` (`add_two_hop`).
    fn two_hop_seed(&self, c: &Catalog, ix: u32) -> Option<u32> {
        let (seeds, fanout) = c.blend.two_hop_counts();
        self.seeds
            .iter()
            .take(seeds)
            .map(|&(seed, _)| seed)
            .find(|&seed| {
                c.related(seed, Relation::Similar)
                    .iter()
                    .take(fanout)
                    .any(|&m| c.related(m, Relation::Similar).contains(&ix))
            })
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
        let local = s.state.purchases.iter().map(|b| b.product_id.as_str());
        let profile = s
            .profile
            .into_iter()
            .flat_map(|p| p.purchases.iter().map(|b| b.product_id.as_str()));
        for id in local.chain(profile) {
            if let Some(ix) = c.index(id) {
                self.scores[ix as usize] = f32::NEG_INFINITY;
            }
        }
    }

    fn exclude_cart(&mut self, s: &Signals) {
        for l in &s.state.cart {
            if let Some(ix) = s.catalog.index(&l.product_id) {
                self.scores[ix as usize] = f32::NEG_INFINITY;
            }
        }
    }

    fn exclude(&mut self, product: Option<u32>) {
        if let Some(p) = product {
            self.scores[p as usize] = f32::NEG_INFINITY;
        }
    }

    /// Keeps the `limit` best in-stock, non-excluded products in `self.top`, best first
    /// (ties: lower index first). Most products lose to the current worst at a glance.
    /// With `per_category`, no leaf category holds more than that many places while other
    /// candidates exist; when they run out, the best of the rest follow (a narrow catalog
    /// still fills the slot), scored at most as the last capped pick.
    fn select(&mut self, c: &Catalog, limit: usize) {
        self.apply_prefilter();
        // One category in the whole catalog: nothing to vary, and no capped pass to pay for.
        let cap = (self.per_category.take())
            .filter(|_| c.category_paths.len() > 1)
            .unwrap_or(usize::MAX);
        if !self.select_top(c, limit, cap) {
            return;
        }
        // Too few categories: the best of the rest fill the places left.
        std::mem::swap(&mut self.top, &mut self.capped);
        for &(_, j) in &self.capped {
            self.scores[j as usize] = f32::NEG_INFINITY;
        }
        self.select_top(c, limit - self.capped.len(), usize::MAX);
        let floor = self.capped.last().map_or(f32::INFINITY, |p| p.0);
        self.capped
            .extend(self.top.iter().map(|&(s, j)| (s.min(floor), j)));
        std::mem::swap(&mut self.top, &mut self.capped);
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
        for (i, &sc) in self.scores.iter().enumerate() {
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

    fn picks(&mut self, mut why: impl FnMut(&Self, u32) -> (Why, Subject)) -> Vec<Pick> {
        self.top
            .iter()
            .map(|&(score, ix)| {
                let (why, subject) = why(self, ix);
                Pick {
                    ix,
                    score,
                    why,
                    subject,
                }
            })
            .collect()
    }

    /// The seed whose related lists give `ix` the most, with the relation as the reason.
    fn strongest_seed(
        &self,
        c: &Catalog,
        seeds: &[(u32, f32)],
        ix: u32,
        relations: &[Relation],
    ) -> (Why, Subject) {
        let mut best: Option<(f32, u32, Relation)> = None;
        for &(seed, w) in seeds {
            for &rel in relations {
                if let Some(r) = c.related(seed, rel).iter().position(|&j| j == ix) {
                    let contrib = w * relation_weight(&c.blend, rel) * c.blend.rank_factor(r);
                    if best.is_none_or(|b| contrib > b.0) {
                        best = Some((contrib, seed, rel));
                    }
                }
            }
        }
        match best {
            Some((_, seed, rel)) => (relation_why(rel), Subject::Product(seed)),
            None => (Why::Popular, Subject::None),
        }
    }

    /// Names the largest part of a `for_you` score.
    fn explain_for_you(&self, s: &Signals, ix: u32, score: f32) -> Pick {
        let c = s.catalog;
        let i = ix as usize;
        let all = [Relation::Similar, Relation::BoughtWith, Relation::GoesWith];
        let (rel_why, rel_subject) = self.strongest_seed(c, &self.seeds, ix, &all);
        let related: f32 = self
            .seeds
            .iter()
            .flat_map(|&(seed, w)| {
                all.iter().filter_map(move |&rel| {
                    c.related(seed, rel)
                        .iter()
                        .position(|&j| j == ix)
                        .map(|r| w * relation_weight(&c.blend, rel) * c.blend.rank_factor(r))
                })
            })
            .sum();
        let emb = c.blend.embedding * c.embeddings.dot(ix, &self.query_q);
        let aff = c.blend.affinity * self.affinity(c, i);
        let pop = c.blend.popularity * c.popularity[i];
        let revisit: f32 = revisits(s).filter(|&(j, _)| j == ix).map(|(_, w)| w).sum();
        let (why, subject) = if revisit >= related.max(emb).max(aff).max(pop) && revisit > 0.0 {
            (Why::RecentlyViewed, Subject::None)
        } else if related >= emb.max(aff).max(pop) && related > 0.0 {
            (rel_why, rel_subject)
        } else if let Some(seed) = (c.blend.two_hop > 0.0 && related == 0.0)
            .then(|| self.two_hop_seed(c, ix))
            .flatten()
        {
            // Only a neighbour of a neighbour: the view it came through is the reason.
            (Why::Viewed, Subject::Product(seed))
        } else if emb >= aff.max(pop) && emb > 0.0 {
            let closest = self
                .seeds
                .iter()
                .filter(|&&(seed, _)| c.embeddings.has(seed))
                .map(|&(seed, _)| (c.embeddings.cosine(seed, ix), seed))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            match closest {
                Some((_, seed)) => (Why::Viewed, Subject::Product(seed)),
                None => (Why::Taste, Subject::None),
            }
        } else if aff >= pop && aff > 0.0 {
            (Why::Affinity, Subject::CategoryOf(ix))
        } else {
            (Why::Popular, Subject::None)
        };
        Pick {
            ix,
            score,
            why,
            subject,
        }
    }
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

/// A purchase as a `bought_together` seed weighs this much against a cart line (1) when
/// new, and half as much every `PURCHASE_HALF_LIFE_DAYS`.
const PURCHASE_SEED: f32 = 0.6;
const PURCHASE_HALF_LIFE_DAYS: f32 = 60.0;

/// The cart's products as seeds of full weight.
fn cart_seeds<'a>(s: &'a Signals) -> impl Iterator<Item = (u32, f32)> + 'a {
    let c = s.catalog;
    s.state
        .cart
        .iter()
        .filter_map(move |l| c.index(&l.product_id))
        .map(|ix| (ix, 1.0))
}

/// The visitor's recent views (most recent first) with their `for_you` revisit weight.
fn revisits<'a>(s: &'a Signals) -> impl Iterator<Item = (u32, f32)> + 'a {
    let b = &s.catalog.blend;
    let weights = std::iter::successors(Some(b.revisit), |w| Some(w * b.revisit_recency));
    s.state
        .recently_viewed
        .iter()
        .zip(weights)
        .filter_map(|(v, w)| Some((s.catalog.index(&v.product_id)?, w)))
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
