// Paths and facts about the repository shared by the JS test suites.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** Absolute path of the repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/[\\/]$/, "");

/** Absolute path of the built package (`cargo xtask build`). */
export const PKG_DIR = join(REPO_ROOT, "pkg");

/** `version` of the root Cargo.toml's [package] section (what pkg/package.json is stamped with). */
export function crateVersion() {
  const toml = readFileSync(join(REPO_ROOT, "Cargo.toml"), "utf8");
  const pkg = toml.split(/^\[/m).find((section) => section.startsWith("package]"));
  const match = pkg?.match(/^version\s*=\s*"([^"]+)"/m);
  if (!match) throw new Error("no version in Cargo.toml's [package] section");
  return match[1];
}
