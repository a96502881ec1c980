// A module worker has no import map: it imports the package by path.
import { createVitrin } from "/node_modules/vitrin/index.js";
import { catalog, profile } from "/shared/catalog.js";

try {
  const engine = await createVitrin({ catalog, profile });
  engine.track({ type: "view", productId: "p4" });
  const items = engine.recommend({ slot: "for_you", limit: 4 });
  postMessage({ items, storage: typeof localStorage === "undefined" ? "memory" : "local" });
} catch (e) {
  postMessage({ error: `${e.code}: ${e.message}` });
}
