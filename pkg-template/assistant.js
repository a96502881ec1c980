// <vitrin-assistant>: an optional, accessible default UI for vitrin's prompts.
//   import "vitrin/assistant";   const el = document.querySelector("vitrin-assistant"); el.engine = engine;
// It shows the top prompt in a polite live region (its products as linked cards with picture,
// title and price), reports shown / dismiss / clicked back to the engine, performs the
// button's action (add the products to the cart, then follow the link), dismisses with Escape
// or its close button, takes the prompt down when the engine withdraws it (no longer true,
// visitor changed, consent withdrawn, acted on in another tab), and returns focus where it was.
// Theme it with --vitrin-bg, --vitrin-fg, --vitrin-accent, --vitrin-radius, --vitrin-font,
// --vitrin-shadow. The element has the `open` attribute while a prompt shows, so a page can
// keep its end clear of it (on a phone it covers the bottom of the screen; its bubble is at
// most 45vh there). Stores that draw their own UI use engine.on("prompt") and never load this.

const STYLE = `
:host { position: fixed; inset: auto 1rem 1rem auto; z-index: 2147483000; max-width: min(22rem, calc(100vw - 2rem));
  font: 15px/1.4 var(--vitrin-font, system-ui, sans-serif); color: var(--vitrin-fg, #1d1d1f); }
.bubble { background: var(--vitrin-bg, #fff); border-radius: var(--vitrin-radius, 14px); padding: 1rem 2.5rem 1rem 1rem;
  box-shadow: var(--vitrin-shadow, 0 8px 30px rgba(0,0,0,.18)); position: relative; }
.bubble[hidden] { display: none; }
@media (max-width: 480px) { :host { inset: auto .5rem .5rem .5rem; max-width: none; } .bubble { max-height: 45vh; overflow: auto; } }
.close { position: absolute; top: .4rem; right: .4rem; border: 0; background: transparent; font-size: 1.3rem; line-height: 1;
  padding: .3rem .5rem; cursor: pointer; color: inherit; border-radius: 8px; }
.close:focus-visible, .cta:focus-visible { outline: 2px solid var(--vitrin-accent, #0a66ff); outline-offset: 2px; }
.products { display: grid; gap: .4rem; margin: .6rem 0 0; padding: 0; list-style: none; }
.products li > * { display: grid; grid-template-columns: auto 1fr; gap: 0 .6rem; align-items: center; font-size: .85em;
  background: rgba(0,0,0,.05); border-radius: 8px; padding: .35rem .5rem; color: inherit; text-decoration: none; }
.products a:hover .title { text-decoration: underline; }
.products a:focus-visible { outline: 2px solid var(--vitrin-accent, #0a66ff); outline-offset: 1px; }
.products img { grid-row: span 2; width: 2.6rem; height: 2.6rem; object-fit: cover; border-radius: 6px; }
.products .title { font-weight: 600; }
.products .price { opacity: .8; }
.cta { display: inline-block; margin-top: .75rem; background: var(--vitrin-accent, #0a66ff); color: #fff; text-decoration: none;
  padding: .45rem .9rem; border-radius: 999px; font-weight: 600; }
.why { display: block; margin-top: .5rem; font-size: .8em; opacity: .7; }
`;

// Under a Trusted Types policy the escaped prompt HTML goes through a named policy;
// vitrin builds that HTML by escaping every character that could open markup.
const policy = globalThis.trustedTypes?.createPolicy?.("vitrin", { createHTML: (s) => s }) ?? null;

