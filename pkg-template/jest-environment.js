// vitrin/jest-environment: Jest's jsdom environment plus the two Web APIs jsdom lacks and
// vitrin's glue needs when it loads (TextEncoder, TextDecoder: jsdom/jsdom#2524, jestjs/jest#10431). Use it where
// you would write `jsdom`: the docblock `@jest-environment vitrin/jest-environment`, or
// `testEnvironment` in the Jest config. Needs `jest-environment-jsdom` installed.
import { TextDecoder, TextEncoder } from "node:util";
// A named import: Jest may load this file through its CommonJS transform or as ESM.
import { TestEnvironment } from "jest-environment-jsdom";

export default class VitrinJsdomEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.TextEncoder ??= TextEncoder;
    this.global.TextDecoder ??= TextDecoder;
  }
}
