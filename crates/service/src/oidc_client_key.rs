//! The private key with which Peil authenticates at an issuer's token endpoint with
//! `private_key_jwt` (OpenID.NLGov, RFC 7523, OpenID Connect Core 9): parsing the operator's PEM
//! file, the public JWKS to register at the issuer, and the signed client assertion of one token
//! request.
//!
//! * Accepted: an unencrypted PKCS#8 PEM file (`-----BEGIN PRIVATE KEY-----`) holding an RSA key
//!   (2048 to 8192 bits; RS256) or an EC P-256 key (ES256). PKCS#1 or SEC1 files and encrypted
//!   keys are refused with the `openssl` command that converts them.
//! * Copies of the key's DER held here are overwritten when dropped (zeroize).
//! * This module must never log, print, return in an error or `Debug` the private key or a
//!   client assertion; errors are fixed texts. The key id (`kid`) is the RFC 7638 thumbprint of
//!   the public key, so the same key always has the same id.
//! * Signing uses ring (jsonwebtoken 9 without its `use_pem` feature accepts RSA keys only in
//!   PKCS#1 form, and ring is what it signs with underneath); the issuer verifies the result with
//!   any JOSE library.

use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PKCS1_SHA256,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use crate::oidc::base64_url;

/// Lifetime of a client assertion (OpenID.NLGov: short; at most five minutes).
pub const CLIENT_ASSERTION_SECONDS: i64 = 60;
/// The `client_assertion_type` of RFC 7523.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// The largest PEM file read.
const MAXIMUM_PEM_BYTES: usize = 64 * 1024;

/// Why a private key file was refused (a fixed text; never key material).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClientKeyError {
    #[error("de sleutel is geen PKCS#8-PEM (BEGIN PRIVATE KEY); zet hem om met `openssl pkcs8 -topk8 -nocrypt -in sleutel.pem` / the key is not PKCS#8 PEM (BEGIN PRIVATE KEY); convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem`")]
    NotPkcs8Pem,
    #[error("een versleutelde sleutel wordt niet ondersteund / an encrypted key is not supported")]
    Encrypted,
    #[error("de sleutel is geen RSA-sleutel (2048–8192 bits) of EC P-256-sleutel / the key is not an RSA key (2048–8192 bits) or an EC P-256 key")]
    Unsupported,
    #[error("de client-assertion kon niet worden ondertekend / the client assertion could not be signed")]
    Signing,
}

/// The signature algorithm of a client key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKeyAlgorithm {
    Rs256,
    Es256,
}

impl ClientKeyAlgorithm {
    pub fn code(self) -> &'static str {
        match self {
            ClientKeyAlgorithm::Rs256 => "RS256",
            ClientKeyAlgorithm::Es256 => "ES256",
        }
    }
}

enum Pair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

/// An OIDC client's private key, parsed and checked. `Debug` shows only the algorithm and kid.
pub struct ClientSigningKey {
    pair: Pair,
    pkcs8: Vec<u8>,
    kid: String,
}

impl Drop for ClientSigningKey {
    /// Overwrites the DER copy of the private key (ring keeps its own parsed form).
    fn drop(&mut self) {
        self.pkcs8.zeroize();
    }
}

impl std::fmt::Debug for ClientSigningKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ClientSigningKey")
            .field("algorithm", &self.algorithm())
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The DER inside a PKCS#8 PEM file (`-----BEGIN PRIVATE KEY-----`).
fn pkcs8_der_of_pem(pem: &[u8]) -> Result<Vec<u8>, ClientKeyError> {
    use base64::Engine as _;
    if pem.len() > MAXIMUM_PEM_BYTES {
        return Err(ClientKeyError::NotPkcs8Pem);
    }
    let text = std::str::from_utf8(pem).map_err(|_| ClientKeyError::NotPkcs8Pem)?;
    if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        return Err(ClientKeyError::Encrypted);
    }
    let begin = "-----BEGIN PRIVATE KEY-----";
    let end = "-----END PRIVATE KEY-----";
    let Some(start) = text.find(begin) else {
        return Err(ClientKeyError::NotPkcs8Pem);
    };
    let body = &text[start + begin.len()..];
    let Some(stop) = body.find(end) else {
        return Err(ClientKeyError::NotPkcs8Pem);
    };
    let base64_text: String = body[..stop]
        .chars()
        .filter(|character| !character.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(base64_text)
        .map_err(|_| ClientKeyError::NotPkcs8Pem)
}

