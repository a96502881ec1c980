//! `cargo xtask demo-catalog`: the demo storefront's catalog, made from a fixed seed until the
//! reference server builds catalogs from real events. Same seed, same bytes, on every machine.
//!
//! Writes the one document (API.md `Catalog`) twice:
//! - `target/demo/catalog.json`, for tools, tests and `sync.catalogUrl` experiments;
//! - `www/generated/catalog.js` (`export default {…}`, git-ignored), which the storefront
//!   imports statically. The catalog then loads with the page's module graph, in parallel with
//!   the package, and the first recommendation is computed the moment the engine exists; a
//!   `fetch` of the JSON would start only once the page's script runs and add a round trip
//!   before the first slot can render.
//!
//! `cargo xtask demo` and `cargo xtask test` run it before serving / the browser suites.
//!
//! What a product gets (the `CATEGORIES` table; 306 products in 13 leaf categories):
//! - `title` in Turkish (the storefront's default language) and `titleEn` in English: a distinct
//!   style × colour (or × size, × noun) combination per category; `brand` from the category's
//!   makers (lens and solution, cat food and toys share makers, as in real shops);
//! - `price` in TRY, log-uniform in the category's band times the size's factor, ending in ,90;
//!   `inStock` ~94 % true; `popularity` Zipf-like over a random rank within the category;
//!   `color` (hex) for the page's drawn placeholder; `tags` in both languages; `url`;
//! - a 32-dim `embedding` = the leaf category's centre + weaker centres of its ancestors + a
//!   brand direction + a price-band direction (lower/middle/upper third of the category, shared
//!   by all categories) + a colour direction (fashion only) + Gaussian noise, L2-normalised:
//!   neighbours share the category first, then brand, price band and colour, as learned
//!   embeddings of a shop tend to;
//! - `related.similar`: the 8 nearest products of the same leaf category; `boughtWith` and
//!   `goesWith`: the nearest products of the complementary categories in `BOUGHT_WITH` and
//!   `GOES_WITH` (lens → solution, cat food → cat toys, blouse ↔ skirt, blouse/skirt/shirt →
//!   casual shoes, …), i.e. same brand, band and colour first; within one category (shirts,
//!   running shoes, books) the brand's most popular other products.
//!
//! Randomness is splitmix64 from `SEED`; Gaussians are sums of uniforms (plain arithmetic), and
//! the few `powf` results are rounded to prices and integers, so the output does not depend on
//! the platform's maths library.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::util::{cmd, root, run, write, Result};

const SEED: u64 = 0x7669_7472_696e_0005;
const DIM: usize = 32;
const SIMILAR: usize = 8;

/// (Turkish, English).
type Words = &'static [(&'static str, &'static str)];

/// (Turkish, English, hex).
const COLOURS: &[(&str, &str, &str)] = &[
    ("Beyaz", "White", "#efece4"),
    ("Siyah", "Black", "#2a2a30"),
    ("Lacivert", "Navy", "#1f3a5f"),
    ("Açık Mavi", "Light Blue", "#8fb8de"),
    ("Bordo", "Burgundy", "#7b2335"),
    ("Haki", "Khaki", "#7d7a4f"),
    ("Bej", "Beige", "#d9c6a5"),
    ("Pembe", "Pink", "#e59bb1"),
    ("Yeşil", "Green", "#3f7d55"),
    ("Gri", "Grey", "#8d9096"),
    ("Kırmızı", "Red", "#c8383a"),
    ("Hardal", "Mustard", "#d4a62a"),
    ("Turuncu", "Orange", "#e0782f"),
    ("Mor", "Purple", "#6b4c9a"),
    ("Kahverengi", "Brown", "#7a5234"),
    ("Turkuaz", "Turquoise", "#2aa5a0"),
    ("Altın", "Gold", "#c9a13b"),
    ("Şeffaf", "Clear", "#cfd8de"),
];

