// Node ≥ 20, no flags: the package's Node entry reads the wasm from disk.
import { createVitrin, takeSnapshot } from "vitrin";
import { catalog, profile } from "../../shared/catalog.js";

const start = performance.now();
const engine = await createVitrin({ catalog, profile });
engine.track({ type: "view", productId: "p4" });
const items = engine.recommend({ slot: "for_you", limit: 4 });
const snapshot = takeSnapshot(engine, [{ slot: "for_you", limit: 4 }]);
engine.destroy();
console.log(JSON.stringify({ items, snapshot, firstRecommendationMs: performance.now() - start }));
