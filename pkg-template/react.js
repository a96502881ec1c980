// vitrin/react: a provider and hooks. Server rendering and hydration read the decision
// snapshot (no engine on the server side of React, none before the wasm arrives), so the
// markup matches; once the engine is ready the hooks read it, and they re-render after
// the page's own calls (track, dismiss, …) and the other tabs' `change`.

import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { createVitrin } from "vitrin";

const Context = createContext(null);
/** Engine calls after which what the hooks read may differ. */
const MUTATORS = ["track", "shown", "dismiss", "clicked", "setRules", "setProfile", "setCatalog", "setConsent", "forget"];

function pinnedItems(snapshot, { slot, productId, limit }) {
  const d = snapshot?.decisions?.find((x) => x.slot === slot && (x.productId ?? null) === (productId ?? null) && (x.limit ?? null) === (limit ?? null));
  return d ? d.items : null;
}

/**
 * Makes an engine available to the hooks below it. Give `engine` (one you created) or
 * `options` (the provider creates the engine in the browser, with `snapshot`, and destroys
 * it on unmount). `snapshot` is what `takeSnapshot` returned on the server.
 */
export function VitrinProvider({ engine: given = null, options = null, snapshot = null, onError, children }) {
  const [created, setCreated] = useState(null);
  const engine = given ?? created;
  const optionsRef = useRef(options);
  const errorRef = useRef(onError);
  errorRef.current = onError;

  useEffect(() => {
    if (given || !optionsRef.current) return undefined;
    let live = true;
    let made = null;
    createVitrin(snapshot ? { ...optionsRef.current, snapshot } : optionsRef.current).then(
      (e) => {
        if (live) setCreated((made = e));
        else e.destroy();
      },
      (e) => live && (errorRef.current ? errorRef.current(e) : console.error(e)),
    );
    return () => {
      live = false;
      made?.destroy();
      setCreated(null);
    };
  }, [given, snapshot]);

  // One version number for the hooks: bumped after the engine's mutating calls and events.
  const store = useMemo(() => {
    let version = 0;
    const listeners = new Set();
    return {
      get: () => version,
      subscribe(cb) {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
      bump() {
        version++;
        for (const cb of listeners) cb();
      },
    };
  }, [engine]);

  useEffect(() => {
    if (!engine) return undefined;
    const originals = MUTATORS.map((name) => [name, Object.prototype.hasOwnProperty.call(engine, name) ? engine[name] : undefined]);
    for (const name of MUTATORS) {
      const call = engine[name];
      engine[name] = function (...args) {
        try {
          return call.apply(this, args);
        } finally {
          store.bump();
        }
      };
    }
    engine.on("change", store.bump).on("prompt", store.bump);
    store.bump();
    return () => {
      engine.off("change", store.bump).off("prompt", store.bump);
      for (const [name, own] of originals) {
        if (own) engine[name] = own;
        else delete engine[name];
      }
    };
  }, [engine, store]);

  const value = useMemo(() => ({ engine, snapshot, store }), [engine, snapshot, store]);
  return createElement(Context.Provider, { value }, children);
}

function useContextOrThrow(hook) {
  const ctx = useContext(Context);
  if (!ctx) throw new Error(`${hook} must be used inside <VitrinProvider>`);
  return ctx;
}

function useVersion(store) {
  return useSyncExternalStore(store.subscribe, store.get, () => 0);
}

/** The engine once it is ready, else null (always null during server rendering). */
export function useVitrin() {
  const { engine, store } = useContextOrThrow("useVitrin");
  useVersion(store);
  return engine;
}

/**
 * `engine.recommend(request)`, re-read whenever the engine's state may have changed. Before
 * the engine is ready (server rendering, hydration) it answers from the snapshot, else [].
 */
export function useRecommendations(request) {
  const { engine, snapshot, store } = useContextOrThrow("useRecommendations");
  const version = useVersion(store);
  const { slot, productId, limit } = request;
  const recommend = useCallback(() => {
    if (!engine) return pinnedItems(snapshot, { slot, productId, limit }) ?? [];
    try {
      return engine.recommend({ slot, productId, limit });
    } catch (e) {
      console.error(e);
      return [];
    }
  }, [engine, snapshot, slot, productId, limit]);
  return useMemo(recommend, [recommend, version]);
}

/** The prompts due now (`engine.prompts()`); [] until the engine is ready. */
export function usePrompts() {
  const { engine, store } = useContextOrThrow("usePrompts");
  const version = useVersion(store);
  return useMemo(() => (engine ? engine.prompts() : []), [engine, version]);
}