enum Variants {
    /// Indices into `COLOURS`; the colour is part of the title and of the embedding.
    Colours(&'static [usize]),
    /// Words with a price factor each (empty: 1.0); the product gets a random packaging colour.
    Words(Words, &'static [f64]),
}

struct Category {
    path: &'static str,
    prefix: &'static str,
    count: usize,
    brands: &'static [&'static str],
    /// Turkish and English title templates: `{a}` a style, `{b}` a variant.
    title: (&'static str, &'static str),
    styles: Words,
    variants: Variants,
    /// Price band in TRY before the variant's factor.
    price: (f64, f64),
    tags: &'static [&'static str],
}

const SIZES_CAT: Words = &[("1,5 kg", "1.5 kg"), ("3 kg", "3 kg"), ("7 kg", "7 kg")];
const SIZES_DOG: Words = &[("3 kg", "3 kg"), ("12 kg", "12 kg"), ("15 kg", "15 kg")];
const PACKS: Words = &[("3'lü", "3-pack"), ("6'lı", "6-pack"), ("30'lu", "30-pack")];
const BOTTLES: Words = &[
    ("100 ml", "100 ml"),
    ("360 ml", "360 ml"),
    ("500 ml", "500 ml"),
];
const EYE_BRANDS: &[&str] = &["Berrak", "OptiGöz", "Netgör"];

