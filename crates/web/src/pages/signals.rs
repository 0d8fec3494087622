//! The analysis signals of a report (issue 4) as page sections, shared by the dashboard and the
//! print-ready report: rising terms against the window before, bursts in hourly volume, groups
//! of related terms, and the representativeness block next to the caveat.
//!
//! Everything shown here comes from the gated report as it is: a term is shown only when the
//! report names it, a share only when the store let it through the k gate (otherwise `<k` with
//! the reason). When the report is withheld (fewer than k authors, no posts, or the differencing
//! audit), these sections say so instead of showing an empty list that could be mistaken for
//! "nothing happened".

use peil_service::{AggregateReport, Cell, GatedShare, Interval, RisingTerm, RisingUnavailable};

use crate::charts::share_text;
use crate::escape::html;
use crate::i18n::{fill, Key};
use crate::layout::{date_time, header_row};
use crate::PageContext;

/// Whether the report shows no figures at all (the store then leaves out representativeness).
pub(crate) fn withheld(report: &AggregateReport) -> bool {
    report.representativeness.is_none()
        || report.differencing_refusal.is_some()
        || report.totals.suppressed
}

fn section_start(id_prefix: &str, suffix: &str, title: &str) -> String {
    format!(
        "<section class=\"peil-section\" aria-labelledby=\"{id_prefix}-{suffix}\">\n<h2 id=\"{id_prefix}-{suffix}\">{}</h2>\n",
        html(title)
    )
}

/// "Stijgende termen": terms, hashtags and word pairs with posts and significance, the baseline
/// window, or why nothing was computed.
pub(crate) fn rising_section(
    context: &PageContext,
    report: &AggregateReport,
    id_prefix: &str,
) -> String {
    let t = |key| context.t(key);
    let rising = &report.rising;
    let mut out = section_start(id_prefix, "rising", t(Key::RisingTitle));
    if withheld(report) {
        out.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            html(t(Key::SignalsWithheld))
        ));
        return out;
    }
    out.push_str(&format!("<p>{}</p>\n", html(t(Key::RisingIntro))));
    if let (Some(from), Some(to)) = (rising.baseline_from, rising.baseline_to) {
        out.push_str(&format!(
            "<p>{}</p>\n",
            html(&fill(
                t(Key::RisingBaseline),
                &[("from", &date_time(&from)), ("to", &date_time(&to))]
            ))
        ));
    }
    match rising.unavailable {
        Some(RisingUnavailable::NoWindow) => {
            out.push_str(&format!(
                "<p class=\"peil-notice peil-notice--info\">{}</p>\n</section>\n",
                html(t(Key::RisingNoWindow))
            ));
            return out;
        }
        Some(RisingUnavailable::BaselineTooSmall) => {
            out.push_str(&format!(
                "<p class=\"peil-notice peil-notice--info\">{}</p>\n</section>\n",
                html(&fill(
                    t(Key::RisingBaselineTooSmall),
                    &[("k", &report.k.to_string())]
                ))
            ));
            return out;
        }
        None => {}
    }
    out.push_str("<div class=\"peil-columns\">\n");
    for (heading, caption, list, prefix, suffix) in [
        (
            Key::RisingWords,
            Key::RisingWordsCaption,
            &rising.terms,
            "",
            "terms",
        ),
        (
            Key::HashtagsTitle,
            Key::RisingHashtagsCaption,
            &rising.hashtags,
            "#",
            "hashtags",
        ),
        (
            Key::BigramsTitle,
            Key::RisingBigramsCaption,
            &rising.bigrams,
            "",
            "bigrams",
        ),
    ] {
        out.push_str(&format!(
            "<div>\n<h3 id=\"{id_prefix}-rising-{suffix}\">{}</h3>\n",
            html(t(heading))
        ));
        out.push_str(&rising_table(context, t(caption), list, prefix));
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
    out.push_str(&format!(
        "<p class=\"peil-muted\">{}</p>\n</section>\n",
        html(t(Key::RisingSignificanceNote))
    ));
    out
}

