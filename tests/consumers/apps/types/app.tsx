// The package's types as a TypeScript React store sees them (the installed tarball, checked
// with tsc): vitrin/react, vitrin/testing, the script-tag global and registered slots.
import { VitrinProvider, usePrompts, useRecommendations, useVitrin } from "vitrin/react";
import { createTestVitrin } from "vitrin/testing";
import { takeSnapshot, type Snapshot } from "vitrin";
import "vitrin/global";

declare module "vitrin" {
  interface Slots {
    home: true;
  }
}

function List() {
  const items = useRecommendations({ slot: "home", limit: 4 });
  const prompts = usePrompts();
  const engine = useVitrin();
  // @ts-expect-error: a misspelt slot
  useRecommendations({ slot: "for-you" });
  return (
    <ul onClick={() => engine?.track({ type: "view", productId: items[0]?.productId ?? "" })}>
      {items.map((r) => (
        <li key={r.productId}>{r.reason.text}</li>
      ))}
      {prompts.length}
    </ul>
  );
}

export async function app(snapshot: Snapshot) {
  const { engine, clock } = await createTestVitrin({ locale: "en" });
  clock.advance(1000);
  const again: Snapshot = takeSnapshot(engine, [{ slot: "for_you", limit: 4 }]);
  // @ts-expect-error: an event type that does not exist
  engine.track({ type: "wishlist", productId: "shoe-1" });
  const global = await window.vitrin.createVitrin({ catalog: { products: [] } });
  global.destroy();
  return (
    <VitrinProvider options={{ catalog: { products: [] } }} snapshot={snapshot ?? again}>
      <List />
    </VitrinProvider>
  );
}
