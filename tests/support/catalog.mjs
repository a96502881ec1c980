// A deterministic test catalog: each category a cluster in embedding space.
export const CATEGORIES = ["shoes/running", "shoes/casual", "fashion/shirts", "books/novels", "pets/cat/food", "eyewear/lenses"];

export function makeCatalog(n = 300, dim = 8) {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const products = [];
  for (let i = 0; i < n; i++) {
    const c = i % CATEGORIES.length;
    products.push({
      id: `p${i}`,
      title: `Product ${i}`,
      category: CATEGORIES[c],
      brand: `brand${i % 4}`,
      price: 10 + (i % 50),
      inStock: i % 7 !== 3,
      embedding: Array.from({ length: dim }, (_, d) => (d === c ? 1 : 0) + 0.3 * rand()),
      popularity: n - i,
      related: { similar: [1, 2, 3].map((k) => `p${(i + k * CATEGORIES.length) % n}`), boughtWith: [`p${(i + 1) % n}`] },
    });
  }
  return { products };
}

export const categoryOf = (id) => CATEGORIES[Number(id.slice(1)) % CATEGORIES.length];
