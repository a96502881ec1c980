// The playground's own words in Turkish and English (the page's language, as the storefront's),
// and the results' verdicts rebuilt from the server's codes and numbers in that language.

import { getLang, locale } from "/www/text.js";

const WORDS = {
  preview: ["Önizleme: simüle ziyaretçi", "Preview: a simulated visitor"],
  previewNote: [
    "Taslak kurallar, kendi ziyaretçisi, saati ve sepetiyle: mağazadaki ziyaretçiye, sınırlarına ve sonuçlara dokunmaz.",
    "The draft rules on a visitor of its own, with its own clock and cart: the shop's visitor, caps and results are untouched.",
  ],
  previewStale: ["Taslak geçersiz: önizleme son geçerli taslağı gösteriyor.", "The draft is invalid: the preview shows the last valid draft."],
  persona: ["Persona", "Persona"],
  product: ["Ürün", "Product"],
  view: ["Ürüne bak", "View"],
  category: ["Kategori sayfası", "Category page"],
  addToCart: ["Sepete ekle", "Add to cart"],
  buy: ["Satın al", "Buy"],
  wait10: ["+10 dk", "+10 min"],
  wait1h: ["+1 saat", "+1 hour"],
  wait1d: ["+1 gün", "+1 day"],
  otherVisitor: ["Başka ziyaretçi (varyant)", "Another visitor (variant)"],
  reset: ["Baştan", "Start over"],
  simLine: ["{name} · {clock} · sepet {cart} ürün · kimlik {id}", "{name} · {clock} · cart {cart} item(s) · id {id}"],
  newVisitor: ["Yeni ziyaretçi", "New visitor"],
  priority: ["öncelik {n}", "priority {n}"],
  storeErrors: ["{n} mağaza hatası — yayınlanamaz", "{n} errors against the store — cannot publish"],
  storeWarnings: ["{n} uyarı", "{n} warning(s)"],
  liveSince: ["Yayında: sürüm {n} ({at}).", "Live: revision {n} ({at})."],
  published: ["Sürüm {n} yayınlandı ({at}); açık {tabs} mağaza sekmesi yenilenmeden uyguladı.", "Revision {n} published ({at}); {tabs} open shop tab(s) applied it without a reload."],
  rolledBack: ["Sürüm {from} geri yüklendi: yeni sürüm {n} ({at}); açık {tabs} mağaza sekmesi uyguladı.", "Revision {from} restored as revision {n} ({at}); {tabs} open shop tab(s) applied it."],
  noServer: ["Sunucu yok: yayınlar bu tarayıcıda kalır. `cargo xtask demo` sunucuyu da başlatır.", "No server: publications stay in this browser. `cargo xtask demo` starts the server too."],
  serverDown: ["Sunucuya ulaşılamadı: {message}", "The server could not be reached: {message}"],
  confirmPublish: ["Yayınlanacak değişiklikler (sürüm {n} → taslak)", "Changes to publish (revision {n} → draft)"],
  confirmRollback: ["Geri yükleme: sürüm {n} → sürüm {to}", "Roll back: revision {n} → revision {to}"],
  noChanges: ["Yayındaki sürümle aynı: değişiklik yok.", "Same as the live revision: nothing changes."],
  confirm: ["Onayla ve yayınla", "Confirm and publish"],
  cancel: ["Vazgeç", "Cancel"],
  added: ["eklendi", "added"],
  removed: ["kaldırıldı", "removed"],
  changed: ["değişti", "changed"],
  revisions: ["Sürümler", "Revisions"],
  live: ["yayında", "live"],
  rollback: ["Bu sürüme dön", "Roll back to this"],
  sameAs: ["= sürüm {n}", "= revision {n}"],
  results: ["Sonuçlar: kampanya, varyant ve holdout (sunucu)", "Results per campaign, variant and holdout (server)"],
  resultsNote: [
    "Sunucunun olay akışından tüm ziyaretçiler. Fark, holdout'a göre yüzde puan; aralık her an geçerli (%95), yani sık bakmak sonucu bozmaz.",
    "Every visitor, from the server's event stream. Uplift is in percentage points against the holdout; the interval is anytime-valid (95%), so looking often does not spoil it.",
  ],
  localResults: ["Sonuçlar: bu tarayıcı (sunucu yok)", "Results: this browser only (no server)"],
  noResults: ["Henüz maruz kalan ziyaretçi yok.", "No exposed visitors yet."],
  arm: ["Kol", "Arm"],
  visitors: ["Ziyaretçi (pay / plan)", "Visitors (share / plan)"],
  converted: ["Dönüşen", "Converted"],
  rate: ["Dönüşüm oranı", "Conversion rate"],
  rpv: ["Ziyaretçi başı gelir", "Revenue / visitor"],
  uplift: ["Fark (puan, %95 her an geçerli)", "Uplift (points, 95% anytime)"],
  relative: ["Göreli", "Relative"],
  verdict: ["Ne diyor", "What it says"],
  srmOk: ["Bölüşüm planlandığı gibi (SRM p = {p}).", "The split matches the plan (SRM p = {p})."],
  srmBad: ["Örneklem oranı uyuşmazlığı (SRM p = {p}): kollar planlanan payları almadı; sebebi bulunmadan sonuçlara güvenmeyin.", "Sample ratio mismatch (SRM p = {p}): the arms did not get their planned shares; do not trust the results until the cause is found."],
  better: [
    "{arm}, holdout'tan daha iyi dönüştürüyor: {pv} (holdout {ph}), fark {d} puan (her an geçerli %95 aralık {lo} … {hi}). Ne sıklıkla bakılırsa bakılsın geçerli.",
    "{arm} converts better than the holdout: {pv} against {ph}, {d} points (95% anytime-valid interval {lo} … {hi}). This holds however often you looked.",
  ],
  worse: [
    "{arm}, holdout'tan daha kötü dönüştürüyor: {pv} (holdout {ph}), fark {d} puan (her an geçerli %95 aralık {lo} … {hi}).",
    "{arm} converts worse than the holdout: {pv} against {ph}, {d} points (95% anytime-valid interval {lo} … {hi}).",
  ],
  not_significant: [
    "Henüz anlamlı değil: {pv} (holdout {ph}); fark {lo} ile {hi} puan arasında herhangi bir yerde olabilir. Deney sürsün; aralık ne sıklıkla bakılırsa bakılsın geçerli.",
    "Not significant yet: {pv} against {ph} in the holdout; the difference could be anywhere from {lo} to {hi} points. Keep it running; the interval stays valid however often you look.",
  ],
  too_few: ["Karşılaştırmak için henüz az ziyaretçi var ({n} ve holdout'ta {h}; en az 30'ar).", "Too few visitors to compare yet ({n}, and {h} in the holdout; 30 each at least)."],
  no_holdout: ["Holdout yok: kontrol grubu olmadan fark ölçülemez.", "No holdout: without a control group the uplift cannot be measured."],
  sample_ratio_mismatch: ["Ziyaretçiler planlandığı gibi bölünmedi: karşılaştırma güvenilir değil.", "The visitors are not split as planned: no comparison can be trusted."],
  previewLink: ["Mağazada önizle (iz bırakmaz)", "Preview in the shop (leaves no trace)"],
};

const pick = (pair) => pair[getLang() === "en" ? 1 : 0];

/** The playground's text for `key`, with `{name}` placeholders filled from `values`. */
export function pt(key, values = {}) {
  return pick(WORDS[key]).replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
}

const percent = () => new Intl.NumberFormat(locale(), { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pts = () => new Intl.NumberFormat(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: "always" });

/** A rate as a percentage in the page's locale. */
export const formatRate = (x) => (x == null ? "–" : percent().format(x));
/** A difference of rates in percentage points, signed. */
export const formatPoints = (x) => pts().format(x * 100);

/** The verdict of one variant in the page's language, from the server's code and figures. */
export function verdictText(arm, holdout) {
  const code = arm.verdict?.code;
  if (!code || !WORDS[code]) return arm.verdict?.text ?? "";
  const any = arm.conversionUplift?.anytime;
  return pt(code, {
    arm: arm.id,
    pv: formatRate(arm.conversionRate),
    ph: formatRate(holdout?.conversionRate),
    d: any ? formatPoints(any.effect) : "",
    lo: any ? formatPoints(any.low) : "",
    hi: any ? formatPoints(any.high) : "",
    n: arm.visitors,
    h: holdout?.visitors ?? 0,
  });
}
