//! The binary catalog (`vitrin-server build` writes it beside the JSON one): the catalog's
//! columns as they lie in memory, so a page reads 10k products with a few copies and no
//! text parsing. Little-endian throughout; every count is checked against the bytes that
//! remain before anything is allocated, so a truncated or hostile file is refused with
//! `invalid_catalog`, the section or product at fault and the byte offset.
//!
//! ```text
//! "VTCB" u32 version (1)  u32 n (products)
//! u32 len, JSON text      {"blend"?, "categoryNames"?} (the catalog JSON's fields)
//! strs m                  category paths      strs b   brand names
//! strs n                  ids, titles, urls, images (urls and images may be absent)
//! u32 × n                 tag ends (cumulative)   strs t   tags
//! u32 × n                 category (into the paths)   u32 × n   brand (into the names, or u32::MAX)
//! f32 × n                 price   f32 × n   popularity (0–1)   u8 × n   in stock (0/1)
//! 3 × (u32 × (n + 1) offsets, u32 × last items)   boughtWith, goesWith, similar
//! u32 len, VTE1 table     the quantised embeddings (`embeddings::MAGIC`), len 0: none
//! strs k = u32 k, u32 text bytes, u32 × k ends (bit 31: absent), UTF-8 text
//! ```

use super::{Catalog, Strs, ABSENT, CODE, MAX_DIM, MAX_PRODUCTS, MAX_RELATED, MAX_TAGS, NONE};
use crate::embeddings::Embeddings;
use crate::error::{Error, Result};
use crate::json::{Obj, MAX_STRING};
use crate::prelude::*;

pub const MAGIC: &[u8; 4] = b"VTCB";
const VERSION: u32 = 1;
/// No product takes fewer bytes than this (its ends, indices and numbers), so a count
/// larger than the file allows is refused before anything is allocated for it.
const MIN_PRODUCT_BYTES: usize = 60;

/// A bounds-checked reader over the bytes; `section` names what it reads, for errors.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    section: &'static str,
}

impl<'a> Cursor<'a> {
    /// The one way a fault is reported (messages are fixed text: each formatted message
    /// costs the wasm code; the path and the byte offset locate the fault).
    #[inline(never)]
    fn fail(&self, path: String, what: &str) -> Error {
        Error::at(CODE, path, crate::cat!(what, " (byte ", self.at, ")"))
    }

    fn err(&self, what: &str) -> Error {
        self.fail(self.section.to_string(), what)
    }

    /// A fault in entry `i` of the section's table.
    fn item(&self, i: usize, what: &str) -> Error {
        self.fail(crate::cat!(self.section, "/", i), what)
    }

