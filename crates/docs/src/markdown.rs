//! Writes a document tree as CommonMark with GitHub-style tables.
//!
//! Every value is escaped so that it reads as the text it is: it can never open a heading, list,
//! link, emphasis or raw HTML, and never breaks a table. This module must never emit a value
//! without passing it through `escape_text` or `code_span`.

use crate::document::{Block, Document, Inline};
use crate::vocabulary::to_fill_marker;

/// Renders the whole document as Markdown.
pub(crate) fn render(document: &Document) -> String {
    let mut output = String::new();
    output.push_str("# ");
    output.push_str(escape_text(&document.title, false).trim());
    output.push_str("\n\n");
    for block in &document.blocks {
        render_block(document, block, &mut output);
    }
    output
}

fn render_block(document: &Document, block: &Block, output: &mut String) {
    match block {
        Block::Heading { level, text } => {
            let level_marks = "#".repeat(usize::from(*level));
            output.push_str(&level_marks);
            output.push(' ');
            output.push_str(escape_text(text, false).trim());
            output.push_str("\n\n");
        }
        Block::Paragraph(inlines) => {
            output.push_str(&render_inlines(document, inlines, true));
            output.push_str("\n\n");
        }
        Block::BulletList(items) => {
            for item in items {
                output.push_str("- ");
                output.push_str(&render_inlines(document, item, true));
                output.push('\n');
            }
            output.push('\n');
        }
        Block::Facts { caption, rows } => {
            push_caption(caption, output);
            let headers = match document.language {
                crate::Language::Nl => ["Gegeven", "Waarde"],
                crate::Language::En => ["Item", "Value"],
            };
            output.push_str(&format!("| {} | {} |\n", headers[0], headers[1]));
            output.push_str("| --- | --- |\n");
            for (label, value) in rows {
                output.push_str("| **");
                output.push_str(&escape_cell(&escape_text(label, false)));
                output.push_str("** | ");
                output.push_str(&escape_cell(&render_inlines(document, value, false)));
                output.push_str(" |\n");
            }
            output.push('\n');
        }
        Block::Table {
            caption,
            headers,
            rows,
        } => {
            push_caption(caption, output);
            output.push('|');
            for header in headers {
                output.push(' ');
                output.push_str(&escape_cell(&escape_text(header, false)));
                output.push_str(" |");
            }
            output.push_str("\n|");
            for _ in headers {
                output.push_str(" --- |");
            }
            output.push('\n');
            for row in rows {
                output.push('|');
                for cell in row {
                    output.push(' ');
                    output.push_str(&escape_cell(&render_inlines(document, cell, false)));
                    output.push_str(" |");
                }
                output.push('\n');
            }
            output.push('\n');
        }
    }
}

fn push_caption(caption: &str, output: &mut String) {
    output.push('*');
    output.push_str(&escape_text(caption, false));
    output.push_str("*\n\n");
}

fn render_inlines(document: &Document, inlines: &[Inline], at_line_start: bool) -> String {
    let mut output = String::new();
    for (position, inline) in inlines.iter().enumerate() {
        let at_block_start = at_line_start && position == 0;
        match inline {
            Inline::Text(value) => output.push_str(&escape_text(value, at_block_start)),
            Inline::Strong(value) => {
                let escaped = escape_text(value, false);
                if escaped.trim().is_empty() {
                    output.push_str(&escaped);
                    continue;
                }
                output.push_str("**");
                output.push_str(escaped.trim());
                output.push_str("**");
            }
            Inline::Code(value) => output.push_str(&code_span(value)),
            Inline::ToFill(what) => {
                output.push_str("**");
                output.push_str(&to_fill_marker(
                    document.language,
                    &escape_text(what, false),
                ));
                output.push_str("**");
            }
        }
    }
    output
}

/// Escapes text for Markdown: collapses line breaks, and neutralises every character that could
/// start markup. `<`, `>` become entities so that no raw tag text appears in the output at all.
pub(crate) fn escape_text(value: &str, at_line_start: bool) -> String {
    let single_line = collapse_whitespace(value);
    let mut output = String::with_capacity(single_line.len() + 8);
    for character in single_line.chars() {
        match character {
            '<' => output.push_str("&lt;"),
            '>' => output.push_str("&gt;"),
            '&' | '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                output.push('\\');
                output.push(character);
            }
            other => output.push(other),
        }
    }
    if at_line_start {
        return escape_line_start(output.trim_start());
    }
    output
}

/// Escapes the characters that only mean something at the start of a line (headings, lists,
/// block quotes, thematic breaks, ordered lists).
fn escape_line_start(value: &str) -> String {
    let first_character = match value.chars().next() {
        Some(character) => character,
        None => return String::new(),
    };
    if matches!(first_character, '#' | '-' | '+' | '=' | '>') {
        return format!("\\{value}");
    }
    let digits_end = value
        .char_indices()
        .find(|(_, character)| !character.is_ascii_digit())
        .map(|(index, _)| index)
        .unwrap_or(value.len());
    if digits_end > 0 {
        let rest = &value[digits_end..];
        if rest.starts_with('.') || rest.starts_with(')') {
            return format!("{}\\{}", &value[..digits_end], rest);
        }
    }
    value.to_string()
}

/// Turns any run of whitespace (line breaks included) into one space, keeping one space at an
/// end where the value had whitespace there (inline pieces are joined without separators).
pub(crate) fn collapse_whitespace(value: &str) -> String {
    let mut output = String::with_capacity(value.len());
    let mut previous_was_space = false;
    for character in value.chars() {
        if character.is_whitespace() {
            if !previous_was_space {
                output.push(' ');
            }
            previous_was_space = true;
            continue;
        }
        previous_was_space = false;
        output.push(character);
    }
    output
}

/// A code span that holds `value` literally, whatever backticks it contains.
fn code_span(value: &str) -> String {
    let single_line = collapse_whitespace(value.trim());
    if single_line.is_empty() {
        return String::new();
    }
    let mut longest_run = 0usize;
    let mut current_run = 0usize;
    for character in single_line.chars() {
        if character == '`' {
            current_run += 1;
            longest_run = longest_run.max(current_run);
        } else {
            current_run = 0;
        }
    }
    let fence = "`".repeat(longest_run + 1);
    let needs_padding = single_line.starts_with('`') || single_line.ends_with('`');
    let padding = if needs_padding { " " } else { "" };
    format!("{fence}{padding}{single_line}{padding}{fence}")
}

/// Makes rendered inline Markdown safe inside a table cell: an unescaped `|` would end the cell
/// (GitHub tables split cells on `|` even inside code spans, unless it is backslash-escaped).
fn escape_cell(rendered: &str) -> String {
    let mut output = String::with_capacity(rendered.len());
    let mut previous_was_backslash = false;
    for character in rendered.chars() {
        if character == '|' && !previous_was_backslash {
            output.push('\\');
        }
        previous_was_backslash = character == '\\' && !previous_was_backslash;
        output.push(character);
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_neutralised() {
        assert_eq!(
            escape_text("<script>alert(1)</script>", false),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(escape_text("a *b* [c](d)", false), "a \\*b\\* \\[c\\](d)");
        assert_eq!(escape_text("# kop", true), "\\# kop");
        assert_eq!(escape_text("1. punt", true), "1\\. punt");
        assert_eq!(escape_text("regel\n# kop", false), "regel # kop");
    }

    #[test]
    fn code_spans_hold_backticks_and_cells_hold_pipes() {
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(escape_cell("`a | b`"), "`a \\| b`");
        assert_eq!(escape_cell("a \\| b"), "a \\| b");
    }
}
