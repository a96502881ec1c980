// Compiled with `tsc --noEmit` by `cargo xtask build`: the declarations must accept what
// the README shows and reject obvious misuse (the @ts-expect-error lines).
import { createVitrin, loadVitrin, takeSnapshot, VitrinError, type Catalog, type EventType, type Recommendation, type VitrinEvent } from "vitrin";

// Every event type the engine knows (EventType, generated from the Rust list) has a shape.
type Unshaped = Exclude<EventType, VitrinEvent["type"]>;
export const everyEventTypeHasAShape: [Unshaped] extends [never] ? true : never = true;

const catalog: Catalog = { products: [{ id: "p1", title: "Shoe", category: "shoes/running", price: 10 }] };

export async function example(): Promise<Recommendation[]> {
  const vitrin = await loadVitrin();
  const version: string = vitrin.version;
  const check = vitrin.validateRules({ version: 1 });
  if (!check.ok) console.log(check.errors[0].path, version);
  const engine = await createVitrin({ catalog, storage: "memory", consent: { personalization: true }, now: () => 0 });
  engine.on("error", (e) => console.log(e.code));
  engine.on("error", (e) => {
    // @ts-expect-error: not an error code vitrin has
    if (e.code === "invalid_evnt") console.log(e);
  });
  engine.track({ type: "view", productId: "p1" });
  // @ts-expect-error: an event type that does not exist
  engine.track({ type: "click", productId: "p1" });
  try {
    engine.track({ type: "add_to_cart", productId: "p1", quantity: 2 });
  } catch (e) {
    if (e instanceof VitrinError) console.log(e.code, e.path);
  }
  // @ts-expect-error: a slot neither built in nor registered (a typo of for_you)
  engine.recommend({ slot: "for-you" });
  engine.recommend({ slot: "home" }); // registered below, as a store registers its rules' slots
  // The binary catalog (README, "Binary catalog"): bytes wherever a catalog goes.
  const bytes = await (await fetch("/catalog.bin")).arrayBuffer();
  engine.setCatalog(bytes);
  engine.setCatalog(new Uint8Array(bytes, 8));
  await createVitrin({ catalog: new DataView(bytes) });
  await createVitrin({ catalog: fetch("/catalog.bin"), storage: "memory" });
  // @ts-expect-error: a catalog is an object or bytes, not text
  engine.setCatalog("catalog.bin");
  const snapshot = takeSnapshot(engine, [{ slot: "for_you", limit: 4 }]);
  await createVitrin({ catalog, snapshot, debug: true });
  return engine.recommend({ slot: "for_you", limit: 4 });
}

declare module "vitrin" {
  interface Slots {
    home: true;
  }
}
