//! The per-workspace dashboard for one `QueryAnswer`: totals, volume over time with the store's
//! bursts marked and listed, sentiment shares, languages, sources, top terms, hashtags and
//! bigrams, rising terms against the window before, related terms, the caveat block with the
//! representativeness block next to it, and a query form. Every suppressed cell is shown as `<k`
//! with the explanation of k.

use peil_service::{Cell, Interval, QueryAnswer, TermList};

use crate::charts::{self, count_text, share_text, SentimentPeriod};
use crate::escape::{html, query_value};
use crate::i18n::{fill, Key};
use crate::layout::{header_row, page, Control, Field, Frame};
use crate::pages::monitors::GuardFeedback;
use crate::pages::{purpose_code_label, signals};
use crate::{paths, Language, PageContext};

/// At most this many de-identified example quotes are shown ("at most a few", DESIGN.md 6).
pub const MAX_EXAMPLE_QUOTES: usize = 3;

/// The values of the query form as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryForm {
    /// The Boolean query within the workspace; empty for everything.
    pub text: String,
    /// `YYYY-MM-DD`, empty for open.
    pub from: String,
    /// `YYYY-MM-DD`, empty for open.
    pub to: String,
    pub interval: Interval,
}

impl Default for QueryForm {
    fn default() -> Self {
        QueryForm {
            text: String::new(),
            from: String::new(),
            to: String::new(),
            interval: Interval::Day,
        }
    }
}

impl QueryForm {
    /// The form as a query string (`q=…&from=…&to=…&interval=day`), for the export links.
    pub fn query_string(&self) -> String {
        let interval = match self.interval {
            Interval::Day => "day",
            Interval::Hour => "hour",
        };
        format!(
            "q={}&from={}&to={}&interval={interval}",
            query_value(&self.text),
            query_value(&self.from),
            query_value(&self.to)
        )
    }
}

/// What the dashboard shows.
#[derive(Debug, Clone, Copy)]
pub struct DashboardView<'a> {
    /// The workspace's name (for the title and the links).
    pub workspace: &'a str,
    pub form: &'a QueryForm,
    /// The answer; `None` when the query was refused or nothing was asked yet.
    pub answer: Option<&'a QueryAnswer>,
    /// The guard's refusal of the typed query, shown next to the form.
    pub refusal: Option<&'a GuardFeedback>,
    /// De-identified example quotes; shown only when the purpose allows them
    /// (`trend_policy_analysis`), at most [`MAX_EXAMPLE_QUOTES`].
    pub example_quotes: &'a [String],
}

/// The dashboard page.
pub fn dashboard_page(context: &PageContext, view: &DashboardView<'_>) -> String {
    let title = fill(context.t(Key::DashboardTitle), &[("name", view.workspace)]);
    let mut body = format!("<h1>{}</h1>\n", html(&title));
    body.push_str(&query_form(context, view));
    if let Some(answer) = view.answer {
        body.push_str(&format!(
            "<p class=\"peil-muted\">{}: {}</p>\n",
            context.t(Key::ReportPurpose),
            html(&purpose_code_label(context, &answer.purpose))
        ));
        body.push_str(&report_sections(context, answer, "dash"));
        if answer.purpose == "trend_policy_analysis" && !view.example_quotes.is_empty() {
            body.push_str("<section class=\"peil-section\" aria-labelledby=\"quotes-title\">\n");
            body.push_str(&format!(
                "<h2 id=\"quotes-title\">{}</h2>\n<p>{}</p>\n",
                context.t(Key::ExampleQuotesTitle),
                context.t(Key::ExampleQuotesNote)
            ));
            for quote in view.example_quotes.iter().take(MAX_EXAMPLE_QUOTES) {
                body.push_str(&format!(
                    "<blockquote class=\"peil-quote\"><p>{}</p></blockquote>\n",
                    html(quote)
                ));
            }
            body.push_str("</section>\n");
        }
        let query = view.form.query_string();
        body.push_str("<section class=\"peil-section\" aria-labelledby=\"export-title\">\n");
        body.push_str(&format!(
            "<h2 id=\"export-title\">{}</h2>\n<ul>\n<li><a href=\"{}\" download>{}</a></li>\n<li><a href=\"{}\">{}</a></li>\n</ul>\n</section>\n",
            context.t(Key::ExportTitle),
            html(&format!("{}?{query}", paths::report_csv(view.workspace))),
            context.t(Key::ExportCsv),
            html(&format!(
                "{}?{query}&lang={}",
                paths::report_print(view.workspace),
                context.language.code()
            )),
            context.t(Key::ExportPrint)
        ));
    }
    page(context, &title, &body, Frame::Full)
}