const CATEGORIES: &[Category] = &[
    Category {
        path: "fashion/shirts",
        prefix: "shirt",
        count: 40,
        brands: &["Lodos", "Poyraz", "Kuzey Atölye", "Ege Terzi"],
        title: ("{b} {a} Gömlek", "{b} {a} Shirt"),
        styles: &[
            ("Oxford", "Oxford"),
            ("Keten", "Linen"),
            ("Poplin", "Poplin"),
            ("Flanel", "Flannel"),
            ("Denim", "Denim"),
            ("Slim Fit", "Slim-Fit"),
            ("Kareli", "Checked"),
        ],
        variants: Variants::Colours(&[0, 1, 2, 3, 4, 5, 6, 8, 9]),
        price: (449.9, 1799.9),
        tags: &["gömlek", "shirt", "giyim", "clothing"],
    },
    Category {
        path: "fashion/blouses",
        prefix: "blouse",
        count: 30,
        brands: &["Lodos", "Mina", "Sedef", "Ege Terzi"],
        title: ("{b} {a} Bluz", "{b} {a} Blouse"),
        styles: &[
            ("Saten", "Satin"),
            ("Şifon", "Chiffon"),
            ("Fırfırlı", "Ruffled"),
            ("Keten", "Linen"),
            ("Dantelli", "Lace"),
            ("Desenli", "Printed"),
        ],
        variants: Variants::Colours(&[0, 1, 2, 4, 6, 7, 8, 13, 15]),
        price: (399.9, 1499.9),
        tags: &["bluz", "blouse", "kadın", "women"],
    },
    Category {
        path: "fashion/skirts",
        prefix: "skirt",
        count: 30,
        brands: &["Mina", "Sedef", "Lodos", "Defne"],
        title: ("{b} {a} Etek", "{b} {a} Skirt"),
        styles: &[
            ("Pileli Midi", "Pleated Midi"),
            ("Kot Mini", "Denim Mini"),
            ("Kalem", "Pencil"),
            ("Çiçekli Maxi", "Floral Maxi"),
            ("A Kesim", "A-Line"),
            ("Deri Görünümlü", "Faux-Leather"),
        ],
        variants: Variants::Colours(&[1, 2, 3, 4, 5, 6, 7, 9, 10]),
        price: (449.9, 1599.9),
        tags: &["etek", "skirt", "kadın", "women"],
    },
    Category {
        path: "fashion/shoes/running",
        prefix: "run",
        count: 30,
        brands: &["Rüzgar", "Atlas Sport", "Kuzey Run", "Tempo"],
        title: ("{b} {a} Koşu Ayakkabısı", "{b} {a} Running Shoes"),
        styles: &[
            ("Yol", "Road"),
            ("Arazi", "Trail"),
            ("Maraton", "Marathon"),
            ("Hafif", "Lightweight"),
            ("Yastıklı", "Cushioned"),
            ("Hız", "Speed"),
        ],
        variants: Variants::Colours(&[0, 1, 2, 8, 9, 10, 12, 15]),
        price: (1799.9, 6499.9),
        tags: &["ayakkabı", "shoes", "koşu", "running", "spor", "sport"],
    },
    Category {
        path: "fashion/shoes/casual",
        prefix: "casual",
        count: 30,
        brands: &["Lodos", "Adım", "Kösele", "Defne"],
        title: ("{b} {a}", "{b} {a}"),
        styles: &[
            ("Deri Sneaker", "Leather Sneakers"),
            ("Kanvas Ayakkabı", "Canvas Shoes"),
            ("Loafer", "Loafers"),
            ("Süet Bot", "Suede Boots"),
            ("Espadril", "Espadrilles"),
            ("Babet", "Ballet Flats"),
        ],
        variants: Variants::Colours(&[0, 1, 2, 4, 6, 9, 14]),
        price: (1199.9, 4499.9),
        tags: &["ayakkabı", "shoes", "günlük", "casual"],
    },
    Category {
        path: "books/novels",
        prefix: "novel",
        count: 25,
        brands: &["Pusula Kitap", "Defne Yayınları", "Kumsal Yayınevi"],
        title: ("{a} {b}", "The {a} {b}"),
        styles: &[
            ("Sessiz", "Quiet"),
            ("Kayıp", "Lost"),
            ("Son", "Last"),
            ("Uzak", "Distant"),
            ("Gizli", "Secret"),
            ("Kırık", "Broken"),
            ("Eski", "Old"),
        ],
        variants: Variants::Words(
            &[
                ("Liman", "Harbour"),
                ("Şehir", "City"),
                ("Yaz", "Summer"),
                ("Bahçe", "Garden"),
                ("Mektup", "Letter"),
                ("Ada", "Island"),
                ("Köprü", "Bridge"),
            ],
            &[],
        ),
        price: (119.9, 449.9),
        tags: &["kitap", "book", "roman", "novel"],
    },
    Category {
        path: "books/children",
        prefix: "kids",
        count: 15,
        brands: &["Minik Adımlar", "Pusula Çocuk"],
        title: ("{a} {b}", "The {a} {b}"),
        styles: &[
            ("Minik", "Little"),
            ("Cesur", "Brave"),
            ("Meraklı", "Curious"),
            ("Uykucu", "Sleepy"),
            ("Neşeli", "Happy"),
        ],
        variants: Variants::Words(
            &[
                ("Ayı", "Bear"),
                ("Tavşan", "Rabbit"),
                ("Balina", "Whale"),
                ("Ejderha", "Dragon"),
                ("Tilki", "Fox"),
            ],
            &[],
        ),
        price: (59.9, 249.9),
        tags: &["kitap", "book", "çocuk", "children"],
    },
    Category {
        path: "pets/cat/food",
        prefix: "catfood",
        count: 21,
        brands: &["Miyav", "Patiko", "Mırnav"],
        title: ("{a} Kuru Kedi Maması {b}", "{a} Dry Cat Food {b}"),
        styles: &[
            ("Somonlu", "Salmon"),
            ("Tavuklu", "Chicken"),
            ("Kuzulu", "Lamb"),
            ("Hindili", "Turkey"),
            ("Balıklı", "Ocean Fish"),
            ("Kısırlaştırılmış", "Sterilised"),
            ("Yavru", "Kitten"),
        ],
        variants: Variants::Words(SIZES_CAT, &[1.0, 1.8, 3.6]),
        price: (229.9, 499.9),
        tags: &["kedi", "cat", "mama", "food", "kuru mama", "dry food"],
    },
    Category {
        path: "pets/cat/toys",
        prefix: "cattoy",
        count: 20,
        brands: &["Miyav", "Patiko", "Oyunbaz"],
        title: ("{b} {a}", "{b} {a}"),
        styles: &[
            ("Tüylü Olta", "Feather Wand"),
            ("Peluş Fare", "Plush Mouse"),
            ("Zilli Top", "Bell Ball"),
            ("Kedi Tüneli", "Cat Tunnel"),
            ("Tırmalama Tahtası", "Scratching Board"),
        ],
        variants: Variants::Colours(&[7, 8, 10, 11, 13, 15]),
        price: (59.9, 649.9),
        tags: &["kedi", "cat", "oyuncak", "toy"],
    },
    Category {
        path: "pets/dog/food",
        prefix: "dogfood",
        count: 18,
        brands: &["Havhav", "Patiko", "Sadık"],
        title: ("{a} Köpek Maması {b}", "{a} Dog Food {b}"),
        styles: &[
            ("Kuzulu", "Lamb"),
            ("Tavuklu", "Chicken"),
            ("Somonlu", "Salmon"),
            ("Yavru", "Puppy"),
            ("Büyük Irk", "Large Breed"),
            ("Light", "Light"),
        ],
        variants: Variants::Words(SIZES_DOG, &[1.0, 3.2, 3.9]),
        price: (299.9, 599.9),
        tags: &["köpek", "dog", "mama", "food"],
    },
    Category {
        path: "eyewear/lenses",
        prefix: "lens",
        count: 15,
        brands: EYE_BRANDS,
        title: ("{a} Kontakt Lens {b}", "{a} Contact Lenses {b}"),
        styles: &[
            ("Günlük", "Daily"),
            ("İki Haftalık", "Two-Week"),
            ("Aylık", "Monthly"),
            ("Torik Aylık", "Toric Monthly"),
            ("Silikon Hidrojel", "Silicone Hydrogel"),
        ],
        variants: Variants::Words(PACKS, &[1.0, 1.8, 2.6]),
        price: (349.9, 899.9),
        tags: &["lens", "lenses", "kontakt lens", "contact lenses"],
    },
    Category {
        path: "eyewear/solution",
        prefix: "solution",
        count: 12,
        brands: EYE_BRANDS,
        title: ("{a} Lens Solüsyonu {b}", "{a} Lens Solution {b}"),
        styles: &[
            ("Çok Amaçlı", "Multi-Purpose"),
            ("Hidrojen Peroksit", "Hydrogen Peroxide"),
            ("Hassas Göz", "Sensitive Eyes"),
            ("Nemlendirici", "Moisturising"),
        ],
        variants: Variants::Words(BOTTLES, &[0.45, 1.0, 1.3]),
        price: (199.9, 379.9),
        tags: &["solüsyon", "solution", "lens", "lenses"],
    },
    Category {
        path: "eyewear/frames",
        prefix: "frame",
        count: 20,
        brands: &["Netgör", "Vizyon", "Lina Optik"],
        title: ("{b} {a} Optik Çerçeve", "{b} {a} Optical Frame"),
        styles: &[
            ("Yuvarlak", "Round"),
            ("Kedi Gözü", "Cat-Eye"),
            ("Dikdörtgen", "Rectangular"),
            ("Aviator", "Aviator"),
            ("Oval", "Oval"),
        ],
        variants: Variants::Colours(&[1, 2, 14, 16, 17]),
        price: (899.9, 4499.9),
        tags: &["gözlük", "glasses", "çerçeve", "frame"],
    },
];

