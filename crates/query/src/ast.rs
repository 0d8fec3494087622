//! Peil's own syntax tree of a query, and its canonical text form.

use std::fmt;

use peil_model::Language;

/// One node of a parsed query.
///
/// The parser keeps the words the analyst typed (`Term`, `Phrase`, `Prefix`); analysis into index
/// tokens happens when a [`crate::Query`] is built, so the tree prints back exactly as typed.
/// `And` and `Or` are flattened (`a AND (b AND c)` is one `And` of three) and always hold at least
/// two operands; a single parenthesised operand is just that operand.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A bare word as typed, e.g. `gemeenten` or `covid-19`. Matched stemmed, in the language of
    /// each post; a word of several tokens (`covid-19`) matches as a phrase.
    Term(String),
    /// A quoted phrase: the words as typed, split on white space.
    Phrase(Vec<String>),
    /// A trailing wildcard, `zwem*`: the word as typed, without the `*`.
    Prefix(String),
    /// A hashtag, `#Klimaat`: lower-cased, without the `#`.
    Hashtag(String),
    /// A hashtag with a trailing wildcard, `#klimaat*`: lower-cased, without `#` and `*`.
    HashtagPrefix(String),
    /// `lang:nl`: the post's language.
    Lang(Language),
    /// `source:bluesky`: the post's source, lower-case.
    Source(String),
    /// All operands must match (explicit `AND` or adjacency).
    And(Vec<Expr>),
    /// At least one operand must match.
    Or(Vec<Expr>),
    /// The operand must not match (`NOT x` or `-x`).
    Not(Box<Expr>),
}

/// Where an expression is printed, which decides whether it needs parentheses.
///
/// Only parentheses that precedence requires are printed, so the canonical form never nests deeper
/// than the query it came from (and stays within the parser's depth limit).
#[derive(Clone, Copy, PartialEq, Eq)]
enum PrintPosition {
    TopLevel,
    OrOperand,
    AndOperand,
    NotOperand,
}

impl Expr {
    fn write_canonical(
        &self,
        formatter: &mut fmt::Formatter<'_>,
        position: PrintPosition,
    ) -> fmt::Result {
        match self {
            Expr::Term(word) => formatter.write_str(word),
            Expr::Phrase(words) => write!(formatter, "\"{}\"", words.join(" ")),
            Expr::Prefix(prefix) => write!(formatter, "{prefix}*"),
            Expr::Hashtag(tag) => write!(formatter, "#{tag}"),
            Expr::HashtagPrefix(tag_prefix) => write!(formatter, "#{tag_prefix}*"),
            Expr::Lang(language) => write!(formatter, "lang:{}", language.code()),
            Expr::Source(source) => write!(formatter, "source:{source}"),
            Expr::Not(operand) => {
                formatter.write_str("NOT ")?;
                operand.write_canonical(formatter, PrintPosition::NotOperand)
            }
            Expr::And(operands) => {
                let parenthesise = matches!(
                    position,
                    PrintPosition::AndOperand | PrintPosition::NotOperand
                );
                write_joined(
                    formatter,
                    operands,
                    " AND ",
                    PrintPosition::AndOperand,
                    parenthesise,
                )
            }
            Expr::Or(operands) => {
                let parenthesise = position != PrintPosition::TopLevel;
                write_joined(
                    formatter,
                    operands,
                    " OR ",
                    PrintPosition::OrOperand,
                    parenthesise,
                )
            }
        }
    }
}

fn write_joined(
    formatter: &mut fmt::Formatter<'_>,
    operands: &[Expr],
    separator: &str,
    operand_position: PrintPosition,
    parenthesise: bool,
) -> fmt::Result {
    if parenthesise {
        formatter.write_str("(")?;
    }
    for (index, operand) in operands.iter().enumerate() {
        if index > 0 {
            formatter.write_str(separator)?;
        }
        operand.write_canonical(formatter, operand_position)?;
    }
    if parenthesise {
        formatter.write_str(")")?;
    }
    Ok(())
}

/// The canonical form: explicit upper-case operators, `NOT` instead of `-`, parentheses only where
/// precedence needs them (`NOT` > `AND` > `OR`). It parses back to the same tree.
impl fmt::Display for Expr {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_canonical(formatter, PrintPosition::TopLevel)
    }
}
