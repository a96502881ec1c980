// The storefront's own words in Turkish and English (the engine writes the reasons itself, in
// the locale it was created with). Category names come from the catalog's `categoryNames`,
// the same the engine's reasons use.

import source from "/www/generated/catalog.js";

export const LOCALES = { tr: "tr-TR", en: "en-US" };

const WORDS = {
  tagline: ["demo mağaza", "demo store"],
  search: ["Ürün, marka ara…", "Search products, brands…"],
  searchButton: ["Ara", "Search"],
  cart: ["Sepet", "Cart"],
  home: ["Ana sayfa", "Home"],
  heroTitle: ["Size göre bir vitrin", "A shop window that fits you"],
  heroText: [
    "Öneriler tarayıcınızda, baktıklarınıza göre anında değişir — sunucuya tek bir istek gitmeden.",
    "Recommendations change as you browse, computed in your browser — without a single request to a server.",
  ],
  forYou: ["Sizin için seçtiklerimiz", "Picked for you"],
  reorder: ["Yeniden sipariş zamanı", "Time to reorder"],
  categories: ["Kategoriler", "Categories"],
  similar: ["Benzer ürünler", "Similar products"],
  boughtTogether: ["Birlikte alınanlar", "Bought together"],
  recentlyViewed: ["Son baktıklarınız", "Recently viewed"],
  completeCart: ["Sepetinizi tamamlayın", "Complete your cart"],
  alsoLike: ["Bunlar da ilginizi çekebilir", "You may also like"],
  all: ["Tümü", "All"],
  products: ["ürün", "products"],
  addToCart: ["Sepete ekle", "Add to cart"],
  added: ["Sepete eklendi ✓", "Added to cart ✓"],
  inStock: ["Stokta", "In stock"],
  outOfStock: ["Tükendi", "Sold out"],
  brand: ["Marka", "Brand"],
  category: ["Kategori", "Category"],
  sku: ["Ürün kodu", "Item no."],
  freeShipping: ["1.000 ₺ üzeri ücretsiz kargo · 14 gün içinde iade", "Free shipping over ₺1,000 · 14-day returns"],
  emptyCart: ["Sepetiniz boş.", "Your cart is empty."],
  continueShopping: ["Alışverişe devam et", "Continue shopping"],
  remove: ["Kaldır", "Remove"],
  subtotal: ["Ara toplam", "Subtotal"],
  shipping: ["Kargo", "Shipping"],
  free: ["Ücretsiz", "Free"],
  total: ["Toplam", "Total"],
  checkout: ["Ödemeye geç", "Checkout"],
  checkoutTitle: ["Ödeme", "Checkout"],
  delivery: ["Teslimat bilgileri", "Delivery details"],
  fullName: ["Ad soyad", "Full name"],
  address: ["Adres", "Address"],
  payment: ["Ödeme yöntemi", "Payment method"],
  card: ["Kredi kartı", "Credit card"],
  onDelivery: ["Kapıda ödeme", "Pay on delivery"],
  placeOrder: ["Siparişi onayla", "Place order"],
  orderSummary: ["Sipariş özeti", "Order summary"],
  thanks: ["Teşekkürler! Siparişiniz alındı.", "Thank you! Your order is placed."],
  orderNumber: ["Sipariş no", "Order no."],
  searchResults: ["Arama sonuçları", "Search results"],
  noResults: ["Sonuç bulunamadı.", "No results."],
  notFound: ["Sayfa bulunamadı.", "Page not found."],
  firstRecommendation: ["İlk öneri", "First recommendation"],
  afterNavigation: ["sayfa açılışından", "after navigation"],
  lastRecommend: ["son recommend()", "last recommend()"],
  requestsSince: ["o andan beri ağ isteği: {n}", "network requests since: {n}"],
  loadFailed: ["vitrin yüklenemedi", "vitrin failed to load"],
  playground: ["Kural oyun alanı ↗", "Rules playground ↗"],
  rulesApplied: ["Yeni kurallar uygulandı (sürüm {n}) — sayfa yenilenmedi", "New rules applied (revision {n}) — no reload"],
  // Playground
  pgTagline: ["kural oyun alanı", "rules playground"],
  pgEditor: ["Kurallar (JSON)", "Rules (JSON)"],
  pgFormat: ["Biçimlendir", "Format"],
  pgPublish: ["Yayınla", "Publish"],
  pgPublishedSource: ["Yayındaki kurallar (sürüm {n})", "Published rules (revision {n})"],
  pgExample: ["Örnek: {name}", "Example: {name}"],
  pgValid: ["✓ Geçerli: {campaigns} kampanya, {slots} slot", "✓ Valid: {campaigns} campaigns, {slots} slots"],
  pgErrors: ["{n} hata — yayınlanamaz", "{n} errors — cannot publish"],
  pgPublishValid: ["Yine de yayınla: hatalı {n} kampanya dışarıda kalır", "Publish anyway, leaving out the {n} broken campaign(s)"],
  pgSyntax: ["JSON söz dizimi hatası", "JSON syntax error"],
  pgLine: ["satır {line}, sütun {column}", "line {line}, column {column}"],
  pgPublishedAt: ["Sürüm {n} yayınlandı; {tabs} mağaza sekmesi yenilenmeden uyguladı.", "Revision {n} published; applied without a reload in {tabs} storefront tab(s)."],
  pgInForce: ["Yayında: sürüm {n}.", "In force: revision {n}."],
  pgPreview: ["Önizleme: şu anki ziyaretçi", "Preview: the current visitor"],
  pgPreviewDraft: ["Taslak kurallarla, mağazanın ziyaretçisi ve simüle saatiyle; yayınlamadan hiçbir şey değişmez.", "Under the draft rules, for the storefront's visitor at the simulated time; nothing changes until you publish."],
  pgPreviewStale: ["Taslak geçersiz: önizleme son geçerli taslağı gösteriyor.", "The draft is invalid: the preview shows the last valid draft."],
  pgPromptNow: ["Şimdi gösterilecek mesaj", "Prompt due now"],
  pgNoPrompt: ["Şu an gösterilecek mesaj yok.", "No prompt is due now."],
  pgCampaigns: ["Kampanyalar ve nedenleri (explain)", "Campaigns and why (explain)"],
  pgNoCampaigns: ["Kampanya yok.", "No campaigns."],
  pgActs: ["çalışıyor", "acts"],
  pgBlocked: ["çalışmıyor", "does not act"],
  pgSlots: ["Slot sonuçları (recommend)", "Slot results (recommend)"],
  pgOfProduct: ["ürün: {title}", "product: {title}"],
  pgNeedsProduct: ["Önce mağazada bir ürüne bakın.", "View a product in the store first."],
  pgEmptySlot: ["Sonuç yok.", "No results."],
  pgMetrics: ["Sonuçlar: kampanya ve varyant (metrics)", "Results per campaign and variant (metrics)"],
  pgMetricsNote: [
    "Bu tarayıcıdaki ziyaretçinin sayaçları (holdout: mesajın gösterileceği an). Referans sunucu (GET /v1/metrics) tüm ziyaretçilerinkini toplar ve güven aralığıyla farkı verir.",
    "This browser's visitor's counters (holdout: the moment the prompt would have shown). The reference server (GET /v1/metrics) sums every visitor's and gives the uplift with a confidence interval.",
  ],
  pgNoMetrics: ["Henüz gösterim yok.", "No impressions yet."],
  pgCampaign: ["Kampanya", "Campaign"],
  pgVariant: ["Varyant", "Variant"],
  pgImpressions: ["Gösterim", "Impressions"],
  pgClicks: ["Tıklama", "Clicks"],
  pgCtr: ["TO", "CTR"],
  pgConversions: ["Dönüşüm", "Conversions"],
  pgRate: ["Dönüşüm oranı", "Conv. rate"],
  pgRevenue: ["Gelir", "Revenue"],
  pgUplift: ["Holdout'a göre", "vs holdout"],
  // Visitor simulator
  simulator: ["Ziyaretçi simülatörü", "Visitor simulator"],
  persona: ["Persona", "Persona"],
  clock: ["Saat", "Clock"],
  idle: ["10 dk boşta", "Idle 10 min"],
  idleHint: ["Ziyaretçi 10 dakika hiçbir şey yapmadan bekler", "The visitor does nothing for 10 minutes"],
  hour: ["+1 saat", "+1 hour"],
  day: ["+1 gün", "+1 day"],
  week: ["+7 gün", "+7 days"],
  goTo: ["Tarihe git", "Go to date"],
  consent: ["İzinler", "Consent"],
  personalization: ["Kişiselleştirme", "Personalization"],
  messaging: ["Mesajlar (asistan)", "Messaging (assistant)"],
  visitor: ["Ziyaretçi", "Visitor"],
  reset: ["Ziyaretçiyi sıfırla (forget)", "Reset visitor (forget)"],
  stateLine: ["sepet {cart} · bakılan {viewed} · satın alma {bought} · oturum {sessions}", "cart {cart} · viewed {viewed} · purchases {bought} · sessions {sessions}"],
  simulatedNow: ["Simüle edilen zaman", "Simulated time"],
};

/** The storefront's language for this page load (`tr` or `en`). */
let lang = "tr";
export function setLang(value) {
  lang = value === "en" ? "en" : "tr";
}
export const getLang = () => lang;
export const locale = () => LOCALES[lang];

const pick = (pair) => pair[lang === "en" ? 1 : 0];

/** A storefront word; `{name}` placeholders are filled from `values`. */
export function t(key, values = {}) {
  return pick(WORDS[key]).replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
}

/** The readable name of a category path from the catalog (the path itself when unnamed). */
export function categoryName(path) {
  const names = source.categoryNames?.[path];
  return names?.[lang] ?? names?.en ?? path;
}

/** Top-level categories, in menu order. */
export const TOP_CATEGORIES = ["fashion", "books", "pets", "eyewear"];
