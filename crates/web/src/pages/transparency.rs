//! The public transparency page: the page `peil-docs` renders (through
//! `Service::generate_document` with `DocumentKind::Transparency` and `DocumentFormat::Html`),
//! placed in Peil's frame. Only the content of its `<main>` is taken over; `peil-docs` has
//! escaped every value in it and emits no script or style.

use crate::layout::{page, Frame};
use crate::PageContext;

/// Why the generated page could not be wrapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransparencyError {
    /// The input is not the standalone page `peil-docs` renders (no `<main>` or `<h1>`).
    UnexpectedShape,
    /// The input holds markup this frame does not accept (script, style, inline style).
    UnsafeMarkup,
}

impl std::fmt::Display for TransparencyError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransparencyError::UnexpectedShape => {
                formatter.write_str("the transparency HTML does not have the expected shape")
            }
            TransparencyError::UnsafeMarkup => {
                formatter.write_str("the transparency HTML holds script or style markup")
            }
        }
    }
}

impl std::error::Error for TransparencyError {}

/// Wraps the transparency page rendered by `peil-docs` (`docs_html`) in Peil's frame. The
/// context is normally anonymous (a public page); its language should match the document's.
pub fn transparency_page(
    context: &PageContext,
    docs_html: &str,
) -> Result<String, TransparencyError> {
    let start = docs_html
        .find("<main>")
        .map(|position| position + "<main>".len())
        .ok_or(TransparencyError::UnexpectedShape)?;
    let end = docs_html
        .rfind("</main>")
        .filter(|end| *end >= start)
        .ok_or(TransparencyError::UnexpectedShape)?;
    let content = docs_html
        .get(start..end)
        .ok_or(TransparencyError::UnexpectedShape)?;
    let lowered = content.to_ascii_lowercase();
    if [
        "<script",
        "<style",
        "style=",
        "<main",
        "<iframe",
        "javascript:",
    ]
    .iter()
    .any(|marker| lowered.contains(marker))
    {
        return Err(TransparencyError::UnsafeMarkup);
    }
    let title = heading_text(content).ok_or(TransparencyError::UnexpectedShape)?;
    let body = format!("<article class=\"peil-transparency\">{content}</article>\n");
    Ok(page(context, &title, &body, Frame::Full))
}

/// The text of the first `<h1>`, entities kept as they are (the title is escaped again, so
/// entities are decoded first for the common ones).
fn heading_text(content: &str) -> Option<String> {
    let start = content.find("<h1>")? + "<h1>".len();
    let end = start + content.get(start..)?.find("</h1>")?;
    let raw = content.get(start..end)?;
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}
