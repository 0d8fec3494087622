//! JSON input of the platform formats (Mastodon, Bluesky) in any of three layouts:
//!
//! * JSON Lines (one value per line), the default;
//! * a JSON array, when the first non-whitespace byte is `[`: each element is one item, numbered
//!   from 1, and errors say "array element N: ...";
//! * pretty-printed JSON values, when the first line is a lone `{`: each value is one item, and
//!   errors name the line where the value starts.
//!
//! Arrays and pretty values are split with a small scanner that tracks strings and nesting, so a
//! value is held in memory only up to [`MAX_LINE_BYTES`] and a bad element does not spoil the
//! others.

use std::io::{BufRead, Cursor, ErrorKind, Read};

use crate::fields::{parse_object, JsonObject};
use crate::lines::{into_text, BoundedLines};
use crate::problem::Problem;
use crate::{ParseError, Record, MAX_LINE_BYTES};

/// Reads one parsed object of a platform format.
pub(crate) type Interpreter = fn(&JsonObject) -> Result<Record, Problem>;

type Items = Box<dyn Iterator<Item = Result<Record, ParseError>>>;

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn read<R: BufRead + 'static>(reader: R, interpret: Interpreter) -> Items {
    let mut source = reader;
    let sniffed = match sniff(&mut source) {
        Ok(sniffed) => sniffed,
        Err(kind) => {
            return Box::new(std::iter::once(Err(ParseError {
                line: 1,
                reason: Problem::ReadFailed(kind).to_string(),
            })))
        }
    };
    let first_line = sniffed.first_line;
    let chained = Cursor::new(sniffed.consumed_prefix).chain(source);
    match sniffed.layout {
        Layout::Empty => Box::new(std::iter::empty()),
        Layout::Lines => read_lines(chained, first_line, interpret),
        Layout::Array => Box::new(ArrayElements {
            reader: chained,
            state: ArrayState::BeforeOpen,
            element_index: 0,
            interpret,
        }),
        Layout::PrettyValues => Box::new(PrettyValues {
            reader: chained,
            line: first_line,
            finished: false,
            interpret,
        }),
    }
}

fn read_lines<R: BufRead + 'static>(reader: R, first_line: u64, interpret: Interpreter) -> Items {
    let items = BoundedLines::starting_at(reader, first_line)
        .filter(|line| !line.is_blank())
        .map(move |line| {
            let line_number = line.number;
            line.content
                .and_then(into_text)
                .and_then(|text| parse_object(text.as_bytes()))
                .and_then(|object| interpret(&object))
                .map_err(|problem| ParseError {
                    line: line_number,
                    reason: problem.to_string(),
                })
        });
    Box::new(items)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Empty,
    Lines,
    Array,
    PrettyValues,
}

struct Sniffed {
    layout: Layout,
    /// Bytes of the first content line already taken from the reader, to be read again.
    consumed_prefix: Vec<u8>,
    /// The line number of the first content line.
    first_line: u64,
}

/// Looks at the start of the input to pick the layout, consuming leading whitespace (and a byte
/// order mark) but nothing of the content that it does not hand back in `consumed_prefix`.
fn sniff<R: BufRead>(reader: &mut R) -> Result<Sniffed, ErrorKind> {
    let mut first_line: u64 = 1;
    let first_chunk = fill(reader)?;
    if first_chunk.starts_with(BYTE_ORDER_MARK) {
        reader.consume(BYTE_ORDER_MARK.len());
    }
    let first_byte = loop {
        let available = fill(reader)?;
        if available.is_empty() {
            return Ok(Sniffed {
                layout: Layout::Empty,
                consumed_prefix: Vec::new(),
                first_line,
            });
        }
        let whitespace_length = available
            .iter()
            .position(|byte| !byte.is_ascii_whitespace())
            .unwrap_or(available.len());
        let whitespace = available.get(..whitespace_length).unwrap_or_default();
        let newlines = whitespace.iter().filter(|byte| **byte == b'\n').count();
        let first_content = available.get(whitespace_length).copied();
        first_line = first_line.saturating_add(newlines as u64);
        reader.consume(whitespace_length);
        if let Some(byte) = first_content {
            break byte;
        }
    };
    if first_byte == b'[' {
        return Ok(Sniffed {
            layout: Layout::Array,
            consumed_prefix: Vec::new(),
            first_line,
        });
    }
    if first_byte != b'{' {
        return Ok(Sniffed {
            layout: Layout::Lines,
            consumed_prefix: Vec::new(),
            first_line,
        });
    }
    // A `{` followed only by spaces up to the end of its line starts pretty-printed JSON.
    reader.consume(1);
    let mut consumed_prefix = vec![b'{'];
    loop {
        let available = fill(reader)?;
        let Some(&byte) = available.first() else {
            return Ok(Sniffed {
                layout: Layout::PrettyValues,
                consumed_prefix,
                first_line,
            });
        };
        if byte == b'\n' {
            return Ok(Sniffed {
                layout: Layout::PrettyValues,
                consumed_prefix,
                first_line,
            });
        }
        if !matches!(byte, b' ' | b'\t' | b'\r') || consumed_prefix.len() > MAX_LINE_BYTES {
            return Ok(Sniffed {
                layout: Layout::Lines,
                consumed_prefix,
                first_line,
            });
        }
        consumed_prefix.push(byte);
        reader.consume(1);
    }
}

