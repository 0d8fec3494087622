//! Peil's connectors: the first step of the data path. They turn input (a generic JSONL or CSV
//! import, Mastodon `Status` payloads, Bluesky Jetstream events and records, or the synthetic demo
//! corpus) into in-memory [`RawPost`]s for de-identification.
//!
//! # What this crate must never do
//!
//! A [`RawPost`] holds raw text, raw author ids, handles and profile URLs. It exists in memory only:
//! this crate never writes one to disk, never logs one, never puts any part of one in an error or a
//! panic message, and offers no `Serialize` for it. Its `Debug` output names the source only.
//!
//! Every [`ParseError`] reason is built from fixed words, field names and column numbers: no text,
//! id, handle or URL of the input ever ends up in it, not even through `serde_json`'s own error
//! messages (which can quote values). Internally reasons are a closed enum that can only hold
//! `&'static str`s and numbers, so this holds by construction.
//!
//! # Reading input
//!
//! [`read_records`] reads any [`std::io::BufRead`] in one of the [`ImportFormat`]s and yields one
//! item per input line (or per array element, see below): a [`Record`] or a [`ParseError`]. It never
//! stops at a bad line and never panics, whatever the bytes. Rules shared by all formats:
//!
//! * Line numbers are 1-based physical lines of the input.
//! * A line longer than 1 MiB is rejected ("line longer than 1 MiB") without being held in memory;
//!   reading goes on with the next line. A line that is not UTF-8 is rejected too.
//! * Blank lines are skipped silently.
//! * A post whose text is empty or only whitespace becomes `Record::Skip { reason: "empty text" }`:
//!   that is a normal event (a Bluesky post with only an image), not a broken line.
//! * A post whose text is longer than 100 000 bytes is an error ("text longer than 100000 bytes").
//!
//! Mastodon and Bluesky input may also be a whole JSON document instead of JSON Lines: when the
//! first non-whitespace byte is `[`, the input is read as a JSON array and each element is one item
//! (`ParseError::line` is then the 1-based element index and the reason starts with
//! "array element N: "); when the first line is a lone `{` (pretty-printed JSON, as written by
//! `jq .` or an API client), the input is read as a sequence of JSON values, each one item, whose
//! `ParseError::line` is the line where the value starts.
//!
//! ```
//! use peil_connectors::{read_records, ImportFormat, Record};
//!
//! let input = concat!(
//!     r#"{"id": 1, "created_at": "2026-10-01T08:30:00Z", "text": "De GFT-bak is niet geleegd", "author_id": 7}"#,
//!     "\n",
//!     r#"{"id": 2, "text": "geen tijd"}"#,
//!     "\n",
//! );
//! let mut posts = Vec::new();
//! let mut errors = Vec::new();
//! for item in read_records(std::io::Cursor::new(input), ImportFormat::Jsonl) {
//!     match item {
//!         Ok(Record::Post(post)) => posts.push(post),
//!         Ok(Record::Delete { .. } | Record::Skip { .. }) => {}
//!         Err(error) => errors.push(error.to_string()),
//!     }
//! }
//! assert_eq!(posts.len(), 1);
//! assert_eq!(errors, ["line 2: missing field `created_at`"]);
//! ```

mod bluesky;
mod csv_import;
pub mod demo;
mod fields;
mod html;
mod json_input;
mod jsonl;
mod lines;
mod mastodon;
mod problem;
mod timestamp;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Utc};

/// HTML of a post or feed entry as plain text (used by the live RSS/Atom connector).
pub use html::html_to_text;

/// The longest physical line (or JSON array element) that is read: 1 MiB.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The longest post text that is accepted, in bytes.
pub const MAX_TEXT_BYTES: usize = 100_000;

/// The `source` of posts from a generic JSONL or CSV import without a `source` field.
pub const IMPORT_SOURCE: &str = "import";

/// The `source` of Mastodon posts.
pub const MASTODON_SOURCE: &str = "mastodon";

/// The `source` of Bluesky posts.
pub const BLUESKY_SOURCE: &str = "bluesky";

/// A post as a connector read it.
///
/// In memory only: it must never be written to disk, logged, or shown in an error. Its `Debug`
/// implementation prints the source and nothing else, and it deliberately has no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct RawPost {
    /// `import` (generic JSONL/CSV unless a `source` field says otherwise), `mastodon`, `bluesky`
    /// or `demo`.
    pub source: String,
    /// The platform's post id (Bluesky: the `at://` URI of the post; Mastodon: the status `uri`,
    /// or its `id` when there is no `uri`).
    pub source_id: String,
    pub created_at: DateTime<Utc>,
    pub text: String,
    pub author_id: String,
    /// Language tag as given by the source, if any (e.g. `nl`, `en-US`).
    pub language: Option<String>,
    pub url: Option<String>,
    /// The author id of the post this one replies to, in the same form as `author_id` where the
    /// source allows it.
    pub reply_to_author_id: Option<String>,
    /// A repost or boost of someone else's post (a Mastodon reblog, an import row marked
    /// `is_repost`, or a text that starts with the retweet marker `RT @`). Counted in the
    /// representativeness of every report; the author is whoever reposted.
    pub is_repost: bool,
}

