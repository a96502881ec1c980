//! Reason codes and their readable texts, in English and Turkish. The code is the stable
//! part (analytics, tests); the text is for the visitor. Depends on nothing.

/// A result's reason as the page receives it: the stable code and the readable text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub text: String,
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
        if locale.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("tr")) {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Related to a product the visitor viewed.
    Viewed,
    BoughtWith,
    GoesWith,
    Similar,
    /// Matches a category the visitor likes.
    Affinity,
    /// Close to the visitor's taste embedding.
    Taste,
    Popular,
    RecentlyViewed,
    Replenish,
    ReplenishCompanion,
    /// Pinned by the marketer's rules.
    Featured,
}

impl Why {
    pub fn code(self) -> &'static str {
        match self {
            Why::Viewed => "viewed",
            Why::BoughtWith => "bought_with",
            Why::GoesWith => "goes_with",
            Why::Similar => "similar",
            Why::Affinity => "affinity",
            Why::Taste => "taste",
            Why::Popular => "popular",
            Why::RecentlyViewed => "recently_viewed",
            Why::Replenish => "replenish",
            Why::ReplenishCompanion => "replenish_companion",
            Why::Featured => "featured",
        }
    }

    /// The readable reason; `subject` is a product title, a category name or a day count.
    pub fn text(self, lang: Lang, subject: &str) -> String {
        match (lang, self) {
            (Lang::En, Why::Viewed) => format!("Because you viewed {subject}"),
            (Lang::En, Why::BoughtWith) => format!("Often bought with {subject}"),
            (Lang::En, Why::GoesWith) => format!("Goes well with {subject}"),
            (Lang::En, Why::Similar) => format!("Similar to {subject}"),
            (Lang::En, Why::Affinity) => format!("Because you like {subject}"),
            (Lang::En, Why::Taste) => "Picked for your taste".to_string(),
            (Lang::En, Why::Popular) => "Popular right now".to_string(),
            (Lang::En, Why::RecentlyViewed) => "You viewed this recently".to_string(),
            (Lang::En, Why::Replenish) => format!("You buy this every ~{subject} days"),
            (Lang::En, Why::ReplenishCompanion) => format!("Goes with your regular {subject}"),
            (Lang::En, Why::Featured) => "Featured".to_string(),
            (Lang::Tr, Why::Featured) => "Öne çıkan ürün".to_string(),
            (Lang::Tr, Why::Viewed) => format!("{subject} ürününe baktığınız için"),
            (Lang::Tr, Why::BoughtWith) => format!("{subject} ile sıkça birlikte alınıyor"),
            (Lang::Tr, Why::GoesWith) => format!("{subject} ile iyi gider"),
            (Lang::Tr, Why::Similar) => format!("{subject} ürününe benzer"),
            (Lang::Tr, Why::Affinity) => format!("{subject} ilginize göre"),
            (Lang::Tr, Why::Taste) => "Zevkinize göre seçildi".to_string(),
            (Lang::Tr, Why::Popular) => "Şu an çok tercih ediliyor".to_string(),
            (Lang::Tr, Why::RecentlyViewed) => "Son baktığınız ürünlerden".to_string(),
            (Lang::Tr, Why::Replenish) => format!("Bunu yaklaşık {subject} günde bir alıyorsunuz"),
            (Lang::Tr, Why::ReplenishCompanion) => format!("Düzenli aldığınız {subject} ile birlikte"),
        }
    }
}
