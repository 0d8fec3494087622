//! Keyed pseudonyms (DESIGN.md invariant 3).
//!
//! `author_pseudonym = HMAC-SHA256(key of workspace and period, platform ‖ 0x1F ‖ author id)`.
//! The key is never derived from anything public, so without the key a pseudonym cannot be linked
//! back to an account, and once the key of a period is destroyed the pseudonyms of that period are
//! unlinkable for good.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Length of every key in bytes.
pub const KEY_BYTES: usize = 32;

/// A secret key for one workspace and one period. `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct PeriodKey {
    bytes: [u8; KEY_BYTES],
}

impl PeriodKey {
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Self {
        PeriodKey { bytes }
    }

    pub fn as_bytes(&self) -> &[u8; KEY_BYTES] {
        &self.bytes
    }
}

impl std::fmt::Debug for PeriodKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("PeriodKey(<secret>)")
    }
}

fn keyed_hash(key: &PeriodKey, namespace: &str, value: &str) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail for our 32-byte keys.
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 accepts keys of every length"),
    };
    mac.update(namespace.as_bytes());
    mac.update(&[0x1f]);
    mac.update(value.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The pseudonym of an author on `platform` under `key`.
pub fn author_pseudonym(key: &PeriodKey, platform: &str, author_id: &str) -> [u8; 32] {
    keyed_hash(key, platform, author_id)
}

/// The keyed reference of a post's source id, used only to drop duplicates on re-import.
pub fn source_reference(key: &PeriodKey, source: &str, source_id: &str) -> [u8; 32] {
    keyed_hash(key, source, source_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_author_differs_across_keys_and_platforms() {
        let first_key = PeriodKey::from_bytes([1; KEY_BYTES]);
        let second_key = PeriodKey::from_bytes([2; KEY_BYTES]);
        let under_first = author_pseudonym(&first_key, "bluesky", "did:plc:abc");
        assert_eq!(
            under_first,
            author_pseudonym(&first_key, "bluesky", "did:plc:abc")
        );
        assert_ne!(
            under_first,
            author_pseudonym(&second_key, "bluesky", "did:plc:abc")
        );
        assert_ne!(
            under_first,
            author_pseudonym(&first_key, "mastodon", "did:plc:abc")
        );
    }

    #[test]
    fn namespace_and_value_cannot_be_shifted() {
        let key = PeriodKey::from_bytes([7; KEY_BYTES]);
        assert_ne!(
            author_pseudonym(&key, "ab", "c"),
            author_pseudonym(&key, "a", "bc")
        );
    }

    #[test]
    fn debug_hides_the_key() {
        let key = PeriodKey::from_bytes([0xAB; KEY_BYTES]);
        let shown = format!("{key:?}");
        assert!(!shown.contains("171") && !shown.to_lowercase().contains("ab"));
    }
}
