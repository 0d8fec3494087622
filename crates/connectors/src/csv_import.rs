//! The generic CSV import: a header row with the column names of the JSON Lines import, in any
//! order (extra columns are ignored), then one post per record. Fields are quoted as in RFC 4180;
//! a quoted field may span lines, and errors name the line where the record starts.
//!
//! Records are found with a small quote-aware scanner over bounded lines, so a record (quoted line
//! breaks included) never holds more than [`MAX_LINE_BYTES`] in memory and a broken record cannot
//! swallow the rest of the file; each record is then parsed with the `csv` crate.
//!
//! A header that lacks a required column yields one error for its line and ends the input: without
//! the column no row can be read, and one error per row would only bury the cause.

use std::io::BufRead;

use crate::fields::{
    finish_post, flag_text, language_tag, optional_url, timestamp_problem, validated_source,
};
use crate::lines::{into_text, BoundedLines};
use crate::problem::Problem;
use crate::timestamp::parse_timestamp_text;
use crate::{ParseError, RawPost, Record, IMPORT_SOURCE, MAX_LINE_BYTES};

pub(crate) fn read<R: BufRead + 'static>(
    reader: R,
) -> Box<dyn Iterator<Item = Result<Record, ParseError>>> {
    Box::new(CsvRecords {
        records: RecordSplitter {
            lines: BoundedLines::new(reader),
        },
        columns: None,
        finished: false,
    })
}

/// The position of each known column in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    id: usize,
    created_at: usize,
    text: usize,
    author_id: usize,
    lang: Option<usize>,
    source: Option<usize>,
    url: Option<usize>,
    reply_to_author_id: Option<usize>,
    is_repost: Option<usize>,
}

impl Columns {
    fn from_header(names: &csv::StringRecord) -> Result<Columns, Problem> {
        let normalised: Vec<String> = names
            .iter()
            .map(|name| {
                name.trim()
                    .trim_start_matches('\u{feff}')
                    .to_ascii_lowercase()
            })
            .collect();
        if normalised.iter().all(String::is_empty) {
            return Err(Problem::EmptyHeader);
        }
        let find = |wanted: &str| normalised.iter().position(|name| name == wanted);
        let required =
            |wanted: &'static str| find(wanted).ok_or(Problem::MissingHeaderColumn(wanted));
        Ok(Columns {
            id: required("id")?,
            created_at: required("created_at")?,
            text: required("text")?,
            author_id: required("author_id")?,
            lang: find("lang"),
            source: find("source"),
            url: find("url"),
            reply_to_author_id: find("reply_to_author_id"),
            is_repost: find("is_repost"),
        })
    }
}

struct CsvRecords<R> {
    records: RecordSplitter<R>,
    columns: Option<Columns>,
    finished: bool,
}

impl<R: BufRead> Iterator for CsvRecords<R> {
    type Item = Result<Record, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let raw_record = self.records.next()?;
        let start_line = raw_record.start_line;
        let fields = raw_record.content.and_then(|text| parse_fields(&text));
        let Some(columns) = self.columns else {
            let header = fields.and_then(|names| Columns::from_header(&names));
            return match header {
                Ok(columns) => {
                    self.columns = Some(columns);
                    self.next()
                }
                Err(problem) => {
                    self.finished = true;
                    Some(Err(error_at(start_line, problem)))
                }
            };
        };
        let record = fields.and_then(|values| interpret(&values, &columns));
        Some(record.map_err(|problem| error_at(start_line, problem)))
    }
}

fn error_at(line: u64, problem: Problem) -> ParseError {
    ParseError {
        line,
        reason: problem.to_string(),
    }
}

/// Parses the text of one record into its fields.
fn parse_fields(text: &str) -> Result<csv::StringRecord, Problem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text.as_bytes());
    let mut fields = csv::StringRecord::new();
    match reader.read_record(&mut fields) {
        Ok(true) => Ok(fields),
        Ok(false) => Ok(csv::StringRecord::new()),
        // The text is valid UTF-8 and held in memory, so this cannot really happen; say so
        // without the csv crate's message.
        Err(_) => Err(Problem::NotUtf8),
    }
}

