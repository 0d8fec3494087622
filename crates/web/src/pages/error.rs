//! Error pages (400, 403, 404, 500 and any other status) in both languages. They never show the
//! error's details: those may hold what the user typed.

use crate::i18n::Key;
use crate::layout::{page, Frame};
use crate::{paths, PageContext};

/// The page for HTTP `status`; statuses other than 400, 401, 403, 404 get the 500 text.
pub fn error_page(context: &PageContext, status: u16) -> String {
    let (title, explanation) = match status {
        400 | 422 => (Key::Error400Title, Key::Error400Text),
        401 | 403 => (Key::Error403Title, Key::Error403Text),
        404 => (Key::Error404Title, Key::Error404Text),
        _ => (Key::Error500Title, Key::Error500Text),
    };
    let title = context.t(title);
    let body = format!(
        "<h1>{title}</h1>\n<p>{}</p>\n<p class=\"peil-muted\">{}: {status}</p>\n<p><a href=\"{}\">{}</a></p>\n",
        context.t(explanation),
        context.t(Key::ErrorCode_),
        paths::HOME,
        context.t(Key::BackHome)
    );
    page(context, title, &body, Frame::Full)
}
