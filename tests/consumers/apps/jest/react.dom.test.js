/**
 * @jest-environment vitrin/jest-environment
 */
// vitrin/react and vitrin/testing under Jest's jsdom environment (ESM) as vitrin/jest-environment
// completes it (TextEncoder, TextDecoder), no other configuration: a
// slot drawn into the DOM, and the provider's hooks re-rendering after the page's calls.
import { expect, test } from "@jest/globals";
import { createElement as h, act } from "react";
import { createRoot } from "react-dom/client";
import { VitrinProvider, useRecommendations } from "vitrin/react";
import { createTestVitrin } from "vitrin/testing";

globalThis.IS_REACT_ACT_ENVIRONMENT = true;

test("a bought-together slot rendered into the DOM", async () => {
  const { engine } = await createTestVitrin();
  engine.track({ type: "add_to_cart", productId: "shoe-1" });
  const el = document.createElement("ul");
  el.innerHTML = engine
    .recommend({ slot: "bought_together", limit: 3 })
    .map((r) => `<li data-id="${r.productId}">${r.reason.text}</li>`)
    .join("");
  expect([...el.querySelectorAll("li")].map((li) => li.dataset.id)).toContain("sock-1");
  engine.destroy();
});

test("the hooks re-render after the engine's own calls", async () => {
  const { engine } = await createTestVitrin();
  function BoughtTogether() {
    const items = useRecommendations({ slot: "bought_together", limit: 3 });
    return h("ul", null, items.map((r) => h("li", { key: r.productId }, r.productId)));
  }
  const container = document.createElement("div");
  const root = createRoot(container);
  await act(async () => root.render(h(VitrinProvider, { engine }, h(BoughtTogether))));
  expect(container.textContent).toBe("");
  await act(async () => engine.track({ type: "add_to_cart", productId: "shoe-1" }));
  expect(container.textContent).toContain("sock-1");
  await act(async () => root.unmount());
  engine.destroy();
});
