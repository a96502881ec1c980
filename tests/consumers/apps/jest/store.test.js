// A store's own unit tests with vitrin/testing under Jest (ESM, Node environment), no
// configuration: the engine, its clock and the fixture catalog.
import { expect, test } from "@jest/globals";
import { createTestVitrin, fixtureCatalog } from "vitrin/testing";

test("similar products of a viewed shoe, with the clock under the test's control", async () => {
  const { engine, clock } = await createTestVitrin();
  engine.track({ type: "view", productId: "shoe-1" });
  const ids = engine.recommend({ slot: "similar", productId: "shoe-1", limit: 2 }).map((r) => r.productId);
  expect(ids.sort()).toEqual(["shoe-2", "shoe-3"]);
  clock.advance(24 * 3600_000);
  expect(engine.state().recentlyViewed).toEqual(["shoe-1"]);
  engine.destroy();
});

test("each test's engine starts with an empty visitor", async () => {
  const { engine } = await createTestVitrin();
  expect(engine.state().cart).toEqual([]);
  expect(fixtureCatalog.products.length).toBeGreaterThan(4);
  engine.destroy();
});
