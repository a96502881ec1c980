// The entry for bundlers that emit no files named by `new URL(…, import.meta.url)`: the
// wasm is inside the JavaScript, nothing to copy and no bundler configuration.
import { createVitrin } from "vitrin/inline";
import { catalog, profile } from "../../shared/catalog.js";
import { render } from "../../shared/render.js";

const engine = await createVitrin({ catalog, profile });
engine.track({ type: "view", productId: "p4" });
render(engine.recommend({ slot: "for_you", limit: 4 }), "esbuild");