/// `fill_buf`, retrying on `Interrupted`.
fn fill<R: BufRead>(reader: &mut R) -> Result<&[u8], ErrorKind> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error.kind()),
        }
    }
    reader.fill_buf().map_err(|error| error.kind())
}

/// Consumes ASCII whitespace; returns the number of line breaks consumed.
fn skip_whitespace<R: BufRead>(reader: &mut R) -> Result<u64, ErrorKind> {
    let mut newlines: u64 = 0;
    loop {
        let available = fill(reader)?;
        if available.is_empty() {
            return Ok(newlines);
        }
        let whitespace_length = available
            .iter()
            .position(|byte| !byte.is_ascii_whitespace())
            .unwrap_or(available.len());
        let whitespace = available.get(..whitespace_length).unwrap_or_default();
        newlines = newlines.saturating_add(count_newlines(whitespace));
        let reached_content = whitespace_length < available.len();
        reader.consume(whitespace_length);
        if reached_content {
            return Ok(newlines);
        }
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|byte| **byte == b'\n').count() as u64
}

/// The next byte without consuming it, or `None` at the end of the input.
fn peek<R: BufRead>(reader: &mut R) -> Result<Option<u8>, ErrorKind> {
    Ok(fill(reader)?.first().copied())
}

/// How a scanned value ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanStop {
    /// A `,` at depth 0 (consumed, not part of the value).
    Comma,
    /// A `]` at depth 0 (left in the reader).
    CloseBracket,
    /// A line break after a value that is not an object or array (left in the reader).
    LineBreak,
    /// The closing brace or bracket of the value (consumed, part of the value).
    ValueClosed,
    InputExhausted,
}

/// What a scan ends at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StopRule {
    /// An element of a JSON array: up to a `,` or `]` at depth 0.
    ArrayElement,
    /// One whole JSON value: an object or array up to its closing byte, anything else up to the end
    /// of its line.
    WholeValue,
}

enum Step {
    Continue,
    Stop {
        end: ScanStop,
        include_byte: bool,
        consume_byte: bool,
    },
}

/// Tracks strings and nesting over the bytes of a JSON value.
struct Scanner {
    rule: StopRule,
    depth: u64,
    in_string: bool,
    escaped: bool,
    started: bool,
    structured: bool,
}

impl Scanner {
    fn new(rule: StopRule) -> Self {
        Scanner {
            rule,
            depth: 0,
            in_string: false,
            escaped: false,
            started: false,
            structured: false,
        }
    }

    fn step(&mut self, byte: u8) -> Step {
        if !self.started {
            self.started = true;
            self.structured = matches!(byte, b'{' | b'[');
        }
        if self.rule == StopRule::WholeValue && !self.structured {
            if byte == b'\n' {
                return Step::Stop {
                    end: ScanStop::LineBreak,
                    include_byte: false,
                    consume_byte: false,
                };
            }
            return Step::Continue;
        }
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.in_string = false;
            }
            return Step::Continue;
        }
        match byte {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth = self.depth.saturating_add(1),
            b'}' | b']' => {
                if self.depth == 0 {
                    if self.rule == StopRule::ArrayElement && byte == b']' {
                        return Step::Stop {
                            end: ScanStop::CloseBracket,
                            include_byte: false,
                            consume_byte: false,
                        };
                    }
                    return Step::Continue;
                }
                self.depth -= 1;
                if self.depth == 0 && self.rule == StopRule::WholeValue {
                    return Step::Stop {
                        end: ScanStop::ValueClosed,
                        include_byte: true,
                        consume_byte: true,
                    };
                }
            }
            b',' if self.depth == 0 && self.rule == StopRule::ArrayElement => {
                return Step::Stop {
                    end: ScanStop::Comma,
                    include_byte: false,
                    consume_byte: true,
                };
            }
            _ => {}
        }
        Step::Continue
    }
}

