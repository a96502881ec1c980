// vitrin/testing: an engine for the store's own unit tests (Vitest, Jest, node:test; Node or
// jsdom): a clock the test moves, memory storage (nothing shared between tests), and a tiny
// catalog whose products relate to one another, so every built-in slot has answers.

import { createVitrin } from "./node.js";

/** 2026-01-15 12:00 UTC: a fixed start, so dates in prompts are the same on every run. */
export const TEST_EPOCH = Date.UTC(2026, 0, 15, 12, 0, 0);

const product = (id, title, category, brand, price, popularity, related = {}) => ({ id, title, category, brand, price, popularity, inStock: true, related });

/** Eight products in three categories, with bought-together, goes-with and similar links. */
export const fixtureCatalog = Object.freeze({
  products: [
    product("shoe-1", "Trail running shoe", "shoes/running", "Stride", 89.9, 40, { similar: ["shoe-2", "shoe-3"], boughtWith: ["sock-1"] }),
    product("shoe-2", "Road running shoe", "shoes/running", "Stride", 79.9, 30, { similar: ["shoe-1"], boughtWith: ["sock-1"] }),
    product("shoe-3", "Leather loafer", "shoes/formal", "Oxbridge", 129, 10, { similar: ["shoe-1"], goesWith: ["shirt-1"] }),
    product("sock-1", "Running socks, 3 pairs", "shoes/accessories", "Stride", 12.5, 25, { boughtWith: ["shoe-1", "shoe-2"] }),
    product("shirt-1", "Oxford shirt", "clothing/shirts", "Oxbridge", 45, 20, { goesWith: ["shoe-3"] }),
    product("shirt-2", "Linen shirt", "clothing/shirts", "Coast", 39, 15, { similar: ["shirt-1"] }),
    product("food-1", "Dry cat food 2 kg", "pets/cat/food", "Purr", 18, 35, { boughtWith: ["toy-1"] }),
    product("toy-1", "Cat toy mouse", "pets/cat/toys", "Purr", 4.5, 12, { boughtWith: ["food-1"] }),
  ],
});

/** A clock for `now`: starts at `start`, moves only when the test says. */
export function createTestClock(start = TEST_EPOCH) {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
      return t;
    },
    set(ms) {
      t = ms;
    },
  };
}

let instances = 0;

/**
 * An engine over the fixture catalog (or `options.catalog`) with memory storage and a test
 * clock; any other option passes through. Returns `{ engine, clock }`; `engine.destroy()` it.
 */
export async function createTestVitrin(options = {}) {
  const clock = options.clock ?? createTestClock();
  const { clock: _, ...rest } = options;
  const engine = await createVitrin({
    catalog: fixtureCatalog,
    storage: "memory",
    // A fresh key per engine: tests never see one another's visitor.
    storageKey: `vitrin-test-${++instances}`,
    now: clock.now,
    ...rest,
  });
  return { engine, clock };
}
