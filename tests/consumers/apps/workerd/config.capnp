# workerd's configuration for the worker bundled from worker.js (dist/worker.js): the bundle
# and vitrin's wasm as the two modules of one worker, as a Workers deploy uploads them.
# The listening address is given on the command line (--socket-addr http=127.0.0.1:PORT).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "dist/worker.js"),
    (name = "vitrin_core_bg.wasm", wasm = embed "../../node_modules/vitrin/vitrin_core_bg.wasm"),
  ],
  compatibilityDate = "2026-11-01",
);
