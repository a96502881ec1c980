// www/serve.mjs: MIME types, `/`, no listing, no escape from the root.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdtemp, mkdir, writeFile, symlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../www/serve.mjs";

let dir, server;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "vitrin-serve-"));
  await mkdir(join(dir, "root", "www"), { recursive: true });
  await mkdir(join(dir, "root", "sub"), { recursive: true });
  await writeFile(join(dir, "root", "www", "index.html"), "<p>home</p>");
  await writeFile(join(dir, "root", "a.wasm"), Buffer.from([0, 97, 115, 109]));
  await writeFile(join(dir, "root", "a b.mjs"), "export {}");
  await writeFile(join(dir, "root", "x.json"), "{}");
  await writeFile(join(dir, "secret.txt"), "outside");
  await symlink(join(dir, "secret.txt"), join(dir, "root", "link.txt"));
  server = await startServer({ port: 0, root: join(dir, "root") });
});

after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

// Raw request so that `..` segments reach the server unnormalized.
function get(path, method = "GET") {
  return new Promise((ok, fail) => {
    const req = request(`${server.url}/`, { method, path }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => ok({ status: res.statusCode, type: res.headers["content-type"], headers: res.headers, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

test("serves files with their MIME types", async () => {
  assert.equal((await get("/a.wasm")).type, "application/wasm");
  assert.equal((await get("/a%20b.mjs")).type, "text/javascript; charset=utf-8");
  assert.equal((await get("/x.json")).type, "application/json; charset=utf-8");
});

test("/ is www/index.html", async () => {
  const res = await get("/");
  assert.equal(res.status, 200);
  assert.equal(res.body, "<p>home</p>");
  assert.match(res.type, /^text\/html/);
});

test("no directory listing", async () => {
  assert.equal((await get("/sub/")).status, 404);
  assert.equal((await get("/sub")).status, 301);
  assert.equal((await get("/www/")).status, 200);
});

test("nothing outside the root", async () => {
  for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/sub/../../secret.txt", "/link.txt"]) {
    const res = await get(path);
    assert.ok([403, 404].includes(res.status), `${path} → ${res.status}`);
    assert.doesNotMatch(res.body, /outside/);
  }
  assert.equal((await get("/%E0%A4%A")).status, 400);
  assert.equal((await get("/missing.js")).status, 404);
});

test("HEAD has headers and no body; other methods are refused", async () => {
  const head = await get("/a.wasm", "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.headers["content-length"], "4");
  assert.equal(head.body, "");
  assert.equal((await get("/a.wasm", "POST")).status, 405);
});

test("compresses text and wasm for clients that accept it, and revalidates with the ETag", async () => {
  const { brotliDecompressSync, gunzipSync } = await import("node:zlib");
  const big = "export const x = 1;\n".repeat(500);
  await writeFile(join(dir, "root", "big.js"), big);
  const fetchRaw = (headers) =>
    new Promise((ok, fail) => {
      const req = request(`${server.url}/big.js`, { headers }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", fail);
      req.end();
    });
  const br = await fetchRaw({ "accept-encoding": "gzip, deflate, br" });
  assert.equal(br.headers["content-encoding"], "br");
  assert.equal(br.headers.vary, "Accept-Encoding");
  assert.ok(br.body.length < big.length / 10);
  assert.equal(brotliDecompressSync(br.body).toString(), big);
  const gz = await fetchRaw({ "accept-encoding": "gzip" });
  assert.equal(gz.headers["content-encoding"], "gzip");
  assert.equal(gunzipSync(gz.body).toString(), big);
  const plain = await fetchRaw({});
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.equal(plain.body.toString(), big);
  assert.equal(plain.headers["cache-control"], "no-cache");
  const again = await fetchRaw({ "if-none-match": plain.headers.etag, "accept-encoding": "br" });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  // A rebuilt file is a new version: the old ETag no longer matches.
  await writeFile(join(dir, "root", "big.js"), big + "// rebuilt\n");
  assert.equal((await fetchRaw({ "if-none-match": plain.headers.etag })).status, 200);
});
