//! The one set of analyzers used for both indexing and querying.
//!
//! Each language has a stemmed analyzer (lower-case, stop words, ASCII folding, Snowball stemmer)
//! and all languages share the `exact` analyzer (lower-case and ASCII folding only) that phrases and
//! wildcards use. The store registers these under the names below; monitor matching in memory
//! uses the very same functions, so a post matches a monitor at ingest exactly when the index finds
//! it later.

use peil_model::{strip_placeholders, Language};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language as TantivyLanguage, LowerCaser, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, TokenizerManager,
};

/// Tokens longer than this many bytes are dropped (base64 blobs, long hashes).
pub const MAX_TOKEN_BYTES: usize = 40;

/// Name of the exact (unstemmed) analyzer.
pub const EXACT_ANALYZER: &str = "peil_exact";

/// Name of the stemmed analyzer for `language`.
pub fn stemmed_analyzer_name(language: Language) -> &'static str {
    match language {
        Language::Nl => "peil_nl",
        Language::En => "peil_en",
        Language::De => "peil_de",
        Language::Fr => "peil_fr",
        Language::Other => "peil_other",
    }
}

fn tantivy_language(language: Language) -> Option<TantivyLanguage> {
    match language {
        Language::Nl => Some(TantivyLanguage::Dutch),
        Language::En => Some(TantivyLanguage::English),
        Language::De => Some(TantivyLanguage::German),
        Language::Fr => Some(TantivyLanguage::French),
        Language::Other => None,
    }
}

/// Builds the stemmed analyzer for `language`: lower-case, stop words of that language, ASCII
/// folding, stemmer. `Other` gets lower-case and folding only.
pub fn stemmed_analyzer(language: Language) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .dynamic();
    let Some(tantivy_lang) = tantivy_language(language) else {
        return base.filter_dynamic(AsciiFoldingFilter).build();
    };
    let with_stop_words = match StopWordFilter::new(tantivy_lang) {
        Some(stop_words) => base.filter_dynamic(stop_words),
        None => base,
    };
    with_stop_words
        .filter_dynamic(AsciiFoldingFilter)
        .filter_dynamic(Stemmer::new(tantivy_lang))
        .build()
}

/// Builds the exact analyzer: lower-case and ASCII folding, no stop words, no stemming.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers every Peil analyzer with a tantivy index's tokenizer manager.
pub fn register_analyzers(manager: &TokenizerManager) {
    for language in Language::ALL {
        manager.register(stemmed_analyzer_name(language), stemmed_analyzer(language));
    }
    manager.register(EXACT_ANALYZER, exact_analyzer());
}

/// Runs `analyzer` over `text` (placeholders removed first) and returns the token texts in order.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let cleaned = strip_placeholders(text);
    let mut stream = analyzer.token_stream(&cleaned);
    let mut collected = Vec::new();
    while stream.advance() {
        collected.push(stream.token().text.clone());
    }
    collected
}

/// Reusable analyzers for one thread: the stemmed analyzer of every language plus the exact one.
pub struct Analyzers {
    stemmed: Vec<TextAnalyzer>,
    exact: TextAnalyzer,
}

impl Default for Analyzers {
    fn default() -> Self {
        Analyzers {
            stemmed: Language::ALL.into_iter().map(stemmed_analyzer).collect(),
            exact: exact_analyzer(),
        }
    }
}

impl Analyzers {
    /// Stemmed tokens of `text` in `language`.
    pub fn stemmed_tokens(&mut self, language: Language, text: &str) -> Vec<String> {
        let index = Language::ALL
            .iter()
            .position(|candidate| *candidate == language)
            .unwrap_or(Language::ALL.len() - 1);
        tokens(&mut self.stemmed[index], text)
    }

    /// Exact (unstemmed, folded, lower-case) tokens of `text`.
    pub fn exact_tokens(&mut self, text: &str) -> Vec<String> {
        tokens(&mut self.exact, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_analyzer_stems_and_drops_stop_words() {
        let mut analyzers = Analyzers::default();
        let plural =
            analyzers.stemmed_tokens(Language::Nl, "De gemeenten en hun fietsenstallingen");
        let singular = analyzers.stemmed_tokens(Language::Nl, "gemeente fietsenstalling");
        assert_eq!(
            plural.len(),
            2,
            "stop words `de`, `en`, `hun` are dropped: {plural:?}"
        );
        assert_eq!(plural, singular);
    }

    #[test]
    fn placeholders_are_never_tokens() {
        let mut analyzers = Analyzers::default();
        let exact = analyzers.exact_tokens("mail [EMAIL-1] over Café");
        assert_eq!(exact, vec!["mail", "over", "cafe"]);
    }
}