fn required_field<'record>(
    values: &'record csv::StringRecord,
    index: usize,
    name: &'static str,
) -> Result<&'record str, Problem> {
    let value = values.get(index).ok_or(Problem::MissingField(name))?;
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Problem::EmptyField(name));
    }
    Ok(trimmed)
}

fn optional_field(values: &csv::StringRecord, index: Option<usize>) -> Option<&str> {
    index
        .and_then(|position| values.get(position))
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

fn interpret(values: &csv::StringRecord, columns: &Columns) -> Result<Record, Problem> {
    let source_id = required_field(values, columns.id, "id")?;
    let created_at_text = required_field(values, columns.created_at, "created_at")?;
    let created_at = parse_timestamp_text(created_at_text)
        .map_err(|error| timestamp_problem(error, "created_at"))?;
    let text = values
        .get(columns.text)
        .ok_or(Problem::MissingField("text"))?;
    let author_id = required_field(values, columns.author_id, "author_id")?;
    let source = match optional_field(values, columns.source) {
        Some(name) => validated_source(name)?,
        None => IMPORT_SOURCE.to_string(),
    };
    let is_repost = match optional_field(values, columns.is_repost) {
        None => false,
        Some(text) => flag_text(text).ok_or(Problem::WrongType {
            field: "is_repost",
            expected: "true or false",
        })?,
    };
    finish_post(RawPost {
        source,
        source_id: source_id.to_string(),
        created_at,
        text: text.to_string(),
        author_id: author_id.to_string(),
        language: language_tag(optional_field(values, columns.lang)),
        url: optional_url(optional_field(values, columns.url)),
        reply_to_author_id: optional_field(values, columns.reply_to_author_id).map(str::to_string),
        is_repost,
    })
}

/// The text of one CSV record and the line where it starts.
struct RawRecord {
    start_line: u64,
    content: Result<String, Problem>,
}

/// Where a quote-aware scan of a CSV record stands after some bytes (the `csv` crate's rules with
/// `"` as quote, doubled quotes as escapes and `,` as delimiter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl QuoteState {
    fn after(self, byte: u8) -> QuoteState {
        match (self, byte) {
            (QuoteState::FieldStart, b'"') => QuoteState::Quoted,
            (QuoteState::FieldStart | QuoteState::Unquoted, b',') => QuoteState::FieldStart,
            (QuoteState::FieldStart | QuoteState::Unquoted, _) => QuoteState::Unquoted,
            (QuoteState::Quoted, b'"') => QuoteState::QuoteInQuoted,
            (QuoteState::Quoted, _) => QuoteState::Quoted,
            (QuoteState::QuoteInQuoted, b'"') => QuoteState::Quoted,
            (QuoteState::QuoteInQuoted, b',') => QuoteState::FieldStart,
            (QuoteState::QuoteInQuoted, _) => QuoteState::Unquoted,
        }
    }
}

/// Joins physical lines into CSV records. Blank lines between records are skipped.
struct RecordSplitter<R> {
    lines: BoundedLines<R>,
}

