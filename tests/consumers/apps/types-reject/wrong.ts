// Mistakes a store's code can make, each of which tsc must reject (consumers.test.mjs runs
// tsc here and expects exactly the errors marked below, by line). No @ts-expect-error: this
// file must fail to compile.
import { createVitrin } from "vitrin";
import { createTestVitrin } from "vitrin/testing";
import { useRecommendations } from "vitrin/react";

declare module "vitrin" {
  interface Slots {
    home: true;
  }
}

export async function store() {
  const engine = await createVitrin({ catalog: { products: [] } });
  engine.recommend({ slot: "home" });
  engine.recommend({ slot: "for-you" }); // REJECT: misspelt built-in slot (for_you)
  engine.recommend({ slot: "hom" }); // REJECT: misspelt registered slot (home)
  engine.track({ type: "add_to_cart", productId: "p1" });
  engine.track({ type: "add-to-cart", productId: "p1" }); // REJECT: misspelt event type
  engine.track({ type: "wishlist", productId: "p1" }); // REJECT: unknown event type
  const { engine: test } = await createTestVitrin();
  test.recommend({ slot: "similar", productId: "shoe-1" });
  test.recommend({ slot: "simliar", productId: "shoe-1" }); // REJECT: misspelt slot in a test
}

export function Widget() {
  useRecommendations({ slot: "home", limit: 4 });
  return useRecommendations({ slot: "bought-together" }); // REJECT: misspelt slot in the hook
}
