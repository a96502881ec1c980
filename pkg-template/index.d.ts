// Public types of vitrin (API.md). Written by hand and reviewed like API; checked with
// `tsc --noEmit` against tests/types/example.ts on every build.

/** A product of the store. `category` is a path such as `"pets/cat/food"`. */
export interface Product {
  id: string;
  title: string;
  category: string;
  brand?: string;
  price: number;
  inStock?: boolean;
  tags?: string[];
  image?: string;
  url?: string;
  /** Any width up to 1024, the same for every product; stored L2-normalised, quantised to int8. */
  embedding?: number[] | Float32Array;
  related?: { boughtWith?: string[]; goesWith?: string[]; similar?: string[] };
  /** Relative popularity (any non-negative scale), used by `trending` and as a prior. */
  popularity?: number;
}

export interface Catalog {
  products: Product[];
  /**
   * Readable category names by path and language, for reasons ("Because you like Running
   * shoes"). A path without a name in the visitor's language uses its English one, else its
   * last segment humanised (`running-shoes` → "Running shoes").
   * @example { "fashion/shoes/running": { tr: "Koşu Ayakkabısı", en: "Running shoes" } }
   */
  categoryNames?: Record<string, Record<string, string>>;
  /**
   * Every product's embedding as one binary VTE1 table (README, "Large catalogs"), in
   * product order, instead of `embedding` arrays: loads without parsing a number.
   */
  embeddings?: ArrayBuffer | Uint8Array;
  /**
   * The weights `for_you` blends, fitted to the store's own sessions by `vitrin-server
   * build` (server/README.md, "Fitted weights"). Every field optional; absent ones take
   * the engine's defaults; an unknown name is an `invalid_catalog` error.
   * @example { products, blend: { revisit: 1.6, revisitRecency: 1, recency: 0.6 } }
   */
  blend?: Blend;
}

/**
 * The binary catalog `vitrin-server build` writes beside its JSON (`catalog.bin`; served as
 * `GET /v1/catalog.bin`, `application/vnd.vitrin.catalog`): the same catalog, read with no
 * JSON parsing (README, "Binary catalog"). A damaged or foreign file is an
 * `invalid_catalog` error naming the section or product and the byte.
 * @example const engine = vitrin.create({ catalog: await (await fetch("/catalog.bin")).arrayBuffer() });
 */
export type BinaryCatalog = ArrayBuffer | ArrayBufferView;

/** Ranking weights of `for_you` (all ≥ 0; the decays and `recency` at most 1, `seeds` 1–50). */
export interface Blend {
  /** The k-th most recent view seeds the related lists with weight `recency^k`. */
  recency?: number;
  /** How many recent views seed. */
  seeds?: number;
  /** A viewed product comes back with `revisit * revisitRecency^k` for its k-th most recent view. */
  revisit?: number;
  revisitRecency?: number;
  /** A related list's r-th entry weighs `1 / (1 + rankDecay * r)`. */
  rankDecay?: number;
  /** Weight of the best single seed's contribution (max pooling) beside the sum over seeds. */
  maxPool?: number;
  /**
   * Neighbours of neighbours: the `twoHopSeeds` most recent views pass on the `similar`
   * lists of the first `twoHopFanout` products in their own, times this and both ranks'
   * factors (0, the default: off).
   */
  twoHop?: number;
  twoHopSeeds?: number;
  twoHopFanout?: number;
  similar?: number;
  boughtWith?: number;
  goesWith?: number;
  embedding?: number;
  affinity?: number;
  popularity?: number;
}

/** The compact profile the store's server computes for a visitor. */
export interface Profile {
  visitorId: string;
  name?: string;
  updatedAt: number;
  embedding?: number[];
  affinities?: { category?: Record<string, number>; brand?: Record<string, number> };
  purchases?: { productId: string; at: number; quantity: number }[];
  cycles?: { productId: string; everyDays: number; lastAt: number }[];
  habits?: { category: string; months: number[]; perYear: number }[];
  segments?: string[];
}

