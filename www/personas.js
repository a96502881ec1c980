// Visitor personas for the simulator: each builds the compact profile the store's server would
// sync (API.md `Profile`) for one BRIEF scenario, at the simulated time `now`. Products are
// picked from the catalog by category and relation, so the personas follow the generator.

const DAY = 86_400_000;

/** The most popular in-stock products of a leaf category. */
function top(catalog, category, n = 1) {
  return catalog.products
    .filter((p) => p.category === category && p.inStock !== false)
    .sort((a, b) => (b.popularity ?? 0) - (a.popularity ?? 0))
    .slice(0, n);
}

/** The server's taste vector: the mean of the bought products' embeddings. */
function taste(products) {
  const dim = products[0].embedding.length;
  return Array.from({ length: dim }, (_, k) => products.reduce((s, p) => s + p.embedding[k], 0) / products.length);
}

const byId = (catalog, id) => catalog.products.find((p) => p.id === id);

function profile(id, name, now, bought, rest) {
  return {
    visitorId: `demo-${id}`,
    name,
    updatedAt: now,
    embedding: taste(bought.map(([p]) => p)),
    purchases: bought.map(([p, at]) => ({ productId: p.id, at, quantity: 1 })),
    ...rest,
  };
}

export const PERSONAS = [
  {
    id: "new",
    label: ["Yeni ziyaretçi", "New visitor"],
    about: ["Profil yok: popüler ürünler, sonra canlı oturum.", "No profile: popular products, then the live session."],
  },
  {
    id: "ayse",
    label: ["Ayşe", "Ayşe"],
    about: ["Geçen ay bir bluz ve bir etek aldı (senaryo 3).", "Bought a blouse and a skirt last month (scenario 3)."],
    build(catalog, now) {
      const [blouse] = top(catalog, "fashion/blouses");
      const skirt = byId(catalog, blouse.related.boughtWith[0]);
      return profile("ayse", "Ayşe", now, [[blouse, now - 32 * DAY], [skirt, now - 32 * DAY]], {
        affinities: { category: { "fashion/blouses": 0.8, "fashion/skirts": 0.7, fashion: 0.4 }, brand: { [blouse.brand]: 0.6 } },
        segments: ["fashion", "returning"],
      });
    },
  },
  {
    id: "mehmet",
    label: ["Mehmet", "Mehmet"],
    about: ["30 günde bir kontakt lens alıyor, son siparişi 27 gün önce (senaryo 4).", "Contact lenses every 30 days, last order 27 days ago (scenario 4)."],
    build(catalog, now) {
      const [lens] = top(catalog, "eyewear/lenses");
      const solution = byId(catalog, lens.related.boughtWith[0]);
      return profile("mehmet", "Mehmet", now, [[lens, now - 27 * DAY], [lens, now - 57 * DAY], [solution, now - 57 * DAY], [lens, now - 87 * DAY]], {
        // The solution comes with the lens as its companion (its first boughtWith).
        cycles: [{ productId: lens.id, everyDays: 30, lastAt: now - 27 * DAY }],
        affinities: { category: { "eyewear/lenses": 1, eyewear: 0.5 }, brand: { [lens.brand]: 0.8 } },
        segments: ["eyewear", "replenisher"],
      });
    },
  },
  {
    id: "zeynep",
    label: ["Zeynep", "Zeynep"],
    about: ["Her ocak birkaç gömlek alıyor (senaryo 5; saati ocağa alın).", "Buys several shirts every January (scenario 5; move the clock to January)."],
    build(catalog, now) {
      const shirts = top(catalog, "fashion/shirts", 6);
      const year = new Date(now).getFullYear();
      const january = (yearsAgo, day) => new Date(year - yearsAgo, 0, day).getTime();
      // Three shirts last January and three the January before.
      const bought = shirts.map((s, k) => [s, january(k < 3 ? 1 : 2, 8 + k)]);
      return profile("zeynep", "Zeynep", now, bought, {
        habits: [{ category: "fashion/shirts", months: [1], perYear: 3 }],
        affinities: { category: { "fashion/shirts": 0.7 }, brand: Object.fromEntries(shirts.slice(0, 2).map((s) => [s.brand, 0.7])) },
        segments: ["fashion", "seasonal"],
      });
    },
  },
  {
    id: "can",
    label: ["Can", "Can"],
    about: ["Kedi sahibi, kuru kedi maması alıyor (senaryo 6).", "Cat owner who buys dry cat food (scenario 6)."],
    build(catalog, now) {
      const [food] = top(catalog, "pets/cat/food");
      return profile("can", "Can", now, [[food, now - 3 * DAY], [food, now - 33 * DAY]], {
        cycles: [{ productId: food.id, everyDays: 30, lastAt: now - 3 * DAY }],
        affinities: { category: { "pets/cat": 1, "pets/cat/food": 0.8 }, brand: { [food.brand]: 0.6 } },
        segments: ["pets", "cat-owner"],
      });
    },
  },
];
