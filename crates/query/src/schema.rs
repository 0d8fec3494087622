//! The tantivy schema of Peil's full-text index and how a de-identified post becomes a document.

use std::fmt;

use peil_analysis::text::{stemmed_analyzer_name, EXACT_ANALYZER};
use peil_model::{strip_placeholders, Language};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

use crate::normalize::{normalize_source, normalized_hashtags};

/// Tantivy schema of Peil's full-text index (the store creates the index from it).
///
/// The index must have [`peil_analysis::text::register_analyzers`] applied to its tokenizer
/// manager. No field stores post text: the index can find a post, never show it.
#[derive(Debug, Clone)]
pub struct IndexSchema {
    /// The schema holding every field below.
    pub schema: Schema,
    /// The store's internal post id: `u64`, indexed, fast and stored.
    pub post_id: Field,
    /// The workspace the post belongs to: `u64`, indexed and fast.
    pub workspace_id: Field,
    /// Publication time in Unix seconds: `i64`, indexed and fast.
    pub published_at: Field,
    /// Stemmed text of Dutch posts (analyzer `peil_nl`), frequencies only.
    pub text_nl: Field,
    /// Stemmed text of English posts (analyzer `peil_en`), frequencies only.
    pub text_en: Field,
    /// Stemmed text of German posts (analyzer `peil_de`), frequencies only.
    pub text_de: Field,
    /// Stemmed text of French posts (analyzer `peil_fr`), frequencies only.
    pub text_fr: Field,
    /// Folded text of posts in other languages (analyzer `peil_other`), frequencies only.
    pub text_other: Field,
    /// Exact (lower-case, folded, unstemmed) text of every post, with positions for phrases.
    pub text_exact: Field,
    /// Hashtags, lower-case and without `#`, one raw token each.
    pub hashtags: Field,
    /// The language code (`nl`, `en`, `de`, `fr`, `other`), one raw token.
    pub language: Field,
    /// The source name (`bluesky`, ...), ASCII lower-case, one raw token.
    pub source: Field,
}

fn analyzed_text_options(analyzer_name: &str, record_option: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer_name)
            .set_index_option(record_option),
    )
}

impl IndexSchema {
    /// Builds the schema. Field names and order are fixed, so every call gives the same fields.
    pub fn new() -> Self {
        let mut builder = Schema::builder();
        let post_id = builder.add_u64_field("post_id", INDEXED | FAST | STORED);
        let workspace_id = builder.add_u64_field("workspace_id", INDEXED | FAST);
        let published_at = builder.add_i64_field("published_at", INDEXED | FAST);
        let mut stemmed_field = |language: Language| {
            builder.add_text_field(
                &format!("text_{}", language.code()),
                analyzed_text_options(
                    stemmed_analyzer_name(language),
                    IndexRecordOption::WithFreqs,
                ),
            )
        };
        let text_nl = stemmed_field(Language::Nl);
        let text_en = stemmed_field(Language::En);
        let text_de = stemmed_field(Language::De);
        let text_fr = stemmed_field(Language::Fr);
        let text_other = stemmed_field(Language::Other);
        let text_exact = builder.add_text_field(
            "text_exact",
            analyzed_text_options(EXACT_ANALYZER, IndexRecordOption::WithFreqsAndPositions),
        );
        let hashtags = builder.add_text_field("hashtags", STRING);
        let language = builder.add_text_field("language", STRING);
        let source = builder.add_text_field("source", STRING);
        IndexSchema {
            schema: builder.build(),
            post_id,
            workspace_id,
            published_at,
            text_nl,
            text_en,
            text_de,
            text_fr,
            text_other,
            text_exact,
            hashtags,
            language,
            source,
        }
    }

    /// The stemmed text field that holds posts of `language`.
    pub fn stemmed_field(&self, language: Language) -> Field {
        match language {
            Language::Nl => self.text_nl,
            Language::En => self.text_en,
            Language::De => self.text_de,
            Language::Fr => self.text_fr,
            Language::Other => self.text_other,
        }
    }

    /// The index document of `post`: its text (placeholders removed) in the stemmed field of its
    /// language and in `text_exact`; its hashtags and source normalised as the matcher does.
    pub fn document(&self, post: &IndexablePost) -> TantivyDocument {
        let mut document = TantivyDocument::default();
        document.add_u64(self.post_id, post.post_id);
        document.add_u64(self.workspace_id, post.workspace_id);
        document.add_i64(self.published_at, post.published_at_unix);
        let cleaned_text = strip_placeholders(post.text);
        document.add_text(self.stemmed_field(post.language), &cleaned_text);
        document.add_text(self.text_exact, &cleaned_text);
        for hashtag in normalized_hashtags(post.hashtags) {
            document.add_text(self.hashtags, hashtag);
        }
        document.add_text(self.language, post.language.code());
        document.add_text(self.source, normalize_source(post.source));
        document
    }
}

impl Default for IndexSchema {
    fn default() -> Self {
        IndexSchema::new()
    }
}

/// A de-identified post as the index receives it.
#[derive(Clone, Copy)]
pub struct IndexablePost<'a> {
    pub post_id: u64,
    pub workspace_id: u64,
    pub published_at_unix: i64,
    pub language: Language,
    pub source: &'a str,
    /// De-identified text. Placeholders such as `[PERSOON-1]` are removed before indexing.
    pub text: &'a str,
    /// Hashtags with or without `#`, any case.
    pub hashtags: &'a [String],
}

/// Shows ids and language only, never text or hashtags, so a post cannot leak through logging.
impl fmt::Debug for IndexablePost<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("IndexablePost")
            .field("post_id", &self.post_id)
            .field("workspace_id", &self.workspace_id)
            .field("published_at_unix", &self.published_at_unix)
            .field("language", &self.language)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}