    /// A fault in a product's field, at the path the JSON catalog gives it.
    fn product(&self, i: usize, field: &str, what: &str) -> Error {
        self.fail(crate::cat!("/products/", i, "/", field), what)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        if len > self.bytes.len() - self.at {
            return Err(self.err("the binary catalog ends early"));
        }
        self.at += len;
        Ok(&self.bytes[self.at - len..self.at])
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `u32` length, then that many bytes (the extras' JSON, the embedding table).
    fn block(&mut self) -> Result<&'a [u8]> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    /// `count` words (`count` bounded by the bytes left, so the vector is too).
    fn words(&mut self, count: usize) -> Result<Vec<u32>> {
        let b = self.take(count.checked_mul(4).unwrap_or(usize::MAX))?;
        Ok(b.chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect())
    }

    /// Every product's `field` into `out`, each within `0..=max` (so not NaN); `what` says so.
    /// (Columns are filled in place, here and below: an assignment at each call site
    /// compiled a drop of the old column there.)
    fn floats(
        &mut self,
        out: &mut Vec<f32>,
        field: &'static str,
        count: usize,
        max: f32,
        what: &str,
    ) -> Result<()> {
        self.section = field;
        let words = self.words(count)?;
        *out = words.into_iter().map(f32::from_bits).collect();
        match out.iter().position(|x| !(0.0..=max).contains(x)) {
            Some(i) => Err(self.product(i, field, what)),
            None => Ok(()),
        }
    }

    /// Every product's index into a table of `len` entries (`NONE` too when `none`), into
    /// `out`; `section` is "/" and the product's field.
    fn indices(
        &mut self,
        out: &mut Vec<u32>,
        section: &'static str,
        n: usize,
        len: usize,
        none: bool,
        what: &str,
    ) -> Result<()> {
        self.section = section;
        *out = self.words(n)?;
        match out
            .iter()
            .position(|&k| k as usize >= len && !(none && k == NONE))
        {
            Some(i) => Err(self.product(i, crate::jsontext::cut(section, 1, section.len()), what)),
            None => Ok(()),
        }
    }

    /// A string column of `count` strings (any number when `None`) into `out`: ends on char
    /// boundaries, each at most `MAX_STRING` bytes; `required`: none absent or empty.
    fn strs(
        &mut self,
        out: &mut Strs,
        section: &'static str,
        count: Option<usize>,
        required: bool,
    ) -> Result<()> {
        self.section = section;
        let declared = self.u32()? as usize;
        let count = count.unwrap_or(declared);
        if declared != count {
            return Err(self.err("a string table of another length than its column"));
        }
        let len = self.u32()? as usize;
        let ends = self.words(count)?;
        let text = self.take(len)?;
        let text = core::str::from_utf8(text).map_err(|_| self.err("text not UTF-8"))?;
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            let (stop, absent) = ((end & !ABSENT) as usize, end & ABSENT != 0);
            if stop < start || stop > len || !text.is_char_boundary(stop) {
                return Err(self.item(i, "a string ending outside its text"));
            }
            if stop - start > MAX_STRING || (absent && stop != start) {
                return Err(self.item(i, "a string longer than 4096 bytes"));
            }
            if required && stop == start {
                return Err(self.item(i, "an empty or absent string where one is required"));
            }
            start = stop;
        }
        if start != len {
            return Err(self.err("text after the last string"));
        }
        *out = Strs {
            text: text.to_string(),
            ends,
        };
        Ok(())
    }

    /// `count` cumulative offsets into `out`, from 0, each step at most `max`.
    fn offsets(&mut self, out: &mut Vec<u32>, count: usize, max: usize) -> Result<()> {
        *out = self.words(count)?;
        let mut last = 0;
        for (i, &o) in out.iter().enumerate() {
            if o < last || (o - last) as usize > max {
                return Err(self.item(i, "an offset out of order, or too many items for a product"));
            }
            last = o;
        }
        Ok(())
    }
}

impl Catalog {
    /// Reads a binary catalog (see the module). Every column is validated as the JSON
    /// reader validates its fields; a fault names the section or product and the byte.
    pub fn from_bytes(bytes: &[u8]) -> Result<Catalog> {
        let mut r = Cursor {
            bytes,
            at: 0,
            section: "",
        };
        if r.take(4).ok() != Some(&MAGIC[..]) {
            return Err(r.err("not a binary catalog (it starts with the bytes \"VTCB\")"));
        }
        let version = r.u32()?;
        if version != VERSION {
            return Err(r.err("a binary catalog of another version; this engine reads version 1"));
        }
        let n = r.u32()? as usize;
        if n > MAX_PRODUCTS || n > bytes.len() / MIN_PRODUCT_BYTES {
            return Err(r.err("more products than the bytes can hold, or than 500000"));
        }
        let mut c = Catalog::empty(n);
        r.columns(&mut c, n)?;
        Ok(c)
    }
}

impl Cursor<'_> {
    /// `from_bytes` after the header: fills `c` (borrowed, so that a fault's early return
    /// drops only what this function holds, not the catalog: wasm size, issue 13).
    fn columns(&mut self, c: &mut Catalog, n: usize) -> Result<()> {
        let r = self;
        r.section = "/extras";
        let extras = r.block()?;

        // The tables in the catalog's own order (a parent before its children, each once),
        // so the products' indices need no mapping.
        // Read into one buffer, interned as `c.category_paths` and `c.brand_names` one by one.
        let mut names = Strs::default();
        r.strs(&mut names, "/categories", None, true)?;
        for k in 0..names.len() {
            let path = names.get(k).unwrap_or("");
            if c.category_node(path) != Some(k as u32) || c.category_paths.len() != k + 1 {
                return Err(r.item(k, "not a category path after its parent, once"));
            }
        }
        r.strs(&mut names, "/brands", None, true)?;
        for k in 0..names.len() {
            if c.intern_brand(names.get(k).unwrap_or("")) as usize != k {
                return Err(r.item(k, "a brand named twice"));
            }
        }
        if !extras.is_empty() {
            let text = core::str::from_utf8(extras).map_err(|_| r.err("text not UTF-8"))?;
            let doc = crate::json::parse(text, text.len(), CODE)?;
            let root = Obj::new(&doc, "", CODE)?;
            c.read_blend(&root)?;
            c.read_category_names(&root)?;
        }

        r.strs(&mut c.ids, "/ids", Some(n), true)?;
        for i in 0..n as u32 {
            if !c.by_id.insert(&c.ids, i) {
                return Err(r.product(i as usize, "id", "a duplicate product id"));
            }
        }
        r.strs(&mut c.titles, "/titles", Some(n), true)?;
        r.strs(&mut c.urls, "/urls", Some(n), false)?;
        r.strs(&mut c.images, "/images", Some(n), false)?;
        for (field, column) in [("url", &c.urls), ("image", &c.images)] {
            for i in 0..n {
                if column.get(i).is_some_and(|u| !crate::url::is_safe_url(u)) {
                    return Err(r.product(
                        i,
                        field,
                        "must be an http(s) URL or a path on the store's site",
                    ));
                }
            }
        }
        r.section = "/tags";
        r.offsets(&mut c.tag_ends, n, MAX_TAGS)?;
        let count = c.tag_ends.last().map_or(0, |&t| t as usize);
        r.strs(&mut c.tags, "/tags", Some(count), true)?;

        let (paths, brands) = (c.category_paths.len(), c.brand_names.len());
        r.indices(
            &mut c.category,
            "/category",
            n,
            paths,
            false,
            "no such category",
        )?;
        r.indices(&mut c.brand, "/brand", n, brands, true, "no such brand")?;
        let (prices, popularity) = (&mut c.prices, &mut c.popularity);
        r.floats(prices, "price", n, 1e12, "expected a price from 0 to 1e12")?;
        r.floats(
            popularity,
            "popularity",
            n,
            1.0,
            "expected a popularity from 0 to 1",
        )?;
        r.section = "/inStock";
        let stock = r.take(n)?;
        if let Some(i) = stock.iter().position(|&b| b > 1) {
            return Err(r.product(i, "inStock", "expected 0 or 1"));
        }
        c.in_stock = Vec::with_capacity(n);
        for &b in stock {
            c.in_stock.push(b == 1);
        }

        for (k, section) in ["/boughtWith", "/goesWith", "/similar"]
            .into_iter()
            .enumerate()
        {
            r.section = section;
            let lists = c.lists_mut(k);
            r.offsets(&mut lists.offsets, n + 1, MAX_RELATED)?;
            if lists.offsets[0] != 0 {
                return Err(r.err("the first offset is not 0"));
            }
            lists.items = r.words(lists.offsets[n] as usize)?;
            // Sliced here, not through `Lists::get`: a call per product and relation cost
            // the binary catalog's load ~7% (10k products).
            let (offsets, items) = (&lists.offsets, &lists.items);
            for i in 0..n {
                for &j in &items[offsets[i] as usize..offsets[i + 1] as usize] {
                    if j as usize >= n || j as usize == i {
                        return Err(r.product(
                            i,
                            &crate::cat!("related", section),
                            "not another product of the catalog",
                        ));
                    }
                }
            }
        }

        r.section = "/embeddings";
        let table = r.block()?;
        if table.is_empty() {
            // Into the empty catalog's table (width 0), in place.
            (0..n).for_each(|_| c.embeddings.push_none());
        } else {
            c.embeddings = Embeddings::from_bytes(table, n, MAX_DIM).map_err(|m| r.err(&m))?;
        }
        if r.at != r.bytes.len() {
            r.section = "";
            return Err(r.err("bytes after the end"));
        }
        Ok(())
    }
}

