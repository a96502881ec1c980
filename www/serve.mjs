// Tiny dependency-free static server for the demo and the browser tests.
//
// Serves the repository root (or `root`) on 127.0.0.1: `/` → /www/index.html, correct MIME
// types (`.wasm` → application/wasm), no directory listing, nothing outside the root (symlinks
// included), GET/HEAD only. Text and wasm go brotli- or gzip-compressed when the client
// accepts it (compressed once per file version, kept in memory); every response carries an
// ETag and `Cache-Control: no-cache`, so the browser keeps its copy and revalidates it (a
// 304, no body) and a rebuilt pkg/ is still seen at once.
//
//   node www/serve.mjs [--port N] [--root DIR]      (N = 0 picks a free port; default 8080)
//   import { startServer } from "../../www/serve.mjs";
//   const { url, close } = await startServer({ port: 0 });

import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { promisify } from "node:util";
import { brotliCompress, constants as zlib, gzip } from "node:zlib";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root (this file lives in `<root>/www/`). */
export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/[\\/]$/, "");

export const MIME_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
};

/** Types worth compressing (images here are already compressed, except SVG). */
const COMPRESSIBLE = /^(text\/|application\/(json|wasm|javascript)|image\/svg)/;
const ENCODERS = {
  br: promisify((b, cb) => brotliCompress(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: b.length } }, cb)),
  gzip: promisify((b, cb) => gzip(b, { level: 9 }, cb)),
};
/** Compressed bodies by file, version and encoding; a new build (new mtime or size) is a new key. */
const compressed = new Map();

/** The best encoding the client accepts, or null. */
function encodingFor(req, type, size) {
  if (size < 1024 || !COMPRESSIBLE.test(type)) return null;
  const accepted = String(req.headers["accept-encoding"] ?? "");
  if (/\bbr\b/.test(accepted)) return "br";
  if (/\bgzip\b/.test(accepted)) return "gzip";
  return null;
}

async function compressedBody(found, encoding) {
  const key = `${found.file}\0${found.version}\0${encoding}`;
  let body = compressed.get(key);
  if (!body) {
    body = ENCODERS[encoding](await readFile(found.file));
    compressed.set(key, body);
    body.catch(() => compressed.delete(key));
  }
  return body;
}

function send(res, status, text, headers = {}) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
  res.end(`${status} ${text}\n`);
}

/** Maps a URL path to a file inside `root`, or returns null when it must not be served. */
async function resolveFile(root, urlPath) {
  let pathname;
  try {
    pathname = decodeURIComponent(urlPath);
  } catch {
    return { status: 400 };
  }
  if (pathname.includes("\0") || !pathname.startsWith("/")) return { status: 400 };
  if (pathname === "/") pathname = "/www/index.html";
  const candidate = resolve(root, "." + pathname);
  if (candidate !== root && !candidate.startsWith(root + sep)) return { status: 403 };
  let real;
  try {
    real = await realpath(candidate);
  } catch {
    return { status: 404 };
  }
  if (real !== root && !real.startsWith(root + sep)) return { status: 403 };
  const info = await stat(real);
  if (info.isDirectory()) {
    // No listing: a directory is served only through its index.html.
    if (!pathname.endsWith("/")) return { status: 301, location: pathname + "/" };
    const index = resolve(real, "index.html");
    const indexInfo = await stat(index).catch(() => null);
    return indexInfo?.isFile() ? found(index, indexInfo) : { status: 404 };
  }
  return info.isFile() ? found(real, info) : { status: 404 };
}

function found(file, info) {
  return { file, size: info.size, version: `${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}` };
}

/**
 * Starts the server. `port: 0` picks a free port.
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>} `url` has no trailing slash.
 */
export async function startServer({ port = 8080, root = REPO_ROOT, host = "127.0.0.1", log = false } = {}) {
  const realRoot = await realpath(resolve(root));
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        return send(res, 405, "Method Not Allowed", { Allow: "GET, HEAD" });
      }
      const { pathname, search } = new URL(req.url, "http://localhost");
      const found = await resolveFile(realRoot, pathname);
      if (log) console.log(`${req.method} ${req.url} ${found.status ?? 200}`);
      if (found.status === 301) {
        res.writeHead(301, { Location: found.location + search });
        return res.end();
      }
      if (found.status) {
        const text = { 400: "Bad Request", 403: "Forbidden", 404: "Not Found" }[found.status];
        return send(res, found.status, text);
      }
      const type = MIME_TYPES[extname(found.file).toLowerCase()] ?? "application/octet-stream";
      const etag = `W/"${found.version}"`;
      const headers = { "Content-Type": type, ETag: etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", Vary: "Accept-Encoding" };
      if (String(req.headers["if-none-match"] ?? "").split(/\s*,\s*/).includes(etag)) {
        res.writeHead(304, headers);
        return res.end();
      }
      const encoding = encodingFor(req, type, found.size);
      if (encoding) {
        const body = await compressedBody(found, encoding);
        res.writeHead(200, { ...headers, "Content-Encoding": encoding, "Content-Length": body.length });
        return res.end(req.method === "HEAD" ? undefined : body);
      }
      res.writeHead(200, { ...headers, "Content-Length": found.size });
      if (req.method === "HEAD") return res.end();
      createReadStream(found.file)
        .on("error", () => res.destroy())
        .pipe(res);
    } catch (error) {
      if (!res.headersSent) send(res, 500, "Internal Server Error");
      else res.destroy();
      console.error(error);
    }
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      ok();
    });
  });
  const actualPort = server.address().port;
  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

function parseArgs(argv) {
  const options = { port: 8080, root: REPO_ROOT, log: true };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i];
    if (flag === "--port") options.port = Number(value());
    else if (flag === "--root") options.root = value();
    else if (flag === "--quiet") options.log = false;
    else throw new Error(`unknown argument ${argv[i]} (usage: node www/serve.mjs [--port N] [--root DIR] [--quiet])`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error("--port needs a number from 0 to 65535");
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
  const server = await startServer(options).catch((error) => {
    console.error(`serve: cannot listen on port ${options.port}: ${error.message}`);
    process.exit(1);
  });
  console.log(`serving ${options.root} at ${server.url}/  (Ctrl-C to stop)`);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => server.close().then(() => process.exit(0)));
  }
}