/// (from leaf, to leaf, how many): what is bought in the same order.
const BOUGHT_WITH: &[(&str, &str, usize)] = &[
    ("fashion/shirts", "fashion/shirts", 3),
    ("fashion/shoes/running", "fashion/shoes/running", 3),
    ("fashion/blouses", "fashion/skirts", 3),
    ("fashion/skirts", "fashion/blouses", 3),
    ("books/novels", "books/novels", 3),
    ("books/children", "books/children", 3),
    ("pets/cat/food", "pets/cat/toys", 3),
    ("pets/cat/toys", "pets/cat/food", 2),
    ("pets/dog/food", "pets/dog/food", 2),
    ("eyewear/lenses", "eyewear/solution", 2),
    ("eyewear/solution", "eyewear/lenses", 2),
];

/// Every category node's name (Turkish, English): the catalog's `categoryNames`, which the
/// engine's reasons and the storefront's menus both read.
const CATEGORY_NAMES: &[(&str, &str, &str)] = &[
    ("fashion", "Moda", "Fashion"),
    ("fashion/shirts", "Gömlek", "Shirts"),
    ("fashion/blouses", "Bluz", "Blouses"),
    ("fashion/skirts", "Etek", "Skirts"),
    ("fashion/shoes", "Ayakkabı", "Shoes"),
    ("fashion/shoes/running", "Koşu Ayakkabısı", "Running shoes"),
    ("fashion/shoes/casual", "Günlük Ayakkabı", "Casual shoes"),
    ("books", "Kitap", "Books"),
    ("books/novels", "Roman", "Novels"),
    ("books/children", "Çocuk Kitapları", "Children's books"),
    ("pets", "Evcil Hayvan", "Pets"),
    ("pets/cat", "Kedi", "Cat"),
    ("pets/cat/food", "Kedi Maması", "Cat food"),
    ("pets/cat/toys", "Kedi Oyuncakları", "Cat toys"),
    ("pets/dog", "Köpek", "Dog"),
    ("pets/dog/food", "Köpek Maması", "Dog food"),
    ("eyewear", "Gözlük & Lens", "Eyewear"),
    ("eyewear/lenses", "Kontakt Lens", "Contact lenses"),
    ("eyewear/solution", "Lens Solüsyonu", "Lens solution"),
    ("eyewear/frames", "Optik Çerçeve", "Frames"),
];