// BEGIN GENERATED from the Rust name lists (src/typescript.rs); edit those, then run
// `VITRIN_BLESS=1 cargo test --test vocabulary`.
/** The slots every engine knows, without rules: one per built-in strategy. */
export type BuiltInSlot = "for_you" | "similar" | "bought_together" | "recently_viewed" | "trending" | "replenish";
/** A built-in ranking strategy (a rules slot's `strategy`). */
export type StrategyName = "for_you" | "similar" | "bought_together" | "recently_viewed" | "trending" | "replenish";
/** The `type` of an event. */
export type EventType = "page" | "view" | "search" | "add_to_cart" | "remove_from_cart" | "purchase" | "exit_intent";
/** The `page` of a `page` event. */
export type PageType = "home" | "category" | "product" | "cart" | "checkout" | "search";
/** The `type` of a campaign trigger. */
export type TriggerType = "event" | "cart_idle" | "exit_intent" | "page" | "browse_abandon" | "replenishment_due" | "seasonal_habit" | "post_purchase" | "returning" | "always";
/** Which products a prompt shows (`prompt.products`). */
export type PromptProducts = "none" | "cart" | "complements" | "replenish" | "habit" | "cross_sell" | "recently_viewed" | "for_you";
/** A variable of a prompt template (`{{product.brand}}`). */
export type TemplateVariable = "name" | "voucher" | "endsAt" | "campaign" | "cart.count" | "cart.lines" | "cart.value" | "product.title" | "product.price" | "product.brand" | "product.category" | "products.count" | "days";
/** The reason code of a recommendation. */
export type RecommendationReasonCode = "viewed" | "bought_with" | "goes_with" | "similar" | "affinity" | "taste" | "popular" | "recently_viewed" | "replenish" | "replenish_companion" | "featured" | "goes_with_purchase" | "bought_with_purchase";
/** The reason code of a prompt. */
export type PromptReasonCode = "cart_abandonment" | "browse_abandonment" | "replenishment" | "seasonal" | "cross_sell" | "welcome_back" | "campaign";
/** Why a campaign does not act now: the `code` of an `explain()` block. */
export type ExplainCode = "not_started" | "ended" | "no_recent_event" | "cart_not_idle" | "no_exit_intent" | "other_page" | "too_few_views" | "no_replenishment_due" | "no_seasonal_habit" | "no_recent_purchase" | "not_returning" | "condition_false" | "per_session" | "per_day" | "lifetime" | "cooling_down" | "dismissed" | "quiet_after_prompt" | "quiet_after_dismiss" | "same_subject_dismissed" | "no_products" | "holdout" | "no_messaging_consent";
/** The stable `code` of a `VitrinError`. */
export type ErrorCode = "invalid_options" | "invalid_argument" | "invalid_catalog" | "invalid_profile" | "invalid_rules" | "invalid_event" | "invalid_consent" | "invalid_condition" | "invalid_data" | "invalid_clock" | "invalid_snapshot" | "unknown_product" | "unknown_slot" | "unknown_prompt" | "unknown_campaign" | "evaluation_limit" | "storage_corrupt" | "storage_version" | "storage_failed" | "storage_unavailable" | "sync_failed" | "sync_overflow" | "sync_rejected" | "sync_unauthorized" | "load_failed" | "destroyed" | "internal_error";
// END GENERATED

/** One check that stops a campaign (`engine.explain(id).because`). */
export interface ExplainBlock {
  /** JSON Pointer into the rules ("" for consent). */
  path: string;
  code: ExplainCode;
  /** The number its text names: `limit`, `minutes` or `views`. */
  params: { limit?: number; minutes?: number; views?: number };
  /** The English text. */
  reason: string;
}

/**
 * The marketers' rules document. Its full format is `vitrin/rules.schema.json` (JSON
 * Schema, for editors) and `RULES.md` in the package (reference).
 */
export interface Rules {
  version: 1;
  utcOffsetMinutes?: number;
  caps?: { perSession?: number; perDay?: number; minGapMinutes?: number };
  slots?: Record<string, { strategy: StrategyName; [key: string]: unknown }>;
  campaigns?: { id: string; trigger: { type: TriggerType; [key: string]: unknown }; [key: string]: unknown }[];
}

export interface Consent {
  personalization?: boolean;
  messaging?: boolean;
}

