// @vitest-environment jsdom
import { expect, test } from "vitest";
import { createTestVitrin } from "vitrin/testing";

/** What a store's page code might do: draw a slot's cards with their reasons. */
function renderSlot(engine, el, request) {
  el.innerHTML = engine
    .recommend(request)
    .map((r) => `<li data-id="${r.productId}">${r.reason.text}</li>`)
    .join("");
}

test("a bought-together slot rendered into the DOM (jsdom)", async () => {
  expect(typeof localStorage).toBe("object");
  const { engine } = await createTestVitrin();
  engine.track({ type: "add_to_cart", productId: "shoe-1" });
  const el = document.createElement("ul");
  renderSlot(engine, el, { slot: "bought_together", limit: 3 });
  expect([...el.querySelectorAll("li")].map((li) => li.dataset.id)).toContain("sock-1");
  expect(localStorage.length).toBe(0);
  engine.destroy();
});
