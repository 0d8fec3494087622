//! Signals over the gated aggregates (issue 4): terms that rise against a baseline window,
//! bursts in hourly volume, and clusters of co-occurring terms. Pure functions over counts the
//! store already put through the k gate; this module never sees a post's text or an author.
//!
//! * **Rising terms**: Dunning's log-likelihood ratio G² on the 2×2 table (posts with / without
//!   the term, in the window / in the baseline window of equal length just before it). A term
//!   rises when its share of posts is higher than in the baseline and G² ≥ 10.83 (p < 0.001 with
//!   one degree of freedom). Only the significance class is shown, never the baseline count, so a
//!   baseline cell under k is not revealed. No correction for testing many terms: with ~1,000
//!   candidate terms about one term in a window may pass p < 0.001 by chance, which the class
//!   p < 0.0001 (G² ≥ 15.13) makes rarer.
//! * **Bursts**: each hour is judged against a reference level: the larger of the median of the
//!   preceding 24 hours and the median of the same hour on the preceding (1 to 7) days, so the
//!   daily rhythm (quiet nights, evening peaks) is not a burst. An hour is hot when its count is
//!   at least the reference plus three times the spread (1.4826 × MAD of either history, at
//!   least √reference and at least 1) and at least twice the reference; the burst runs from the
//!   first to the last adjacent hour above the reference plus 1.5 × spread, with its peak at the
//!   largest hour. An hour needs a full day of history before it is judged. Hours under k
//!   (suppressed) count as 0.
//! * **Clusters**: terms already named in the report, linked when the posts holding both come
//!   from at least k authors and their normalised pointwise mutual information is at least 0.2;
//!   clusters are the connected groups (at most 6 terms each, strongest links first).

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

/// G² at p < 0.001 (χ² with one degree of freedom).
pub const G2_P001: f64 = 10.83;
/// G² at p < 0.0001.
pub const G2_P0001: f64 = 15.13;

/// How significant a rise is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Significance {
    #[serde(rename = "p<0.001")]
    P001,
    #[serde(rename = "p<0.0001")]
    P0001,
}

impl Significance {
    /// The class of a G² value of a rising term, if it is significant at all.
    pub fn of(g2: f64) -> Option<Significance> {
        if g2 >= G2_P0001 {
            Some(Significance::P0001)
        } else if g2 >= G2_P001 {
            Some(Significance::P001)
        } else {
            None
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Significance::P001 => "p<0.001",
            Significance::P0001 => "p<0.0001",
        }
    }
}

/// A term whose share of posts rose significantly against the baseline window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RisingTerm {
    pub term: String,
    /// Posts in the window holding the term (at least k authors).
    pub posts: u64,
    pub significance: Significance,
}

/// Why no rising terms were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RisingUnavailable {
    /// The request has no start or end, so there is no window of equal length before it.
    NoWindow,
    /// The baseline window holds no posts, or posts of fewer than k authors.
    BaselineTooSmall,
}

/// Rising terms, hashtags and word pairs against the baseline window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RisingTerms {
    pub baseline_from: Option<DateTime<Utc>>,
    pub baseline_to: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<RisingUnavailable>,
    pub terms: Vec<RisingTerm>,
    pub hashtags: Vec<RisingTerm>,
    pub bigrams: Vec<RisingTerm>,
}

impl RisingTerms {
    pub(crate) fn unavailable(
        baseline: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
        reason: RisingUnavailable,
    ) -> RisingTerms {
        RisingTerms {
            baseline_from: baseline.0,
            baseline_to: baseline.1,
            unavailable: Some(reason),
            terms: Vec::new(),
            hashtags: Vec::new(),
            bigrams: Vec::new(),
        }
    }
}

/// `x · ln(x / expected)`, 0 for an empty cell.
fn log_likelihood_cell(observed: f64, expected: f64) -> f64 {
    if observed <= 0.0 || expected <= 0.0 {
        return 0.0;
    }
    observed * (observed / expected).ln()
}

