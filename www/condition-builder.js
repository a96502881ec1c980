// The playground's visual condition builder, two-way with the JSON view: pick a campaign, build
// its `when` with react-querybuilder (fields, operators and values from vitrin/editor), and the
// rules text changes; edit the text, and the builder follows. The editor itself is bundled into
// /www/generated/query-builder.js by `cargo xtask demo`.

import { getLang } from "/www/text.js";

const TEXT = {
  tr: { title: "Koşul oluşturucu", campaign: "Kampanya", none: "Kampanya yok", add: "Yeni kampanya",
    partial: "Bu koşulun oluşturucunun gösteremediği kısımları var: JSON'da düzenleyin.", missing: "Oluşturucu yüklenemedi: cargo xtask demo çalıştırın." },
  en: { title: "Condition builder", campaign: "Campaign", none: "No campaigns", add: "New campaign",
    partial: "This condition has parts the builder cannot show: edit it in the JSON.", missing: "The builder could not load: run cargo xtask demo." },
};

/**
 * Mounts the builder in `container`. `onText(text)` receives the whole rules text after a
 * visual edit; call `show(doc)` with every valid rules document (after a JSON edit too).
 */
export async function mountConditionBuilder({ container, catalog, segments, onText }) {
  const tx = TEXT[getLang()] ?? TEXT.en;
  container.innerHTML = `<div class="pg-toolbar"><h2>${tx.title}</h2>
    <label class="muted small">${tx.campaign} <select data-builder="campaign"></select></label>
    <button type="button" data-builder="add">${tx.add}</button></div>
    <p class="muted small" data-builder="note" hidden></p><div data-builder="editor"></div>`;
  const picker = container.querySelector('[data-builder="campaign"]');
  const note = container.querySelector('[data-builder="note"]');
  let lib;
  try {
    lib = await import("/www/generated/query-builder.js");
  } catch {
    note.hidden = false;
    note.textContent = tx.missing;
    return { show() {} };
  }
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = "/www/generated/query-builder.css";
  document.head.append(css);

  let doc = null;
  /** The JSON of the condition the builder shows, to tell its own edits from the text's. */
  let shown;
  const campaign = () => doc?.campaigns?.find((c) => c.id === picker.value);

  const builder = lib.mountQueryBuilder(container.querySelector('[data-builder="editor"]'), {
    catalog,
    segments,
    lang: getLang(),
    onQuery(query) {
      const c = campaign();
      if (!c) return;
      const when = lib.toJsonLogic(query, builder.fields);
      shown = JSON.stringify(when);
      if (when) c.when = when;
      else delete c.when;
      onText(JSON.stringify(doc, null, 2) + "\n");
    },
  });

  function load() {
    const when = campaign()?.when ?? null;
    shown = JSON.stringify(when);
    const query = lib.fromJsonLogic(when, builder.fields);
    builder.setQuery(query);
    // The builder drops what it cannot show: say so rather than lose it on the next edit.
    note.hidden = JSON.stringify(lib.toJsonLogic(query, builder.fields)) === shown;
    note.textContent = tx.partial;
  }

  picker.addEventListener("change", () => {
    picker.dataset.last = picker.value;
    load();
  });
  container.querySelector('[data-builder="add"]').addEventListener("click", () => {
    if (!doc) return;
    const ids = new Set((doc.campaigns ?? []).map((c) => c.id));
    let n = 1;
    while (ids.has(`audience-${n}`)) n++;
    doc.campaigns = [...(doc.campaigns ?? []), { id: `audience-${n}`, trigger: { type: "always" } }];
    picker.insertAdjacentHTML("beforeend", `<option></option>`);
    picker.lastElementChild.value = picker.lastElementChild.textContent = `audience-${n}`;
    picker.value = `audience-${n}`;
    onText(JSON.stringify(doc, null, 2) + "\n");
  });

  return {
    /** A valid rules document from the JSON view: the builder follows it. */
    show(next) {
      doc = structuredClone(next);
      const ids = (doc.campaigns ?? []).map((c) => c.id);
      const keep = ids.includes(picker.value) ? picker.value : ids[0];
      picker.replaceChildren(...ids.map((id) => Object.assign(document.createElement("option"), { value: id, textContent: id })));
      picker.disabled = ids.length === 0;
      if (keep !== undefined) picker.value = keep;
      if (JSON.stringify(campaign()?.when ?? null) !== shown || keep !== picker.dataset.last) load();
      picker.dataset.last = keep ?? "";
    },
  };
}
