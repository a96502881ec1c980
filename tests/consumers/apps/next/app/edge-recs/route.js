// A route handler on the edge runtime: `vitrin` resolves to its edge entry, which imports
// the engine precompiled (the edge runtime refuses to compile wasm from bytes).
import { createVitrin } from "vitrin";
import { catalog, profile } from "../../../../shared/catalog.js";

export const runtime = "edge";

export async function GET() {
  const engine = await createVitrin({ catalog, profile, storage: "memory" });
  const items = engine.recommend({ slot: "for_you", limit: 4 });
  engine.destroy();
  return Response.json({ items });
}
