import type { Engine, Prompt } from "./index.js";

/**
 * `<vitrin-assistant>`: shows the engine's top prompt accessibly and reports shown /
 * dismiss / clicked. Import `vitrin/assistant` to register it.
 * @example
 * import "vitrin/assistant";
 * document.querySelector("vitrin-assistant")!.engine = engine;
 */
export declare class VitrinAssistant extends HTMLElement {
  engine: Engine | null;
  readonly prompt: Prompt | null;
  show(prompt: Prompt): void;
  refresh(): void;
  focusPrompt(): void;
  dismiss(): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "vitrin-assistant": VitrinAssistant;
  }
}