fn query_form(context: &PageContext, view: &DashboardView<'_>) -> String {
    let refusal = match view.refusal {
        Some(GuardFeedback::Refused { dutch, english }) => Some(match context.language {
            Language::Nl => dutch.as_str(),
            Language::En => english.as_str(),
        }),
        Some(GuardFeedback::Invalid(message)) => Some(message.as_str()),
        _ => None,
    };
    let mut out = String::new();
    out.push_str("<section class=\"peil-section\" aria-labelledby=\"query-title\">\n");
    out.push_str(&format!(
        "<h2 id=\"query-title\">{}</h2>\n",
        context.t(Key::QueryFormTitle)
    ));
    if let Some(message) = refusal {
        out.push_str(&format!(
            "<div class=\"peil-notice peil-notice--error\" role=\"alert\"><p><strong>{}</strong>: {}</p></div>\n",
            context.t(Key::QueryRefusedTitle),
            html(message)
        ));
    }
    out.push_str(&format!(
        "<form class=\"peil-form peil-form--query\" method=\"get\" action=\"{}\">\n",
        html(&paths::dashboard(view.workspace))
    ));
    out.push_str(&format!(
        "<input type=\"hidden\" name=\"lang\" value=\"{}\">\n",
        context.language.code()
    ));
    out.push_str(
        &Field {
            id: "query-text",
            name: "q",
            label: context.t(Key::QueryText),
            help: Some(context.t(Key::QueryTextHelp)),
            required: false,
            error: refusal,
            control: Control::Input {
                input_type: "text",
                value: &view.form.text,
                autocomplete: Some("off"),
                extra: "",
            },
        }
        .render(context),
    );
    out.push_str("<div class=\"peil-form__row\">\n");
    for (id, name, key, value) in [
        ("query-from", "from", Key::From, &view.form.from),
        ("query-to", "to", Key::To, &view.form.to),
    ] {
        out.push_str(
            &Field {
                id,
                name,
                label: context.t(key),
                help: None,
                required: false,
                error: None,
                control: Control::Input {
                    input_type: "date",
                    value,
                    autocomplete: Some("off"),
                    extra: "",
                },
            }
            .render(context),
        );
    }
    out.push_str(&format!(
        "<div class=\"utrecht-form-field peil-field\">\n<label class=\"utrecht-form-label\" for=\"query-interval\">{}</label>\n<select class=\"utrecht-select\" id=\"query-interval\" name=\"interval\">\n",
        context.t(Key::Interval)
    ));
    for (value, key, interval) in [
        ("day", Key::IntervalDay, Interval::Day),
        ("hour", Key::IntervalHour, Interval::Hour),
    ] {
        let selected = if view.form.interval == interval {
            " selected"
        } else {
            ""
        };
        out.push_str(&format!(
            "<option value=\"{value}\"{selected}>{}</option>\n",
            context.t(key)
        ));
    }
    out.push_str("</select>\n</div>\n</div>\n");
    out.push_str(&format!(
        "<button type=\"submit\" class=\"utrecht-button utrecht-button--primary-action\">{}</button>\n</form>\n</section>\n",
        context.t(Key::ShowButton)
    ));
    out
}

