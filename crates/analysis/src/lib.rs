//! The analysis step of Peil's data path: tokenization, language detection, sentiment and term
//! extraction of **de-identified** text.
//!
//! Input is always text that has already passed `peil-deid`; this crate must never receive raw
//! posts, never log text, and never emit a placeholder such as `[PERSOON-1]` as a term.
//!
//! ```
//! use peil_analysis::Analyzer;
//! use peil_model::{Language, SentimentLabel};
//!
//! let analyzer = Analyzer::new();
//! let analysis = analyzer.analyse("[PERSOON-1] vindt de nieuwe fietsenstalling prachtig! #utrecht", None);
//! assert_eq!(analysis.language, Language::Nl);
//! assert_eq!(analysis.sentiment.label, SentimentLabel::Positive);
//! assert_eq!(analysis.terms.terms, vec!["nieuwe", "fietsenstalling", "prachtig"]);
//! assert_eq!(analysis.terms.hashtags, vec!["utrecht"]);
//! ```

use peil_model::Language;
use serde::{Deserialize, Serialize};

pub mod eval;
pub mod language;
#[cfg(feature = "neural")]
pub mod neural;
pub mod sentiment;
mod sentiment_words;
pub mod stopwords;
pub mod terms;
pub mod text;
mod tokens;

/// Everything the analysis step attaches to one post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The language the post was analysed as.
    pub language: Language,
    /// Lexicon-based sentiment; see [`sentiment`] for its measured accuracy.
    pub sentiment: sentiment::Sentiment,
    /// Terms, hashtags and bigrams.
    pub terms: terms::PostTerms,
}

/// The analysis step: detects the language (unless the source says it), scores sentiment and
/// extracts terms. Build one per process and share it across threads: it is `Send + Sync` and
/// holds only read-only lexicons.
#[derive(Debug, Clone)]
pub struct Analyzer {
    sentiment_model: sentiment::SentimentModel,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    /// Loads the embedded lexicons (a few milliseconds).
    pub fn new() -> Self {
        Analyzer {
            sentiment_model: sentiment::SentimentModel::embedded(),
        }
    }

    /// An analyzer with a given sentiment model (for evaluation with other parameters).
    pub fn with_sentiment_model(sentiment_model: sentiment::SentimentModel) -> Self {
        Analyzer { sentiment_model }
    }

    /// The sentiment model in use.
    pub fn sentiment_model(&self) -> &sentiment::SentimentModel {
        &self.sentiment_model
    }

    /// Analyses de-identified `text`. A `language_hint` from the source's own language tag wins
    /// when it is Dutch, English, German or French; otherwise (absent or `Other`) the language
    /// is detected.
    pub fn analyse(&self, text: &str, language_hint: Option<Language>) -> Analysis {
        let language = match language_hint {
            Some(hint @ (Language::Nl | Language::En | Language::De | Language::Fr)) => hint,
            Some(Language::Other) | None => language::detect(text),
        };
        Analysis {
            language,
            sentiment: self.sentiment_model.score(text, language),
            terms: terms::extract(text, language),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyzer_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Analyzer>();
    }

    #[test]
    fn hint_wins_when_known() {
        let analyzer = Analyzer::new();
        let text = "The government should finally do something about it";
        assert_eq!(
            analyzer.analyse(text, Some(Language::Nl)).language,
            Language::Nl
        );
        assert_eq!(
            analyzer.analyse(text, Some(Language::Other)).language,
            Language::En
        );
        assert_eq!(analyzer.analyse(text, None).language, Language::En);
    }

    #[test]
    fn placeholders_never_surface() {
        let analyzer = Analyzer::new();
        let analysis = analyzer.analyse("[PERSOON-1] [EMAIL-2] [URL-3] HANDLE-4 #test", None);
        assert!(analysis.terms.terms.is_empty());
        assert!(analysis.terms.bigrams.is_empty());
        assert_eq!(analysis.terms.hashtags, vec!["test"]);
    }
}
