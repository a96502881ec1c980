// A route handler (Node runtime): recommendations as JSON.
import { createVitrin } from "vitrin";
import { catalog, profile } from "../../../../../shared/catalog.js";

export const dynamic = "force-dynamic";

export async function GET() {
  const engine = await createVitrin({ catalog, profile, storage: "memory" });
  const items = engine.recommend({ slot: "for_you", limit: 4 });
  engine.destroy();
  return Response.json({ items });
}
