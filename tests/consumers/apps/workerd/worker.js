// A Cloudflare Worker (module syntax) as workerd runs it. `vitrin` resolves by the `workerd`
// condition to its edge entry, which imports the wasm precompiled; the bundle step turns
// that `.wasm?module` import into a wasm module of the worker, as wrangler does.
import { createVitrin } from "vitrin";
import { catalog, profile } from "../../shared/catalog.js";

export default {
  async fetch() {
    // Workers refuse to compile wasm from bytes: only the precompiled module can work here.
    const refused = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(
      () => false,
      () => true,
    );
    const engine = await createVitrin({ catalog, profile });
    engine.track({ type: "view", productId: "p4" });
    const items = engine.recommend({ slot: "for_you", limit: 4 });
    engine.destroy();
    return Response.json({ items, compileFromBytesRefused: refused });
  },
};
