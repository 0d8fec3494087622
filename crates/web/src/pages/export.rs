//! Report export: CSV of the gated report (suppressed cells as `<k`, the caveat block as comment
//! rows at the top, then partitions, terms, rising terms, bursts, related terms and
//! representativeness) and a print-ready HTML page that a browser turns into PDF.

use chrono::{DateTime, SecondsFormat, Utc};
use peil_service::{AggregateReport, GatedShare, Interval, QueryAnswer, RisingUnavailable};

use crate::escape::{csv_field, html};
use crate::i18n::{fill, Key};
use crate::layout::{date_time, page, Frame};
use crate::pages::dashboard::report_sections;
use crate::pages::{purpose_code_label, signals};
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
    out.push_str(&comment(t(Key::CsvSentimentSeriesColumns)));
    if let Some(refusal) = &report.differencing_refusal {
        out.push_str(&comment(match language {
            Language::Nl => &refusal.message_nl,
            Language::En => &refusal.message_en,
        }));
    }
    let withheld = signals::withheld(report);
    if withheld {
        out.push_str(&comment(t(Key::SignalsWithheld)));
    } else {
        if let (Some(from), Some(to)) = (report.rising.baseline_from, report.rising.baseline_to) {
            out.push_str(&comment(&fill(
                t(Key::CsvRisingBaseline),
                &[("from", &moment(&from)), ("to", &moment(&to))],
            )));
        }
        match report.rising.unavailable {
            Some(RisingUnavailable::NoWindow) => out.push_str(&comment(t(Key::RisingNoWindow))),
            Some(RisingUnavailable::BaselineTooSmall) => out.push_str(&comment(&fill(
                t(Key::RisingBaselineTooSmall),
                &[("k", &report.k.to_string())],
            ))),
            None => {}
        }
        for key in [
            Key::CsvRisingColumns,
            Key::CsvBurstColumns,
            Key::CsvClusterColumns,
            Key::CsvRepresentativenessColumns,
            Key::RepRepostsNote,
        ] {
            out.push_str(&comment(t(key)));
        }
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
    // Sentiment over time: one row per (bucket, class), `<k` where suppressed.
    for cell in &report.sentiment_series {
        let key = format!("{}/{}", cell.bucket, cell.sentiment);
        let gated = peil_service::Cell {
            key: key.clone(),
            posts: cell.posts,
            share: cell.share,
            suppressed: cell.suppressed,
        };
        out.push_str(&row(&[
            "sentiment_series",
            &key,
            &posts(&gated),
            &share(&gated),
        ]));
    }
    if !report.sentiment_series.is_empty() {
        out.push_str(&row(&[
            "sentiment_series_suppressed",
            "",
            &report.sentiment_series_suppressed.to_string(),
            "",
        ]));
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
    if !withheld {
        out.push_str(&signal_rows(report));
    }
    out
}

/// A moment as in the volume keys (`2025-05-03T10:00:00Z`).
fn moment(value: &DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A whole-percent share as a fraction, `<k` when withheld.
fn gated_share(share: &GatedShare) -> String {
    match (share.suppressed, share.percent) {
        (false, Some(percent)) => format!("{:.2}", f64::from(percent) / 100.0),
        _ => "<k".to_string(),
    }
}

/// The rows of rising terms, bursts, related terms and representativeness (see the comment rows
/// at the top for what the columns mean in these sections).
fn signal_rows(report: &AggregateReport) -> String {
    let mut out = String::new();
    let rising = &report.rising;
    if let (Some(from), Some(to)) = (rising.baseline_from, rising.baseline_to) {
        let window = format!("{}/{}", moment(&from), moment(&to));
        out.push_str(&row(&["rising_baseline", &window, "", ""]));
    }
    match rising.unavailable {
        Some(RisingUnavailable::NoWindow) => {
            out.push_str(&row(&["rising_unavailable", "no_window", "", ""]))
        }
        Some(RisingUnavailable::BaselineTooSmall) => {
            out.push_str(&row(&["rising_unavailable", "baseline_too_small", "", ""]))
        }
        None => {}
    }
    for (section, list) in [
        ("rising_term", &rising.terms),
        ("rising_hashtag", &rising.hashtags),
        ("rising_bigram", &rising.bigrams),
    ] {
        // An unavailable comparison lists nothing, whatever the lists hold.
        for item in list.iter().filter(|_| rising.unavailable.is_none()) {
            out.push_str(&row(&[
                section,
                &item.term,
                &item.posts.to_string(),
                item.significance.label(),
            ]));
        }
    }
    for burst in &report.bursts {
        let window = format!("{}/{}", moment(&burst.start), moment(&burst.end));
        let posts = burst
            .peak_posts
            .map(|posts| posts.to_string())
            .unwrap_or_default();
        out.push_str(&row(&["burst", &window, &posts, &moment(&burst.peak)]));
    }
    for (number, cluster) in report.clusters.iter().enumerate() {
        let section = format!("cluster_{}", number + 1);
        for term in &cluster.terms {
            out.push_str(&row(&[&section, term, "", ""]));
        }
    }
    if let Some(representativeness) = &report.representativeness {
        out.push_str(&row(&[
            "repost_share",
            "",
            "",
            &gated_share(&representativeness.reposts),
        ]));
        let threshold = format!(
            "posts_per_day>={}",
            representativeness.high_frequency_posts_per_day
        );
        out.push_str(&row(&[
            "high_frequency_share",
            &threshold,
            "",
            &gated_share(&representativeness.high_frequency_authors),
        ]));
        for coverage in &representativeness.source_coverage {
            out.push_str(&row(&[
                "hours_in_window",
                &coverage.source,
                &coverage.hours_in_window.to_string(),
                "",
            ]));
            let fraction = if coverage.hours_in_window > 0 {
                format!(
                    "{:.4}",
                    coverage.hours_without_data as f64 / coverage.hours_in_window as f64
                )
            } else {
                String::new()
            };
            out.push_str(&row(&[
                "hours_without_data",
                &coverage.source,
                &coverage.hours_without_data.to_string(),
                &fraction,
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
    body.push_str(&report_sections(context, answer, "rep"));
    page(context, &title, &body, Frame::Print)
}