/// (from leaf, to leaf, how many): cross-category complements (an outfit's shoes).
const GOES_WITH: &[(&str, &str, usize)] = &[
    ("fashion/blouses", "fashion/shoes/casual", 3),
    ("fashion/skirts", "fashion/shoes/casual", 3),
    ("fashion/shirts", "fashion/shoes/casual", 2),
    ("fashion/shoes/casual", "fashion/skirts", 2),
];

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    /// ≈ N(0, 1): the sum of 12 uniforms minus 6.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }

    fn direction(&mut self) -> Vec<f64> {
        let mut v: Vec<f64> = (0..DIM).map(|_| self.normal()).collect();
        normalize(&mut v);
        v
    }
}

fn normalize(v: &mut [f64]) {
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Directions drawn once per key (category path, brand, band, colour), in first-use order.
struct Directions<'a> {
    rng: &'a mut Rng,
    made: BTreeMap<String, Vec<f64>>,
}

impl Directions<'_> {
    fn get(&mut self, key: String) -> &[f64] {
        let rng = &mut *self.rng;
        self.made.entry(key).or_insert_with(|| rng.direction())
    }
}

struct Product {
    id: String,
    title: String,
    title_en: String,
    category: &'static str,
    brand: &'static str,
    price: f64,
    in_stock: bool,
    popularity: u32,
    color: &'static str,
    tags: Vec<String>,
    embedding: Vec<f64>,
    similar: Vec<usize>,
    bought_with: Vec<usize>,
    goes_with: Vec<usize>,
}

/// Ends a price in ,90 at a step that suits its size (89,90 · 449,90 · 1.299,90).
fn shop_price(p: f64) -> f64 {
    let step = if p < 200.0 {
        10.0
    } else if p < 1000.0 {
        50.0
    } else {
        100.0
    };
    ((p / step).round() * step).max(step) - 0.1
}