/// RFC 7638 thumbprint (SHA-256, base64url) of a public JWK's required members.
fn thumbprint(canonical_members: &str) -> String {
    base64_url(&Sha256::digest(canonical_members.as_bytes()))
}

fn rsa_components(pair: &RsaKeyPair) -> (Vec<u8>, Vec<u8>) {
    let components = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
    (components.n, components.e)
}

impl ClientSigningKey {
    /// Parses an unencrypted PKCS#8 PEM file with an RSA or EC P-256 private key.
    pub fn from_pem(pem: &[u8]) -> Result<ClientSigningKey, ClientKeyError> {
        let mut der = pkcs8_der_of_pem(pem)?;
        let key = ClientSigningKey::from_pkcs8(&der);
        der.zeroize();
        key
    }

    /// A key from PKCS#8 DER (as the key store keeps it).
    pub fn from_pkcs8(der: &[u8]) -> Result<ClientSigningKey, ClientKeyError> {
        let pair = if let Ok(pair) = RsaKeyPair::from_pkcs8(der) {
            if !(2048..=8192).contains(&(pair.public().modulus_len() * 8)) {
                return Err(ClientKeyError::Unsupported);
            }
            Pair::Rsa(pair)
        } else if let Ok(pair) =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der, &SystemRandom::new())
        {
            Pair::Ec(pair)
        } else {
            return Err(ClientKeyError::Unsupported);
        };
        let kid = match &pair {
            Pair::Rsa(pair) => {
                let (modulus, exponent) = rsa_components(pair);
                thumbprint(&format!(
                    r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                    base64_url(&exponent),
                    base64_url(&modulus)
                ))
            }
            Pair::Ec(pair) => {
                let point = pair.public_key().as_ref();
                let (x, y) = (point.get(1..33), point.get(33..65));
                let (Some(x), Some(y)) = (x, y) else {
                    return Err(ClientKeyError::Unsupported);
                };
                thumbprint(&format!(
                    r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                    base64_url(x),
                    base64_url(y)
                ))
            }
        };
        Ok(ClientSigningKey {
            pair,
            pkcs8: der.to_vec(),
            kid,
        })
    }

    pub fn algorithm(&self) -> ClientKeyAlgorithm {
        match self.pair {
            Pair::Rsa(_) => ClientKeyAlgorithm::Rs256,
            Pair::Ec(_) => ClientKeyAlgorithm::Es256,
        }
    }

    /// The key id: the RFC 7638 thumbprint of the public key.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The PKCS#8 DER, for the key store only.
    pub(crate) fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public key as a JWK (`use: sig`, with `alg` and `kid`).
    pub fn public_jwk(&self) -> serde_json::Value {
        match &self.pair {
            Pair::Rsa(pair) => {
                let (modulus, exponent) = rsa_components(pair);
                json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                       "n": base64_url(&modulus), "e": base64_url(&exponent)})
            }
            Pair::Ec(pair) => {
                let point = pair.public_key().as_ref();
                json!({"kty": "EC", "use": "sig", "alg": "ES256", "kid": self.kid, "crv": "P-256",
                       "x": base64_url(point.get(1..33).unwrap_or_default()),
                       "y": base64_url(point.get(33..65).unwrap_or_default())})
            }
        }
    }

    /// The public JWKS to register at the issuer (`{"keys": [jwk]}`).
    pub fn public_jwks(&self) -> serde_json::Value {
        json!({"keys": [self.public_jwk()]})
    }

    /// A fresh client assertion for one token request: `iss` = `sub` = the client id, `aud` =
    /// the token endpoint, a random `jti`, `iat` now and `exp` `CLIENT_ASSERTION_SECONDS` later.
    pub fn client_assertion(
        &self,
        client_id: &str,
        token_endpoint: &str,
        now: i64,
    ) -> Result<String, ClientKeyError> {
        let mut jti = [0u8; 32];
        getrandom::fill(&mut jti).map_err(|_| ClientKeyError::Signing)?;
        let header = json!({"alg": self.algorithm().code(), "typ": "JWT", "kid": self.kid});
        let claims = json!({
            "iss": client_id,
            "sub": client_id,
            "aud": token_endpoint,
            "jti": base64_url(&jti),
            "iat": now,
            "nbf": now,
            "exp": now + CLIENT_ASSERTION_SECONDS,
        });
        let signing_input = format!(
            "{}.{}",
            base64_url(header.to_string().as_bytes()),
            base64_url(claims.to_string().as_bytes())
        );
        let random = SystemRandom::new();
        let signature = match &self.pair {
            Pair::Rsa(pair) => {
                let mut signature = vec![0u8; pair.public().modulus_len()];
                pair.sign(
                    &RSA_PKCS1_SHA256,
                    &random,
                    signing_input.as_bytes(),
                    &mut signature,
                )
                .map_err(|_| ClientKeyError::Signing)?;
                signature
            }
            Pair::Ec(pair) => pair
                .sign(&random, signing_input.as_bytes())
                .map_err(|_| ClientKeyError::Signing)?
                .as_ref()
                .to_vec(),
        };
        Ok(format!("{signing_input}.{}", base64_url(&signature)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn ec_pem() -> String {
        let Ok(document) =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
        else {
            panic!("no key");
        };
        let body = base64::engine::general_purpose::STANDARD.encode(document.as_ref());
        format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n")
    }

    #[test]
    fn an_ec_key_signs_assertions_that_verify_against_its_jwk() {
        let Ok(key) = ClientSigningKey::from_pem(ec_pem().as_bytes()) else {
            panic!("the key does not parse");
        };
        assert_eq!(key.algorithm(), ClientKeyAlgorithm::Es256);
        assert!(!format!("{key:?}").contains(&base64_url(key.pkcs8())));
        let Ok(assertion) = key.client_assertion("peil", "https://idp.example/token", 1_000) else {
            panic!("no assertion");
        };
        let Ok(jwk) =
            serde_json::from_value::<jsonwebtoken::jwk::Jwk>(key.public_jwks()["keys"][0].clone())
        else {
            panic!("not a JWK");
        };
        let Ok(decoding) = jsonwebtoken::DecodingKey::from_jwk(&jwk) else {
            panic!("no decoding key");
        };
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
        validation.validate_exp = false;
        validation.set_audience(&["https://idp.example/token"]);
        let Ok(data) =
            jsonwebtoken::decode::<serde_json::Value>(&assertion, &decoding, &validation)
        else {
            panic!("the assertion does not verify");
        };
        assert_eq!(data.claims["iss"], "peil");
        assert_eq!(data.claims["sub"], "peil");
        assert_eq!(data.claims["exp"], 1_000 + CLIENT_ASSERTION_SECONDS);
        assert_eq!(data.header.kid.as_deref(), Some(key.kid()));
        // Fresh per request: another jti.
        let Ok(second) = key.client_assertion("peil", "https://idp.example/token", 1_000) else {
            panic!("no assertion");
        };
        assert_ne!(assertion, second);
    }

    #[test]
    fn other_key_files_are_refused_with_a_fixed_text() {
        assert_eq!(
            ClientSigningKey::from_pem(
                b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"
            )
            .err(),
            Some(ClientKeyError::NotPkcs8Pem)
        );
        assert_eq!(
            ClientSigningKey::from_pem(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n").err(),
            Some(ClientKeyError::Encrypted)
        );
        assert_eq!(
            ClientSigningKey::from_pem(
                b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0IGJ5dGVz\n-----END PRIVATE KEY-----\n"
            )
            .err(),
            Some(ClientKeyError::Unsupported)
        );
        let error = ClientSigningKey::from_pem(
            b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0IGJ5dGVz\n-----END PRIVATE KEY-----\n",
        )
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
        assert!(!error.contains("c2VjcmV0IGJ5dGVz"));
    }
}
