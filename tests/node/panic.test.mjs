// Panic containment in the package wrapper: a trap inside wasm (what a Rust panic
// becomes) disables vitrin, reports once on "error", and later calls return empty
// results instead of throwing. Driven through core.js with a module whose engine traps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bind, VitrinError } from "../../pkg/core.js";
import * as calls from "../../pkg/calls.js";

class TrappingEngine {
  act(op) {
    if (op === calls.track) throw new WebAssembly.RuntimeError("unreachable");
    // What the session asks after a call (nothing; src/session.rs `Wants`).
    if (op === calls.wants || op === calls.flush) return 0;
    throw new Error("must not be called after a trap");
  }
  call() {
    throw new Error("must not be called after a trap");
  }
}

test("a trap disables vitrin without breaking the page", async () => {
  const vitrin = bind({ run: () => "x", create: () => new TrappingEngine() });
  const engine = vitrin.create({ catalog: { products: [] } });
  const errors = [];
  engine.on("error", (e) => errors.push(e));
  assert.doesNotThrow(() => engine.track({ type: "view", productId: "p1" }));
  assert.deepEqual(engine.recommend({ slot: "for_you" }), []);
  assert.deepEqual(engine.state().cart, []);
  engine.track({ type: "view", productId: "p1" });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(errors.length, 1, "reported once");
  assert.ok(errors[0] instanceof VitrinError && errors[0].code === "internal_error");
  assert.throws(() => engine.recommend({ slot: 1 }), (e) => e.code === "invalid_argument", "argument checks still answer");
});
