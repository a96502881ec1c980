//! Name lists written once. `names!` declares a closed enum with the name of each value;
//! validation, the JSON Schema, RULES.md and the TypeScript unions of `index.d.ts`
//! (`crate::typescript`) all read these tables. Depends on nothing.

/// `names! { pub enum X { A = "a", B = "b" } }`: the enum, `X::ALL`, `X::NAMES`,
/// `x.name()` and `X::from_name("a")`.
#[macro_export]
macro_rules! names {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($(#[$vm])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn name(self) -> &'static str {
                Self::NAMES[self as usize]
            }

            pub fn from_name(name: &str) -> Option<$name> {
                $crate::names::position(Self::NAMES, name).and_then(|i| Self::ALL.get(i).copied())
            }
        }
    };
}

/// Where `name` is in `names`: one loop for every enum's `from_name`, not an inlined copy
/// in each caller (wasm size, issue 13).
#[inline(never)]
pub fn position(names: &[&str], name: &str) -> Option<usize> {
    names.iter().position(|n| *n == name)
}

names! {
    /// The built-in ranking strategies; a slot named like one works with no rules.
    pub enum Strategy {
        ForYou = "for_you",
        Similar = "similar",
        BoughtTogether = "bought_together",
        RecentlyViewed = "recently_viewed",
        Trending = "trending",
        Replenish = "replenish",
    }
}

names! {
    /// Which products a prompt shows (`prompt.products` in the rules).
    pub enum ProductSource {
        None = "none",
        Cart = "cart",
        Complements = "complements",
        Replenish = "replenish",
        Habit = "habit",
        CrossSell = "cross_sell",
        RecentlyViewed = "recently_viewed",
        ForYou = "for_you",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_round_trip() {
        for &s in Strategy::ALL {
            assert_eq!(Strategy::from_name(s.name()), Some(s));
        }
        assert_eq!(Strategy::from_name("for-you"), None);
    }
}
