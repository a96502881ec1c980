//! Visitor tokens: who a request speaks for. A token names one visitor id and an expiry
//! and is signed with the server's secret, so only the server (for anonymous visitors) and
//! the store's backend (for its customers, holding the same secret) can mint one.
//!
//! Format: `v1.<id>.<exp>.<sig>` where `id` is the visitor id in base64url (no padding;
//! ids may hold dots), `exp` the expiry in whole seconds since the epoch, and `sig` the
//! base64url HMAC-SHA256, keyed by the secret, of the text `v1.<id>.<exp>`. In Node:
//! `const p = "v1." + Buffer.from(id).toString("base64url") + "." + exp;`
//! `const token = p + "." + createHmac("sha256", secret).update(p).digest("base64url");`

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use hmac::{KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = hmac::Hmac<Sha256>;

/// Shortest accepted secret: 32 bytes is the HMAC-SHA256 key the hash was designed for.
pub const MIN_SECRET: usize = 32;
/// Anonymous tokens live a year: the visitor id is the shopper's history on this device.
pub const ANONYMOUS_SECS: u64 = 365 * 86_400;
/// What `vitrin-server token` mints by default: a login session's worth.
pub const DEFAULT_SECS: u64 = 30 * 86_400;
/// Server-issued visitor ids start with this; only they can be merged into another.
pub const ANONYMOUS_PREFIX: &str = "anon-";

/// Why a token is refused; `code` is the error code the API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Malformed,
    BadSignature,
    Expired,
}

impl Refused {
    pub fn code(self) -> &'static str {
        match self {
            Refused::Malformed => "invalid_token",
            Refused::BadSignature => "invalid_token",
            Refused::Expired => "token_expired",
        }
    }
}

fn mac(secret: &[u8], payload: &str) -> HmacSha256 {
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
    m.update(payload.as_bytes());
    m
}

/// A token for `visitor` valid until `expires` (seconds since the epoch).
pub fn mint(secret: &[u8], visitor: &str, expires: u64) -> String {
    let payload = format!("v1.{}.{expires}", B64.encode(visitor));
    let sig = B64.encode(mac(secret, &payload).finalize().into_bytes());
    format!("{payload}.{sig}")
}

/// The visitor id a token names and its expiry, when the signature holds and `now`
/// (seconds since the epoch) is before the expiry.
pub fn verify(secret: &[u8], token: &str, now: u64) -> Result<(String, u64), Refused> {
    let (payload, sig) = token.rsplit_once('.').ok_or(Refused::Malformed)?;
    let mut parts = payload.split('.');
    let (Some("v1"), Some(id), Some(exp), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refused::Malformed);
    };
    let sig = B64.decode(sig).map_err(|_| Refused::Malformed)?;
    // Checked before anything in the payload is believed; the comparison is constant-time.
    mac(secret, payload)
        .verify_slice(&sig)
        .map_err(|_| Refused::BadSignature)?;
    let exp: u64 = exp.parse().map_err(|_| Refused::Malformed)?;
    let id = String::from_utf8(B64.decode(id).map_err(|_| Refused::Malformed)?)
        .map_err(|_| Refused::Malformed)?;
    if now >= exp {
        return Err(Refused::Expired);
    }
    Ok((id, exp))
}

/// `n` random bytes from the operating system.
pub fn random(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// A new anonymous visitor id: 128 random bits, so no one can guess another's.
pub fn anonymous_id() -> String {
    let hex: String = random(16).iter().map(|b| format!("{b:02x}")).collect();
    format!("{ANONYMOUS_PREFIX}{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_token_names_its_visitor_until_it_expires() {
        let t = mint(SECRET, "cust.42", 1000);
        assert_eq!(verify(SECRET, &t, 999), Ok(("cust.42".to_string(), 1000)));
        assert_eq!(verify(SECRET, &t, 1000), Err(Refused::Expired));
        assert_eq!(
            verify(b"another secret, just as long....", &t, 0),
            Err(Refused::BadSignature)
        );
    }

    #[test]
    fn a_changed_token_is_refused() {
        let t = mint(SECRET, "a", 1000);
        let other = B64.encode("b");
        let forged = t.replacen(&B64.encode("a"), &other, 1);
        assert_eq!(verify(SECRET, &forged, 0), Err(Refused::BadSignature));
        let later = t.replacen("1000", "9999", 1);
        assert_eq!(verify(SECRET, &later, 0), Err(Refused::BadSignature));
        for bad in [
            "",
            "v1",
            "v1.a.b",
            "v2.YQ.1000.x",
            "v1.YQ.1000.!!",
            "v1.YQ.1000.sig.extra",
        ] {
            assert!(verify(SECRET, bad, 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_documented_format_is_what_is_minted() {
        // The Node recipe in the module docs, computed by hand.
        let payload = format!("v1.{}.{}", B64.encode("cust-42"), 1_900_000_000);
        let sig = B64.encode(mac(SECRET, &payload).finalize().into_bytes());
        assert_eq!(
            mint(SECRET, "cust-42", 1_900_000_000),
            format!("{payload}.{sig}")
        );
        let ids: std::collections::HashSet<String> = (0..100).map(|_| anonymous_id()).collect();
        assert_eq!(ids.len(), 100);
        assert!(ids.iter().all(|id| id.len() == ANONYMOUS_PREFIX.len() + 32));
    }
}