impl Catalog {
    /// The catalog in the binary format (`from_bytes` reads it back to the same catalog).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.len();
        let mut out = Vec::with_capacity(64 + n * 128);
        let word = |out: &mut Vec<u8>, w: u32| out.extend_from_slice(&w.to_le_bytes());
        let words = |out: &mut Vec<u8>, ws: &[u32]| ws.iter().for_each(|&w| word(out, w));
        let strs = |out: &mut Vec<u8>, s: &Strs| {
            word(out, s.ends.len() as u32);
            word(out, s.text.len() as u32);
            words(out, &s.ends);
            out.extend_from_slice(s.text.as_bytes());
        };
        let column = |v: &[String]| {
            let mut s = Strs::default();
            v.iter().for_each(|x| s.push(Some(x)));
            s
        };
        out.extend_from_slice(MAGIC);
        word(&mut out, VERSION);
        word(&mut out, n as u32);
        let mut extras = crate::value::Map::new();
        if self.blend_fitted {
            extras.insert("blend".into(), self.blend.to_json());
        }
        let mut names = crate::value::Map::new();
        for (node, lang, name) in &self.category_names {
            let path = &self.category_paths[*node as usize];
            let langs = names
                .entry(path.clone())
                .or_insert_with(|| crate::json!({}));
            langs[lang.as_str()] = name.as_str().into();
        }
        if !names.is_empty() {
            extras.insert("categoryNames".into(), names.into());
        }
        let extras = if extras.is_empty() {
            String::new()
        } else {
            crate::jsontext::text(&extras.into())
        };
        word(&mut out, extras.len() as u32);
        out.extend_from_slice(extras.as_bytes());
        strs(&mut out, &column(&self.category_paths));
        strs(&mut out, &column(&self.brand_names));
        for s in [&self.ids, &self.titles, &self.urls, &self.images] {
            strs(&mut out, s);
        }
        words(&mut out, &self.tag_ends);
        strs(&mut out, &self.tags);
        words(&mut out, &self.category);
        words(&mut out, &self.brand);
        for column in [&self.prices, &self.popularity] {
            column.iter().for_each(|x| word(&mut out, x.to_bits()));
        }
        out.extend(self.in_stock.iter().map(|&b| u8::from(b)));
        for lists in [&self.bought_with, &self.goes_with, &self.similar] {
            words(&mut out, &lists.offsets);
            words(&mut out, &lists.items);
        }
        let table = if self.embeddings.dim() > 0 {
            self.embeddings.to_bytes()
        } else {
            Vec::new()
        };
        word(&mut out, table.len() as u32);
        out.extend_from_slice(&table);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::Lists;
    use super::*;
    use crate::json;
    use crate::value::Value;

