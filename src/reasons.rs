//! Reason codes and their readable texts, in English and Turkish. The code is the stable
//! part (analytics, tests); the text is for the visitor. Depends on nothing.

use crate::prelude::*;

/// A result's reason as the page receives it: the stable code and the readable text.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub code: &'static str,
    pub text: String,
}

impl crate::jsontext::WriteJson for Reason {
    fn write_json(&self, out: &mut String) {
        crate::jsontext::fields(out)
            .field("code", &self.code)
            .field("text", &self.text)
            .end()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Tr,
}

impl Lang {
    /// `tr`, `tr-TR` → Turkish; anything else → English.
    pub fn from_locale(locale: &str) -> Lang {
        if locale
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case("tr"))
        {
            Lang::Tr
        } else {
            Lang::En
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Tr => "tr",
        }
    }
}

crate::names! {
    /// Why a product was recommended: the reason codes of `Recommendation.reason`.
    pub enum Why {
        /// Related to a product the visitor viewed.
        Viewed = "viewed",
        BoughtWith = "bought_with",
        GoesWith = "goes_with",
        Similar = "similar",
        /// Matches a category the visitor likes.
        Affinity = "affinity",
        /// Close to the visitor's taste embedding.
        Taste = "taste",
        Popular = "popular",
        RecentlyViewed = "recently_viewed",
        Replenish = "replenish",
        ReplenishCompanion = "replenish_companion",
        /// Pinned by the marketer's rules.
        Featured = "featured",
        /// Goes with (`goesWith`) something the visitor bought.
        GoesWithPurchase = "goes_with_purchase",
        /// Often bought with something the visitor bought.
        BoughtWithPurchase = "bought_with_purchase",
    }
}

crate::names! {
    /// Why a prompt speaks: the reason codes of `Prompt.reason`, from its trigger.
    pub enum PromptWhy {
        CartAbandonment = "cart_abandonment",
        BrowseAbandonment = "browse_abandonment",
        Replenishment = "replenishment",
        Seasonal = "seasonal",
        CrossSell = "cross_sell",
        WelcomeBack = "welcome_back",
        Campaign = "campaign",
    }
}

impl Why {
    pub fn code(self) -> &'static str {
        self.name()
    }

    /// The readable reason; `subject` is a product title, a category name or a day count.
    pub fn text(self, lang: Lang, subject: &str) -> String {
        match (lang, self) {
            (Lang::En, Why::Viewed) => crate::cat!("Because you viewed ", subject),
            (Lang::En, Why::BoughtWith) => crate::cat!("Often bought with ", subject),
            (Lang::En, Why::GoesWith) => crate::cat!("Goes well with ", subject),
            (Lang::En, Why::Similar) => crate::cat!("Similar to ", subject),
            (Lang::En, Why::Affinity) => crate::cat!("Because you like ", subject),
            (Lang::En, Why::Taste) => "Picked for your taste".to_string(),
            (Lang::En, Why::Popular) => "Popular right now".to_string(),
            (Lang::En, Why::RecentlyViewed) => "You viewed this recently".to_string(),
            (Lang::En, Why::Replenish) => crate::cat!("You buy this every ~", subject, " days"),
            (Lang::En, Why::ReplenishCompanion) => crate::cat!("Goes with your regular ", subject),
            (Lang::En, Why::Featured) => "Featured".to_string(),
            (Lang::Tr, Why::Featured) => "Öne çıkan ürün".to_string(),
            (Lang::Tr, Why::Viewed) => crate::cat!(subject, " ürününe baktığınız için"),
            (Lang::Tr, Why::BoughtWith) => crate::cat!(subject, " ile sıkça birlikte alınıyor"),
            (Lang::Tr, Why::GoesWith) => crate::cat!(subject, " ile iyi gider"),
            (Lang::Tr, Why::Similar) => crate::cat!(subject, " ürününe benzer"),
            (Lang::Tr, Why::Affinity) => crate::cat!("İlgilendiğiniz ", subject, " kategorisinden"),
            (Lang::Tr, Why::Taste) => "Zevkinize göre seçildi".to_string(),
            (Lang::Tr, Why::Popular) => "Şu an çok tercih ediliyor".to_string(),
            (Lang::Tr, Why::RecentlyViewed) => "Son baktığınız ürünlerden".to_string(),
            (Lang::Tr, Why::Replenish) => {
                crate::cat!("Bunu yaklaşık ", subject, " günde bir alıyorsunuz")
            }
            (Lang::Tr, Why::ReplenishCompanion) => {
                crate::cat!("Düzenli aldığınız ", subject, " ile birlikte")
            }
            (_, Why::GoesWithPurchase | Why::BoughtWithPurchase) => {
                self.text_bought(lang, subject, "")
            }
        }
    }

    /// A reason naming a purchase and its date ("Goes with the X you bought on 12 April").
    pub fn text_bought(self, lang: Lang, title: &str, date: &str) -> String {
        let (en, tr) = if self == Why::BoughtWithPurchase {
            ("Often bought with the ", " ile sıkça birlikte alınıyor")
        } else {
            ("Goes with the ", " ile uyumlu")
        };
        let dated = !date.is_empty();
        match lang {
            Lang::En => crate::cat!(
                en,
                title,
                " you bought",
                if dated { " on " } else { "" },
                date
            ),
            Lang::Tr => crate::cat!(
                date,
                if dated { " tarihinde " } else { "" },
                "aldığınız ",
                title,
                tr
            ),
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_TR: [&str; 12] = [
    "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
    "Kasım", "Aralık",
];

fn month_name(lang: Lang, month: u32) -> &'static str {
    let m = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::En => MONTHS_EN[m],
        Lang::Tr => MONTHS_TR[m],
    }
}

