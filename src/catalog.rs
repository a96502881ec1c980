//! The store's products, validated once and laid out for scoring: ids interned to dense
//! indices, category paths as a tree of interned nodes, embeddings in the quantised table
//! of `embeddings`, related lists in flat offset tables, strings in one buffer per column
//! (no heap object per product). Read from the catalog JSON (`from_json_packed`) or from the
//! binary catalog the builder writes (`binary`). Depends on `json`/`error`/`embeddings`.

mod binary;
use crate::prelude::*;
pub use binary::MAGIC;

use crate::blend::Blend;
use crate::embeddings::Embeddings;
use crate::error::{Error, Result};
use crate::json::Obj;
use crate::value::Value;

pub const MAX_PRODUCTS: usize = 500_000;
pub const MAX_DIM: usize = 1024;
pub const MAX_RELATED: usize = 200;
pub const MAX_TAGS: usize = 100;
const NONE: u32 = u32::MAX;
const CODE: &str = "invalid_catalog";

/// A list per product, stored as one flat array with offsets (no per-product `Vec`).
#[derive(Debug, Default, Clone)]
pub struct Lists {
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl Lists {
    fn new(capacity: usize) -> Lists {
        let mut offsets = Vec::with_capacity(capacity + 1);
        offsets.push(0);
        Lists {
            offsets,
            items: Vec::new(),
        }
    }

    /// Ends the lists of the products before `ix` (those not ended yet end here).
    fn close(&mut self, ix: u32) {
        while self.offsets.len() <= ix as usize {
            self.offsets.push(self.items.len() as u32);
        }
    }

    pub fn get(&self, ix: u32) -> &[u32] {
        let (a, b) = (
            self.offsets[ix as usize] as usize,
            self.offsets[ix as usize + 1] as usize,
        );
        &self.items[a..b]
    }
}

/// Marks an absent optional string in `Strs::ends`.
const ABSENT: u32 = 1 << 31;

/// The strings of one column in one buffer: string i is `text[ends[i - 1]..ends[i]]`, `None`
/// where its end carries `ABSENT`. Ends lie on char boundaries (both readers ensure it).
#[derive(Debug, Default, Clone)]
pub struct Strs {
    text: String,
    ends: Vec<u32>,
}

impl Strs {
    fn push(&mut self, s: Option<&str>) {
        self.text.push_str(s.unwrap_or(""));
        self.ends
            .push(self.text.len() as u32 | if s.is_none() { ABSENT } else { 0 });
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = self.ends[i];
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] & !ABSENT
        };
        if end & ABSENT != 0 {
            return None;
        }
        // `get`, not `[..]`: `from_bytes` checked the boundaries, and the slicing panic's
        // message would keep core's `Debug` escaping in the wasm.
        self.text.get(start as usize..end as usize)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Names to indices: open addressing over the list that holds the names (no copy of a
/// key), at most half full. Product ids (sized once for the catalog) and the category
/// paths and brand names (grown as they are met): one small table instead of std's
/// `HashMap`, whose hashbrown code was 2.8 KB of the wasm.
#[derive(Debug, Default, Clone)]
struct Index {
    slots: Vec<u32>,
}

impl Index {
    fn new(n: usize) -> Index {
        Index {
            slots: vec![NONE; (2 * n).next_power_of_two()],
        }
    }

    /// The entry named `name` (`is(ix)`: whether entry ix is), else the free slot where it
    /// would go. `is` through `dyn`: one copy of the probe loop, not one per table and
    /// caller (wasm size, issue 13).
    fn find(&self, name: &str, is: &dyn Fn(u32) -> bool) -> core::result::Result<u32, usize> {
        let mask = self.slots.len().wrapping_sub(1);
        // FNV-1a, folded: the low bits pick the slot.
        let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let mut s = (h ^ (h >> 29)) as usize & mask;
        loop {
            match *self.slots.get(s).ok_or(s)? {
                NONE => return Err(s),
                ix if is(ix) => return Ok(ix),
                _ => s = (s + 1) & mask,
            }
        }
    }

    /// Adds product `ix` (its id already in `ids`); false when the id was taken.
    fn insert(&mut self, ids: &Strs, ix: u32) -> bool {
        let id = ids.get(ix as usize).unwrap_or("");
        match self.find(id, &|ix| ids.get(ix as usize) == Some(id)) {
            Ok(_) => false,
            Err(slot) => {
                if let Some(s) = self.slots.get_mut(slot) {
                    *s = ix;
                }
                true
            }
        }
    }

    /// The entry of `names` called `name`.
    fn name(&self, names: &[String], name: &str) -> Option<u32> {
        self.find(name, &|ix| {
            names.get(ix as usize).is_some_and(|n| n == name)
        })
        .ok()
    }

    /// Indexes the last of `names` (new to it), rebuilt twice as large when half full.
    fn push(&mut self, names: &[String]) {
        let n = names.len();
        let from = if 2 * n > self.slots.len() {
            *self = Index::new(n);
            0
        } else {
            n - 1
        };
        for (ix, name) in names.iter().enumerate().skip(from) {
            let slot = self.find(name, &|_| false).err();
            if let Some(s) = slot.and_then(|slot| self.slots.get_mut(slot)) {
                *s = ix as u32;
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    BoughtWith,
    GoesWith,
    Similar,
}

#[derive(Debug, Default, Clone)]
pub struct Catalog {
    /// Distinct for every catalog built, so what is computed per catalog (slot conditions
    /// over products, `rules::product::ProductCondition`) knows when it is stale.
    pub generation: u64,
    ids: Strs,
    by_id: Index,
    titles: Strs,
    urls: Strs,
    images: Strs,
    pub prices: Vec<f32>,
    pub in_stock: Vec<bool>,
    /// Every product's tags in one column; product i's are `tag_ends[i - 1]..tag_ends[i]`.
    tags: Strs,
    tag_ends: Vec<u32>,
    /// Leaf category node of each product.
    pub category: Vec<u32>,
    /// Brand of each product, `u32::MAX` when none.
    pub brand: Vec<u32>,
    /// Category tree: full path of each node ("pets/cat") and its parent node.
    pub category_paths: Vec<String>,
    pub category_parent: Vec<u32>,
    category_by_path: Index,
    /// Names of category nodes per language (`categoryNames`), as (node, lang, name).
    category_names: Vec<(u32, String, String)>,
    pub brand_names: Vec<String>,
    brand_by_name: Index,
    /// One row per product (width 0 when no product has an embedding).
    pub embeddings: Embeddings,
    /// Popularity in [0, 1] (the optional `popularity` field, scaled by its maximum).
    pub popularity: Vec<f32>,
    /// The ranking weights learned for this store (the optional `blend` object).
    pub blend: Blend,
    /// Whether the catalog shipped its own `blend` (its fit decided how strongly viewed
    /// products come back, so `for_you` does not move them down by default).
    pub blend_fitted: bool,
    bought_with: Lists,
    goes_with: Lists,
    similar: Lists,
}

/// Embeddings passed beside the catalog JSON, so a large catalog's numbers are not written
/// and parsed as text.
#[derive(Debug, Clone, Copy)]
pub enum Packed<'a> {
    /// One flat array (`rows.len() == products × dim`): a product whose JSON has no
    /// `embedding` takes its row; a row starting with NaN means "none".
    Floats { dim: usize, rows: &'a [f32] },
    /// A `VTE1` table (`embeddings::MAGIC`) with a row for every product, already quantised.
    Table(&'a [u8]),
}

/// Embedding rows as read, before quantising: `dim` fixed by the first one seen.
#[derive(Default)]
struct RawRows {
    dim: usize,
    values: Vec<f32>,
    /// The row being read (one buffer for every product).
    row: Vec<f32>,
}

impl Catalog {
    pub fn from_json(v: &Value) -> Result<Catalog> {
        Catalog::from_json_packed(v, None)
    }

    pub fn from_json_packed(v: &Value, packed: Option<Packed>) -> Result<Catalog> {
        let root = Obj::new(v, "", CODE)?;
        let products = root
            .opt_arr("products", MAX_PRODUCTS)?
            .ok_or_else(|| root.err("products", "is required"))?;
        let mut c = Catalog::empty(products.len());
        c.read_json(&root, products, packed)?;
        Ok(c)
    }

    /// `from_json_packed` once the products are counted: fills the catalog (borrowed, so
    /// that a fault's early return drops only what this function holds: wasm size, issue 13).
    fn read_json(&mut self, root: &Obj, products: &[Value], packed: Option<Packed>) -> Result<()> {
        let c = self;
        c.read_blend(root)?;
        let mut raw = RawRows::default();
        let mut table = false;
        match packed {
            Some(Packed::Floats { dim, rows }) => {
                if dim > MAX_DIM || rows.len() != products.len() * dim {
                    return Err(root.err(
                        "products",
                        crate::cat!(
                            "packed embeddings hold ",
                            rows.len(),
                            " numbers, not ",
                            products.len(),
                            " products × ",
                            dim
                        ),
                    ));
                }
                raw.dim = dim;
                raw.values = rows.to_vec();
            }
            Some(Packed::Table(bytes)) => {
                c.embeddings = Embeddings::from_bytes(bytes, products.len(), MAX_DIM)
                    .map_err(|m| root.err("embeddings", m))?;
                table = true;
            }
            None => {}
        }
        // The related ids of every product, per relation as (product, id) in product order:
        // resolved once all ids are known (three lists, not three per product).
        let mut related: [Vec<(u32, &str)>; 3] = Default::default();
        // Raw popularity until every product is read, then scaled.
        c.popularity.reserve_exact(products.len());
        // Through `each`: the product's `?`s leave its closure, not this function, where
        // each would drop every buffer above (wasm size, issue 13).
        let mut i = 0;
        root.each("products", products, &mut |p| {
            let id = p.str("id")?;
            c.ids.push(Some(id));
            if !c.by_id.insert(&c.ids, i as u32) {
                return Err(p.err("id", crate::cat!("duplicate product id \"", id, "\"")));
            }
            c.titles.push(Some(p.str("title")?));
            let node = c.category_node(p.str("category")?).ok_or_else(|| {
                p.err(
                    "category",
                    "a category path is names joined by '/', none empty",
                )
            })?;
            c.category.push(node);
            // A blank brand is no brand (the visitor's interests never key on "").
            let brand = p
                .opt_str("brand")?
                .filter(|b| !b.trim().is_empty())
                .map(|b| c.intern_brand(b))
                .unwrap_or(NONE);
            c.brand.push(brand);
            c.prices.push(p.num_in("price", 0.0, 1e12)? as f32);
            c.in_stock.push(p.opt_bool("inStock")?.unwrap_or(true));
            for tag in p.opt_strs("tags", MAX_TAGS)? {
                c.tags.push(Some(tag));
            }
            c.tag_ends.push(c.tags.len() as u32);
            c.urls.push(safe_url(p, "url")?);
            c.images.push(safe_url(p, "image")?);
            c.popularity.push(p.opt_num_in("popularity", 0.0, 1e15)?.unwrap_or(0.0) as f32);
            if table && p.get("embedding").is_some() {
                return Err(p.err("embedding", "the catalog's embeddings come in its binary table; a product cannot also carry one"));
            }
            read_embedding(&mut raw, i, p)?;
            if let Some(rel) = p.opt_obj("related")? {
                for (refs, key) in related.iter_mut().zip(["boughtWith", "goesWith", "similar"]) {
                    for id in rel.opt_strs(key, MAX_RELATED)? {
                        refs.push((i as u32, id));
                    }
                }
            }
            i += 1;
            Ok(())
        })?;
        c.read_category_names(root)?;
        let n = c.len();
        // Products read before the first embedding got no row; pad to the full table.
        raw.values.resize(n * raw.dim, 0.0);
        if !table {
            // Width 0 too: `push` gives an empty row no embedding.
            let (mut t, d) = (Embeddings::new(raw.dim), raw.dim);
            for i in 0..n {
                t.push(&raw.values[i * d..(i + 1) * d]);
            }
            c.embeddings = t;
        }
        let max_pop = c.popularity.iter().cloned().fold(0.0f32, f32::max);
        for p in &mut c.popularity {
            *p = if max_pop > 0.0 { *p / max_pop } else { 0.0 };
        }
        for (k, refs) in related.iter().enumerate() {
            let mut lists = Lists::new(n);
            for &(i, id) in refs {
                lists.close(i);
                // References to products this catalog does not hold are dropped: related
                // lists are often computed over a larger assortment than the one served.
                match c.index(id) {
                    Some(j) if j != i => lists.items.push(j),
                    _ => {}
                }
            }
            lists.close(n as u32);
            *c.lists_mut(k) = lists;
        }
        Ok(())
    }

    /// A catalog with room for `n` products, its generation new.
    fn empty(n: usize) -> Catalog {
        static BUILT: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(1);
        Catalog {
            generation: BUILT.fetch_add(1, core::sync::atomic::Ordering::Relaxed),
            by_id: Index::new(n),
            ..Catalog::default()
        }
    }

    /// The related lists in the order the formats write them: boughtWith, goesWith, similar.
    fn lists_mut(&mut self, k: usize) -> &mut Lists {
        match k {
            0 => &mut self.bought_with,
            1 => &mut self.goes_with,
            _ => &mut self.similar,
        }
    }

    /// The catalog's `blend`, when it has one (the binary format carries it as JSON too).
    fn read_blend(&mut self, root: &Obj) -> Result<()> {
        if let Some(b) = root.opt_obj("blend")? {
            self.blend = Blend::from_obj(&b)?;
            self.blend_fitted = true;
        }
        Ok(())
    }

    /// The node of a product's category path, interned; `None` when a name in it is empty.
    fn category_node(&mut self, path: &str) -> Option<u32> {
        if crate::jsontext::split(path, b'/').any(str::is_empty) {
            return None;
        }
        Some(self.intern_category(path))
    }

    fn intern_category(&mut self, path: &str) -> u32 {
        if let Some(ix) = self.category_index(path) {
            return ix;
        }
        let parent = match crate::jsontext::rsplit_once(path, b'/') {
            Some((parent, _)) => self.intern_category(parent),
            None => NONE,
        };
        let ix = self.category_paths.len() as u32;
        self.category_paths.push(path.to_string());
        self.category_parent.push(parent);
        self.category_by_path.push(&self.category_paths);
        ix
    }

    fn intern_brand(&mut self, name: &str) -> u32 {
        if let Some(ix) = self.brand_index(name) {
            return ix;
        }
        let ix = self.brand_names.len() as u32;
        self.brand_names.push(name.to_string());
        self.brand_by_name.push(&self.brand_names);
        ix
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn index(&self, id: &str) -> Option<u32> {
        let ids = &self.ids;
        self.by_id
            .find(id, &|ix| ids.get(ix as usize) == Some(id))
            .ok()
    }

    pub fn id(&self, ix: u32) -> &str {
        self.ids.get(ix as usize).unwrap_or("")
    }

    pub fn title(&self, ix: u32) -> &str {
        self.titles.get(ix as usize).unwrap_or("")
    }

    pub fn url(&self, ix: u32) -> Option<&str> {
        self.urls.get(ix as usize)
    }

    pub fn image(&self, ix: u32) -> Option<&str> {
        self.images.get(ix as usize)
    }

    pub fn tags(&self, ix: u32) -> impl Iterator<Item = &str> + '_ {
        let i = ix as usize;
        let start = if i == 0 { 0 } else { self.tag_ends[i - 1] };
        (start..self.tag_ends[i]).filter_map(|t| self.tags.get(t as usize))
    }

    pub fn category_index(&self, path: &str) -> Option<u32> {
        self.category_by_path.name(&self.category_paths, path)
    }

    pub fn brand_index(&self, name: &str) -> Option<u32> {
        self.brand_by_name.name(&self.brand_names, name)
    }

    /// The node and its ancestors, leaf first.
    pub fn ancestors(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        core::iter::successors(Some(node), move |&n| {
            Some(self.category_parent[n as usize]).filter(|&p| p != NONE)
        })
    }

    /// Whether `node` is `ancestor` or lies below it.
    pub fn in_category(&self, node: u32, ancestor: u32) -> bool {
        self.ancestors(node).any(|n| n == ancestor)
    }

    /// Top-level category node of a product ("pets" for "pets/cat/food").
    pub fn root_category(&self, ix: u32) -> u32 {
        self.ancestors(self.category[ix as usize])
            .last()
            .unwrap_or(NONE)
    }

    /// A product's embedding, unit length as stored (quantised), for tools and tests.
    pub fn embedding(&self, ix: u32) -> Option<Vec<f32>> {
        let mut row = vec![0.0; self.embeddings.dim()];
        self.embeddings.add_to(ix, 1.0, &mut row).then_some(row)
    }

    pub fn related(&self, ix: u32, relation: Relation) -> &[u32] {
        match relation {
            Relation::BoughtWith => self.bought_with.get(ix),
            Relation::GoesWith => self.goes_with.get(ix),
            Relation::Similar => self.similar.get(ix),
        }
    }

    /// The root's optional `categoryNames`: `{ "<path>": { "<lang>": "<name>" } }`. Paths no
    /// product uses are kept out (nothing could show them).
    fn read_category_names(&mut self, root: &Obj) -> Result<()> {
        let Some(names) = root.opt_obj("categoryNames")? else {
            return Ok(());
        };
        if names.map.len() > MAX_PRODUCTS {
            // Fixed text, not formatted: wasm size, issue 13. The assertion keeps it true.
            const _: () = assert!(MAX_PRODUCTS == 500_000);
            return Err(Error::at(
                CODE,
                names.path.clone(),
                "at most 500000 category names",
            ));
        }
        for path in names.map.keys() {
            let langs = names
                .opt_obj(path)?
                .ok_or_else(|| names.err(path, "expected an object of names by language"))?;
            if langs.map.len() > 50 {
                return Err(names.err(path, "at most 50 languages"));
            }
            for lang in langs.map.keys() {
                let name = langs.str(lang)?;
                if let Some(node) = self.category_index(path) {
                    self.category_names
                        .push((node, lang.to_ascii_lowercase(), name.to_string()));
                }
            }
        }
        Ok(())
    }

    /// The readable name of product `ix`'s category in `lang`: the catalog's name for that
    /// language, else its English one, else the last path segment humanised
    /// ("running-shoes" → "Running shoes").
    pub fn category_name(&self, ix: u32, lang: &str) -> String {
        self.category_node_name(self.category[ix as usize], lang)
    }

    pub fn category_node_name(&self, node: u32, lang: &str) -> String {
        let named = |l: &str| {
            self.category_names
                .iter()
                .find(|(n, nl, _)| *n == node && nl == l)
                .map(|(.., name)| name.clone())
        };
        named(lang).or_else(|| named("en")).unwrap_or_else(|| {
            let path = &self.category_paths[node as usize];
            // By bytes: `rsplit('/')` and `replace(['-', '_'], …)` built char searchers per
            // call (a few percent of a prompts() call that names categories).
            let from = path.bytes().rposition(|b| b == b'/').map_or(0, |i| i + 1);
            let last: String = crate::jsontext::cut(path, from, path.len())
                .chars()
                .map(|c| if matches!(c, '-' | '_') { ' ' } else { c })
                .collect();
            let mut name = last.trim().to_string();
            // ASCII capitals only: Unicode case tables would cost more wasm than they give
            // (a first char that is not ASCII is no 1-byte range, and stays as it is).
            if let Some(first) = name.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            name
        })
    }
}

/// A product's optional link at `key`: what a prompt hands the page to follow or load, so
/// http(s) or a path on the page's origin.
fn safe_url<'a>(p: &Obj<'a>, key: &str) -> Result<Option<&'a str>> {
    let url = p.opt_str(key)?;
    if url.is_some_and(|u| !crate::url::is_safe_url(u)) {
        return Err(p.err(key, "must be an http(s) URL or a path on the store's site"));
    }
    Ok(url)
}

/// Reads product `row`'s `embedding` into the raw table; the first one fixes the width.
fn read_embedding(raw: &mut RawRows, row: usize, p: &Obj) -> Result<()> {
    let Some(values) = p.opt_arr("embedding", MAX_DIM)? else {
        return Ok(());
    };
    if values.is_empty() {
        return Ok(());
    }
    if raw.dim == 0 {
        raw.dim = values.len();
    } else if values.len() != raw.dim {
        return Err(p.err(
            "embedding",
            crate::cat!(
                "expected ",
                raw.dim,
                " numbers like the first product's, got ",
                values.len()
            ),
        ));
    }
    // Read aside, then over the row: packed rows may lie there and after it already.
    raw.row.clear();
    p.floats("embedding", values, &mut raw.row)?;
    raw.values
        .resize(raw.values.len().max((row + 1) * raw.dim), 0.0);
    raw.values[row * raw.dim..(row + 1) * raw.dim].copy_from_slice(&raw.row);
    Ok(())
}

/// Scales a vector to unit length; leaves an all-zero vector as it is.
pub fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn indexes_ids_categories_and_related() {
        let c = Catalog::from_json(&json!({"products": [
            {"id": "a", "title": "A", "category": "pets/cat/food", "price": 10, "embedding": [3, 4],
             "related": {"boughtWith": ["b", "missing", "a"]}},
            {"id": "b", "title": "B", "category": "pets/dog", "brand": "X", "price": 5, "inStock": false},
        ]}))
        .unwrap();
        assert_eq!(c.index("b"), Some(1));
        assert_eq!(c.related(0, Relation::BoughtWith), &[1]);
        let e = c.embedding(0).unwrap();
        assert!(
            (e[0] - 0.6).abs() < 0.01 && (e[1] - 0.8).abs() < 0.01,
            "{e:?}"
        );
        assert_eq!(c.embedding(1), None);
        let pets = c.category_index("pets").unwrap();
        assert!(c.in_category(c.category[1], pets));
        assert_eq!(c.root_category(0), pets);
        assert_eq!(c.category_name(0, "en"), "Food");
        assert!(!c.in_stock[1]);
    }

    /// The name tables grow as categories and brands are met: every one stays found, by
    /// its own index, and a name never met is not.
    #[test]
    fn finds_every_category_and_brand_of_a_large_catalog() {
        let products: Vec<Value> = (0..3000)
            .map(|i| json!({"id": format!("p{i}"), "title": "T", "price": 1,
                "category": format!("c{}/d{}/e{i}", i % 7, i % 300), "brand": format!("b{}", i % 1000)}))
            .collect();
        let c = Catalog::from_json(&json!({ "products": products })).unwrap();
        assert_eq!(c.brand_names.len(), 1000);
        assert_eq!(c.category_paths.len(), 7 + 2100 + 3000); // 2100 = lcm(7, 300)
        for (ix, path) in c.category_paths.iter().enumerate() {
            assert_eq!(c.category_index(path), Some(ix as u32), "{path}");
        }
        for (ix, name) in c.brand_names.iter().enumerate() {
            assert_eq!(c.brand_index(name), Some(ix as u32), "{name}");
        }
        let leaf = c.category[2999];
        assert_eq!(c.category_paths[leaf as usize], "c3/d299/e2999");
        assert_eq!(c.brand_names[c.brand[2999] as usize], "b999");
        assert_eq!(
            (c.category_index("c3/d299"), c.category_index("c9")),
            (c.ancestors(leaf).nth(1), None)
        );
        assert_eq!((c.brand_index("b1000"), c.index("p3000")), (None, None));
    }

    #[test]
    fn a_link_or_image_a_browser_would_take_off_the_site_or_run_is_refused() {
        let with = |key: &str, url: &str| {
            Catalog::from_json(
                &json!({"products": [{"id": "a", "title": "A", "category": "c", "price": 1, key: url}]}),
            )
        };
        for (key, url) in [
            ("url", "javascript:alert(1)"),
            ("image", "java\tscript:x"),
            ("url", "/\\evil.example/x"),
            ("image", "//evil.example/a.png"),
        ] {
            let err = with(key, url)
                .err()
                .unwrap_or_else(|| panic!("{url:?} accepted"));
            assert_eq!(
                err.path.as_deref(),
                Some(format!("/products/0/{key}").as_str()),
                "{url:?}"
            );
        }
        assert!(with("url", "/p/a").is_ok() && with("image", "https://cdn.example/a.png").is_ok());
    }

    #[test]
    fn names_categories_per_language_with_a_humanised_fallback() {
        let c = Catalog::from_json(&json!({
            "products": [{"id": "a", "title": "A", "category": "fashion/shoes/running-shoes", "price": 1},
                         {"id": "b", "title": "B", "category": "fashion/skirts", "price": 1}],
            "categoryNames": {"fashion/shoes/running-shoes": {"tr": "Koşu Ayakkabısı", "en": "Running shoes"}, "toys": {"en": "Toys"}},
        }))
        .unwrap();
        assert_eq!(c.category_name(0, "tr"), "Koşu Ayakkabısı");
        assert_eq!(c.category_name(0, "de"), "Running shoes");
        assert_eq!(c.category_name(1, "tr"), "Skirts");
        let bad = Catalog::from_json(&json!({"products": [], "categoryNames": {"x": {"en": 3}}}))
            .unwrap_err();
        assert_eq!(bad.path.as_deref(), Some("/categoryNames/x/en"));
    }

    #[test]
    fn rejects_with_the_path_of_the_fault() {
        let cases = [
            (
                json!({"products": [{"id": "a", "title": "A", "category": "x", "price": "1"}]}),
                "/products/0/price",
            ),
            (
                json!({"products": [{"id": "a", "title": "A", "category": "x", "price": 1},
                                 {"id": "a", "title": "A", "category": "x", "price": 1}]}),
                "/products/1/id",
            ),
            (
                json!({"products": [{"id": "a", "title": "A", "category": "x//y", "price": 1}]}),
                "/products/0/category",
            ),
            (
                json!({"products": [{"id": "a", "title": "A", "category": "x", "price": 1, "embedding": [1, 2]},
                                 {"id": "b", "title": "B", "category": "x", "price": 1, "embedding": [1]}]}),
                "/products/1/embedding",
            ),
            (json!({"items": []}), "/products"),
            (json!([1]), ""),
        ];
        for (doc, path) in cases {
            let err = Catalog::from_json(&doc).unwrap_err();
            assert_eq!(err.code, "invalid_catalog");
            assert_eq!(err.path.as_deref(), Some(path), "{doc}");
        }
    }
}
