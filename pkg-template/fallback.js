// What index.js does when the wasm cannot be compiled as it downloads, imported only then:
// rare, and only after an `await`, so nothing synchronous waits for this file.

/**
 * The wasm in `response`, which `compileStreaming` refused with `error` (or was not tried
 * because the response failed): the error to show, or the module compiled from its bytes.
 */
export async function compiled(response, error) {
  if (!response.ok) {
    let message = `failed to fetch Wasm: ${response.status} ${response.statusText} fetching '${response.url}'`;
    // A bundler that emits no file for `new URL` (esbuild, Rollup without an assets plugin).
    if (response.status === 404) message += '; if your bundler did not copy the .wasm, import "vitrin/inline"';
    throw new Error(message);
  }
  // Streaming needs the `application/wasm` type; a same-origin or CORS response served
  // with another is compiled from its bytes instead, as the glue does.
  if (!["basic", "cors", "default"].includes(response.type) || response.headers.get("Content-Type") === "application/wasm") throw error;
  console.warn("[vitrin] the server does not serve the .wasm as application/wasm: compiling it after the download (slower)", error);
  return WebAssembly.compile(await response.arrayBuffer());
}