export class VitrinAssistant extends HTMLElement {
  #engine = null;
  #prompt = null;
  #returnFocus = null;
  #root;
  #bubble;
  #onPrompt = (p) => this.show(p);
  #onWithdraw = (w) => {
    if (this.#prompt?.id === w.id) this.#takeDown("vitrin-withdrawn", w);
  };

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = STYLE;
    this.#bubble = document.createElement("div");
    this.#bubble.className = "bubble";
    this.#bubble.hidden = true;
    this.#bubble.setAttribute("role", "status");
    this.#bubble.setAttribute("aria-live", "polite");
    this.#bubble.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.dismiss();
    });
    this.#root.append(style, this.#bubble);
  }

  /** The engine whose prompts this element shows. */
  set engine(engine) {
    this.#engine?.off("prompt", this.#onPrompt).off("withdraw", this.#onWithdraw);
    this.#engine = engine;
    engine?.on("prompt", this.#onPrompt).on("withdraw", this.#onWithdraw);
    const [top] = engine ? engine.prompts() : [];
    if (top) this.show(top);
  }

  get engine() {
    return this.#engine;
  }

  /** Asks the engine again (pages that move their own clock call this): a prompt no longer due goes, a new one shows. */
  refresh() {
    if (!this.#engine) return;
    this.#engine.refresh();
    const [top] = this.#engine.prompts();
    if (top) this.show(top);
  }

  /** The prompt on screen, or null. */
  get prompt() {
    return this.#prompt;
  }

  show(prompt) {
    if (this.#prompt?.id === prompt.id) return;
    this.#prompt = prompt;
    const b = this.#bubble;
    b.replaceChildren();
    const text = document.createElement("p");
    text.style.margin = "0";
    text.innerHTML = policy ? policy.createHTML(prompt.html) : prompt.html;
    const close = document.createElement("button");
    close.className = "close";
    close.type = "button";
    close.setAttribute("aria-label", this.getAttribute("close-label") ?? "Close");
    close.textContent = "×";
    close.addEventListener("click", () => this.dismiss());
    b.append(text);
    if (prompt.products?.length) {
      const list = document.createElement("ul");
      list.className = "products";
      for (const p of prompt.products) {
        const li = document.createElement("li");
        const card = document.createElement(this.#safe(p.url) ? "a" : "div");
        if (card.tagName === "A") {
          card.href = p.url;
          card.addEventListener("click", () => this.#acted(prompt, "open"));
        }
        if (this.#safe(p.image)) {
          const img = document.createElement("img");
          img.src = p.image;
          img.alt = "";
          img.loading = "lazy";
          card.append(img);
        }
        const title = document.createElement("span");
        title.className = "title";
        title.textContent = p.title;
        const price = document.createElement("span");
        price.className = "price";
        price.textContent = p.priceText ?? "";
        card.append(title, price);
        if (p.reason?.text) card.title = p.reason.text;
        li.dataset.productId = p.id;
        li.append(card);
        list.append(li);
      }
      b.append(list);
    }
    if (prompt.cta) {
      const a = document.createElement("a");
      a.className = "cta";
      a.textContent = prompt.cta.label;
      // The core's one URL rule (src/url.rs), read as the browser reads the text.
      a.href = this.#safe(prompt.cta.url) ? prompt.cta.url : "#";
      a.dataset.action = prompt.cta.action ?? "open";
      a.addEventListener("click", () => this.#acted(prompt, prompt.cta.action ?? "open"));
      b.append(a);
    }
    const why = document.createElement("small");
    why.className = "why";
    why.textContent = prompt.reason.text;
    b.append(why, close);
    b.hidden = false;
    this.toggleAttribute("open", true);
    this.#engine?.shown(prompt.id);
    this.dispatchEvent(new CustomEvent("vitrin-shown", { detail: prompt }));
  }

  /** Moves keyboard focus into the prompt, remembering where it was. */
  focusPrompt() {
    this.#returnFocus = document.activeElement;
    this.#root.querySelector(".cta, .close")?.focus();
  }

  dismiss() {
    const p = this.#prompt;
    if (!p) return;
    this.#takeDown("vitrin-dismissed", p);
    this.#engine?.dismiss(p.id);
  }

  /**
   * The visitor followed the prompt (its button or a product): the button's `add_to_cart`
   * puts each product in the cart first; the link then goes where it leads. The prompt has
   * done its work and leaves (`vitrin-action` tells the page, e.g. to redraw its cart).
   */
  #acted(prompt, action) {
    const engine = this.#engine;
    if (action === "add_to_cart" && engine) {
      for (const p of prompt.products ?? []) engine.track({ type: "add_to_cart", productId: p.id, quantity: 1 });
    }
    this.#takeDown("vitrin-action", { prompt, action });
    engine?.clicked(prompt.id);
  }

  /** The core's URL rule for a link or picture this element renders (false without an engine). */
  #safe(url) {
    return typeof url === "string" && this.#engine?._isSafeUrl?.(url) === true;
  }

  /** Removes the bubble; focus inside it goes back where it was before. */
  #takeDown(event, detail) {
    const hadFocus = this.#root.activeElement !== null;
    this.#prompt = null;
    this.#bubble.hidden = true;
    this.removeAttribute("open");
    this.#bubble.replaceChildren();
    if (hadFocus) (this.#returnFocus ?? document.body).focus?.();
    this.#returnFocus = null;
    this.dispatchEvent(new CustomEvent(event, { detail }));
  }

  disconnectedCallback() {
    this.#engine?.off("prompt", this.#onPrompt).off("withdraw", this.#onWithdraw);
  }

  connectedCallback() {
    if (this.#engine) this.#engine.on("prompt", this.#onPrompt).on("withdraw", this.#onWithdraw);
  }
}

if (typeof customElements !== "undefined" && !customElements.get("vitrin-assistant")) {
  customElements.define("vitrin-assistant", VitrinAssistant);
}
