// Shared by consumers.test.mjs: the packed tarball installed into a cached project under
// target/consumers/ (the fixture apps of tests/consumers/apps copied beside it), processes,
// free ports, output sizes and the page measurements every app reports.

import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { PKG_DIR, REPO_ROOT } from "../support/repo.mjs";

export const SOURCE = join(REPO_ROOT, "tests", "consumers");
export const WORK = join(REPO_ROOT, "target", "consumers");
export const BIN = join(WORK, "node_modules", ".bin");

function sha(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/**
 * Packs pkg/ with `npm pack`, installs the fixture projects' dependencies (npm ci, skipped
 * while the lock is unchanged) and the tarball, and copies the apps over the previous copy
 * (their build caches stay). Returns the tarball's path.
 */
export function prepare() {
  mkdirSync(WORK, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) cpSync(join(SOURCE, f), join(WORK, f));
  const stamp = join(WORK, "node_modules", ".vitrin-consumers-lock");
  const lock = sha(join(SOURCE, "package-lock.json"));
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== lock) {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: WORK, stdio: "inherit" });
    writeFileSync(stamp, lock);
  }
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", WORK], { cwd: PKG_DIR, encoding: "utf8" }));
  const tarball = join(WORK, packed[0].filename);
  // The package has no dependencies: installing it is unpacking it where npm would.
  const into = join(WORK, "node_modules", "vitrin");
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", into, "--strip-components=1"]);
  cpSync(join(SOURCE, "shared"), join(WORK, "shared"), { recursive: true });
  cpSync(join(SOURCE, "apps"), join(WORK, "apps"), { recursive: true });
  return { tarball, files: packed[0].files.map((f) => f.path) };
}

/** Runs a command in `cwd` and resolves with its output; rejects with the output when it fails. */
export function run(command, args, { cwd = WORK, env = {}, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${out.slice(-4000)}`));
    });
  });
}

/**
 * Starts a long-running command and resolves once `ready` matches its output (at once when
 * `ready` is null: a server that prints nothing; poll it). `stop()` ends it (its whole process
 * group: next start and vite spawn children).
 */
export function serve(command, args, { cwd = WORK, env = {}, ready, timeoutMs = 120_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    const stop = () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          done();
        }
      });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${command} not ready after ${timeoutMs} ms:\n${out.slice(-3000)}`));
    }, timeoutMs);
    const check = (d) => {
      out += d;
      if (ready?.test(out)) {
        clearTimeout(timer);
        resolve({ stop, output: () => out });
      }
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check);
    if (!ready) {
      clearTimeout(timer);
      resolve({ stop, output: () => out });
    }
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited ${code} before it was ready:\n${out.slice(-3000)}`));
    });
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Every file under `dir`, relative to it. */
export function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Raw and gzip bytes of the given files under `dir`. */
export function bytes(dir, files) {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const b = readFileSync(join(dir, f));
    raw += b.length;
    gzip += gzipSync(b, { level: 9 }).length;
  }
  return { raw, gzip };
}

export function kb(n) {
  return `${(n / 1024).toFixed(1)} KB`;
}

/** Installed before any page script: sums layout shifts (as CLS counts them, without input) into window.__cls. */
export const MEASURE_LAYOUT_SHIFT = () => {
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({ type: "layout-shift", buffered: true });
};

/** Files a bundler copied from the package that a page never needs (the "whole package folder"). */
export function strayPackageFiles(files) {
  return files.filter((f) => /(^|\/)(RULES\.md|README\.md|LICENSE|rules\.schema\.json|[^/]*\.d\.ts|package\.json)$/.test(f));
}

export function statOrNull(p) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}