fn make_category(c: &Category, rng: &mut Rng, dirs: &mut Directions) -> Vec<Product> {
    let variants = match &c.variants {
        Variants::Colours(ix) => ix.len(),
        Variants::Words(w, _) => w.len(),
    };
    let mut combos: Vec<(usize, usize)> = (0..c.styles.len())
        .flat_map(|a| (0..variants).map(move |b| (a, b)))
        .collect();
    assert!(
        combos.len() >= c.count,
        "{}: {} titles for {} products",
        c.path,
        combos.len(),
        c.count
    );
    rng.shuffle(&mut combos);
    let mut ranks: Vec<usize> = (0..c.count).collect();
    rng.shuffle(&mut ranks);

    let mut products: Vec<Product> = combos[..c.count]
        .iter()
        .zip(ranks)
        .enumerate()
        .map(|(i, (&(a, b), rank))| {
            let (style_tr, style_en) = c.styles[a];
            let (b_tr, b_en, colour, factor) = match &c.variants {
                Variants::Colours(ix) => {
                    let (tr, en, hex) = COLOURS[ix[b]];
                    (tr, en, hex, 1.0)
                }
                Variants::Words(w, factors) => (
                    w[b].0,
                    w[b].1,
                    COLOURS[rng.below(COLOURS.len())].2,
                    factors.get(b).copied().unwrap_or(1.0),
                ),
            };
            let fill = |t: &str, a: &str, b: &str| t.replace("{a}", a).replace("{b}", b);
            let (lo, hi) = c.price;
            let price = shop_price(factor * lo * (hi / lo).powf(rng.unit()));
            let mut tags: Vec<String> = c.tags.iter().map(|t| t.to_string()).collect();
            if matches!(c.variants, Variants::Colours(_)) {
                tags.extend([b_tr.to_lowercase(), b_en.to_lowercase()]);
            }
            Product {
                id: format!("{}-{:03}", c.prefix, i + 1),
                title: fill(c.title.0, style_tr, b_tr),
                title_en: fill(c.title.1, style_en, b_en),
                category: c.path,
                brand: c.brands[rng.below(c.brands.len())],
                price,
                in_stock: rng.unit() > 0.06,
                popularity: (1000.0 * (0.8 + 0.4 * rng.unit()) / (1.0 + rank as f64).powf(0.6))
                    .round() as u32,
                color: colour,
                tags,
                embedding: Vec::new(),
                similar: Vec::new(),
                bought_with: Vec::new(),
                goes_with: Vec::new(),
            }
        })
        .collect();

    // Price band: the product's third of the category by price.
    let mut by_price: Vec<usize> = (0..products.len()).collect();
    by_price.sort_by(|&x, &y| {
        products[x]
            .price
            .total_cmp(&products[y].price)
            .then(x.cmp(&y))
    });
    let mut band = vec![0; products.len()];
    for (r, &ix) in by_price.iter().enumerate() {
        band[ix] = r * 3 / products.len();
    }

    for (ix, p) in products.iter_mut().enumerate() {
        let mut e = vec![0.0; DIM];
        let mut add = |v: &[f64], w: f64| e.iter_mut().zip(v).for_each(|(x, y)| *x += w * y);
        // The leaf weighs 1; each ancestor up the path weighs less (0.6, 0.45, …).
        let parts: Vec<&str> = c.path.split('/').collect();
        for depth in 1..=parts.len() {
            let w = if depth == parts.len() {
                1.0
            } else {
                0.6 * 0.75f64.powi((parts.len() - depth - 1) as i32)
            };
            add(
                dirs.get(format!("category:{}", parts[..depth].join("/"))),
                w,
            );
        }
        add(dirs.get(format!("brand:{}", p.brand)), 0.45);
        add(dirs.get(format!("band:{}", band[ix])), 0.3);
        if matches!(c.variants, Variants::Colours(_)) {
            add(dirs.get(format!("colour:{}", p.color)), 0.35);
        }
        let noise: Vec<f64> = (0..DIM)
            .map(|_| rng.normal() * 0.35 / (DIM as f64).sqrt())
            .collect();
        add(&noise, 1.0);
        normalize(&mut e);
        // Four decimals keep the file small and are far finer than the noise.
        p.embedding = e.iter().map(|x| (x * 1e4).round() / 1e4).collect();
    }
    products
}