impl<R: BufRead> Iterator for RecordSplitter<R> {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        let mut start_line: Option<u64> = None;
        let mut record_bytes: Vec<u8> = Vec::new();
        let mut problem: Option<Problem> = None;
        let mut state = QuoteState::FieldStart;
        loop {
            let Some(line) = self.lines.next() else {
                // End of input: a record still open has an unclosed quote.
                let start = start_line?;
                let content = match problem {
                    Some(earlier) => Err(earlier),
                    None => Err(Problem::UnclosedQuote),
                };
                return Some(RawRecord {
                    start_line: start,
                    content,
                });
            };
            if start_line.is_none() && line.is_blank() {
                continue;
            }
            let start = *start_line.get_or_insert(line.number);
            match line.content {
                Ok(bytes) => {
                    let is_continuation = start != line.number;
                    let separator_length = usize::from(is_continuation);
                    if problem.is_none()
                        && record_bytes.len() + separator_length + bytes.len() > MAX_LINE_BYTES
                    {
                        problem = Some(Problem::LineTooLong);
                        record_bytes = Vec::new();
                    }
                    if problem.is_none() {
                        if is_continuation {
                            record_bytes.push(b'\n');
                        }
                        record_bytes.extend_from_slice(&bytes);
                    }
                    state = bytes
                        .iter()
                        .fold(state, |current, byte| current.after(*byte));
                }
                Err(line_problem) => {
                    // A line that could not be kept ends its record: quote tracking starts over
                    // on the next line.
                    return Some(RawRecord {
                        start_line: start,
                        content: Err(problem.unwrap_or(line_problem)),
                    });
                }
            }
            if state != QuoteState::Quoted {
                let content = match problem {
                    Some(earlier) => Err(earlier),
                    None => into_text(record_bytes),
                };
                return Some(RawRecord {
                    start_line: start,
                    content,
                });
            }
            // Inside a quoted field the line break belongs to the field.
            state = QuoteState::Quoted;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_records, ImportFormat};
    use chrono::DateTime;
    use std::io::Cursor;

    const CANARY: &str = "CANARY-51ab";

    fn read_text(input: &str) -> Vec<Result<Record, ParseError>> {
        read_records(Cursor::new(input.to_string()), ImportFormat::Csv).collect()
    }

    fn posts(items: &[Result<Record, ParseError>]) -> Vec<&RawPost> {
        items
            .iter()
            .filter_map(|item| match item {
                Ok(Record::Post(post)) => Some(post),
                _ => None,
            })
            .collect()
    }

    fn errors(items: &[Result<Record, ParseError>]) -> Vec<(u64, String)> {
        items
            .iter()
            .filter_map(|item| item.as_ref().err())
            .map(|error| (error.line, error.reason.clone()))
            .collect()
    }

    #[test]
    fn reads_columns_in_any_order_with_quoted_line_breaks() {
        let input = concat!(
            "\u{feff}Text,extra,author_id,created_at,id,lang,reply_to_author_id\r\n",
            "\"Eerste regel\r\ntweede regel, met \"\"aanhalingstekens\"\"\",x,u1,2026-10-01T08:30:00Z,p1,nl,\r\n",
            "\r\n",
            "kort,,u2,1790843400,p2,,u1\r\n",
        );
        let items = read_text(input);
        assert_eq!(errors(&items), Vec::new());
        let found = posts(&items);
        assert_eq!(found.len(), 2);
        let first = found.first();
        assert_eq!(
            first.map(|post| post.text.as_str()),
            Some("Eerste regel\ntweede regel, met \"aanhalingstekens\"")
        );
        assert_eq!(first.map(|post| post.source.as_str()), Some("import"));
        assert_eq!(first.and_then(|post| post.language.as_deref()), Some("nl"));
        assert_eq!(
            first.map(|post| post.reply_to_author_id.is_none()),
            Some(true)
        );
        let second = found.get(1);
        assert_eq!(second.map(|post| post.source_id.as_str()), Some("p2"));
        assert_eq!(
            second.map(|post| post.created_at),
            DateTime::from_timestamp(1_790_843_400, 0)
        );
        assert_eq!(
            second.and_then(|post| post.reply_to_author_id.as_deref()),
            Some("u1")
        );
        assert_eq!(second.map(|post| post.language.is_none()), Some(true));
    }

    #[test]
    fn source_column_overrides_the_default() {
        let input = "id,created_at,text,author_id,source,url\n1,2026-10-01 08:00:00,hoi,a,Bluesky,https://example.invalid/1\n";
        let items = read_text(input);
        let found = posts(&items);
        assert_eq!(
            found.first().map(|post| post.source.as_str()),
            Some("bluesky")
        );
        assert_eq!(
            found.first().and_then(|post| post.url.as_deref()),
            Some("https://example.invalid/1")
        );
    }

