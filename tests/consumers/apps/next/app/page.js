// A server component: the first recommendations are computed here, with the same engine the
// browser runs, and handed to the client component as a snapshot it hydrates from.
import { createVitrin, takeSnapshot } from "vitrin";
import { catalog, profile } from "../../../shared/catalog.js";
import ForYou from "./for-you.js";

export const dynamic = "force-dynamic";

export default async function Page() {
  const engine = await createVitrin({ catalog, profile, storage: "memory" });
  const snapshot = takeSnapshot(engine, [{ slot: "for_you", limit: 4 }]);
  engine.destroy();
  return (
    <main>
      <h1>For you</h1>
      <ForYou snapshot={snapshot} />
      <p id="below">Content below the slot</p>
    </main>
  );
}