    /// Every field of the JSON format at least once, a product of each kind.
    fn rich() -> Value {
        let mut products = vec![
            json!({"id": "a", "title": "Kedi maması", "category": "pets/cat/food", "brand": "Mırmır", "price": 10.5,
                   "tags": ["new", "sale"], "url": "/p/a", "image": "https://cdn.example/a.png", "popularity": 40,
                   "embedding": [3, 4, 0], "related": {"boughtWith": ["b", "gone", "a"], "similar": ["c", "b"]}}),
            json!({"id": "b", "title": "B", "category": "pets/dog", "brand": " ", "price": 0, "inStock": false,
                   "related": {"goesWith": ["a"]}}),
            json!({"id": "c", "title": "C", "category": "toys", "price": 1e12, "embedding": [0, 0, 0], "tags": []}),
        ];
        for i in 0..40 {
            products.push(json!({"id": format!("p{i}"), "title": format!("P {i}"), "category": format!("pets/cat/t{}", i % 3),
                "brand": format!("B{}", i % 4), "price": i, "popularity": i, "embedding": [i, 1, -2],
                "related": {"similar": [format!("p{}", (i + 1) % 40), "a"]}}));
        }
        json!({"products": products,
               "categoryNames": {"pets/cat/food": {"tr": "Kedi maması", "EN": "Cat food"}, "nowhere": {"en": "x"}},
               "blend": {"revisit": 2.5}})
    }

