//! Who is calling: the store [`Scope`] derived from the caller's API key.
//!
//! The key itself is only hashed here and never kept, logged or compared elsewhere; one tenant
//! cannot read originals stored under another tenant's key.

use axum::http::HeaderMap;
use headroom_store::Scope;

/// The caller's API key (`x-api-key`, else an `Authorization: Bearer` token), if any.
fn api_key(headers: &HeaderMap) -> Option<&[u8]> {
    if let Some(k) = headers.get("x-api-key") {
        return Some(k.as_bytes());
    }
    let auth = headers.get(http::header::AUTHORIZATION)?.as_bytes();
    let token = auth.strip_prefix(b"Bearer ").or_else(|| auth.strip_prefix(b"bearer ")).unwrap_or(auth);
    Some(token)
}

/// Whether the request carries an API key.
pub(crate) fn has_key(headers: &HeaderMap) -> bool {
    api_key(headers).is_some_and(|k| !k.is_empty())
}

/// The scope originals of this caller live under: `key:` + 32 hex digits of a keyed BLAKE3 of
/// the API key, or `anonymous` without one.
pub(crate) fn scope(headers: &HeaderMap) -> Scope {
    match api_key(headers).filter(|k| !k.is_empty()) {
        Some(key) => {
            let mut h = blake3::Hasher::new_derive_key("headroom proxy tenant scope v1");
            h.update(key);
            let hex = h.finalize().to_hex();
            Scope::new(format!("key:{}", hex.as_str().get(..32).unwrap_or_default()))
        }
        None => Scope::new("anonymous"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_differ_per_key_and_hide_it() {
        let mut a = HeaderMap::new();
        a.insert("x-api-key", "sk-ant-secret-a".parse().unwrap());
        let mut b = HeaderMap::new();
        b.insert("authorization", "Bearer sk-secret-b".parse().unwrap());
        let (sa, sb) = (scope(&a), scope(&b));
        assert_ne!(sa, sb);
        assert!(!sa.as_str().contains("secret"));
        assert_eq!(scope(&HeaderMap::new()).as_str(), "anonymous");
        assert_eq!(sa, scope(&a));
    }
}
