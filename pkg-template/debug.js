// Debug mode: logs every decision with why it was made, for developers and support.
// On with the `debug: true` option, the page URL parameter `vitrin_debug=1`, or the storage
// flag `localStorage["vitrin:debug"] = "1"` (loader.js reads them and imports this file only
// then).

/** Wraps the engine's decision methods with console logging (console.debug, one group each). */
export function logDecisions(engine) {
  const log = (label, ...lines) => {
    console.groupCollapsed?.(`[vitrin] ${label}`);
    for (const l of lines) console.debug(...l);
    console.groupEnd?.();
  };
  const explain = (id) => {
    try {
      return engine.explain(id);
    } catch (e) {
      return { error: e.message };
    }
  };
  const { recommend, prompts, track } = engine;
  engine.recommend = function (request) {
    const items = recommend.call(this, request);
    const campaigns = [...new Set(items.map((r) => r.campaignId).filter(Boolean))];
    log(
      `recommend ${request?.slot}${request?.productId ? ` (${request.productId})` : ""}: ${items.length} items`,
      ["request", request],
      ...items.map((r, i) => [`#${i + 1} ${r.productId}`, `score ${r.score}`, `${r.reason.code}: ${r.reason.text}`, r.campaignId ?? ""]),
      ...campaigns.map((id) => [`campaign ${id}`, explain(id)]),
    );
    return items;
  };
  engine.prompts = function () {
    const list = prompts.call(this);
    log(`prompts: ${list.length} due`, ...list.map((p) => [`${p.id} (${p.campaignId}, priority ${p.priority})`, p.text, p.reason, explain(p.campaignId)]));
    return list;
  };
  engine.track = function (event) {
    track.call(this, event);
    console.debug("[vitrin] track", event);
  };
  console.info("[vitrin] debug mode on: every decision is logged (option debug, ?vitrin_debug=1 or localStorage vitrin:debug=1)");
}