    #[test]
    fn reports_bad_records_at_their_first_line() {
        let input = format!(
            concat!(
                "id,created_at,text,author_id\n",                    // 1
                "p1,2026-10-01T08:30:00Z,goed,u1\n",                 // 2
                "p2,{canary},\"{canary}\nover twee regels\",u2\n",   // 3-4
                "p3,2026-10-01T08:30:00Z,{canary}\n",                // 5
                "p4,2026-10-01T08:30:00Z,\"   \",u4\n",              // 6
                "{canary},2026-10-01T08:30:00Z,x,\n",                // 7
                "p5,2026-10-01T08:30:00Z,x,u5,{canary} extra\n",     // 8
                "p6,2026-10-01T08:30:00Z,\"never closed,{canary}\n", // 9
                "p7,2026-10-01T08:30:00Z,x,u7\n",                    // 10
            ),
            canary = CANARY
        );
        let items = read_text(&input);
        assert_eq!(
            errors(&items),
            vec![
                (
                    3,
                    "field `created_at` is not an RFC 3339 timestamp, `YYYY-MM-DD HH:MM:SS` or unix seconds"
                        .to_string()
                ),
                (5, "missing field `author_id`".to_string()),
                (7, "field `author_id` is empty".to_string()),
                (9, "quoted field is not closed before the end of the input".to_string()),
            ]
        );
        for (_, reason) in errors(&items) {
            assert!(!reason.to_lowercase().contains("canary"), "{reason}");
        }
        assert!(items.contains(&Ok(Record::Skip {
            reason: "empty text"
        })));
        // p1 and p5 (extra column ignored); p7 is swallowed by the unclosed quote of line 9.
        assert_eq!(posts(&items).len(), 2);
    }

    #[test]
    fn a_header_without_required_columns_ends_the_input() {
        let items = read_text(&format!("id,text,{CANARY}\n1,hoi,x\n2,hoi,y\n"));
        assert_eq!(
            errors(&items),
            vec![(1, "header has no column `created_at`".to_string())]
        );
        assert_eq!(items.len(), 1);
        assert_eq!(read_text("").len(), 0);
        assert_eq!(read_text("\n\n").len(), 0);
    }

    #[test]
    fn rejects_invalid_utf8_and_overlong_records_and_goes_on() {
        let mut input = b"id,created_at,text,author_id\n".to_vec();
        input.extend_from_slice(b"p1,1,\xff\xfe,u1\n");
        input.extend_from_slice(b"p2,1,\"");
        input.extend(vec![b'x'; MAX_LINE_BYTES / 2]);
        input.push(b'\n');
        input.extend(vec![b'y'; MAX_LINE_BYTES / 2 + 10]);
        input.extend_from_slice(b"\",u2\n");
        input.extend_from_slice(b"p3,1,goed,u3\n");
        let items: Vec<_> = read_records(Cursor::new(input), ImportFormat::Csv).collect();
        assert_eq!(
            errors(&items),
            vec![
                (2, "line is not valid UTF-8".to_string()),
                (3, "line longer than 1 MiB".to_string()),
            ]
        );
        assert_eq!(posts(&items).len(), 1);
    }

    #[test]
    fn quote_state_follows_the_csv_rules() {
        let scan = |text: &str| {
            text.bytes()
                .fold(QuoteState::FieldStart, |state, byte| state.after(byte))
        };
        assert_eq!(scan("a,\"b"), QuoteState::Quoted);
        assert_eq!(scan("a,\"b\"\"c"), QuoteState::Quoted);
        assert_eq!(scan("a,\"b\""), QuoteState::QuoteInQuoted);
        assert_eq!(scan("5\" scherm,x"), QuoteState::Unquoted);
    }
}