/// Totals, volume (with the store's bursts marked), bursts, sentiment, languages, sources, terms,
/// rising terms, related terms, the caveat block and the representativeness block of `answer`:
/// shared by the dashboard and the print-ready report. `id_prefix` keeps ids unique on the page.
pub(crate) fn report_sections(
    context: &PageContext,
    answer: &QueryAnswer,
    id_prefix: &str,
) -> String {
    let report = &answer.report;
    let language = context.language;
    let t = |key| context.t(key);
    let k_text = report.k.to_string();
    let mut out = String::new();

    out.push_str(&format!(
        "<p class=\"peil-k-explanation\" id=\"{id_prefix}-k\">{}</p>\n",
        html(&fill(t(Key::KExplanation), &[("k", &k_text)]))
    ));
    if let Some(refusal) = &report.differencing_refusal {
        let message = match language {
            Language::Nl => &refusal.message_nl,
            Language::En => &refusal.message_en,
        };
        out.push_str(&format!(
            "<div class=\"peil-notice peil-notice--error\" role=\"alert\"><p><strong>{}</strong>: {}</p></div>\n",
            t(Key::DifferencingTitle),
            html(message)
        ));
    }

    // Totals.
    out.push_str(&format!(
        "<section class=\"peil-section\" aria-labelledby=\"{id_prefix}-totals\">\n<h2 id=\"{id_prefix}-totals\">{}</h2>\n",
        t(Key::TotalsTitle)
    ));
    out.push_str(&format!(
        "<p>{}: <code>{}</code></p>\n",
        t(Key::QueryShown),
        if answer.query.trim().is_empty() {
            html(t(Key::AllPosts))
        } else {
            html(&answer.query)
        }
    ));
    match (report.totals.posts, report.totals.authors_at_least) {
        (Some(posts), authors) if !report.totals.suppressed => {
            out.push_str(&format!(
                "<dl class=\"peil-totals\"><div><dt>{}</dt><dd>{posts}</dd></div>",
                t(Key::TotalPosts)
            ));
            if let Some(authors) = authors {
                out.push_str(&format!(
                    "<div><dt>{}</dt><dd>{authors}</dd></div>",
                    t(Key::AuthorsAtLeast)
                ));
            }
            out.push_str("</dl>\n");
        }
        _ if report.totals.suppressed => {
            out.push_str(&format!(
                "<dl class=\"peil-totals\"><div><dt>{}</dt><dd class=\"peil-suppressed\" aria-describedby=\"{id_prefix}-k\">&lt;k</dd></div></dl>\n<p>{}</p>\n",
                t(Key::TotalPosts),
                t(Key::AllSuppressed)
            ));
        }
        _ => out.push_str(&format!("<p>{}</p>\n", t(Key::NoPosts))),
    }
    out.push_str("</section>\n");

    // Volume.
    let interval_text = match report.interval {
        Interval::Day => t(Key::IntervalDay),
        Interval::Hour => t(Key::IntervalHour),
    };
    out.push_str(&format!(
        "<section class=\"peil-section\" aria-labelledby=\"{id_prefix}-volume\">\n<h2 id=\"{id_prefix}-volume\">{} ({interval_text}, UTC)</h2>\n",
        t(Key::VolumeTitle)
    ));
    out.push_str(&charts::volume_chart(
        language,
        &format!("{id_prefix}-volume"),
        &report.volume,
        report.interval,
        &charts::burst_buckets(&report.volume, report.interval, &report.bursts),
    ));
    out.push_str("</section>\n");
    out.push_str(&signals::bursts_section(context, report, id_prefix));

    // Sentiment.
    out.push_str(&format!(
        "<section class=\"peil-section\" aria-labelledby=\"{id_prefix}-sentiment\">\n<h2 id=\"{id_prefix}-sentiment\">{}</h2>\n",
        t(Key::SentimentTitle)
    ));
    let period = SentimentPeriod {
        label: t(Key::SelectionWhole).to_string(),
        cells: report.sentiment.clone(),
    };
    out.push_str(&charts::sentiment_chart(
        language,
        &format!("{id_prefix}-sentiment"),
        &[period],
    ));
    out.push_str(&format!(
        "<p class=\"peil-muted\">{}</p>\n",
        html(match language {
            Language::Nl => &answer.caveat.sentiment_accuracy_nl,
            Language::En => &answer.caveat.sentiment_accuracy_en,
        })
    ));
    out.push_str("</section>\n");

    // Sentiment over time, with the accuracy caveat beside it.
    if !report.sentiment_series.is_empty() {
        out.push_str(&format!(
            "<section class=\"peil-section\" aria-labelledby=\"{id_prefix}-sentiment-series\">\n<h2 id=\"{id_prefix}-sentiment-series\">{} ({interval_text}, UTC)</h2>\n",
            t(Key::SentimentSeriesTitle)
        ));
        out.push_str(&charts::sentiment_series_chart(
            language,
            &format!("{id_prefix}-sentiment-series"),
            &report.sentiment_series,
            report.interval,
        ));
        out.push_str(&format!(
            "<p class=\"peil-muted\">{}</p>\n<p class=\"peil-muted\">{}</p>\n",
            html(&fill(
                t(Key::ChartSentimentSeriesSuppressed),
                &[("count", &report.sentiment_series_suppressed.to_string())]
            )),
            html(match language {
                Language::Nl => &answer.caveat.sentiment_accuracy_nl,
                Language::En => &answer.caveat.sentiment_accuracy_en,
            })
        ));
        out.push_str("</section>\n");
    }

    // Languages and sources.
    out.push_str(&format!(
        "<div class=\"peil-columns\">\n<section class=\"peil-section\" aria-labelledby=\"{id_prefix}-languages\">\n<h2 id=\"{id_prefix}-languages\">{}</h2>\n",
        t(Key::LanguagesTitle)
    ));
    out.push_str(&cell_table(
        context,
        t(Key::LanguagesTitle),
        t(Key::ColLanguage),
        &report.languages,
    ));
    out.push_str(&format!(
        "</section>\n<section class=\"peil-section\" aria-labelledby=\"{id_prefix}-sources\">\n<h2 id=\"{id_prefix}-sources\">{}</h2>\n",
        t(Key::SourcesTitle)
    ));
    out.push_str(&cell_table(
        context,
        t(Key::SourcesTitle),
        t(Key::ColSource),
        &report.sources,
    ));
    out.push_str("</section>\n</div>\n");

    // Terms, hashtags, bigrams.
    out.push_str("<div class=\"peil-columns\">\n");
    for (key, list, prefix, suffix) in [
        (Key::TermsTitle, &report.terms, "", "terms"),
        (Key::HashtagsTitle, &report.hashtags, "#", "hashtags"),
        (Key::BigramsTitle, &report.bigrams, "", "bigrams"),
    ] {
        out.push_str(&format!(
            "<section class=\"peil-section\" aria-labelledby=\"{id_prefix}-{suffix}\">\n<h2 id=\"{id_prefix}-{suffix}\">{}</h2>\n",
            t(key)
        ));
        out.push_str(&term_table(context, t(key), list, prefix));
        out.push_str("</section>\n");
    }
    out.push_str("</div>\n");
    out.push_str(&signals::rising_section(context, report, id_prefix));
    out.push_str(&signals::clusters_section(context, report, id_prefix));

    out.push_str(&caveat_block(context, answer, id_prefix));
    out.push_str(&signals::representativeness_section(
        context, report, id_prefix,
    ));
    out
}