    fn bytes_of(doc: &Value) -> Vec<u8> {
        Catalog::from_json(doc).unwrap().to_bytes()
    }

    #[test]
    fn reads_back_every_column_the_json_reader_built() {
        let from_json = Catalog::from_json(&rich()).unwrap();
        let bytes = from_json.to_bytes();
        let back = Catalog::from_bytes(&bytes).unwrap();
        // Written again, the catalog read back gives the same bytes: every column matches.
        assert_eq!(back.to_bytes(), bytes);
        assert_ne!(back.generation, from_json.generation);
        assert_eq!(back.len(), 43);
        for ix in 0..back.len() as u32 {
            assert_eq!(back.index(back.id(ix)), Some(ix));
            assert_eq!(back.title(ix), from_json.title(ix));
            assert_eq!(back.url(ix), from_json.url(ix));
            assert_eq!(back.image(ix), from_json.image(ix));
            assert!(back.tags(ix).eq(from_json.tags(ix)));
            assert_eq!(back.embedding(ix), from_json.embedding(ix));
            assert_eq!(
                back.category_name(ix, "tr"),
                from_json.category_name(ix, "tr")
            );
        }
        assert_eq!(back.url(0), Some("/p/a"));
        assert_eq!(back.url(2), None);
        assert_eq!(back.index("gone"), None);
        assert_eq!(back.related(0, super::super::Relation::BoughtWith), &[1]);
        assert_eq!(back.category_name(0, "en"), "Cat food");
        assert_eq!(back.brand[1], NONE);
        assert!(back.blend_fitted && back.blend.revisit == 2.5);
        let plain = bytes_of(
            &json!({"products": [{"id": "x", "title": "X", "category": "c", "price": 1}]}),
        );
        let back = Catalog::from_bytes(&plain).unwrap();
        assert!(!back.blend_fitted && back.embeddings.dim() == 0 && back.embedding(0).is_none());
        assert!(Catalog::from_bytes(&bytes_of(&json!({"products": []})))
            .unwrap()
            .is_empty());
    }

    fn refused(bytes: &[u8]) -> Error {
        match Catalog::from_bytes(bytes) {
            Ok(_) => panic!("accepted {} bytes", bytes.len()),
            Err(e) => {
                assert_eq!(e.code, "invalid_catalog");
                e
            }
        }
    }