impl fmt::Debug for RawPost {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RawPost")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// One item read from the input.
#[derive(Clone, PartialEq, Eq)]
pub enum Record {
    /// A post to hand to de-identification.
    Post(RawPost),
    /// The platform says this post was deleted: drop it wherever it was stored.
    Delete { source: String, source_id: String },
    /// A well-formed line that carries no post. The reasons: `empty text`, `not public`
    /// (Mastodon); `not a post` (another collection: likes, reposts, follows, ...), `not a post
    /// record`, `repost`, `identity event`, `account event`, `unknown event kind`, `unknown commit
    /// operation`, `thread without a post` (Bluesky).
    Skip { reason: &'static str },
}

impl fmt::Debug for Record {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Record::Post(post) => formatter.debug_tuple("Post").field(post).finish(),
            Record::Delete { source, .. } => formatter
                .debug_struct("Delete")
                .field("source", source)
                .finish_non_exhaustive(),
            Record::Skip { reason } => formatter
                .debug_struct("Skip")
                .field("reason", reason)
                .finish(),
        }
    }
}

/// The input formats [`read_records`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Generic JSON Lines: `id, created_at, text, author_id`, optional `lang, source, url,
    /// reply_to_author_id`.
    Jsonl,
    /// Generic CSV with a header row holding the same column names as [`ImportFormat::Jsonl`].
    Csv,
    /// Mastodon `Status` entities as returned by the REST API.
    Mastodon,
    /// Bluesky Jetstream v1 events, `getRecord` responses or `PostView`s.
    Bluesky,
}

impl ImportFormat {
    /// Every format, in the order of the documentation.
    pub const ALL: [ImportFormat; 4] = [
        ImportFormat::Jsonl,
        ImportFormat::Csv,
        ImportFormat::Mastodon,
        ImportFormat::Bluesky,
    ];

    /// The name used on the command line: `jsonl`, `csv`, `mastodon` or `bluesky`.
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Jsonl => "jsonl",
            ImportFormat::Csv => "csv",
            ImportFormat::Mastodon => "mastodon",
            ImportFormat::Bluesky => "bluesky",
        }
    }

    /// Guesses the format from a file extension: `.jsonl` and `.ndjson` are JSON Lines, `.csv` is
    /// CSV. Platform formats cannot be told from an extension, so anything else gives `None`.
    pub fn from_path_extension(path: impl AsRef<Path>) -> Option<Self> {
        let extension = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "jsonl" | "ndjson" => Some(ImportFormat::Jsonl),
            "csv" => Some(ImportFormat::Csv),
            _ => None,
        }
    }
}

impl fmt::Display for ImportFormat {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// The name given to [`ImportFormat::from_str`] is not a known format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown import format `{given}`: expected jsonl, csv, mastodon or bluesky")]
pub struct UnknownFormatError {
    pub given: String,
}

impl FromStr for ImportFormat {
    type Err = UnknownFormatError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "jsonl" => Ok(ImportFormat::Jsonl),
            "csv" => Ok(ImportFormat::Csv),
            "mastodon" => Ok(ImportFormat::Mastodon),
            "bluesky" => Ok(ImportFormat::Bluesky),
            _ => Err(UnknownFormatError {
                given: name.to_string(),
            }),
        }
    }
}

/// A line of the input that could not be read as a record.
///
/// `reason` never holds any content of the input: only fixed words, field names and numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    /// The 1-based physical line (or, for a JSON array, the 1-based element index).
    pub line: u64,
    pub reason: String,
}

/// Reads `reader` in `format` and yields one item per record: a [`Record`] or a [`ParseError`]
/// for a line that could not be read. The iterator goes on after bad lines and never panics.
pub fn read_records<R: std::io::BufRead + 'static>(
    reader: R,
    format: ImportFormat,
) -> Box<dyn Iterator<Item = Result<Record, ParseError>>> {
    match format {
        ImportFormat::Jsonl => jsonl::read(reader),
        ImportFormat::Csv => csv_import::read(reader),
        ImportFormat::Mastodon => json_input::read(reader, mastodon::interpret),
        ImportFormat::Bluesky => json_input::read(reader, bluesky::interpret),
    }
}

/// Reads one Bluesky Jetstream v1 event (one WebSocket text frame) into a [`Record`], for the live
/// connectors. The error reason holds no content of the frame, as with [`read_records`].
pub fn jetstream_event(frame: &[u8]) -> Result<Record, ParseError> {
    one_object(frame, bluesky::interpret)
}

