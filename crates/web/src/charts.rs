//! Charts rendered on the server as SVG, each followed by an equivalent data table, so every page
//! works without JavaScript and with a screen reader.
//!
//! Every chart is `role="img"` with a `<title>` and a `<desc>` that summarises it (number of
//! periods, lowest and highest visible value, the peak, suppressed periods, bursts). Suppressed
//! cells are never drawn to scale: they get a small hatched mark (a pattern in `<defs>`, so not
//! colour alone) labelled `<k`, and `<k` in the table. Colours come from classes styled in
//! `peil.css`; the few presentation attributes are fallbacks for a page without CSS.

use chrono::{DateTime, Duration, Utc};
use peil_service::{Burst, Cell, Interval, SeriesCell};

use crate::escape::html;
use crate::i18n::{fill, Key};
use crate::{text, Language};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 60.0;
const SUPPRESSED_MARK_HEIGHT: f64 = 14.0;

/// One row of the sentiment chart: a period (or the whole selection) and its gated cells.
#[derive(Debug, Clone, PartialEq)]
pub struct SentimentPeriod {
    pub label: String,
    pub cells: Vec<Cell>,
}

/// Keeps an id usable in `id` attributes and `url(#…)` references.
fn safe_id(id: &str) -> String {
    let cleaned: String = id
        .chars()
        .filter(|character| character.is_ascii_alphanumeric() || *character == '-')
        .collect();
    if cleaned.is_empty() {
        "chart".to_string()
    } else {
        format!("chart-{cleaned}")
    }
}

/// How a bucket key (RFC 3339) is shown for `interval`.
pub fn bucket_label(key: &str, interval: Interval) -> String {
    match interval {
        Interval::Day => key.get(..10).unwrap_or(key).to_string(),
        Interval::Hour => key.get(..16).unwrap_or(key).replace('T', " "),
    }
}

/// `posts` as shown, or `<k` for a suppressed cell (never a number).
pub fn count_text(cell: &Cell) -> String {
    match (cell.suppressed, cell.posts) {
        (false, Some(posts)) => posts.to_string(),
        _ => "<k".to_string(),
    }
}

/// The share of a cell as a whole percentage, `<k` when suppressed, `–` when unknown.
pub fn share_text(cell: &Cell) -> String {
    match (cell.suppressed, cell.share) {
        (true, _) => "<k".to_string(),
        (false, Some(share)) => format!("{:.0}%", share * 100.0),
        (false, None) => "–".to_string(),
    }
}

fn hatch_pattern(id: &str) -> String {
    format!(
        "<defs><pattern id=\"{id}-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">\
<rect class=\"peil-chart__hatch-bg\" width=\"6\" height=\"6\" fill=\"#ffffff\"/>\
<line class=\"peil-chart__hatch-line\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#404040\" stroke-width=\"2\"/>\
</pattern></defs>\n"
    )
}