/// The mean embedding of each leaf category.
fn leaf_means(products: &[Product]) -> BTreeMap<&'static str, Vec<f64>> {
    let mut sums: BTreeMap<&'static str, (Vec<f64>, f64)> = BTreeMap::new();
    for p in products {
        let (sum, n) = sums
            .entry(p.category)
            .or_insert_with(|| (vec![0.0; DIM], 0.0));
        sum.iter_mut().zip(&p.embedding).for_each(|(s, x)| *s += x);
        *n += 1.0;
    }
    sums.into_iter()
        .map(|(leaf, (sum, n))| (leaf, sum.into_iter().map(|s| s / n).collect()))
        .collect()
}

/// The `k` products of leaf `to` nearest to `from` (never `from` itself), nearest first.
/// Both sides are centred on their leaf's mean: what is left is brand, band and colour, so one
/// product that happens to lie towards `from`'s category does not become everyone's neighbour.
fn nearest(
    products: &[Product],
    means: &BTreeMap<&str, Vec<f64>>,
    from: usize,
    to: &str,
    k: usize,
) -> Vec<usize> {
    let centred = |p: &Product| -> Vec<f64> {
        p.embedding
            .iter()
            .zip(&means[p.category])
            .map(|(x, m)| x - m)
            .collect()
    };
    let source = centred(&products[from]);
    let mut found: Vec<(f64, usize)> = products
        .iter()
        .enumerate()
        .filter(|&(j, p)| j != from && p.category == to)
        .map(|(j, p)| (dot(&source, &centred(p)), j))
        .collect();
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().take(k).map(|(_, j)| j).collect()
}

/// Bought together within one category (several shirts, books of one publisher): the brand's
/// most popular other products.
fn brand_favourites(products: &[Product], from: usize, k: usize) -> Vec<usize> {
    let p = &products[from];
    let mut found: Vec<usize> = (0..products.len())
        .filter(|&j| {
            j != from && products[j].category == p.category && products[j].brand == p.brand
        })
        .collect();
    found.sort_by(|&a, &b| {
        products[b]
            .popularity
            .cmp(&products[a].popularity)
            .then(a.cmp(&b))
    });
    found.truncate(k);
    found
}