/// Reads one Mastodon `Status` entity (an element of a timeline page or a streaming `update`) into
/// a [`Record`], for the live connectors. The error reason holds no content of the status.
pub fn mastodon_status(status: &[u8]) -> Result<Record, ParseError> {
    one_object(status, mastodon::interpret)
}

/// Reads one Mastodon `Status` entity that is already parsed.
pub fn mastodon_status_value(status: &serde_json::Value) -> Result<Record, ParseError> {
    match status.as_object() {
        Some(object) => mastodon::interpret(object).map_err(|problem| ParseError {
            line: 1,
            reason: problem.to_string(),
        }),
        None => Err(ParseError {
            line: 1,
            reason: problem::Problem::NotAnObject.to_string(),
        }),
    }
}

fn one_object(
    bytes: &[u8],
    interpret: fn(&fields::JsonObject) -> Result<Record, problem::Problem>,
) -> Result<Record, ParseError> {
    let outcome = if bytes.len() > MAX_LINE_BYTES {
        Err(problem::Problem::ValueTooLong)
    } else {
        fields::parse_object(bytes).and_then(|object| interpret(&object))
    };
    outcome.map_err(|problem| ParseError {
        line: 1,
        reason: problem.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_post() -> RawPost {
        RawPost {
            source: "bluesky".to_string(),
            source_id: "at://did:plc:secret/app.bsky.feed.post/1".to_string(),
            created_at: DateTime::UNIX_EPOCH,
            text: "geheime tekst van @jan".to_string(),
            author_id: "did:plc:secret".to_string(),
            language: Some("nl".to_string()),
            url: Some("https://example.invalid/@jan".to_string()),
            reply_to_author_id: Some("did:plc:other".to_string()),
            is_repost: false,
        }
    }

    #[test]
    fn debug_output_shows_the_source_only() {
        let printed_post = format!("{:?}", sample_post());
        assert_eq!(printed_post, "RawPost { source: \"bluesky\", .. }");
        let printed_record = format!("{:?}", Record::Post(sample_post()));
        assert!(!printed_record.contains("secret"));
        assert!(!printed_record.contains("jan"));
        let printed_delete = format!(
            "{:?}",
            Record::Delete {
                source: "bluesky".to_string(),
                source_id: "at://did:plc:secret/app.bsky.feed.post/1".to_string(),
            }
        );
        assert!(!printed_delete.contains("secret"));
        let printed_alternate = format!("{:#?}", sample_post());
        assert!(!printed_alternate.contains("secret"));
    }

    #[test]
    fn formats_parse_from_names_and_extensions() {
        for format in ImportFormat::ALL {
            assert_eq!(format.name().parse::<ImportFormat>(), Ok(format));
            assert_eq!(format.to_string(), format.name());
        }
        assert_eq!("CSV".parse::<ImportFormat>(), Ok(ImportFormat::Csv));
        assert!("xml".parse::<ImportFormat>().is_err());
        assert_eq!(
            ImportFormat::from_path_extension("dump/posts.jsonl"),
            Some(ImportFormat::Jsonl)
        );
        assert_eq!(
            ImportFormat::from_path_extension("posts.NDJSON"),
            Some(ImportFormat::Jsonl)
        );
        assert_eq!(
            ImportFormat::from_path_extension("posts.csv"),
            Some(ImportFormat::Csv)
        );
        assert_eq!(ImportFormat::from_path_extension("posts.json"), None);
        assert_eq!(ImportFormat::from_path_extension("posts"), None);
    }

    #[test]
    fn reads_from_a_file() -> Result<(), Box<dyn std::error::Error>> {
        use std::io::Write;
        let mut file = tempfile::NamedTempFile::new()?;
        writeln!(file, "id,created_at,text,author_id")?;
        writeln!(file, "1,2026-10-01 08:00:00,Het zwembad is weer open,a")?;
        writeln!(file, "2,gisteren,Bericht,b")?;
        let reader = std::io::BufReader::new(std::fs::File::open(file.path())?);
        let items: Vec<_> = read_records(reader, ImportFormat::Csv).collect();
        assert_eq!(items.len(), 2);
        assert!(matches!(items.first(), Some(Ok(Record::Post(_)))));
        assert_eq!(
            items
                .get(1)
                .and_then(|item| item.as_ref().err())
                .map(|error| error.line),
            Some(3)
        );
        Ok(())
    }

    #[test]
    fn parse_error_display_names_the_line() {
        let error = ParseError {
            line: 7,
            reason: "missing field `text`".to_string(),
        };
        assert_eq!(error.to_string(), "line 7: missing field `text`");
    }
}