fn cell_table(context: &PageContext, caption: &str, key_header: &str, cells: &[Cell]) -> String {
    if cells.is_empty() {
        return format!("<p>{}</p>\n", context.t(Key::ChartNoData));
    }
    let mut out = format!(
        "<table class=\"utrecht-table\">\n<caption>{}</caption>\n",
        html(caption)
    );
    out.push_str(&header_row(&[
        key_header,
        context.t(Key::ColPosts),
        context.t(Key::ColShare),
    ]));
    out.push_str("<tbody>\n");
    for cell in cells {
        let hidden = cell.suppressed || cell.posts.is_none();
        let class = if hidden {
            " class=\"peil-suppressed\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td{class}>{}</td><td{class}>{}</td></tr>\n",
            html(&cell.key),
            html(&count_text(cell)),
            html(&share_text(cell))
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn term_table(context: &PageContext, caption: &str, list: &TermList, prefix: &str) -> String {
    let mut out = String::new();
    if list.items.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", context.t(Key::NoneAboveK)));
    } else {
        out.push_str(&format!(
            "<table class=\"utrecht-table\">\n<caption>{}</caption>\n",
            html(caption)
        ));
        out.push_str(&header_row(&[
            context.t(Key::ColTerm),
            context.t(Key::ColPosts),
        ]));
        out.push_str("<tbody>\n");
        for item in &list.items {
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}{}</th><td>{}</td></tr>\n",
                prefix,
                html(&item.term),
                item.posts
            ));
        }
        out.push_str("</tbody>\n</table>\n");
    }
    if list.suppressed > 0 {
        out.push_str(&format!(
            "<p class=\"peil-muted\">{}</p>\n",
            html(&fill(
                context.t(Key::TermsSuppressed),
                &[("count", &list.suppressed.to_string())]
            ))
        ));
    }
    out
}

/// The caveat block every output carries (DESIGN.md invariant 10).
pub(crate) fn caveat_block(context: &PageContext, answer: &QueryAnswer, id_prefix: &str) -> String {
    let caveat = &answer.caveat;
    let t = |key| context.t(key);
    let sources = if caveat.sources.is_empty() {
        "–".to_string()
    } else {
        caveat.sources.join(", ")
    };
    let posts = caveat
        .posts
        .map_or_else(|| "<k".to_string(), |posts| posts.to_string());
    let (sentiment, representativeness) = match context.language {
        Language::Nl => (&caveat.sentiment_accuracy_nl, &caveat.representativeness_nl),
        Language::En => (&caveat.sentiment_accuracy_en, &caveat.representativeness_en),
    };
    let mut out = format!(
        "<section class=\"peil-caveat\" aria-labelledby=\"{id_prefix}-caveat\">\n<h2 id=\"{id_prefix}-caveat\">{}</h2>\n<dl>\n",
        t(Key::CaveatTitle)
    );
    for (label, value) in [
        (t(Key::CaveatSources), sources),
        (t(Key::CaveatPosts), posts),
        ("k", caveat.k.to_string()),
        (
            t(Key::CaveatSuppressed),
            caveat.suppressed_cells.to_string(),
        ),
        (t(Key::CaveatSentiment), sentiment.clone()),
        (t(Key::CaveatRepresentativeness), representativeness.clone()),
    ] {
        out.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            html(label),
            html(&value)
        ));
    }
    out.push_str("</dl>\n");
    out.push_str(&format!(
        "<p>{}</p>\n<p>{}</p>\n</section>\n",
        html(&fill(t(Key::KExplanation), &[("k", &caveat.k.to_string())])),
        t(Key::TimesUtc)
    ));
    out
}
