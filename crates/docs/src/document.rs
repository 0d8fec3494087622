//! The neutral document tree every generated document is built as, before it is written out as
//! Markdown (`markdown.rs`) or HTML (`html.rs`). Building each document once and rendering it
//! twice is what keeps the Markdown and the HTML version carrying exactly the same facts.
//!
//! This module holds structure only. It must never escape or format text for an output format:
//! that is the renderers' job, so that no value can reach an output unescaped by being
//! pre-formatted here.

use crate::Language;

/// One piece of running text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inline {
    /// Plain text (escaped by the renderer).
    Text(String),
    /// Emphasised text, e.g. a label.
    Strong(String),
    /// Literal text such as a monitor query or a purpose code.
    Code(String),
    /// Something only the organisation can state; rendered as the visible marker
    /// `[IN TE VULLEN DOOR DE ORGANISATIE: …]` (or its English form).
    ToFill(String),
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// A heading below the title; `level` is 2, 3 or 4.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(Vec<Inline>),
    BulletList(Vec<Vec<Inline>>),
    /// A two-column table of labelled facts; labels are row headers.
    Facts {
        caption: String,
        rows: Vec<(String, Vec<Inline>)>,
    },
    /// A table with column headers.
    Table {
        caption: String,
        headers: Vec<String>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

/// A whole document: title (the only level-1 heading) and blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Document {
    pub language: Language,
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new(language: Language, title: impl Into<String>) -> Document {
        Document {
            language,
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level,
            text: text.into(),
        });
    }

    pub fn paragraph(&mut self, inlines: Vec<Inline>) {
        self.blocks.push(Block::Paragraph(inlines));
    }

    pub fn text(&mut self, text: impl Into<String>) {
        self.blocks
            .push(Block::Paragraph(vec![Inline::Text(text.into())]));
    }

    pub fn fill_in_paragraph(&mut self, what: impl Into<String>) {
        self.blocks
            .push(Block::Paragraph(vec![Inline::ToFill(what.into())]));
    }

    pub fn bullets(&mut self, items: Vec<Vec<Inline>>) {
        if items.is_empty() {
            return;
        }
        self.blocks.push(Block::BulletList(items));
    }

    pub fn facts(&mut self, caption: impl Into<String>, rows: Vec<(String, Vec<Inline>)>) {
        self.blocks.push(Block::Facts {
            caption: caption.into(),
            rows,
        });
    }

    pub fn table(
        &mut self,
        caption: impl Into<String>,
        headers: Vec<String>,
        rows: Vec<Vec<Vec<Inline>>>,
    ) {
        self.blocks.push(Block::Table {
            caption: caption.into(),
            headers,
            rows,
        });
    }
}

/// Shorthand for a plain-text inline.
pub(crate) fn text(value: impl Into<String>) -> Inline {
    Inline::Text(value.into())
}

/// Shorthand for a single plain-text cell or item.
pub(crate) fn plain(value: impl Into<String>) -> Vec<Inline> {
    vec![Inline::Text(value.into())]
}

/// Shorthand for a literal (code) inline.
pub(crate) fn code(value: impl Into<String>) -> Inline {
    Inline::Code(value.into())
}

/// Shorthand for a strong inline.
pub(crate) fn strong(value: impl Into<String>) -> Inline {
    Inline::Strong(value.into())
}

/// Shorthand for a to-fill marker as a whole cell or item.
pub(crate) fn to_fill(what: impl Into<String>) -> Vec<Inline> {
    vec![Inline::ToFill(what.into())]
}
