//! Report export: CSV of the gated report (suppressed cells as `<k`, the caveat block as comment
//! rows at the top) and a print-ready HTML page that a browser turns into PDF.

use chrono::{DateTime, Utc};
use peil_service::{Interval, QueryAnswer};

use crate::escape::{csv_field, html};
use crate::i18n::{fill, Key};
use crate::layout::{date_time, page, Frame};
use crate::pages::dashboard::report_sections;
use crate::pages::purpose_code_label;
use crate::{Language, PageContext};

/// The content type the server sends with [`report_csv`].
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

fn row(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|field| csv_field(field))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A comment row: `#` in the first column, the text in the second, padded to four columns.
fn comment(text: &str) -> String {
    row(&["#", text, "", ""])
}

fn share(cell: &peil_service::Cell) -> String {
    match (cell.suppressed, cell.share) {
        (true, _) => "<k".to_string(),
        (false, Some(share)) => format!("{share:.4}"),
        (false, None) => String::new(),
    }
}

fn posts(cell: &peil_service::Cell) -> String {
    match (cell.suppressed, cell.posts) {
        (false, Some(posts)) => posts.to_string(),
        _ => "<k".to_string(),
    }
}

/// The report as CSV (RFC 4180, CRLF line ends, four columns: section, key, posts, share; the
/// share as a fraction). Caveat rows come first with `#` in the first column. Every field is
/// escaped and neutralised against formula injection.
pub fn report_csv(language: Language, answer: &QueryAnswer) -> String {
    let t = |key| crate::text(language, key);
    let report = &answer.report;
    let caveat = &answer.caveat;
    let mut out = String::new();
    out.push_str(&comment(&format!(
        "Peil — {}: {} ({}) — {}: {}",
        t(Key::ReportWorkspace),
        answer.workspace,
        answer.organisation,
        t(Key::ReportPurpose),
        answer.purpose
    )));
    out.push_str(&comment(&format!(
        "{}: {}",
        t(Key::QueryShown),
        if answer.query.trim().is_empty() {
            t(Key::AllPosts)
        } else {
            answer.query.as_str()
        }
    )));
    let window = format!(
        "{}: {} – {}",
        t(Key::ReportWindow),
        report
            .from
            .map(|from| from.to_rfc3339())
            .unwrap_or_else(|| t(Key::ReportOpenEnded).to_string()),
        report
            .to
            .map(|to| to.to_rfc3339())
            .unwrap_or_else(|| t(Key::ReportOpenEnded).to_string())
    );
    out.push_str(&comment(&window));
    out.push_str(&comment(&format!(
        "{}: {}",
        t(Key::CaveatSources),
        if caveat.sources.is_empty() {
            "–".to_string()
        } else {
            caveat.sources.join(", ")
        }
    )));
    out.push_str(&comment(&format!(
        "{}: {}",
        t(Key::CaveatPosts),
        caveat
            .posts
            .map_or_else(|| "<k".to_string(), |posts| posts.to_string())
    )));
    out.push_str(&comment(&format!(
        "k = {}; {}: {}",
        caveat.k,
        t(Key::CaveatSuppressed),
        caveat.suppressed_cells
    )));
    out.push_str(&comment(&fill(
        t(Key::KExplanation),
        &[("k", &caveat.k.to_string())],
    )));
    let (sentiment, representativeness) = match language {
        Language::Nl => (&caveat.sentiment_accuracy_nl, &caveat.representativeness_nl),
        Language::En => (&caveat.sentiment_accuracy_en, &caveat.representativeness_en),
    };
    out.push_str(&comment(sentiment));
    out.push_str(&comment(representativeness));
    out.push_str(&comment(t(Key::TimesUtc)));
    if let Some(refusal) = &report.differencing_refusal {
        out.push_str(&comment(match language {
            Language::Nl => &refusal.message_nl,
            Language::En => &refusal.message_en,
        }));
    }

    out.push_str(&row(&[
        t(Key::CsvSection),
        t(Key::CsvKey),
        t(Key::CsvPosts),
        t(Key::CsvShare),
    ]));
    let total = match (report.totals.suppressed, report.totals.posts) {
        (false, Some(posts)) => posts.to_string(),
        (true, _) => "<k".to_string(),
        (false, None) => String::new(),
    };
    out.push_str(&row(&["total", "", &total, ""]));
    let interval = match report.interval {
        Interval::Day => "volume_day",
        Interval::Hour => "volume_hour",
    };
    for (section, cells) in [
        (interval, &report.volume),
        ("sentiment", &report.sentiment),
        ("language", &report.languages),
        ("source", &report.sources),
    ] {
        for cell in cells {
            out.push_str(&row(&[section, &cell.key, &posts(cell), &share(cell)]));
        }
    }
    for (section, list) in [
        ("term", &report.terms),
        ("hashtag", &report.hashtags),
        ("bigram", &report.bigrams),
    ] {
        for item in &list.items {
            out.push_str(&row(&[section, &item.term, &item.posts.to_string(), ""]));
        }
        if list.suppressed > 0 {
            let section_suppressed = format!("{section}_{}", t(Key::CsvSuppressedTerms));
            out.push_str(&row(&[
                &section_suppressed,
                "",
                &list.suppressed.to_string(),
                "",
            ]));
        }
    }
    out
}

/// The print-ready report: the same sections as the dashboard with the caveat block, without
/// navigation or forms, and a print stylesheet (in `peil.css`) that a browser turns into PDF.
pub fn report_print_page(
    context: &PageContext,
    answer: &QueryAnswer,
    bursts: &[String],
    generated_at: DateTime<Utc>,
) -> String {
    let t = |key| context.t(key);
    let title = fill(t(Key::ReportTitle), &[("name", &answer.workspace)]);
    let mut body = format!("<h1>{}</h1>\n", html(&title));
    body.push_str(&format!(
        "<p class=\"peil-no-print peil-notice peil-notice--info\">{}</p>\n",
        t(Key::ReportPrintHint)
    ));
    let window = format!(
        "{} – {}",
        answer
            .report
            .from
            .as_ref()
            .map(date_time)
            .unwrap_or_else(|| t(Key::ReportOpenEnded).to_string()),
        answer
            .report
            .to
            .as_ref()
            .map(date_time)
            .unwrap_or_else(|| t(Key::ReportOpenEnded).to_string())
    );
    body.push_str("<dl class=\"peil-facts\">\n");
    for (label, value) in [
        (t(Key::ReportOrganisation), answer.organisation.clone()),
        (t(Key::ReportWorkspace), answer.workspace.clone()),
        (
            t(Key::ReportPurpose),
            purpose_code_label(context, &answer.purpose),
        ),
        (t(Key::ReportWindow), format!("{window} UTC")),
        (
            t(Key::CaveatPosts),
            answer
                .report
                .totals
                .posts
                .map_or_else(|| "<k".to_string(), |posts| posts.to_string()),
        ),
        ("Peil", format!("{} UTC", date_time(&generated_at))),
    ] {
        body.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            html(label),
            html(&value)
        ));
    }
    body.push_str("</dl>\n");
    body.push_str(&report_sections(context, answer, bursts, "rep"));
    page(context, &title, &body, Frame::Print)
}