/// The bytes of one scanned value.
struct Scanned {
    /// `None` when the value was longer than `MAX_LINE_BYTES` (its bytes were dropped).
    bytes: Option<Vec<u8>>,
    end: ScanStop,
    newlines: u64,
}

fn scan_value<R: BufRead>(reader: &mut R, rule: StopRule) -> Result<Scanned, ErrorKind> {
    let mut scanner = Scanner::new(rule);
    let mut kept: Option<Vec<u8>> = Some(Vec::new());
    let mut newlines: u64 = 0;
    loop {
        let available = fill(reader)?;
        if available.is_empty() {
            return Ok(Scanned {
                bytes: kept,
                end: ScanStop::InputExhausted,
                newlines,
            });
        }
        let mut stop: Option<(ScanStop, usize, usize)> = None;
        for (index, byte) in available.iter().enumerate() {
            if let Step::Stop {
                end,
                include_byte,
                consume_byte,
            } = scanner.step(*byte)
            {
                let keep_length = index + usize::from(include_byte);
                let consume_length = index + usize::from(consume_byte);
                stop = Some((end, keep_length, consume_length));
                break;
            }
        }
        let (keep_length, consume_length) = match stop {
            Some((_, keep_length, consume_length)) => (keep_length, consume_length),
            None => (available.len(), available.len()),
        };
        let piece = available.get(..keep_length).unwrap_or_default();
        if let Some(buffer) = kept.as_mut() {
            if buffer.len() + piece.len() > MAX_LINE_BYTES {
                kept = None;
            } else {
                buffer.extend_from_slice(piece);
            }
        }
        let consumed_bytes = available.get(..consume_length).unwrap_or_default();
        newlines = newlines.saturating_add(count_newlines(consumed_bytes));
        reader.consume(consume_length);
        if let Some((end, _, _)) = stop {
            return Ok(Scanned {
                bytes: kept,
                end,
                newlines,
            });
        }
    }
}

/// Consumes the rest of the current line, its line break included. Returns whether it held
/// anything but whitespace, and whether a line break was consumed.
fn consume_rest_of_line<R: BufRead>(reader: &mut R) -> Result<(bool, bool), ErrorKind> {
    let mut has_content = false;
    loop {
        let available = fill(reader)?;
        if available.is_empty() {
            return Ok((has_content, false));
        }
        let newline_position = available.iter().position(|byte| *byte == b'\n');
        let line_part_length = newline_position.unwrap_or(available.len());
        let line_part = available.get(..line_part_length).unwrap_or_default();
        has_content = has_content || line_part.iter().any(|byte| !byte.is_ascii_whitespace());
        match newline_position {
            Some(position) => {
                reader.consume(position + 1);
                return Ok((has_content, true));
            }
            None => {
                let length = available.len();
                reader.consume(length);
            }
        }
    }
}

