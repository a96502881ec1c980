// Where a JSON Pointer (RFC 6901) sits in a JSON text, so the playground can mark a validation
// error at its place. `locate(text)` scans text that JSON.parse accepted once and returns
// `where(pointer)` → `{ start, end }` character offsets: a member's key through its value when the
// value is a scalar, the key alone (or the opening bracket of an array item) when it is an object
// or array, so a mark stays one line long. A pointer to a member that is missing (a required
// field) falls back to its nearest existing parent.

const WS = new Set([" ", "\t", "\n", "\r"]);

const escapeToken = (key) => key.replaceAll("~", "~0").replaceAll("/", "~1");

export function locate(text) {
  const spans = new Map();
  let i = 0;
  const skip = () => {
    while (WS.has(text[i])) i++;
  };
  const string = () => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };

  function value(pointer, keyStart, keyEnd) {
    skip();
    const start = i;
    const open = text[i];
    if (open === "{" || open === "[") {
      i++;
      skip();
      const close = open === "{" ? "}" : "]";
      for (let k = 0; text[i] !== close; k++) {
        skip();
        if (open === "{") {
          const ks = i;
          const key = string();
          const ke = i;
          skip();
          i++; // the colon
          value(`${pointer}/${escapeToken(key)}`, ks, ke);
        } else {
          value(`${pointer}/${k}`);
        }
        skip();
        if (text[i] === ",") i++;
        skip();
      }
      i++;
      spans.set(pointer, { start: keyStart ?? start, end: keyEnd ?? start + 1 });
      return;
    }
    if (open === '"') string();
    else while (i < text.length && !WS.has(text[i]) && !",]}".includes(text[i])) i++;
    spans.set(pointer, { start: keyStart ?? start, end: i });
  }

  value("");
  return (pointer) => {
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf("/"))) {
      if (spans.has(p)) return spans.get(p);
      if (p === "") return { start: 0, end: 1 };
    }
  };
}
