// The catalog and profile every fixture app renders recommendations from.
const cats = ["shoes/running", "shoes/formal", "clothing/shirts", "pets/cat/food"];
export const catalog = {
  products: Array.from({ length: 24 }, (_, i) => ({
    id: `p${i}`,
    title: `Product ${i}`,
    category: cats[i % cats.length],
    brand: i % 3 === 0 ? "Stride" : "Coast",
    price: 10 + i * 3,
    popularity: (i * 7) % 24,
    related: { similar: [`p${(i + 4) % 24}`, `p${(i + 8) % 24}`] },
  })),
};
export const profile = {
  visitorId: "v-consumer",
  updatedAt: Date.UTC(2026, 0, 10),
  affinities: { category: { "shoes/running": 0.9 }, brand: { Stride: 0.6 } },
};