    #[test]
    fn every_truncation_is_refused_with_where_it_ends() {
        let bytes = bytes_of(&rich());
        for len in 0..bytes.len() {
            let e = refused(&bytes[..len]);
            assert!(e.message.contains("(byte "), "{len}: {}", e.message);
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(refused(&longer).message.contains("bytes after the end"));
    }

    #[test]
    fn a_wrong_magic_or_version_is_named() {
        let mut bytes = bytes_of(&rich());
        bytes[4] = 2;
        assert!(refused(&bytes)
            .message
            .contains("another version; this engine reads version 1"));
        assert!(refused(b"{\"products\":[]}")
            .message
            .contains("not a binary catalog"));
        assert!(refused(crate::embeddings::MAGIC)
            .message
            .contains("not a binary catalog"));
    }

    /// Offsets of the sections of `rich()`'s bytes worth aiming at, found by walking them.
    fn overwrite(bytes: &[u8], at: usize, word: u32) -> Vec<u8> {
        let mut b = bytes.to_vec();
        b[at..at + 4].copy_from_slice(&word.to_le_bytes());
        b
    }

    #[test]
    fn hostile_counts_are_refused_before_anything_is_allocated_for_them() {
        let bytes = bytes_of(&rich());
        refused(&overwrite(&bytes, 8, 44));
        for n in [1 << 20, u32::MAX] {
            let e = refused(&overwrite(&bytes, 8, n));
            assert!(
                e.message.contains("more products than"),
                "{n}: {}",
                e.message
            );
        }
        // The extras' length, then the category table's count and text length.
        let extras = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
        for at in [12, 16 + extras, 20 + extras] {
            for w in [u32::MAX, u32::MAX / 4, 1 << 30] {
                refused(&overwrite(&bytes, at, w));
            }
        }
    }

    #[test]
    fn product_faults_name_the_product() {
        // A duplicate id, a script URL, a price out of range…: as the JSON reader says.
        let mut d = Catalog::from_json(&json!({"products": [
            {"id": "a", "title": "A", "category": "c", "price": 1},
            {"id": "b", "title": "B", "category": "c", "price": 1}]}))
        .unwrap();
        d.ids = Strs::default();
        d.ids.push(Some("a"));
        d.ids.push(Some("a"));
        assert_eq!(
            refused(&d.to_bytes()).path.as_deref(),
            Some("/products/1/id")
        );
        let mut d = Catalog::from_json(
            &json!({"products": [{"id": "a", "title": "A", "category": "c", "price": 1}]}),
        )
        .unwrap();
        d.urls = Strs::default();
        d.urls.push(Some("javascript:alert(1)"));
        assert_eq!(
            refused(&d.to_bytes()).path.as_deref(),
            Some("/products/0/url")
        );
        d.urls = Strs::default();
        d.urls.push(None);
        d.prices[0] = -1.0;
        assert_eq!(
            refused(&d.to_bytes()).path.as_deref(),
            Some("/products/0/price")
        );
        d.prices[0] = f32::NAN;
        assert_eq!(
            refused(&d.to_bytes()).path.as_deref(),
            Some("/products/0/price")
        );
        d.prices[0] = 1.0;
        d.category[0] = 7;
        assert_eq!(
            refused(&d.to_bytes()).path.as_deref(),
            Some("/products/0/category")
        );
        d.category[0] = 0;
        d.similar = Lists {
            offsets: vec![0, 1],
            items: vec![0],
        };
        assert_eq!(
            refused(&d.to_bytes()).path.as_deref(),
            Some("/products/0/related/similar")
        );
        d.similar = Lists {
            offsets: vec![0, 0],
            items: vec![],
        };
        d.category_paths = vec!["c//d".into()];
        assert_eq!(
            refused(&d.to_bytes()).path.as_deref(),
            Some("/categories/0")
        );
    }

    /// A product's every accessor, as the engine would call them.
    fn touch(c: &Catalog) {
        for ix in 0..c.len() as u32 {
            assert_eq!(c.index(c.id(ix)), Some(ix));
            let _ = (
                c.title(ix),
                c.url(ix),
                c.image(ix),
                c.tags(ix).count(),
                c.embedding(ix),
            );
            assert!(c.ancestors(c.category[ix as usize]).count() <= c.category_paths.len());
            let _ = c.category_name(ix, "tr");
            for r in [
                super::super::Relation::BoughtWith,
                super::super::Relation::GoesWith,
                super::super::Relation::Similar,
            ] {
                assert!(c.related(ix, r).iter().all(|&j| (j as usize) < c.len()));
            }
        }
    }

    #[test]
    fn random_damage_is_refused_or_read_into_a_sound_catalog_never_a_panic() {
        let bytes = bytes_of(&rich());
        let mut seed = 0x2545_f491u32;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        let (mut ok, mut refused_) = (0, 0);
        for round in 0..20_000 {
            let mut b = bytes.clone();
            for _ in 0..1 + rand() % 4 {
                if b.is_empty() {
                    break;
                }
                let at = rand() as usize % b.len();
                match round % 4 {
                    // A byte, a bit, a word (small, large, or the ABSENT bit), a cut.
                    0 => b[at] = rand() as u8,
                    1 => b[at] ^= 1 << (rand() % 8),
                    2 if at + 4 <= b.len() => {
                        let w = [rand() % 64, rand(), u32::MAX, ABSENT | (rand() % 64)]
                            [rand() as usize % 4];
                        b[at..at + 4].copy_from_slice(&w.to_le_bytes());
                    }
                    _ => b.truncate(at),
                }
            }
            match Catalog::from_bytes(&b) {
                Ok(c) => {
                    touch(&c);
                    ok += 1;
                }
                Err(e) => {
                    assert_eq!(e.code, "invalid_catalog");
                    refused_ += 1;
                }
            }
        }
        assert!(
            ok > 100 && refused_ > 10_000,
            "{ok} read, {refused_} refused"
        );
    }
}