export interface Options {
  catalog: Catalog | BinaryCatalog;
  rules?: Rules;
  profile?: Profile;
  /** Default `"local"` where localStorage exists, else `"memory"`. */
  storage?: "local" | "memory";
  /** Default `"vitrin"`; engines (tabs) with one key share the visitor's state. */
  storageKey?: string;
  /**
   * A preview of the visitor: reads the stored state and follows the other tabs, but never
   * writes storage or tells the other tabs anything (its own calls stay in its memory, and
   * `forget()` clears only that). Default false.
   */
  readOnly?: boolean;
  /**
   * The store's id for the visitor (a logged-in customer). Without it the engine mints one
   * and keeps it until `forget()`: the one id bucketing, storage, sync and the server use.
   */
  visitorId?: string;
  locale?: string;
  currency?: string;
  consent?: Consent;
  /** The clock, ms since the epoch; default `Date.now`. */
  now?: () => number;
  /** A decision snapshot from `takeSnapshot` on the server: `recommend` answers from it first (README, "Server-rendered first paint"). */
  snapshot?: Snapshot | null;
  /** Logs every decision with its explain; also on with `?vitrin_debug=1` or `localStorage["vitrin:debug"] = "1"`. Imports debug.js (only then). */
  debug?: boolean;
  sync?: { catalogUrl?: string; rulesUrl?: string; profileUrl?: string; eventsUrl?: string; intervalMs?: number; visitorId?: string };
}

/** `at` is ms since the epoch and defaults to `now()`. */
export type VitrinEvent =
  | { type: "page"; page: PageType; categoryId?: string; at?: number }
  | { type: "view"; productId: string; at?: number }
  | { type: "search"; query: string; at?: number }
  | { type: "add_to_cart"; productId: string; quantity?: number; at?: number }
  | { type: "remove_from_cart"; productId: string; quantity?: number; at?: number }
  | { type: "purchase"; orderId: string; items: { productId: string; quantity: number; price?: number }[]; at?: number }
  /** The page saw the visitor move to leave; `exit_intent` campaigns react to it. */
  | { type: "exit_intent"; at?: number };

export interface Reason {
  /** Stable: a recommendation's or a prompt's reason code. */
  code: RecommendationReasonCode | PromptReasonCode;
  /** Readable, in the engine's locale. */
  text: string;
}


/**
 * The slots your rules add. Register them so `recommend` rejects a misspelt slot:
 * @example declare module "vitrin" { interface Slots { home: true; pdp: true } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Slots {}

export type SlotName = BuiltInSlot | Extract<keyof Slots, string>;

export interface RecommendRequest {
  slot: SlotName;
  productId?: string;
  limit?: number;
}

export interface Recommendation {
  productId: string;
  score: number;
  slot: string;
  reason: Reason;
  campaignId?: string;
  variant?: string;
}

export interface Prompt {
  id: string;
  campaignId: string;
  variant?: string;
  text: string;
  /** Safe to assign to `innerHTML`: every catalog, profile and visitor value is escaped. */
  html: string;
  /** `action`: `open` follows `url`; `add_to_cart` adds `products` to the cart first (`<vitrin-assistant>` does both). */
  cta?: { label: string; url: string; action: "open" | "add_to_cart" };
  productIds: string[];
  /** The offered products as a card shows them: `priceText` formatted by `Intl` for the locale and currency; `category` named in the visitor's language; `reason` what drove the pick. */
  products: { id: string; title: string; price: number; priceText: string; brand?: string; category: string; url?: string; image?: string; reason?: Reason }[];
  reason: Reason;
  priority: number;
  /** When the offer ends (ms since the epoch): the schedule's `to`, or a `post_purchase` window. The prompt is withdrawn then. */
  endsAt?: number;
}

/**
 * A prompt on screen that is no longer true, from `engine.on("withdraw")`: take it down.
 * `reason`: `no_longer_due` (trigger or condition stopped holding: cart emptied, bought, …),
 * `offer_ended`, `visitor_changed` (another profile, `forget()`), `consent_withdrawn`,
 * `acted_elsewhere` (dismissed or clicked in another tab), `rules_changed`.
 */
