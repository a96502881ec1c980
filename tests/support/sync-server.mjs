// The reference server for the sync tests: `vitrin-server` (debug build) on a free
// loopback port with a temporary database, its builder and event export, and a fault
// proxy that stands in front of it to play a bad network.
import assert from "node:assert/strict";
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { createServer, request } from "node:http";
import { join } from "node:path";
import { REPO_ROOT } from "./repo.mjs";

export const SERVER_BIN = join(REPO_ROOT, "target", "debug", "vitrin-server");
/** The token secret every test server signs with, so tests can mint visitor tokens. */
export const SECRET = "sync-tests-secret-0123456789abcdef";

/** Builds the server binary (a no-op when `cargo test --workspace` already did). */
export function buildServer() {
  const built = spawnSync("cargo", ["build", "--quiet", "-p", "vitrin-server"], { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
  assert.equal(built.status, 0, "cargo build -p vitrin-server failed");
}

/**
 * `vitrin-server serve` with `args` (--db, --catalog, …) on port 0; resolves to
 * `{ base, stop() }` once it prints the address it listens on.
 */
export async function startVitrinServer(args) {
  const child = spawn(SERVER_BIN, ["serve", ...args, "--secret", SECRET, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`vitrin-server exited with ${code}`)));
  });
  return { base, stop: () => child.kill() };
}

/** A visitor token for `visitor` as the store's backend mints it (`vitrin-server token`). */
export function mintToken(visitor) {
  return execFileSync(SERVER_BIN, ["token", "--secret", SECRET, "--visitor", visitor], { encoding: "utf8" }).trim();
}

/** Runs `vitrin-server build …args`; returns what it printed (its report). */
export function runBuilder(args) {
  return execFileSync(SERVER_BIN, ["build", ...args], { encoding: "utf8" });
}

/** The events stored in `db` (of `visitor` when given): `[{ visitorId, id, source, event }]`. */
export function storedEvents(db, visitor) {
  const out = execFileSync(SERVER_BIN, ["events", "--db", db, ...(visitor ? ["--visitor", visitor] : [])], { encoding: "utf8" });
  return out.split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

/** Resolves once `check()` is truthy (polled every 25 ms); fails with `what` after `ms`. */
export async function until(check, what, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A proxy to `target` that plays the network named by `proxy.fault`:
 * - `"none"`: passes everything;
 * - `"down"`: drops the connection before the server sees the request;
 * - `"error"`: the server handles the request (events are stored), the page gets a 500;
 * - `"truncate"`: the server's answer, its body cut in half and the connection dropped;
 * - `"hang"`: holds requests unanswered until `proxy.release()` passes them on.
 * CORS preflights always pass, so a fault hits the request itself. `proxy.log` lists
 * every request: `{ method, path, fault, status?, ids?, reply? }` (`ids`: the event ids
 * of a POST body, `reply`: the server's JSON answer to it).
 */
export async function startFaultProxy(target) {
  const upstream = new URL(target);
  const held = [];
  const proxy = {
    fault: "none",
    log: [],
    held,
    release() {
      for (const go of held.splice(0)) go();
    },
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const fault = req.method === "OPTIONS" ? "none" : proxy.fault;
      const entry = { method: req.method, path: req.url, fault };
      if (req.method === "POST") entry.ids = JSON.parse(body.toString()).events.map((e) => e.id);
      proxy.log.push(entry);
      if (fault === "down") return req.socket.destroy();
      const forward = () => {
        const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
          const parts = [];
          answer.on("data", (c) => parts.push(c));
          answer.on("end", () => {
            const text = Buffer.concat(parts);
            entry.status = answer.statusCode;
            if (req.method === "POST" && answer.statusCode === 200) entry.reply = JSON.parse(text.toString());
            if (fault === "error") {
              const cors = Object.fromEntries(Object.entries(answer.headers).filter(([k]) => k.startsWith("access-control-")));
              res.writeHead(500, { ...cors, "content-type": "application/json" });
              return res.end('{"code":"internal_error","message":"injected"}');
            }
            res.writeHead(answer.statusCode, answer.headers);
            if (fault === "truncate" && text.length > 1) {
              res.write(text.subarray(0, text.length >> 1));
              return res.socket.destroy();
            }
            res.end(text);
          });
        });
        up.on("error", () => req.socket.destroy());
        up.end(body);
      };
      if (fault === "hang") held.push(forward);
      else forward();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => {
    proxy.release();
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  };
  return proxy;
}