fn rising_table(context: &PageContext, caption: &str, list: &[RisingTerm], prefix: &str) -> String {
    if list.is_empty() {
        return format!("<p>{}</p>\n", html(context.t(Key::RisingNone)));
    }
    let mut out = format!(
        "<table class=\"utrecht-table\">\n<caption>{}</caption>\n",
        html(caption)
    );
    out.push_str(&header_row(&[
        context.t(Key::ColTerm),
        context.t(Key::ColPosts),
        context.t(Key::ColSignificance),
    ]));
    out.push_str("<tbody>\n");
    for item in list {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{prefix}{}</th><td>{}</td><td>{}</td></tr>\n",
            html(&item.term),
            item.posts,
            html(item.significance.label())
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// "Pieken": every burst the store detected, with start, peak hour, end and (hourly reports
/// only) the posts in the peak hour.
pub(crate) fn bursts_section(
    context: &PageContext,
    report: &AggregateReport,
    id_prefix: &str,
) -> String {
    let t = |key| context.t(key);
    let mut out = section_start(id_prefix, "bursts", t(Key::BurstsTitle));
    if withheld(report) {
        out.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            html(t(Key::SignalsWithheld))
        ));
        return out;
    }
    out.push_str(&format!("<p>{}</p>\n", html(t(Key::BurstsIntro))));
    if report.bursts.is_empty() {
        out.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            html(t(Key::BurstsNone))
        ));
        return out;
    }
    let with_posts = report.bursts.iter().any(|burst| burst.peak_posts.is_some());
    out.push_str(&format!(
        "<table class=\"utrecht-table\">\n<caption>{} (UTC)</caption>\n",
        html(t(Key::BurstsCaption))
    ));
    let mut headers = vec![
        t(Key::ColBurstStart),
        t(Key::ColBurstPeak),
        t(Key::ColBurstEnd),
    ];
    if with_posts {
        headers.push(t(Key::ColBurstPeakPosts));
    }
    out.push_str(&header_row(&headers));
    out.push_str("<tbody>\n");
    for burst in &report.bursts {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td>",
            html(&date_time(&burst.start)),
            html(&date_time(&burst.peak)),
            html(&date_time(&burst.end))
        ));
        if with_posts {
            out.push_str(&format!(
                "<td>{}</td>",
                burst
                    .peak_posts
                    .map_or_else(|| "–".to_string(), |posts| posts.to_string())
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if !with_posts && report.interval == Interval::Day {
        out.push_str(&format!(
            "<p class=\"peil-muted\">{}</p>\n",
            html(t(Key::BurstsDailyNote))
        ));
    }
    out.push_str("</section>\n");
    out
}

/// "Samenhangende termen": the groups of named terms that often appear together.
pub(crate) fn clusters_section(
    context: &PageContext,
    report: &AggregateReport,
    id_prefix: &str,
) -> String {
    let t = |key| context.t(key);
    let mut out = section_start(id_prefix, "clusters", t(Key::ClustersTitle));
    if withheld(report) {
        out.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            html(t(Key::SignalsWithheld))
        ));
        return out;
    }
    out.push_str(&format!("<p>{}</p>\n", html(t(Key::ClustersIntro))));
    let groups: Vec<&[String]> = report
        .clusters
        .iter()
        .map(|cluster| cluster.terms.as_slice())
        .filter(|terms| !terms.is_empty())
        .collect();
    if groups.is_empty() {
        out.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            html(t(Key::ClustersNone))
        ));
        return out;
    }
    out.push_str("<ol class=\"peil-term-groups\">\n");
    for terms in groups {
        let items: Vec<String> = terms
            .iter()
            .map(|term| format!("<span class=\"peil-term\">{}</span>", html(term)))
            .collect();
        out.push_str(&format!("<li>{}</li>\n", items.join(", ")));
    }
    out.push_str("</ol>\n</section>\n");
    out
}

