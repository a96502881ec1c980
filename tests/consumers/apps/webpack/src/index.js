import { createVitrin } from "vitrin";
import { catalog, profile } from "../../../shared/catalog.js";
import { render } from "../../../shared/render.js";

createVitrin({ catalog, profile }).then((engine) => {
  engine.track({ type: "view", productId: "p4" });
  render(engine.recommend({ slot: "for_you", limit: 4 }), "webpack");
});