/** What another tab did to this tab's visitor (the `change` event). */
export interface VisitorChange {
  cause: "acted" | "restored" | "forgot" | "identified";
}

export interface PromptWithdrawal {
  id: string;
  campaignId: string;
  reason: "no_longer_due" | "offer_ended" | "visitor_changed" | "consent_withdrawn" | "acted_elsewhere" | "rules_changed";
}

export interface VisitorStateView {
  cart: { productId: string; quantity: number }[];
  recentlyViewed: string[];
  purchases: { productId: string; orderId: string; quantity: number; at: number }[];
  searches: string[];
  page?: string | null;
  sessionCount?: number;
  consent?: Required<Consent>;
  /** The visitor's one id (bucketing, sync, the server); new after `forget()`. */
  visitorId: string;
}

export type Metrics = Record<string, Record<string, { impressions: number; clicks: number; conversions: number; revenue: number }>>;

/**
 * What vitrin throws for bad input: a real `Error` with a stable `code`.
 * @example
 * try { engine.track({ type: "view" }); } catch (e) { if (e instanceof VitrinError) console.log(e.code, e.path); }
 */
export declare class VitrinError extends Error {
  readonly name: "VitrinError";
  /** Stable snake_case code, e.g. `invalid_event`, `unknown_product`, `invalid_rules`, `load_failed` (then `cause` holds why). */
  readonly code: ErrorCode;
  /** JSON Pointer of the input at fault. */
  readonly path?: string;
  readonly errors?: { path: string; message: string }[];
}

export interface Engine {
  /** @example engine.track({ type: "view", productId: "shoe-1" }) */
  track(event: VitrinEvent): void;
  /** @example engine.recommend({ slot: "similar", productId: "shoe-1", limit: 8 }) */
  recommend(request: RecommendRequest): Recommendation[];
  prompts(): Prompt[];
  shown(promptId: string): void;
  dismiss(promptId: string): void;
  clicked(promptId: string): void;
  /**
   * `change` fires when another tab changed the visitor's state (`cause`: `acted` — events,
   * prompt actions, variant assignments; `restored` — this tab caught up with the others as
   * it started; `forgot` — `forget()` there; `identified` — the visitor identified there);
   * `withdraw` when the prompt
   * this page showed (`shown`) stopped being true.
   * @example engine.on("withdraw", (w) => { if (w.id === onScreen?.id) hideBubble(); })
   */
  on(kind: "prompt", callback: (prompt: Prompt) => void): this;
  on(kind: "withdraw", callback: (withdrawal: PromptWithdrawal) => void): this;
  on(kind: "error", callback: (error: VitrinError) => void): this;
  on(kind: "change", callback: (change: VisitorChange) => void): this;
  off(kind: "prompt" | "withdraw" | "error" | "change", callback: (...args: never[]) => void): this;
  /**
   * Checks prompts now (emits `withdraw`, then `prompt`); the engine also does so after every
   * change and on its own timer. Pages that move their own clock call it.
   * @example simulatedClock.advance(600_000); engine.refresh();
   */
  refresh(): void;
  /**
   * Invalid rules throw `invalid_rules` and change nothing. With `skipInvalidCampaigns`, when
   * every error lies inside campaigns, those campaigns are left out and the rest applies;
   * `skipped` lists them with their errors.
   * @example const { skipped } = engine.setRules(rules, { skipInvalidCampaigns: true });
   */
  setRules(rules: Rules, options?: { skipInvalidCampaigns?: boolean }): { skipped: { path: string; id?: string; errors: { path: string; message: string }[] }[] };
  setProfile(profile: Profile): void;
  setCatalog(catalog: Catalog | BinaryCatalog): void;
  setConsent(consent: Consent): void;
  state(): VisitorStateView;
  metrics(): Metrics;
  /**
   * Would the campaign act for this visitor now, and if not, every check that stops it: a JSON
   * Pointer into the rules, a stable `code`, its `params` (a cap's `limit`, the `minutes` a quiet
   * time has left, the `views` a trigger needs) and the English `reason`. `vitrin/editor`'s
   * `explainText(block, "tr")` writes it in Turkish.
   * @example engine.explain("cart-idle") // { acts: false, variant: "A", because: [{ path: "/campaigns/0/caps/perDay", code: "per_day", params: { limit: 1 }, reason: "shown as often as allowed today (1)" }] }
   */
  explain(campaignId: string): { acts: boolean; variant: string; because: ExplainBlock[] };
  /**
   * The store names the visitor (its customer id after a login, or its server's id): the
   * visitor's one id from now on, in every tab. Variants already shown stay as they were.
   * @example engine.identify("customer-42")
   */
  identify(visitorId: string): void;
  /**
   * Erases every local trace of the visitor, in this tab and the others; the visitor gets
   * a new id (or keeps the store's given `visitorId`) and is bucketed afresh.
   */
  forget(): void;
  destroy(): void;
}

