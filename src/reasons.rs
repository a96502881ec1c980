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
        // One template per language and reason (NUL: where the subject goes), not a match
        // arm of code per text (wasm size).
        crate::jsontext::cat(TEXTS[lang as usize][self as usize], &[&subject])
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

/// `Why::text`'s templates, per language in `Why`'s order; a NUL stands for the subject.
/// The purchase reasons without a date read as `Why::text_bought` with none.
const TEXTS: [[&str; 13]; 2] = [
    [
        "Because you viewed \0",
        "Often bought with \0",
        "Goes well with \0",
        "Similar to \0",
        "Because you like \0",
        "Picked for your taste",
        "Popular right now",
        "You viewed this recently",
        "You buy this every ~\0 days",
        "Goes with your regular \0",
        "Featured",
        "Goes with the \0 you bought",
        "Often bought with the \0 you bought",
    ],
    [
        "\0 ürününe baktığınız için",
        "\0 ile sıkça birlikte alınıyor",
        "\0 ile iyi gider",
        "\0 ürününe benzer",
        "İlgilendiğiniz \0 kategorisinden",
        "Zevkinize göre seçildi",
        "Şu an çok tercih ediliyor",
        "Son baktığınız ürünlerden",
        "Bunu yaklaşık \0 günde bir alıyorsunuz",
        "Düzenli aldığınız \0 ile birlikte",
        "Öne çıkan ürün",
        "aldığınız \0 ile uyumlu",
        "aldığınız \0 ile sıkça birlikte alınıyor",
    ],
];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_as_written_with_its_subject() {
        let en = [
            "Because you viewed X",
            "Often bought with X",
            "Goes well with X",
            "Similar to X",
            "Because you like X",
            "Picked for your taste",
            "Popular right now",
            "You viewed this recently",
            "You buy this every ~X days",
            "Goes with your regular X",
            "Featured",
            "Goes with the X you bought",
            "Often bought with the X you bought",
        ];
        let tr = [
            "X ürününe baktığınız için",
            "X ile sıkça birlikte alınıyor",
            "X ile iyi gider",
            "X ürününe benzer",
            "İlgilendiğiniz X kategorisinden",
            "Zevkinize göre seçildi",
            "Şu an çok tercih ediliyor",
            "Son baktığınız ürünlerden",
            "Bunu yaklaşık X günde bir alıyorsunuz",
            "Düzenli aldığınız X ile birlikte",
            "Öne çıkan ürün",
            "aldığınız X ile uyumlu",
            "aldığınız X ile sıkça birlikte alınıyor",
        ];
        for (k, &why) in Why::ALL.iter().enumerate() {
            assert_eq!(why.text(Lang::En, "X"), en[k], "{why:?}");
            assert_eq!(why.text(Lang::Tr, "X"), tr[k], "{why:?}");
        }
        // The purchase reasons without a date are `text_bought`'s.
        for why in [Why::GoesWithPurchase, Why::BoughtWithPurchase] {
            for lang in [Lang::En, Lang::Tr] {
                assert_eq!(why.text(lang, "X"), why.text_bought(lang, "X", ""));
            }
        }
        for (why, lang, want) in [
            (
                Why::GoesWithPurchase,
                Lang::En,
                "Goes with the X you bought on 12 April",
            ),
            (
                Why::BoughtWithPurchase,
                Lang::En,
                "Often bought with the X you bought on 12 April",
            ),
            (
                Why::GoesWithPurchase,
                Lang::Tr,
                "12 April tarihinde aldığınız X ile uyumlu",
            ),
            (
                Why::BoughtWithPurchase,
                Lang::Tr,
                "12 April tarihinde aldığınız X ile sıkça birlikte alınıyor",
            ),
        ] {
            assert_eq!(why.text_bought(lang, "X", "12 April"), want);
        }
    }
}