/// "12 April" / "12 Nisan": a day in the store's time zone, for reasons (prompt text
/// dates are formatted by the page's `Intl`; a reason is plain text made here).
pub fn day_month(at: f64, utc_offset_ms: f64, lang: Lang) -> String {
    let (_, month, day, ..) = crate::logic::dates::calendar(at, utc_offset_ms);
    crate::cat!(day, " ", month_name(lang, month as u32))
}

/// The reason of a seasonal prompt: the habit's category and month.
pub fn seasonal_text(lang: Lang, category: &str, month: u32) -> String {
    match lang {
        Lang::En => crate::cat!("You buy ", category, " every ", month_name(lang, month)),
        Lang::Tr => crate::cat!(
            "Her ",
            month_name(lang, month),
            " ayında ",
            category,
            " alıyorsunuz"
        ),
    }
}

/// Declares `Blocked` (a `names!` list) with each code's English and Turkish text, where
/// `{name}` stands for the block's parameter. One table: `explain` writes the English as
/// `reason`; the Turkish is read only by the generated `vitrin/editor` table
/// (`explain_texts`), so the linker keeps it out of the engine's wasm.
macro_rules! explain_codes {
    ($($(#[$m:meta])* $variant:ident = $code:literal, $en:literal, $tr:literal;)+) => {
        crate::names! {
            /// Why a campaign does not act now: the codes of `explain().because[].code`.
            pub enum Blocked { $($(#[$m])* $variant = $code),+ }
        }

        impl Blocked {
            /// The English text, `{name}` standing for the parameter.
            pub fn english(self) -> &'static str {
                match self { $(Blocked::$variant => $en),+ }
            }

            /// The Turkish text (host only: the generated table).
            pub fn turkish(self) -> &'static str {
                match self { $(Blocked::$variant => $tr),+ }
            }
        }
    };
}

explain_codes! {
    NotStarted = "not_started", "the campaign has not started yet", "Kampanya henüz başlamadı";
    Ended = "ended", "the campaign has ended", "Kampanya sona erdi";
    NoRecentEvent = "no_recent_event", "the event has not happened recently",
        "Olay yakın zamanda gerçekleşmedi";
    CartNotIdle = "cart_not_idle", "the cart is empty or the visitor is not idle long enough",
        "Sepet boş ya da ziyaretçi yeterince uzun süredir hareketsiz değil";
    NoExitIntent = "no_exit_intent", "no exit intent with items in the cart",
        "Sepette ürün varken çıkış niyeti yok";
    OtherPage = "other_page", "the visitor is on another page", "Ziyaretçi başka bir sayfada";
    TooFewViews = "too_few_views",
        "fewer than {views} views of one category without adding to the cart",
        "Sepete eklemeden tek bir kategoride {views} ürüne bakılmadı";
    NoReplenishmentDue = "no_replenishment_due", "no replenishment cycle is due",
        "Yenileme zamanı gelmiş bir ürün yok";
    NoSeasonalHabit = "no_seasonal_habit", "no seasonal habit covers this month",
        "Bu aya düşen mevsimsel bir alışkanlık yok";
    NoRecentPurchase = "no_recent_purchase", "no recent purchase in the category",
        "Bu kategoride yakın zamanda satın alma yok";
    NotReturning = "not_returning", "not a returning visitor with a cart or views",
        "Sepeti ya da baktığı ürünleri olan, geri dönen bir ziyaretçi değil";
    ConditionFalse = "condition_false", "this condition is false for the visitor",
        "Bu koşul ziyaretçi için doğru değil";
    PerSession = "per_session", "shown as often as allowed this session ({limit})",
        "Bu oturumda izin verilen sayıda gösterildi ({limit})";
    PerDay = "per_day", "shown as often as allowed today ({limit})",
        "Bugün izin verilen sayıda gösterildi ({limit})";
    Lifetime = "lifetime", "shown as often as allowed ever ({limit})",
        "Şimdiye dek izin verilen sayıda gösterildi ({limit})";
    CoolingDown = "cooling_down", "cooling down after it was shown ({minutes} min left)",
        "Gösterildikten sonraki bekleme süresi ({minutes} dk kaldı)";
    Dismissed = "dismissed", "quiet after the visitor dismissed it ({minutes} min left)",
        "Ziyaretçi kapattığı için sessiz ({minutes} dk kaldı)";
    QuietAfterPrompt = "quiet_after_prompt",
        "quiet time after another prompt ({minutes} min left)",
        "Başka bir mesajdan sonraki sessiz süre ({minutes} dk kaldı)";
    QuietAfterDismiss = "quiet_after_dismiss",
        "quiet time after the visitor dismissed a prompt ({minutes} min left)",
        "Ziyaretçi bir mesajı kapattıktan sonraki sessiz süre ({minutes} dk kaldı)";
    SameSubjectDismissed = "same_subject_dismissed",
        "the visitor dismissed another prompt about the same cart ({minutes} min left)",
        "Ziyaretçi aynı sepetle ilgili başka bir mesajı kapattı ({minutes} dk kaldı)";
    /// A complements or cross-sell prompt with no product that fits says nothing.
    NoProducts = "no_products", "no product fits the prompt (it would show none)",
        "Mesaja uyan ürün yok (hiçbirini gösteremezdi)";
    Holdout = "holdout", "the visitor is in the holdout (control) group",
        "Ziyaretçi holdout (kontrol) grubunda";
    NoMessagingConsent = "no_messaging_consent", "the visitor did not consent to messaging",
        "Ziyaretçi mesajlara izin vermedi";
}

impl Blocked {
    /// The English text with the parameter written in (each text names at most one).
    pub fn reason(self, param: Option<u64>) -> String {
        let text = self.english();
        let mut out = String::with_capacity(text.len() + 8);
        let split = crate::jsontext::split_once;
        match (param, split(text, b'{'), split(text, b'}')) {
            (Some(n), Some((before, _)), Some((_, after))) => {
                out.push_str(before);
                crate::cat!(into(&mut out), n);
                out.push_str(after);
            }
            _ => out.push_str(text),
        }
        out
    }
}

/// `{ code: { en, tr } }` for every explain code: the table `vitrin/editor` ships.
pub fn explain_texts() -> crate::value::Value {
    let mut out = crate::value::Map::new();
    for &b in Blocked::ALL {
        out.insert(
            b.name().to_string(),
            crate::json!({"en": b.english(), "tr": b.turkish()}),
        );
    }
    crate::value::Value::Object(out)
}
