// @vitest-environment jsdom
// vitrin/react in a browser-like DOM: the provider creates the engine, the hooks re-render
// after the page's own calls, and unmounting destroys the engine it created.
import { createElement as h, act } from "react";
import { createRoot } from "react-dom/client";
import { expect, test } from "vitest";
import { VitrinProvider, useRecommendations, useVitrin } from "vitrin/react";
import { fixtureCatalog } from "vitrin/testing";

globalThis.IS_REACT_ACT_ENVIRONMENT = true;

test("provider and hooks: snapshot first, then live, re-render on track, clean up on unmount", async () => {
  let engine = null;
  function ForYou() {
    const items = useRecommendations({ slot: "for_you", limit: 3 });
    engine = useVitrin();
    return h("ul", null, items.map((r) => h("li", { key: r.productId }, r.productId)));
  }
  const snapshot = { vitrin: 1, hold: "interaction", decisions: [{ slot: "for_you", limit: 3, items: ["shirt-2", "toy-1", "shoe-3"].map((productId) => ({ productId, score: 1, slot: "for_you", reason: { code: "popular", text: "Popular" } })) }] };
  const container = document.createElement("div");
  const root = createRoot(container);
  const text = () => [...container.querySelectorAll("li")].map((li) => li.textContent).join();
  await act(async () => root.render(h(VitrinProvider, { options: { catalog: fixtureCatalog, storage: "memory" }, snapshot }, h(ForYou))));
  expect(text()).toBe("shirt-2,toy-1,shoe-3");
  // The wasm loads asynchronously: let time pass inside act, so the provider's update renders.
  for (let i = 0; i < 200 && !engine; i++) await act(() => new Promise((r) => setTimeout(r, 50)));
  expect(engine).not.toBeNull();
  expect(text()).toBe("shirt-2,toy-1,shoe-3");
  await act(async () => engine.track({ type: "view", productId: "food-1" }));
  expect(text()).not.toBe("shirt-2,toy-1,shoe-3");
  expect(text()).toContain("toy-1");
  const created = engine;
  await act(async () => root.unmount());
  expect(() => created.recommend({ slot: "for_you" })).toThrow(/destroyed/);
}, 30_000);

test("another tab's engine changes the cart: the hook re-renders on its `change`", async () => {
  // Two engines on one storage key stand for two tabs of the store: the same localStorage and
  // BroadcastChannel name. Only the other tab's engine is called; this one only hears it.
  const storageKey = `other-tab-${Date.now()}`;
  const { createVitrin } = await import("vitrin");
  const here = await createVitrin({ catalog: fixtureCatalog, storageKey });
  const other = await createVitrin({ catalog: fixtureCatalog, storageKey });
  let renders = 0;
  function BoughtTogether() {
    renders++;
    const items = useRecommendations({ slot: "bought_together", limit: 3 });
    return h("ul", null, items.map((r) => h("li", { key: r.productId }, r.productId)));
  }
  const container = document.createElement("div");
  const root = createRoot(container);
  const text = () => [...container.querySelectorAll("li")].map((li) => li.textContent).join();
  await act(async () => root.render(h(VitrinProvider, { engine: here }, h(BoughtTogether))));
  expect(text()).toBe("");
  const before = renders;
  other.track({ type: "add_to_cart", productId: "shoe-1" });
  // The other tab's message arrives as a task of its own: wait for it inside act.
  for (let i = 0; i < 100 && !text().includes("sock-1"); i++) await act(() => new Promise((r) => setTimeout(r, 20)));
  expect(text()).toContain("sock-1");
  expect(renders).toBeGreaterThan(before);
  expect(here.state().cart.map((l) => l.productId)).toEqual(["shoe-1"]);
  await act(async () => root.unmount());
  other.destroy();
  here.destroy();
}, 30_000);