/// Source or language mix as `key share, key share` (`<k` for a suppressed cell).
fn mix_text(cells: &[Cell]) -> String {
    if cells.is_empty() {
        return "–".to_string();
    }
    cells
        .iter()
        .map(|cell| format!("{} {}", cell.key, share_text(cell)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn gated_share_text(share: &GatedShare) -> Option<String> {
    match (share.suppressed, share.percent) {
        (false, Some(percent)) => Some(format!("{percent}%")),
        _ => None,
    }
}

/// "Representativiteit": source and language mix, the share of reposts, the share of posts from
/// very active authors and the hours without data per source. A withheld share is `<k`.
pub(crate) fn representativeness_section(
    context: &PageContext,
    report: &AggregateReport,
    id_prefix: &str,
) -> String {
    let t = |key| context.t(key);
    let mut out = format!(
        "<section class=\"peil-caveat peil-representativeness\" aria-labelledby=\"{id_prefix}-representativeness\">\n<h2 id=\"{id_prefix}-representativeness\">{}</h2>\n<p>{}</p>\n",
        html(t(Key::RepTitle)),
        html(t(Key::RepIntro))
    );
    let Some(representativeness) = report
        .representativeness
        .as_ref()
        .filter(|_| !withheld(report))
    else {
        out.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            html(t(Key::SignalsWithheld))
        ));
        return out;
    };
    let share_explanation = format!("{id_prefix}-rep-k");
    let any_withheld = [
        &representativeness.reposts,
        &representativeness.high_frequency_authors,
    ]
    .iter()
    .any(|share| gated_share_text(share).is_none());
    let k_reference = |cells: &[Cell]| {
        if cells
            .iter()
            .any(|cell| cell.suppressed || cell.posts.is_none())
        {
            format!(" aria-describedby=\"{id_prefix}-k\"")
        } else {
            String::new()
        }
    };
    out.push_str("<dl>\n");
    out.push_str(&format!(
        "<dt>{}</dt><dd{}>{}</dd>\n",
        html(t(Key::RepSources)),
        k_reference(&report.sources),
        html(&mix_text(&report.sources))
    ));
    out.push_str(&format!(
        "<dt>{}</dt><dd{}>{}</dd>\n",
        html(t(Key::RepLanguages)),
        k_reference(&report.languages),
        html(&mix_text(&report.languages))
    ));
    let threshold = representativeness.high_frequency_posts_per_day.to_string();
    let high_frequency_label = fill(t(Key::RepHighFrequency), &[("threshold", &threshold)]);
    for (label, share, note) in [
        (
            t(Key::RepReposts).to_string(),
            &representativeness.reposts,
            t(Key::RepRepostsNote),
        ),
        (
            high_frequency_label,
            &representativeness.high_frequency_authors,
            t(Key::RepHighFrequencyNote),
        ),
    ] {
        match gated_share_text(share) {
            Some(value) => out.push_str(&format!(
                "<dt>{}</dt><dd>{} <span class=\"peil-muted\">{}</span></dd>\n",
                html(&label),
                html(&value),
                html(note)
            )),
            None => out.push_str(&format!(
                "<dt>{}</dt><dd><span class=\"peil-suppressed\" aria-describedby=\"{share_explanation}\">&lt;k</span> <span class=\"peil-muted\">{}</span></dd>\n",
                html(&label),
                html(note)
            )),
        }
    }
    out.push_str("</dl>\n");
    if any_withheld {
        out.push_str(&format!(
            "<p id=\"{share_explanation}\">{}</p>\n",
            html(&fill(
                t(Key::RepShareSuppressed),
                &[("k", &report.k.to_string())]
            ))
        ));
    }
    if representativeness.source_coverage.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", html(t(Key::RepCoverageNone))));
    } else {
        out.push_str(&format!(
            "<table class=\"utrecht-table\">\n<caption>{}</caption>\n",
            html(t(Key::RepCoverageCaption))
        ));
        out.push_str(&header_row(&[
            t(Key::ColSource),
            t(Key::ColHoursInWindow),
            t(Key::ColHoursWithoutData),
        ]));
        out.push_str("<tbody>\n");
        for coverage in &representativeness.source_coverage {
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>\n",
                html(&coverage.source),
                coverage.hours_in_window,
                coverage.hours_without_data
            ));
        }
        out.push_str("</tbody>\n</table>\n");
        out.push_str(&format!(
            "<p class=\"peil-muted\">{}</p>\n",
            html(t(Key::RepCoverageNote))
        ));
    }
    out.push_str("</section>\n");
    out
}