fn interpret_bytes(bytes: Option<Vec<u8>>, interpret: Interpreter) -> Result<Record, Problem> {
    let Some(value_bytes) = bytes else {
        return Err(Problem::ValueTooLong);
    };
    if std::str::from_utf8(&value_bytes).is_err() {
        return Err(Problem::ValueNotUtf8);
    }
    let object = parse_object(&value_bytes)?;
    interpret(&object)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayState {
    BeforeOpen,
    InArray,
    AfterClose,
    Finished,
}

/// The elements of a top-level JSON array, one item each.
struct ArrayElements<R> {
    reader: R,
    state: ArrayState,
    element_index: u64,
    interpret: Interpreter,
}

impl<R: BufRead> ArrayElements<R> {
    fn element_error(&self, problem: Problem) -> ParseError {
        ParseError {
            line: self.element_index,
            reason: format!("array element {}: {problem}", self.element_index),
        }
    }

    fn fail(&mut self, kind: ErrorKind) -> Option<Result<Record, ParseError>> {
        self.state = ArrayState::Finished;
        self.element_index = self.element_index.saturating_add(1);
        Some(Err(self.element_error(Problem::ReadFailed(kind))))
    }

    /// Moves past whitespace and separators to the next element; `None` when the array is over.
    fn next_element(&mut self) -> Result<Option<Result<Record, ParseError>>, ErrorKind> {
        loop {
            match self.state {
                ArrayState::Finished => return Ok(None),
                ArrayState::BeforeOpen => {
                    skip_whitespace(&mut self.reader)?;
                    if peek(&mut self.reader)? == Some(b'[') {
                        self.reader.consume(1);
                    }
                    self.state = ArrayState::InArray;
                }
                ArrayState::AfterClose => {
                    skip_whitespace(&mut self.reader)?;
                    self.state = ArrayState::Finished;
                    if peek(&mut self.reader)?.is_none() {
                        return Ok(None);
                    }
                    self.element_index = self.element_index.saturating_add(1);
                    return Ok(Some(Err(self.element_error(Problem::ContentAfterArray))));
                }
                ArrayState::InArray => {
                    skip_whitespace(&mut self.reader)?;
                    match peek(&mut self.reader)? {
                        None => {
                            self.state = ArrayState::Finished;
                            self.element_index = self.element_index.saturating_add(1);
                            return Ok(Some(Err(self.element_error(Problem::IncompleteJson))));
                        }
                        Some(b']') => {
                            self.reader.consume(1);
                            self.state = ArrayState::AfterClose;
                        }
                        Some(b',') => {
                            self.reader.consume(1);
                            self.element_index = self.element_index.saturating_add(1);
                            return Ok(Some(Err(self.element_error(Problem::EmptyArrayElement))));
                        }
                        Some(_) => {
                            let scanned = scan_value(&mut self.reader, StopRule::ArrayElement)?;
                            self.element_index = self.element_index.saturating_add(1);
                            let record = interpret_bytes(scanned.bytes, self.interpret)
                                .map_err(|problem| self.element_error(problem));
                            // An element cut off by the end of the input has said so itself; a
                            // complete last element is followed by one error for the missing `]`.
                            if scanned.end == ScanStop::InputExhausted && record.is_err() {
                                self.state = ArrayState::Finished;
                            }
                            return Ok(Some(record));
                        }
                    }
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for ArrayElements<R> {
    type Item = Result<Record, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_element() {
            Ok(item) => item,
            Err(kind) => self.fail(kind),
        }
    }
}

/// A sequence of (pretty-printed) JSON values, one item each. A value takes whole lines: content
/// after its end on the same line makes it an error.
struct PrettyValues<R> {
    reader: R,
    line: u64,
    finished: bool,
    interpret: Interpreter,
}

impl<R: BufRead> PrettyValues<R> {
    fn next_value(&mut self) -> Result<Option<Result<Record, ParseError>>, ErrorKind> {
        let skipped_lines = skip_whitespace(&mut self.reader)?;
        self.line = self.line.saturating_add(skipped_lines);
        if peek(&mut self.reader)?.is_none() {
            self.finished = true;
            return Ok(None);
        }
        let start_line = self.line;
        let scanned = scan_value(&mut self.reader, StopRule::WholeValue)?;
        self.line = self.line.saturating_add(scanned.newlines);
        let (rest_has_content, consumed_newline) = consume_rest_of_line(&mut self.reader)?;
        if consumed_newline {
            self.line = self.line.saturating_add(1);
        }
        let record = if rest_has_content {
            Err(Problem::ContentAfterValue)
        } else {
            interpret_bytes(scanned.bytes, self.interpret)
        };
        Ok(Some(record.map_err(|problem| ParseError {
            line: start_line,
            reason: problem.to_string(),
        })))
    }
}

impl<R: BufRead> Iterator for PrettyValues<R> {
    type Item = Result<Record, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.next_value() {
            Ok(item) => item,
            Err(kind) => {
                self.finished = true;
                Some(Err(ParseError {
                    line: self.line,
                    reason: Problem::ReadFailed(kind).to_string(),
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::required_string;

    /// A stand-in format: an object with a string `text` becomes a skip, anything else an error.
    fn interpret_for_test(object: &JsonObject) -> Result<Record, Problem> {
        required_string(object, "text")?;
        Ok(Record::Skip { reason: "seen" })
    }

    fn outcomes(input: &str) -> Vec<Result<(), (u64, String)>> {
        read(Cursor::new(input.as_bytes().to_vec()), interpret_for_test)
            .map(|item| item.map(|_| ()).map_err(|error| (error.line, error.reason)))
            .collect()
    }

    fn sniffed_layout(input: &str) -> Option<Layout> {
        let mut reader = Cursor::new(input.as_bytes().to_vec());
        sniff(&mut reader).ok().map(|sniffed| sniffed.layout)
    }

    #[test]
    fn picks_the_layout_from_the_first_bytes() {
        assert_eq!(sniffed_layout(""), Some(Layout::Empty));
        assert_eq!(sniffed_layout(" \n\t\n"), Some(Layout::Empty));
        assert_eq!(sniffed_layout("\n  [{}]"), Some(Layout::Array));
        assert_eq!(sniffed_layout("{\"a\":1}\n"), Some(Layout::Lines));
        assert_eq!(
            sniffed_layout("{ \r\n  \"a\": 1\n}"),
            Some(Layout::PrettyValues)
        );
        assert_eq!(sniffed_layout("{"), Some(Layout::PrettyValues));
        assert_eq!(sniffed_layout("\u{feff}[]"), Some(Layout::Array));
        assert_eq!(sniffed_layout("x"), Some(Layout::Lines));
    }

    #[test]
    fn json_lines_keep_their_line_numbers() {
        let found = outcomes("\n\n{\"text\": \"a\"}\n{\"nope\": 1}\n\n{\"text\": \"b\"}\n");
        assert_eq!(
            found,
            vec![Ok(()), Err((4, "missing field `text`".to_string())), Ok(())]
        );
    }

    #[test]
    fn array_elements_are_items() {
        let found = outcomes(
            "[\n {\"text\": \"a, ]}\\\" [\"},\n {\"x\": [1, 2]},, 5,\n {\"text\": \"c\"}\n]\n",
        );
        assert_eq!(
            found,
            vec![
                Ok(()),
                Err((2, "array element 2: missing field `text`".to_string())),
                Err((3, "array element 3: empty array element".to_string())),
                Err((4, "array element 4: value is not a JSON object".to_string())),
                Ok(()),
            ]
        );
        assert_eq!(outcomes("[]"), Vec::new());
        assert_eq!(outcomes("[{\"text\": \"a\"},]"), vec![Ok(())]);
    }

    #[test]
    fn broken_arrays_say_so() {
        assert_eq!(
            outcomes("[{\"text\": \"a\"}, {\"text\": "),
            vec![
                Ok(()),
                Err((
                    2,
                    "array element 2: JSON ends before the value is complete".to_string()
                )),
            ]
        );
        assert_eq!(
            outcomes("[{\"text\": \"a\"}"),
            vec![
                Ok(()),
                Err((
                    2,
                    "array element 2: JSON ends before the value is complete".to_string()
                )),
            ]
        );
        assert_eq!(
            outcomes("[{\"text\": \"a\"}] trailing"),
            vec![
                Ok(()),
                Err((
                    2,
                    "array element 2: unexpected content after the end of the JSON array"
                        .to_string()
                )),
            ]
        );
    }

    #[test]
    fn oversized_array_elements_are_dropped_and_reading_goes_on() {
        let big_text = "x".repeat(MAX_LINE_BYTES + 1);
        let input = format!("[{{\"text\": \"{big_text}\"}}, {{\"text\": \"b\"}}]");
        assert_eq!(
            outcomes(&input),
            vec![
                Err((
                    1,
                    "array element 1: JSON value longer than 1 MiB".to_string()
                )),
                Ok(())
            ]
        );
    }

    #[test]
    fn pretty_values_are_items_named_by_their_first_line() {
        let input = "{\n  \"text\": \"a {\"\n}\n\n{\n  \"nope\": 1\n}\n{\"text\": \"c\"}\n{\"text\": \"d\"} x\nnonsense here\n{\n  \"text\": \"e\"\n";
        assert_eq!(
            outcomes(input),
            vec![
                Ok(()),
                Err((5, "missing field `text`".to_string())),
                Ok(()),
                Err((
                    9,
                    "unexpected content after the JSON value on the same line".to_string()
                )),
                Err((10, "invalid JSON at column 2".to_string())),
                Err((11, "JSON ends before the value is complete".to_string())),
            ]
        );
    }
}
