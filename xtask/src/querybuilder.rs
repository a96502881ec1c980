//! `www/generated/query-builder.js` (+ `.css`): the playground's visual condition builder
//! (react-querybuilder with React, www/builder/query-builder.jsx) bundled by esbuild from
//! node_modules, since the demo is served as plain ES modules without a bundler.

use crate::util::{cmd, root, run, Result};

pub fn bundle() -> Result {
    run(cmd(root().join("node_modules/.bin/esbuild")).args([
        "www/builder/query-builder.jsx",
        "--bundle",
        "--format=esm",
        "--minify",
        "--log-level=warning",
        "--define:process.env.NODE_ENV=\"production\"",
        "--outfile=www/generated/query-builder.js",
    ]))
}
