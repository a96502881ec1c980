// What every browser fixture does once it has recommendations: list them in #recs and
// record when (window.__vitrin, read by consumers.test.mjs).
export function render(items, where = "main") {
  const list = document.getElementById("recs");
  list.replaceChildren(
    ...items.map((r) => {
      const li = document.createElement("li");
      li.textContent = `${r.productId}: ${r.reason.text}`;
      li.dataset.productId = r.productId;
      return li;
    }),
  );
  window.__vitrin = { firstRecommendationMs: performance.now(), count: items.length, where };
}
