// Types of the script-tag build (`vitrin.global.js`), which sets `globalThis.vitrin`.
import type { VitrinError, createVitrin, loadVitrin, readSnapshot, snapshotJson, takeSnapshot } from "./index.js";

declare global {
  var vitrin: {
    loadVitrin: typeof loadVitrin;
    createVitrin: typeof createVitrin;
    VitrinError: typeof VitrinError;
    takeSnapshot: typeof takeSnapshot;
    snapshotJson: typeof snapshotJson;
    readSnapshot: typeof readSnapshot;
  };
}

export {};
