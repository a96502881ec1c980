// An edge function as Vercel's Edge Runtime runs it: a fetch handler, bundled with the
// `edge-light` condition so `vitrin` resolves to its precompiled-module entry.
import { createVitrin } from "vitrin";
import { catalog, profile } from "../../shared/catalog.js";

addEventListener("fetch", (event) => {
  event.respondWith(
    (async () => {
      const start = performance.now();
      const engine = await createVitrin({ catalog, profile });
      engine.track({ type: "view", productId: "p4" });
      const items = engine.recommend({ slot: "for_you", limit: 4 });
      engine.destroy();
      return Response.json({ items, firstRecommendationMs: performance.now() - start });
    })(),
  );
});
