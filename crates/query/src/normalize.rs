//! Normalisation shared by the index document, the in-memory matcher and the query compiler, so
//! that all three see the very same tokens.

use std::cell::RefCell;

use peil_analysis::text::exact_analyzer;
use peil_model::strip_placeholders;
use tantivy::tokenizer::{TextAnalyzer, MAX_TOKEN_LEN};

/// Lower-cases a hashtag character by character and drops leading `#`s. Returns `None` for a
/// hashtag that is empty afterwards or too long for the index (tantivy drops such tokens).
pub(crate) fn normalize_hashtag(raw: &str) -> Option<String> {
    let without_hash = raw.trim().trim_start_matches('#');
    let lower_case = lower_case_per_character(without_hash);
    if lower_case.is_empty() || lower_case.len() > MAX_TOKEN_LEN {
        return None;
    }
    Some(lower_case)
}

/// Every usable hashtag of a post, normalised.
pub(crate) fn normalized_hashtags(raw_hashtags: &[String]) -> impl Iterator<Item = String> + '_ {
    raw_hashtags.iter().filter_map(|raw| normalize_hashtag(raw))
}

/// The source name as the index stores it and `source:` compares it: trimmed, ASCII lower-case.
pub(crate) fn normalize_source(raw: &str) -> String {
    raw.trim().to_ascii_lowercase()
}

/// Lower-cases each character on its own, so lower-casing a prefix gives a prefix of the
/// lower-cased word (unlike `str::to_lowercase`, which treats a final sigma specially).
pub(crate) fn lower_case_per_character(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

thread_local! {
    static EXACT_ANALYZER_WITH_POSITIONS: RefCell<TextAnalyzer> = RefCell::new(exact_analyzer());
}

/// A token of the exact analyzer and its position, as the index stores it in `text_exact`.
pub(crate) type PositionedToken = (u32, String);

/// The exact analyzer's tokens of `text` (placeholders removed first) with their positions.
///
/// Positions matter for phrases: the analyzer drops over-long tokens but keeps counting, exactly
/// as tantivy records positions in `text_exact`. `peil_analysis::text::Analyzers::exact_tokens`
/// returns texts only, hence this helper around the same shared `exact_analyzer`.
pub(crate) fn exact_tokens_with_positions(text: &str) -> Vec<PositionedToken> {
    let cleaned = strip_placeholders(text);
    EXACT_ANALYZER_WITH_POSITIONS.with_borrow_mut(|analyzer| {
        let mut stream = analyzer.token_stream(&cleaned);
        let mut collected = Vec::new();
        while stream.advance() {
            let token = stream.token();
            let position = u32::try_from(token.position).unwrap_or(u32::MAX);
            collected.push((position, token.text.clone()));
        }
        collected
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_lose_hash_and_case() {
        assert_eq!(normalize_hashtag("#Klimaat"), Some("klimaat".to_string()));
        assert_eq!(normalize_hashtag("KLIMAAT"), Some("klimaat".to_string()));
        assert_eq!(normalize_hashtag("#"), None);
        assert_eq!(normalize_hashtag(&"a".repeat(MAX_TOKEN_LEN + 1)), None);
    }

    #[test]
    fn dropped_long_tokens_leave_a_position_gap() {
        let long_word = "x".repeat(60);
        let tokens = exact_tokens_with_positions(&format!("Eén {long_word} Café [PERSOON-1] zei"));
        assert_eq!(
            tokens,
            vec![
                (0, "een".to_string()),
                (2, "cafe".to_string()),
                (3, "zei".to_string())
            ]
        );
    }
}
