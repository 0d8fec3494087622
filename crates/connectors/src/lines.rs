//! A line reader that never holds more than [`MAX_LINE_BYTES`] of one line in memory.

use std::io::{BufRead, ErrorKind};

use crate::problem::Problem;
use crate::MAX_LINE_BYTES;

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// One physical line: its bytes without the line ending (`\n` or `\r\n`), or why it was not kept.
pub(crate) struct Line {
    pub number: u64,
    pub content: Result<Vec<u8>, Problem>,
}

impl Line {
    /// True for a line that holds only ASCII whitespace.
    pub fn is_blank(&self) -> bool {
        match &self.content {
            Ok(bytes) => bytes.iter().all(u8::is_ascii_whitespace),
            Err(_) => false,
        }
    }
}

/// Splits a reader into lines of at most `MAX_LINE_BYTES` bytes. A longer line is consumed to its
/// end without being stored and comes out as `Problem::LineTooLong`. A read error other than
/// `Interrupted` comes out once and ends the lines.
pub(crate) struct BoundedLines<R> {
    reader: R,
    next_number: u64,
    finished: bool,
}

impl<R: BufRead> BoundedLines<R> {
    pub fn new(reader: R) -> Self {
        Self::starting_at(reader, 1)
    }

    /// Lines numbered from `first_number` (for a reader whose first lines were already consumed).
    pub fn starting_at(reader: R, first_number: u64) -> Self {
        BoundedLines {
            reader,
            next_number: first_number,
            finished: false,
        }
    }

    fn read_line(&mut self) -> Option<Result<Vec<u8>, Problem>> {
        let mut line_bytes: Vec<u8> = Vec::new();
        let mut saw_any_byte = false;
        let mut too_long = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.finished = true;
                    return Some(Err(Problem::ReadFailed(error.kind())));
                }
            };
            if available.is_empty() {
                self.finished = true;
                if !saw_any_byte {
                    return None;
                }
                break;
            }
            saw_any_byte = true;
            let newline_position = available.iter().position(|byte| *byte == b'\n');
            let chunk_end = newline_position.unwrap_or(available.len());
            let chunk = available.get(..chunk_end).unwrap_or_default();
            if !too_long {
                if line_bytes.len() + chunk.len() > MAX_LINE_BYTES + 1 {
                    // One extra byte is allowed for a `\r` that is stripped below.
                    too_long = true;
                    line_bytes = Vec::new();
                } else {
                    line_bytes.extend_from_slice(chunk);
                }
            }
            let consumed = match newline_position {
                Some(position) => position + 1,
                None => available.len(),
            };
            self.reader.consume(consumed);
            if newline_position.is_some() {
                break;
            }
        }
        if too_long {
            return Some(Err(Problem::LineTooLong));
        }
        if line_bytes.last() == Some(&b'\r') {
            line_bytes.pop();
        }
        if line_bytes.len() > MAX_LINE_BYTES {
            return Some(Err(Problem::LineTooLong));
        }
        Some(Ok(line_bytes))
    }
}

impl<R: BufRead> Iterator for BoundedLines<R> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.finished {
            return None;
        }
        let number = self.next_number;
        let raw_content = self.read_line()?;
        self.next_number = self.next_number.saturating_add(1);
        let content = raw_content.map(|bytes| strip_byte_order_mark(bytes, number == 1));
        Some(Line { number, content })
    }
}

fn strip_byte_order_mark(bytes: Vec<u8>, is_first_line: bool) -> Vec<u8> {
    if is_first_line && bytes.starts_with(BYTE_ORDER_MARK) {
        return bytes
            .get(BYTE_ORDER_MARK.len()..)
            .unwrap_or_default()
            .to_vec();
    }
    bytes
}

/// Decodes a line as UTF-8, or says it is not.
pub(crate) fn into_text(bytes: Vec<u8>) -> Result<String, Problem> {
    String::from_utf8(bytes).map_err(|_| Problem::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor, Read};

    fn collect(input: &[u8]) -> Vec<(u64, Result<Vec<u8>, Problem>)> {
        BoundedLines::new(Cursor::new(input.to_vec()))
            .map(|line| (line.number, line.content))
            .collect()
    }

    #[test]
    fn splits_lines_and_strips_line_endings() {
        let lines = collect(b"one\r\ntwo\n\nthree");
        assert_eq!(
            lines,
            vec![
                (1, Ok(b"one".to_vec())),
                (2, Ok(b"two".to_vec())),
                (3, Ok(Vec::new())),
                (4, Ok(b"three".to_vec())),
            ]
        );
        assert!(collect(b"").is_empty());
        assert_eq!(collect(b"\n"), vec![(1, Ok(Vec::new()))]);
    }

    #[test]
    fn strips_a_byte_order_mark_on_the_first_line_only() {
        let lines = collect(b"\xEF\xBB\xBFa\n\xEF\xBB\xBFb");
        assert_eq!(lines.first(), Some(&(1, Ok(b"a".to_vec()))));
        assert_eq!(lines.get(1), Some(&(2, Ok(b"\xEF\xBB\xBFb".to_vec()))));
    }

    #[test]
    fn rejects_long_lines_and_goes_on() {
        let mut input = vec![b'x'; MAX_LINE_BYTES + 10];
        input.extend_from_slice(b"\nshort\n");
        input.extend(vec![b'y'; MAX_LINE_BYTES]);
        input.extend_from_slice(b"\r\n");
        // A small buffer makes the long line arrive in many chunks.
        let reader = BufReader::with_capacity(4096, Cursor::new(input));
        let lines: Vec<_> = BoundedLines::new(reader)
            .map(|line| (line.number, line.content.map(|bytes| bytes.len())))
            .collect();
        assert_eq!(
            lines,
            vec![
                (1, Err(Problem::LineTooLong)),
                (2, Ok(5)),
                (3, Ok(MAX_LINE_BYTES))
            ]
        );
    }

    struct FailingReader {
        calls: usize,
    }

    impl Read for FailingReader {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            self.calls += 1;
            if self.calls == 1 {
                let data = b"first\nsec";
                let length = data.len().min(buffer.len());
                buffer
                    .get_mut(..length)
                    .unwrap_or_default()
                    .copy_from_slice(data.get(..length).unwrap_or_default());
                return Ok(length);
            }
            if self.calls == 2 {
                return Err(std::io::Error::new(ErrorKind::Interrupted, "again"));
            }
            Err(std::io::Error::new(ErrorKind::PermissionDenied, "nope"))
        }
    }

    #[test]
    fn read_errors_end_the_lines_after_one_report() {
        let reader = BufReader::new(FailingReader { calls: 0 });
        let lines: Vec<_> = BoundedLines::new(reader)
            .map(|line| (line.number, line.content))
            .collect();
        assert_eq!(
            lines,
            vec![
                (1, Ok(b"first".to_vec())),
                (2, Err(Problem::ReadFailed(ErrorKind::PermissionDenied)))
            ]
        );
    }
}