/// Dunning's G² for `with_term` of `window_posts` posts against `baseline_with_term` of
/// `baseline_posts`, on the full 2×2 table. Positive when the term's share rose, negative when
/// it fell (the sign carries the direction; the magnitude is the statistic).
pub fn signed_log_likelihood(
    with_term: u64,
    window_posts: u64,
    baseline_with_term: u64,
    baseline_posts: u64,
) -> f64 {
    let a = with_term as f64;
    let b = baseline_with_term as f64;
    let n1 = window_posts as f64;
    let n2 = baseline_posts as f64;
    if n1 <= 0.0 || n2 <= 0.0 || a > n1 || b > n2 {
        return 0.0;
    }
    let total = n1 + n2;
    let with_any = a + b;
    let without_any = total - with_any;
    let g2 = 2.0
        * (log_likelihood_cell(a, n1 * with_any / total)
            + log_likelihood_cell(b, n2 * with_any / total)
            + log_likelihood_cell(n1 - a, n1 * without_any / total)
            + log_likelihood_cell(n2 - b, n2 * without_any / total));
    if a / n1 >= b / n2 {
        g2.max(0.0)
    } else {
        -g2.max(0.0)
    }
}

/// A burst in hourly volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Burst {
    /// The first hour of the burst.
    pub start: DateTime<Utc>,
    /// The hour with the most posts.
    pub peak: DateTime<Utc>,
    /// The end of the last hour of the burst (exclusive).
    pub end: DateTime<Utc>,
    /// Posts in the peak hour, when hourly counts are shown in the report (hour interval).
    pub peak_posts: Option<u64>,
}

/// Hours of history an hour needs before it is judged.
const BURST_MIN_HISTORY: usize = 24;
/// Hours of history the running median looks at.
const BURST_HISTORY: usize = 24;
/// Days back the same-hour median looks at.
const BURST_SEASON_DAYS: usize = 7;

fn median(sorted: &[f64]) -> f64 {
    let count = sorted.len();
    if count == 0 {
        return 0.0;
    }
    let middle = count / 2;
    match (
        sorted.get(middle),
        middle.checked_sub(1).and_then(|i| sorted.get(i)),
    ) {
        (Some(upper), Some(lower)) if count.is_multiple_of(2) => (upper + lower) / 2.0,
        (Some(upper), _) => *upper,
        _ => 0.0,
    }
}

/// Median and scaled MAD of some values.
fn centre_and_spread(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let centre = median(&values);
    let mut deviations: Vec<f64> = values.iter().map(|value| (value - centre).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    (centre, 1.4826 * median(&deviations))
}

/// Reference level and spread of the hour at `position` (see the module docs).
fn baseline_of(counts: &[u64], position: usize) -> Option<(f64, f64)> {
    if position < BURST_MIN_HISTORY {
        return None;
    }
    let history = counts.get(position - BURST_HISTORY..position)?;
    let (running, running_spread) =
        centre_and_spread(history.iter().map(|count| *count as f64).collect());
    let same_hours: Vec<f64> = (1..=BURST_SEASON_DAYS)
        .filter_map(|days| position.checked_sub(24 * days))
        .filter_map(|index| counts.get(index))
        .map(|count| *count as f64)
        .collect();
    let (seasonal, seasonal_spread) = if !same_hours.is_empty() {
        centre_and_spread(same_hours)
    } else {
        (0.0, 0.0)
    };
    let reference = running.max(seasonal);
    let spread = running_spread
        .max(seasonal_spread)
        .max(reference.sqrt())
        .max(1.0);
    Some((reference, spread))
}

/// Bursts in an hourly series (`hours[i]` starts at `first_hour + i` hours; suppressed hours
/// are 0). `show_counts` says whether the peak's count may be shown.
pub fn detect_bursts(first_hour: i64, hours: &[u64], show_counts: bool) -> Vec<Burst> {
    debug_assert_eq!(first_hour.rem_euclid(3_600), 0);
    let mut bursts = Vec::new();
    let mut position = 0;
    while position < hours.len() {
        let Some((centre, spread)) = baseline_of(hours, position) else {
            position += 1;
            continue;
        };
        let count = hours.get(position).copied().unwrap_or(0) as f64;
        let hot = count >= centre + 3.0 * spread && count >= 2.0 * centre;
        if !hot {
            position += 1;
            continue;
        }
        let warm = |index: usize| {
            hours
                .get(index)
                .is_some_and(|value| *value as f64 >= centre + 1.5 * spread)
        };
        let mut start = position;
        while start > 0 && warm(start - 1) {
            start -= 1;
        }
        let mut end = position;
        while warm(end + 1) {
            end += 1;
        }
        // Do not reach back into an earlier burst.
        if let Some(previous) = bursts.last() {
            let previous: &(usize, usize, usize) = previous;
            start = start.max(previous.2 + 1);
        }
        let mut peak = position;
        for index in start..=end {
            if hours.get(index) > hours.get(peak) {
                peak = index;
            }
        }
        bursts.push((start, peak, end));
        position = end + 1;
    }
    let hour_at = |index: usize| {
        Utc.timestamp_opt(first_hour + 3_600 * index as i64, 0)
            .single()
    };
    bursts
        .into_iter()
        .filter_map(|(start, peak, end)| {
            Some(Burst {
                start: hour_at(start)?,
                peak: hour_at(peak)?,
                end: hour_at(end + 1)?,
                peak_posts: show_counts.then(|| hours.get(peak).copied().unwrap_or(0)),
            })
        })
        .collect()
}

/// A group of terms that often appear together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermCluster {
    /// The terms, most frequent first; hashtags start with `#`.
    pub terms: Vec<String>,
}