fn generate_products() -> Vec<Product> {
    let mut rng = Rng(SEED);
    let mut dir_rng = Rng(SEED ^ 0xd1ec_7105);
    let mut dirs = Directions {
        rng: &mut dir_rng,
        made: BTreeMap::new(),
    };
    let mut products: Vec<Product> = CATEGORIES
        .iter()
        .flat_map(|c| make_category(c, &mut rng, &mut dirs))
        .collect();
    let means = leaf_means(&products);
    for i in 0..products.len() {
        let leaf = products[i].category;
        let related = |table: &[(&str, &str, usize)]| -> Vec<usize> {
            let pick = |&(_, to, k): &(&str, &str, usize)| {
                if to == leaf {
                    brand_favourites(&products, i, k)
                } else {
                    nearest(&products, &means, i, to, k)
                }
            };
            table
                .iter()
                .filter(|(from, ..)| *from == leaf)
                .flat_map(pick)
                .collect()
        };
        let (bought_with, goes_with) = (related(BOUGHT_WITH), related(GOES_WITH));
        let similar = nearest(&products, &means, i, leaf, SIMILAR);
        let p = &mut products[i];
        (p.similar, p.bought_with, p.goes_with) = (similar, bought_with, goes_with);
    }
    products
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_list(out: &mut String, items: impl IntoIterator<Item = String>) {
    out.push('[');
    for (k, item) in items.into_iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
}

/// The catalog as JSON, one product per line (readable diffs, small file).
fn to_json(products: &[Product]) -> String {
    let quoted = |s: &str| {
        let mut q = String::new();
        json_str(&mut q, s);
        q
    };
    let mut out = String::from("{\"products\":[\n");
    for (i, p) in products.iter().enumerate() {
        let _ = write!(
            out,
            "{{\"id\":{},\"title\":{},\"titleEn\":{},\"category\":{},\"brand\":{},",
            quoted(&p.id),
            quoted(&p.title),
            quoted(&p.title_en),
            quoted(p.category),
            quoted(p.brand)
        );
        let _ = write!(
            out,
            "\"price\":{:.2},\"inStock\":{},\"popularity\":{},\"color\":{},\"url\":{},\"image\":{},\"tags\":",
            p.price,
            p.in_stock,
            p.popularity,
            quoted(p.color),
            quoted(&format!("/#/p/{}", p.id)),
            quoted(&format!("/{PICTURES}/{}.svg", p.id))
        );
        json_list(&mut out, p.tags.iter().map(|t| quoted(t)));
        out.push_str(",\"embedding\":");
        json_list(&mut out, p.embedding.iter().map(|x| format!("{x}")));
        out.push_str(",\"related\":{");
        let lists = [
            ("similar", &p.similar),
            ("boughtWith", &p.bought_with),
            ("goesWith", &p.goes_with),
        ];
        let mut first = true;
        for (name, ids) in lists.into_iter().filter(|(_, ids)| !ids.is_empty()) {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "\"{name}\":");
            json_list(&mut out, ids.iter().map(|&j| quoted(&products[j].id)));
        }
        out.push_str("}}");
        out.push_str(if i + 1 < products.len() { ",\n" } else { "\n" });
    }
    out.push_str("],\n\"categoryNames\":{");
    for (k, (path, tr, en)) in CATEGORY_NAMES.iter().enumerate() {
        let _ = write!(
            out,
            "{}{}:{{\"tr\":{},\"en\":{}}}",
            if k > 0 { "," } else { "" },
            quoted(path),
            quoted(tr),
            quoted(en)
        );
    }
    out.push_str("}}\n");
    out
}

/// Where the products' pictures are written and served from (the catalog's `image`).
const PICTURES: &str = "www/generated/img";

/// Writes `target/demo/catalog.json`, `www/generated/catalog.js` and one SVG picture per
/// product (drawn by `www/drawing.js`, as the pages draw them inline).
pub fn generate() -> Result {
    let products = generate_products();
    let json = to_json(&products);
    let root = root();
    let json_path = root.join("target/demo/catalog.json");
    let js_path = root.join("www/generated/catalog.js");
    write(&json_path, &json)?;
    let js = format!("// Generated by `cargo xtask demo-catalog` (xtask/src/democatalog.rs); do not edit.\nexport default {json}");
    write(&js_path, &js)?;
    run(cmd("node")
        .current_dir(&root)
        .arg("www/pictures.mjs")
        .arg(&json_path)
        .arg(root.join(PICTURES)))?;
    crate::demoserver::write_none()?;
    println!(
        "demo-catalog: {} products → target/demo/catalog.json, www/generated/catalog.js, {PICTURES}/",
        products.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_and_its_ancestors_are_named() {
        for c in CATEGORIES {
            let parts: Vec<&str> = c.path.split('/').collect();
            for k in 1..=parts.len() {
                let path = parts[..k].join("/");
                assert!(
                    CATEGORY_NAMES.iter().any(|(p, ..)| *p == path),
                    "{path} has no name"
                );
            }
        }
    }

    #[test]
    fn deterministic_and_coherent() {
        let a = generate_products();
        assert_eq!(to_json(&a), to_json(&generate_products()));
        assert_eq!(a.len(), CATEGORIES.iter().map(|c| c.count).sum::<usize>());
        let mut ids: Vec<&str> = a.iter().map(|p| p.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), a.len(), "ids are unique");
        for p in &a {
            assert_eq!(p.embedding.len(), DIM);
            assert!(p.similar.iter().all(|&j| a[j].category == p.category));
            if p.category == "eyewear/lenses" {
                assert!(p
                    .bought_with
                    .iter()
                    .all(|&j| a[j].category == "eyewear/solution"));
            }
        }
    }
}