/// A round upper bound for the y axis (1, 2 or 5 times a power of ten).
fn nice_ceiling(value: u64) -> u64 {
    let mut magnitude = 1u64;
    loop {
        for step in [1u64, 2, 5] {
            let candidate = step.saturating_mul(magnitude);
            if candidate >= value || candidate == u64::MAX {
                return candidate.max(1);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

fn number(value: f64) -> String {
    format!("{value:.1}")
}

/// The bucket keys of `volume` to mark as bursts, from the bursts the store detected on hourly
/// volume: in an hourly series every bucket from a burst's start up to its (exclusive) end, in a
/// daily series the day bucket that holds a burst's peak. Keys that are not RFC 3339 are never
/// marked.
pub fn burst_buckets(volume: &[Cell], interval: Interval, bursts: &[Burst]) -> Vec<String> {
    if bursts.is_empty() {
        return Vec::new();
    }
    let width = Duration::seconds(interval.seconds());
    volume
        .iter()
        .filter(|cell| {
            let Ok(start) = DateTime::parse_from_rfc3339(&cell.key) else {
                return false;
            };
            let start = start.with_timezone(&Utc);
            let end = start + width;
            bursts.iter().any(|burst| match interval {
                Interval::Hour => start >= burst.start && start < burst.end,
                Interval::Day => burst.peak >= start && burst.peak < end,
            })
        })
        .map(|cell| cell.key.clone())
        .collect()
}

/// The volume chart: bars per period, suppressed periods hatched and labelled `<k`, the periods
/// in `bursts` (bucket keys) marked, followed by the equal data table. `id` must be unique on
/// the page.
pub fn volume_chart(
    language: Language,
    id: &str,
    cells: &[Cell],
    interval: Interval,
    bursts: &[String],
) -> String {
    let id = safe_id(id);
    let t = |key| text(language, key);
    let visible: Vec<(usize, u64)> = cells
        .iter()
        .enumerate()
        .filter(|(_, cell)| !cell.suppressed)
        .filter_map(|(index, cell)| cell.posts.map(|posts| (index, posts)))
        .collect();
    let suppressed = cells.iter().filter(|cell| cell.suppressed).count();
    let is_burst = |cell: &Cell| !cell.suppressed && bursts.iter().any(|key| key == &cell.key);
    let burst_labels: Vec<String> = cells
        .iter()
        .filter(|cell| is_burst(cell))
        .map(|cell| bucket_label(&cell.key, interval))
        .collect();

    let mut summary = Vec::new();
    if cells.is_empty() {
        summary.push(t(Key::ChartNoData).to_string());
    } else if visible.is_empty() {
        summary.push(t(Key::ChartAllSuppressed).to_string());
    } else {
        let minimum = visible.iter().map(|(_, posts)| *posts).min().unwrap_or(0);
        let (peak_index, maximum) = visible
            .iter()
            .copied()
            .max_by_key(|(index, posts)| (*posts, std::cmp::Reverse(*index)))
            .unwrap_or((0, 0));
        let peak_label = cells
            .get(peak_index)
            .map(|cell| bucket_label(&cell.key, interval))
            .unwrap_or_default();
        summary.push(fill(
            t(Key::ChartVolumeSummary),
            &[
                ("periods", &cells.len().to_string()),
                ("min", &minimum.to_string()),
                ("max", &maximum.to_string()),
                ("peak", &peak_label),
            ],
        ));
        if suppressed > 0 {
            summary.push(fill(
                t(Key::ChartSuppressedSummary),
                &[("count", &suppressed.to_string())],
            ));
        }
        if !burst_labels.is_empty() {
            summary.push(fill(
                t(Key::ChartBurstSummary),
                &[("bursts", &burst_labels.join(", "))],
            ));
        }
    }
    let description = summary.join(" ");
    let title = t(Key::ChartVolumeTitle);

    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let baseline = TOP + plot_height;
    let maximum = nice_ceiling(visible.iter().map(|(_, posts)| *posts).max().unwrap_or(1));
    let scale = plot_height / maximum as f64;

    let mut svg = String::new();
    svg.push_str(&format!(
        "<svg class=\"peil-chart peil-chart--volume\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\" focusable=\"false\">\n"
    ));
    svg.push_str(&format!(
        "<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        html(title),
        html(&description)
    ));
    svg.push_str(&hatch_pattern(&id));
    // Y axis with gridlines.
    for step in 0..=4u64 {
        let value = maximum * step / 4;
        let y = baseline - value as f64 * scale;
        svg.push_str(&format!(
            "<line class=\"peil-chart__grid\" x1=\"{}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#d0d0d0\"/>\n<text class=\"peil-chart__tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{value}</text>\n",
            number(LEFT),
            number(LEFT + plot_width),
            number(LEFT - 6.0),
            y + 4.0
        ));
    }
    svg.push_str(&format!(
        "<line class=\"peil-chart__axis\" x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\" stroke=\"#1a1a1a\"/>\n<line class=\"peil-chart__axis\" x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#1a1a1a\"/>\n",
        l = number(LEFT),
        t = number(TOP),
        b = number(baseline),
        r = number(LEFT + plot_width)
    ));
    svg.push_str(&format!(
        "<text class=\"peil-chart__axis-title\" transform=\"translate(14 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
        TOP + plot_height / 2.0,
        html(t(Key::AxisPosts))
    ));
    svg.push_str(&format!(
        "<text class=\"peil-chart__axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
        LEFT + plot_width / 2.0,
        HEIGHT - 8.0,
        html(t(Key::AxisTime))
    ));
    if !cells.is_empty() {
        let slot = plot_width / cells.len() as f64;
        let bar_width = (slot * 0.8).max(1.0);
        let label_every = cells.len().div_ceil(6).max(1);
        for (index, cell) in cells.iter().enumerate() {
            let x = LEFT + slot * index as f64 + (slot - bar_width) / 2.0;
            let centre = x + bar_width / 2.0;
            let label = bucket_label(&cell.key, interval);
            match (cell.suppressed, cell.posts) {
                (false, Some(posts)) => {
                    let height = posts as f64 * scale;
                    let class = if is_burst(cell) {
                        "peil-chart__bar peil-chart__bar--burst"
                    } else {
                        "peil-chart__bar"
                    };
                    svg.push_str(&format!(
                        "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#1f4e8c\"><title>{}: {posts}</title></rect>\n",
                        number(x),
                        number(baseline - height),
                        number(bar_width),
                        number(height),
                        html(&label)
                    ));
                    if is_burst(cell) {
                        let top = baseline - height - 4.0;
                        svg.push_str(&format!(
                            "<path class=\"peil-chart__burst\" d=\"M{:.1} {:.1} l-5 -9 h10 z\" fill=\"#a3000b\"/>\n",
                            centre, top
                        ));
                    }
                }
                _ => {
                    svg.push_str(&format!(
                        "<rect class=\"peil-chart__bar--suppressed\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{id}-hatch)\" stroke=\"#404040\"><title>{}: &lt;k</title></rect>\n",
                        number(x),
                        number(baseline - SUPPRESSED_MARK_HEIGHT),
                        number(bar_width),
                        number(SUPPRESSED_MARK_HEIGHT),
                        html(&label)
                    ));
                    if slot >= 16.0 {
                        svg.push_str(&format!(
                            "<text class=\"peil-chart__suppressed-label\" x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">&lt;k</text>\n",
                            baseline - SUPPRESSED_MARK_HEIGHT - 4.0
                        ));
                    }
                }
            }
            if index % label_every == 0 {
                svg.push_str(&format!(
                    "<text class=\"peil-chart__tick\" x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
                    baseline + 16.0,
                    html(&label)
                ));
            }
        }
    }
    svg.push_str("</svg>\n");

    let mut table = String::new();
    table.push_str(&format!(
        "<table class=\"utrecht-table peil-data-table\" id=\"{id}-table\">\n<caption>{}</caption>\n",
        html(t(Key::ChartVolumeTable))
    ));
    table.push_str(&crate::layout::header_row(&[
        t(Key::Period),
        t(Key::ColPosts),
        t(Key::Burst),
    ]));
    table.push_str("<tbody>\n");
    for cell in cells {
        let (class, value) = if cell.suppressed || cell.posts.is_none() {
            (" class=\"peil-suppressed\"", "&lt;k".to_string())
        } else {
            ("", html(&count_text(cell)))
        };
        let burst = if is_burst(cell) {
            t(Key::BurstMarked)
        } else {
            ""
        };
        table.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td{class}>{value}</td><td>{}</td></tr>\n",
            html(&bucket_label(&cell.key, interval)),
            html(burst)
        ));
    }
    table.push_str("</tbody>\n</table>\n");
    format!("<figure class=\"peil-figure\">\n{svg}</figure>\n{table}")
}

fn sentiment_key(code: &str) -> Option<Key> {
    match code {
        "negative" => Some(Key::SentimentNegative),
        "neutral" => Some(Key::SentimentNeutral),
        "positive" => Some(Key::SentimentPositive),
        _ => None,
    }
}

/// A sentiment class as shown (`negatief`…), the code itself for an unknown class.
pub fn sentiment_label(language: Language, code: &str) -> String {
    sentiment_key(code)
        .map(|key| text(language, key).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Stacked bars of sentiment shares, one bar per period (or one for the whole selection). The
/// shares of suppressed classes are drawn only together, hatched, as the rest of the bar (which
/// the shown total minus the shown cells reveals anyway); followed by the equal data table.
pub fn sentiment_chart(language: Language, id: &str, periods: &[SentimentPeriod]) -> String {
    sentiment_bars(
        language,
        id,
        periods,
        Key::ChartSentimentTitle,
        Key::ChartSentimentTable,
    )
}

/// The store's sentiment series as periods of the sentiment chart, one per bucket in order.
pub fn series_periods(series: &[SeriesCell], interval: Interval) -> Vec<SentimentPeriod> {
    let mut periods: Vec<SentimentPeriod> = Vec::new();
    for cell in series {
        let label = bucket_label(&cell.bucket, interval);
        // A shown zero in a bucket without posts has no share; it is 0%, not hidden.
        let share = match (cell.suppressed, cell.posts, cell.share) {
            (false, Some(0), None) => Some(0.0),
            _ => cell.share,
        };
        let gated = Cell {
            key: cell.sentiment.clone(),
            posts: cell.posts,
            share,
            suppressed: cell.suppressed,
        };
        match periods.last_mut() {
            Some(period) if period.label == label => period.cells.push(gated),
            _ => periods.push(SentimentPeriod {
                label,
                cells: vec![gated],
            }),
        }
    }
    periods
}

/// Sentiment over time: one stacked bar of shares per bucket, suppressed cells hatched and
/// labelled `<k`, each class also named in its segment and in the legend (not colour alone),
/// followed by the data table with posts and share per class and bucket.
pub fn sentiment_series_chart(
    language: Language,
    id: &str,
    series: &[SeriesCell],
    interval: Interval,
) -> String {
    sentiment_bars(
        language,
        id,
        &series_periods(series, interval),
        Key::ChartSentimentSeriesTitle,
        Key::ChartSentimentSeriesTable,
    )
}

fn sentiment_bars(
    language: Language,
    id: &str,
    periods: &[SentimentPeriod],
    title: Key,
    caption: Key,
) -> String {
    let id = safe_id(id);
    let t = |key| text(language, key);
    let row_height = 32.0;
    let label_width = 150.0;
    let top = 12.0;
    let legend_height = 36.0;
    let plot_width = WIDTH - label_width - RIGHT;
    let height = top + row_height * periods.len().max(1) as f64 + legend_height;

    let mut shares_summary = Vec::new();
    for period in periods {
        let parts: Vec<String> = period
            .cells
            .iter()
            .map(|cell| {
                format!(
                    "{} {}",
                    sentiment_label(language, &cell.key),
                    share_text(cell)
                )
            })
            .collect();
        shares_summary.push(format!("{}: {}", period.label, parts.join(", ")));
    }
    let description = if periods.is_empty() {
        t(Key::ChartNoData).to_string()
    } else {
        fill(
            t(Key::ChartSentimentSummary),
            &[("shares", &shares_summary.join("; "))],
        )
    };

    let mut svg = String::new();
    svg.push_str(&format!(
        "<svg class=\"peil-chart peil-chart--sentiment\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {WIDTH} {height:.0}\" xmlns=\"http://www.w3.org/2000/svg\" focusable=\"false\">\n"
    ));
    svg.push_str(&format!(
        "<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        html(t(title)),
        html(&description)
    ));
    svg.push_str(&hatch_pattern(&id));
    for (row, period) in periods.iter().enumerate() {
        let y = top + row_height * row as f64;
        svg.push_str(&format!(
            "<text class=\"peil-chart__tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            label_width - 8.0,
            y + row_height / 2.0 + 4.0,
            html(&period.label)
        ));
        let mut x = label_width;
        let mut shown = 0.0;
        let mut any_hidden = false;
        for cell in &period.cells {
            match (cell.suppressed, cell.share) {
                (false, Some(share)) => {
                    let width = share.clamp(0.0, 1.0) * plot_width;
                    let class = match cell.key.as_str() {
                        "negative" | "neutral" | "positive" => cell.key.as_str(),
                        _ => "other",
                    };
                    svg.push_str(&format!(
                        "<rect class=\"peil-chart__segment peil-chart__segment--{class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\"><title>{} {}</title></rect>\n",
                        y + 4.0,
                        row_height - 8.0,
                        html(&sentiment_label(language, &cell.key)),
                        html(&share_text(cell))
                    ));
                    if width >= 60.0 {
                        svg.push_str(&format!(
                            "<text class=\"peil-chart__segment-label peil-chart__segment-label--{class}\" x=\"{:.1}\" y=\"{:.1}\">{} {}</text>\n",
                            x + 6.0,
                            y + row_height / 2.0 + 4.0,
                            html(&sentiment_label(language, &cell.key)),
                            html(&share_text(cell))
                        ));
                    }
                    x += width;
                    shown += share.clamp(0.0, 1.0);
                }
                _ => any_hidden = true,
            }
        }
        if any_hidden {
            let rest = if shown > 0.0 {
                (1.0 - shown).max(0.0)
            } else {
                1.0
            };
            let width = rest * plot_width;
            if width > 0.5 {
                svg.push_str(&format!(
                    "<rect class=\"peil-chart__bar--suppressed\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\" fill=\"url(#{id}-hatch)\" stroke=\"#404040\"><title>&lt;k</title></rect>\n",
                    y + 4.0,
                    row_height - 8.0
                ));
                if width >= 24.0 {
                    svg.push_str(&format!(
                        "<text class=\"peil-chart__suppressed-label\" x=\"{:.1}\" y=\"{:.1}\">&lt;k</text>\n",
                        x + 4.0,
                        y + row_height / 2.0 + 4.0
                    ));
                }
            }
        }
    }
    // Legend: a swatch and a name per class, so colour is never the only cue.
    let legend_y = top + row_height * periods.len().max(1) as f64 + 12.0;
    let mut legend_x = label_width;
    for code in ["negative", "neutral", "positive"] {
        svg.push_str(&format!(
            "<rect class=\"peil-chart__segment peil-chart__segment--{code}\" x=\"{legend_x:.1}\" y=\"{legend_y:.1}\" width=\"14\" height=\"14\"/><text class=\"peil-chart__tick\" x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            legend_x + 20.0,
            legend_y + 12.0,
            html(&sentiment_label(language, code))
        ));
        legend_x += 130.0;
    }
    svg.push_str(&format!(
        "<rect class=\"peil-chart__bar--suppressed\" x=\"{legend_x:.1}\" y=\"{legend_y:.1}\" width=\"14\" height=\"14\" fill=\"url(#{id}-hatch)\" stroke=\"#404040\"/><text class=\"peil-chart__tick\" x=\"{:.1}\" y=\"{:.1}\">&lt;k ({})</text>\n",
        legend_x + 20.0,
        legend_y + 12.0,
        html(t(Key::ChartRest))
    ));
    svg.push_str("</svg>\n");

    let mut table = String::new();
    table.push_str(&format!(
        "<table class=\"utrecht-table peil-data-table\" id=\"{id}-table\">\n<caption>{}</caption>\n",
        html(t(caption))
    ));
    let header_labels = [
        t(Key::Period),
        t(Key::SentimentNegative),
        t(Key::SentimentNeutral),
        t(Key::SentimentPositive),
    ];
    table.push_str(&crate::layout::header_row(&header_labels));
    table.push_str("<tbody>\n");
    for period in periods {
        table.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            html(&period.label)
        ));
        for code in ["negative", "neutral", "positive"] {
            match period.cells.iter().find(|cell| cell.key == code) {
                Some(cell) if cell.suppressed || cell.posts.is_none() => {
                    table.push_str("<td class=\"peil-suppressed\">&lt;k</td>")
                }
                Some(cell) => table.push_str(&format!(
                    "<td>{} ({})</td>",
                    html(&share_text(cell)),
                    html(&count_text(cell))
                )),
                None => table.push_str("<td>–</td>"),
            }
        }
        table.push_str("</tr>\n");
    }
    table.push_str("</tbody>\n</table>\n");
    format!("<figure class=\"peil-figure\">\n{svg}</figure>\n{table}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(key: &str, posts: Option<u64>, share: Option<f64>) -> Cell {
        Cell {
            key: key.to_string(),
            posts,
            share,
            suppressed: posts.is_none(),
        }
    }

    fn volume() -> Vec<Cell> {
        vec![
            cell("2025-05-01T00:00:00Z", Some(12), None),
            cell("2025-05-02T00:00:00Z", None, None),
            cell("2025-05-03T00:00:00Z", Some(40), None),
            cell("2025-05-04T00:00:00Z", Some(15), None),
        ]
    }

    #[test]
    fn volume_chart_has_title_desc_pattern_and_the_same_numbers_in_its_table() {
        let chart = volume_chart(
            Language::Nl,
            "volume",
            &volume(),
            Interval::Day,
            &["2025-05-03T00:00:00Z".to_string()],
        );
        assert!(chart.contains("role=\"img\""));
        assert!(chart.contains("<title id=\"chart-volume-title\">"));
        assert!(chart.contains("<desc id=\"chart-volume-desc\">"));
        assert!(chart.contains("Laagste zichtbare waarde 12, hoogste 40 (piek op 2025-05-03)"));
        assert!(chart.contains("1 perioden onderdrukt"));
        assert!(chart.contains("Pieken gemarkeerd: 2025-05-03."));
        assert!(chart.contains("<pattern id=\"chart-volume-hatch\""));
        assert!(chart.contains("fill=\"url(#chart-volume-hatch)\""));
        assert!(chart.contains("peil-chart__burst"));
        assert!(chart.contains("<caption>"));
        for (day, value) in [
            ("2025-05-01", "12"),
            ("2025-05-02", "&lt;k"),
            ("2025-05-03", "40"),
            ("2025-05-04", "15"),
        ] {
            let row_start = format!("<tr><th scope=\"row\">{day}</th>");
            let Some(position) = chart.find(&row_start) else {
                panic!("no row for {day}");
            };
            let row = &chart[position..];
            let row = &row[..row.find("</tr>").unwrap_or(row.len())];
            assert!(row.contains(&format!(">{value}</td>")), "{row}");
        }
        assert!(!chart.contains("style="));
    }

    fn hour(day: u32, hour: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2025, 5, day, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn burst_buckets_follow_the_stores_bursts() {
        let burst = Burst {
            start: hour(3, 10),
            peak: hour(3, 12),
            end: hour(3, 14),
            peak_posts: None,
        };
        // Daily: the day holding the peak, nothing else.
        assert_eq!(
            burst_buckets(&volume(), Interval::Day, std::slice::from_ref(&burst)),
            vec!["2025-05-03T00:00:00Z".to_string()]
        );
        // Hourly: every hour from the start up to the exclusive end.
        let hours: Vec<Cell> = (8..16)
            .map(|h| {
                cell(
                    &hour(3, h).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    Some(10),
                    None,
                )
            })
            .collect();
        assert_eq!(
            burst_buckets(&hours, Interval::Hour, &[burst]),
            vec![
                "2025-05-03T10:00:00Z".to_string(),
                "2025-05-03T11:00:00Z".to_string(),
                "2025-05-03T12:00:00Z".to_string(),
                "2025-05-03T13:00:00Z".to_string(),
            ]
        );
        assert!(burst_buckets(&hours, Interval::Hour, &[]).is_empty());
        let odd = vec![cell("not a time", Some(1), None)];
        let everything = Burst {
            start: hour(1, 0),
            peak: hour(2, 0),
            end: hour(9, 0),
            peak_posts: None,
        };
        assert!(burst_buckets(&odd, Interval::Hour, &[everything]).is_empty());
    }

    #[test]
    fn bursts_on_suppressed_buckets_are_not_marked() {
        let chart = volume_chart(
            Language::En,
            "v",
            &volume(),
            Interval::Day,
            &["2025-05-02T00:00:00Z".to_string()],
        );
        assert!(!chart.contains("peil-chart__burst"));
        assert!(!chart.contains("Bursts marked"));
    }

    #[test]
    fn empty_and_fully_suppressed_charts_say_so() {
        let empty = volume_chart(Language::En, "e", &[], Interval::Hour, &[]);
        assert!(empty.contains("No data to show."));
        let hidden = volume_chart(
            Language::En,
            "h",
            &[cell("2025-05-01T10:00:00Z", None, None)],
            Interval::Hour,
            &[],
        );
        assert!(hidden.contains("Every period is suppressed"));
        assert!(hidden.contains("<th scope=\"row\">2025-05-01 10:00</th>"));
    }

    #[test]
    fn sentiment_chart_hatches_the_suppressed_rest() {
        let period = SentimentPeriod {
            label: "hele selectie".into(),
            cells: vec![
                cell("negative", Some(30), Some(0.3)),
                cell("neutral", None, None),
                cell("positive", Some(50), Some(0.5)),
            ],
        };
        let chart = sentiment_chart(Language::Nl, "s", &[period]);
        assert!(chart.contains("negatief 30%"));
        assert!(chart.contains("neutraal &lt;k"));
        assert!(chart.contains("<td>30% (30)</td>"));
        assert!(chart.contains("<td class=\"peil-suppressed\">&lt;k</td>"));
        assert!(chart.contains("fill=\"url(#chart-s-hatch)\""));
    }

    fn series_cell(
        bucket: &str,
        class: &str,
        posts: Option<u64>,
        share: Option<f64>,
    ) -> SeriesCell {
        SeriesCell {
            bucket: bucket.into(),
            sentiment: class.into(),
            posts,
            share,
            suppressed: posts.is_none(),
        }
    }

    #[test]
    fn sentiment_series_chart_has_title_desc_pattern_labels_and_the_same_numbers_in_its_table() {
        let series = vec![
            series_cell("2026-10-01T00:00:00Z", "negative", Some(12), Some(0.25)),
            series_cell("2026-10-01T00:00:00Z", "neutral", Some(24), Some(0.5)),
            series_cell("2026-10-01T00:00:00Z", "positive", Some(12), Some(0.25)),
            series_cell("2026-10-02T00:00:00Z", "negative", None, None),
            series_cell("2026-10-02T00:00:00Z", "neutral", None, None),
            series_cell("2026-10-02T00:00:00Z", "positive", None, None),
        ];
        let chart = sentiment_series_chart(Language::Nl, "series", &series, Interval::Day);
        assert!(chart
            .contains("<title id=\"chart-series-title\">Aandeel sentiment per periode</title>"));
        assert!(chart.contains(
            "<desc id=\"chart-series-desc\">Aandelen per periode: 2026-10-01: negatief 25%, neutraal 50%, positief 25%; 2026-10-02: negatief &lt;k, neutraal &lt;k, positief &lt;k.</desc>"
        ));
        // Classes are named in their segments, so colour is not the only cue.
        assert!(chart.contains(">neutraal 50%</text>"));
        // The suppressed day is one hatched bar labelled <k, never drawn to scale.
        assert!(chart.contains("fill=\"url(#chart-series-hatch)\""));
        assert!(chart.contains("<pattern id=\"chart-series-hatch\""));
        assert!(chart.contains(">&lt;k</text>"));
        // The table has the counts and shares of the chart, `<k` for suppressed cells.
        assert!(chart.contains("<caption>Sentiment per periode: berichten en aandeel (gegevens bij de grafiek)</caption>"));
        assert!(chart.contains(
            "<tr><th scope=\"row\">2026-10-01</th><td>25% (12)</td><td>50% (24)</td><td>25% (12)</td></tr>"
        ));
        assert!(chart.contains(
            "<tr><th scope=\"row\">2026-10-02</th><td class=\"peil-suppressed\">&lt;k</td><td class=\"peil-suppressed\">&lt;k</td><td class=\"peil-suppressed\">&lt;k</td></tr>"
        ));
        let english = sentiment_series_chart(Language::En, "series", &series, Interval::Day);
        assert!(english.contains("Sentiment shares per period"));
        assert!(english.contains("neutral 50%"));
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(40), 50);
        assert_eq!(nice_ceiling(101), 200);
        assert!(nice_ceiling(u64::MAX) >= 1);
    }
}