/// Minimum normalised PMI of a link.
pub const CLUSTER_MIN_NPMI: f64 = 0.2;
/// Largest cluster.
pub const CLUSTER_MAX_TERMS: usize = 6;

/// A candidate link between two terms (indexes into the term list).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub left: usize,
    pub right: usize,
    pub npmi: f64,
}

/// Normalised pointwise mutual information of two terms with `left` and `right` posts of
/// `total`, `together` of them holding both: 1 when they always co-occur, 0 when independent.
pub fn npmi(left: u64, right: u64, together: u64, total: u64) -> f64 {
    if together == 0 || left == 0 || right == 0 || total == 0 {
        return -1.0;
    }
    let p_both = together as f64 / total as f64;
    let p_left = left as f64 / total as f64;
    let p_right = right as f64 / total as f64;
    if p_both >= 1.0 {
        return 1.0;
    }
    (p_both / (p_left * p_right)).ln() / -p_both.ln()
}

/// Groups `term_count` terms by `links` (strongest first, each group at most
/// [`CLUSTER_MAX_TERMS`]); returns the groups of two or more, as sorted index lists.
pub fn cluster(term_count: usize, links: &[Link]) -> Vec<Vec<usize>> {
    let mut group_of: Vec<usize> = (0..term_count).collect();
    let mut members: Vec<Vec<usize>> = (0..term_count).map(|index| vec![index]).collect();
    let mut ordered: Vec<Link> = links
        .iter()
        .copied()
        .filter(|link| link.npmi >= CLUSTER_MIN_NPMI && link.left != link.right)
        .collect();
    ordered.sort_by(|first, second| {
        second
            .npmi
            .total_cmp(&first.npmi)
            .then(first.left.cmp(&second.left))
            .then(first.right.cmp(&second.right))
    });
    for link in ordered {
        let (Some(&left_group), Some(&right_group)) =
            (group_of.get(link.left), group_of.get(link.right))
        else {
            continue;
        };
        if left_group == right_group {
            continue;
        }
        let left_size = members.get(left_group).map_or(0, Vec::len);
        let right_size = members.get(right_group).map_or(0, Vec::len);
        if left_size + right_size > CLUSTER_MAX_TERMS {
            continue;
        }
        let moved = members
            .get_mut(right_group)
            .map(std::mem::take)
            .unwrap_or_default();
        for index in &moved {
            if let Some(group) = group_of.get_mut(*index) {
                *group = left_group;
            }
        }
        if let Some(group) = members.get_mut(left_group) {
            group.extend(moved);
        }
    }
    let mut groups: Vec<Vec<usize>> = members
        .into_iter()
        .filter(|group| group.len() >= 2)
        .map(|mut group| {
            group.sort_unstable();
            group
        })
        .collect();
    groups.sort_by(|first, second| {
        second
            .len()
            .cmp(&first.len())
            .then(first.first().cmp(&second.first()))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_likelihood_matches_a_worked_example_and_carries_direction() {
        // 2×2 table a=30 of 1,000 vs b=10 of 1,000: G² = 2 Σ O ln(O/E) ≈ 10.669 (computed
        // independently from the definition).
        let rising = signed_log_likelihood(30, 1_000, 10, 1_000);
        assert!((rising - 10.669).abs() < 0.001, "{rising}");
        let falling = signed_log_likelihood(10, 1_000, 30, 1_000);
        assert!((falling + 10.669).abs() < 0.001, "{falling}");
        assert_eq!(signed_log_likelihood(5, 100, 5, 100), 0.0);
        assert_eq!(signed_log_likelihood(5, 0, 5, 100), 0.0);
        assert_eq!(Significance::of(rising), None);
        assert_eq!(Significance::of(10.9), Some(Significance::P001));
        assert_eq!(
            Significance::of(signed_log_likelihood(60, 1_000, 10, 1_000)),
            Some(Significance::P0001)
        );
        // A brand-new term in a big window is significant; the same share is not.
        assert!(signed_log_likelihood(40, 2_000, 0, 2_000) > G2_P0001);
        assert!(signed_log_likelihood(40, 2_000, 40, 2_000).abs() < 1e-9);
    }

    #[test]
    fn a_storm_is_a_burst_with_its_start_peak_and_end() {
        // Two days with a daily rhythm (evening peak of 30), then a storm on day 3 at 12:00.
        let day: Vec<u64> = (0..24u64)
            .map(|clock| match clock {
                0..=5 => 3,
                19..=21 => 30,
                _ => 10 + clock % 3,
            })
            .collect();
        let mut hours: Vec<u64> = Vec::new();
        hours.extend(&day);
        hours.extend(&day);
        hours.extend(day.iter().take(12));
        hours.extend([60, 140, 90, 30]);
        hours.extend(day.iter().skip(16));
        hours.extend(&day);
        let first_hour = 1_790_000_000 - 1_790_000_000 % 3_600;
        let bursts = detect_bursts(first_hour, &hours, true);
        assert_eq!(bursts.len(), 1, "{bursts:?}");
        let Some(burst) = bursts.first() else {
            return;
        };
        let hour = |index: i64| Utc.timestamp_opt(first_hour + 3_600 * index, 0).single();
        assert_eq!(Some(burst.start), hour(60));
        assert_eq!(Some(burst.peak), hour(61));
        assert_eq!(Some(burst.end), hour(64));
        assert_eq!(burst.peak_posts, Some(140));
        assert_eq!(
            detect_bursts(first_hour, &hours, false)
                .first()
                .and_then(|burst| burst.peak_posts),
            None
        );
    }

    #[test]
    fn steady_noise_and_a_short_history_make_no_burst() {
        let steady: Vec<u64> = (0..72).map(|hour| 20 + (hour * 7 % 9)).collect();
        assert!(detect_bursts(0, &steady, true).is_empty());
        // A daily rhythm (quiet nights, a tripled evening) over a week is not a burst.
        let rhythm: Vec<u64> = (0..24 * 7u64)
            .map(|hour| match hour % 24 {
                0..=5 => 2,
                18..=21 => 36,
                _ => 12,
            })
            .collect();
        assert!(detect_bursts(0, &rhythm, true).is_empty());
        // A jump in the first day has no history to be judged against.
        assert!(detect_bursts(0, &[1, 2, 500, 3], true).is_empty());
        // Quiet hours (0) with a single post are not a burst: the spread is at least 1 and the
        // hour must reach the reference plus three spreads.
        let mut quiet = vec![0u64; 30];
        if let Some(hour) = quiet.get_mut(26) {
            *hour = 2;
        }
        assert!(detect_bursts(0, &quiet, true).is_empty());
        if let Some(hour) = quiet.get_mut(26) {
            *hour = 12;
        }
        assert_eq!(detect_bursts(0, &quiet, true).len(), 1);
    }

    #[test]
    fn co_occurring_terms_form_capped_clusters() {
        assert!(npmi(10, 10, 10, 100) > 0.99);
        assert!(npmi(50, 50, 25, 100).abs() < 1e-9);
        assert_eq!(npmi(10, 10, 0, 100), -1.0);
        let links = [
            Link {
                left: 0,
                right: 1,
                npmi: 0.8,
            },
            Link {
                left: 1,
                right: 2,
                npmi: 0.5,
            },
            Link {
                left: 3,
                right: 4,
                npmi: 0.1,
            },
            Link {
                left: 5,
                right: 6,
                npmi: 0.3,
            },
        ];
        assert_eq!(cluster(7, &links), vec![vec![0, 1, 2], vec![5, 6]]);
        // A chain of 8 strongly linked terms is cut at the cap.
        let chain: Vec<Link> = (0..7)
            .map(|index| Link {
                left: index,
                right: index + 1,
                npmi: 0.9 - index as f64 * 0.01,
            })
            .collect();
        let groups = cluster(8, &chain);
        assert!(groups.iter().all(|group| group.len() <= CLUSTER_MAX_TERMS));
        assert_eq!(groups.first().map(Vec::len), Some(CLUSTER_MAX_TERMS));
    }
}