export interface Vitrin {
  readonly version: string;
  /** JsonLogic with the official semantics, plus the query builders' operators (RULES.md);
   * `now`, `today` and the date operators read `options.now` (default `Date.now()`) in the
   * zone `options.utcOffsetMinutes` (default this browser's). With `options.scope` the condition
   * is read as a campaign's (or a slot filter's) is: unknown variables throw `invalid_condition`,
   * numeric strings in `in` lists over numbers are numbers, date strings compared with dates are dates.
   * @example vitrin.evaluateCondition({ ">": [{ var: "n" }, 2] }, { n: 3 }) // true */
  evaluateCondition(condition: unknown, data?: unknown, options?: { now?: number; utcOffsetMinutes?: number; scope?: "campaign" | "slot" }): unknown;
  /** Every error with its JSON Pointer; `warnings` (present only when there are some) lists what is
   * read differently from how it is written, e.g. `"6"` in an `in` list over the number `weekday`. */
  validateRules(rules: unknown): { ok: boolean; errors: { path: string; message: string }[]; warnings?: { path: string; message: string }[] };
  /**
   * The rule every CTA and product `url`/`image` passes: an http(s) URL or a path on the
   * page's own site, read as a browser parses it (backslashes, tabs, newlines).
   * @example vitrin.isSafeUrl("/\\evil.example/x") // false: the browser goes to evil.example
   */
  isSafeUrl(url: string): boolean;
  create(options: Options): Engine;
}

/**
 * Instantiates the WebAssembly once; idempotent.
 * @example const vitrin = await loadVitrin(); const engine = vitrin.create({ catalog });
 */
export declare function loadVitrin(): Promise<Vitrin>;

/**
 * `catalog` may also still be on its way: a `Response`, or a promise of one (`fetch(url)`),
 * of a catalog or of bytes; it downloads while the wasm compiles. A Response is read as JSON
 * when its content type says so, else as the binary catalog; an HTTP error is
 * `invalid_catalog`, a rejected promise rejects with its reason.
 * @example const engine = await createVitrin({ catalog, locale: "tr-TR", currency: "TRY" });
 * @example const engine = await createVitrin({ catalog: fetch("/catalog.bin") });
 */
export declare function createVitrin(options: Omit<Options, "catalog"> & { catalog: Options["catalog"] | Response | PromiseLike<Options["catalog"] | Response> }): Promise<Engine>;

/** Decisions the store's server computed for the first paint (`takeSnapshot`); plain JSON. */
export interface Snapshot {
  vitrin: 1;
  /** How long the browser keeps these answers: until the visitor's first event other than a page view (in any of the store's tabs), or the whole page. */
  hold: "interaction" | "page";
  decisions: { slot: string; productId?: string; limit?: number; items: Recommendation[] }[];
}

/**
 * Runs `engine.recommend` for each request (on the server) and returns the decisions to embed in the page.
 * @example const snapshot = takeSnapshot(engine, [{ slot: "for_you", limit: 8 }]);
 */
export declare function takeSnapshot(engine: Engine, requests: RecommendRequest[], options?: { hold?: "interaction" | "page" }): Snapshot;

/** The snapshot as JSON safe to put inside `<script type="application/json" id="vitrin-snapshot">`. */
export declare function snapshotJson(snapshot: Snapshot): string;

/** Reads the embedded snapshot in the browser; null when the page has none. */
export declare function readSnapshot(id?: string): Snapshot | null;
