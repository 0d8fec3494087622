//! A clearly synthetic Dutch corpus of the kind a municipality would follow, for `peil demo`.
//!
//! [`generate`] yields [`RawPost`]s in time order, deterministic for a [`DemoConfig`] (a
//! `ChaCha8Rng` seeded with `seed`; nothing depends on the clock or on hash map order):
//!
//! * about 70% of the posts are about municipal topics (waste collection, parking, housing, cycling
//!   and road safety, the energy transition, the fireworks ban, public transport, swimming pools
//!   and sports parks, poverty and debt help, youth care, events, city services) built from many
//!   templates and slot words, with a mix of negative, positive and neutral phrasing (negations,
//!   intensifiers, emoji) and topic hashtags on part of them;
//! * about 25% is off-topic chatter (football, weather, food, TV) that monitors should not match;
//! * about 10% is English (expats on housing, bins, bikes);
//! * authors (`demo:user:NNN`, about one per ten posts) are drawn Zipf-like: a few heavy posters
//!   and a long tail, so some aggregate cells fall under k and are suppressed; about 15% of posts
//!   reply to another author;
//! * time follows a daily rhythm (quiet 01–06h UTC, peaks 08–09h and 19–22h), weekdays a bit
//!   busier than weekends, and one clear burst: on day [`DemoConfig::burst_day`] a storm brings
//!   about eight times the normal volume for six hours (15–21h UTC), decaying over the next day;
//! * personal data is sprinkled in so that de-identification has something to show: e-mail
//!   addresses at example domains (~5%), Dutch mobile numbers (~4%), @handles (~8%, some of them
//!   the made-up municipal account `@gemeente_demostad`), profile URLs (~3%) and news links (~4%).
//!   All names, handles, addresses and numbers are made up.
//!
//! Source ids are `demo:{seed}:{n}`, the source is [`DEMO_SOURCE`], and about 70% of posts carry a
//! language tag (`nl` or `en`).

mod text;
mod vocabulary;

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::RawPost;
use text::{compose, Kind, Sentiment};
use vocabulary::{HOURLY_ACTIVITY, MUNICIPAL_TOPICS};

/// The `source` of demo posts.
pub const DEMO_SOURCE: &str = "demo";

/// The storm burst starts at this hour (UTC) of the burst day.
const BURST_FIRST_HOUR: u32 = 15;
/// Hours of peak storm volume.
const BURST_HOURS: usize = 6;
/// Extra volume during the peak, as a multiple of the normal volume of that hour (1 + 7 = 8×).
const BURST_EXTRA: f64 = 7.0;
/// After the peak, the extra volume decays by a factor e every this many hours.
const BURST_DECAY_HOURS: f64 = 4.0;
/// After the peak, the extra volume stops after this many hours.
const BURST_DECAY_SPAN: usize = 30;

const ENGLISH_SHARE: f64 = 0.10;
const OFF_TOPIC_SHARE: f64 = 0.27;
const REPLY_SHARE: f64 = 0.15;
const LANGUAGE_TAG_SHARE: f64 = 0.70;

/// Author numbers are a permutation of ranks modulo this prime, shifted to seven digits, so that
/// heavy posters do not get the smallest numbers.
const AUTHOR_ID_MODULUS: u64 = 8_999_993;
const AUTHOR_ID_MULTIPLIER: u64 = 5_237_011;
const AUTHOR_ID_BASE: u64 = 1_000_000;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Number of posts.
    pub posts: usize,
    /// Seed of the random generator: the same config gives the same posts.
    pub seed: u64,
    /// The first moment of the period.
    pub start: DateTime<Utc>,
    /// Length of the period in days (0 counts as 1).
    pub days: u32,
}

impl Default for DemoConfig {
    /// 50 000 posts, seed 42, 30 days from 2026-10-01T00:00:00Z.
    fn default() -> Self {
        DemoConfig {
            posts: 50_000,
            seed: 42,
            start: DateTime::from_timestamp(1_790_812_800, 0).unwrap_or(DateTime::UNIX_EPOCH),
            days: 30,
        }
    }
}

impl DemoConfig {
    fn effective_days(&self) -> u32 {
        self.days.max(1)
    }

    /// The 0-based day of the storm burst: two thirds into the period (day 20 of 30).
    pub fn burst_day(&self) -> u32 {
        let days = self.effective_days();
        (days.saturating_mul(2) / 3).min(days - 1)
    }

    /// The moment the storm burst starts.
    pub fn burst_start(&self) -> DateTime<Utc> {
        let hours = i64::from(self.burst_day()) * 24 + i64::from(BURST_FIRST_HOUR);
        self.start + TimeDelta::hours(hours)
    }
}

/// The own account of the demo organisation, to which the webcare messages are addressed.
pub const DEMO_OWN_ACCOUNT: &str = "@voorbeeldstad";

/// The generated webcare messages: (text, addressed by a reply rather than a mention). Questions
/// to the demo organisation's own account about its services (no names, numbers or handles of
/// people); the last one is about the same services but addressed to nobody, so it is stored
/// without a place in the inbox.
const WEBCARE_MESSAGES: [(&str, bool); 8] = [
    (
        "@voorbeeldstad Hoe maak ik een afspraak voor een nieuw paspoort?",
        false,
    ),
    (
        "@voorbeeldstad Wat zijn de openingstijden van het stadskantoor rond de feestdagen?",
        false,
    ),
    (
        "Vraag aan @voorbeeldstad: kan ik mijn rijbewijs ook op zaterdag ophalen?",
        false,
    ),
    (
        "@voorbeeldstad Mijn afspraak bij de balie is verzet, waar vind ik de nieuwe tijd?",
        false,
    ),
    (
        "@voorbeeldstad Waar vraag ik een milieupas aan voor de milieustraat?",
        false,
    ),
    (
        "@voorbeeldstad Bedankt voor de snelle hulp met mijn paspoort!",
        false,
    ),
    (
        "Klopt het dat de openingstijden volgende week anders zijn?",
        true,
    ),
    (
        "Het stadskantoor heeft vanaf december nieuwe openingstijden.",
        false,
    ),
];

/// A handful of GENERATED messages addressed to the demo organisation's own account
/// ([`DEMO_OWN_ACCOUNT`]), published in the hour before `now` (so a short webcare retention keeps
/// them), each with a link at a reserved example domain to answer it. Same seed and `now`, same
/// messages.
pub fn webcare_messages(seed: u64, now: DateTime<Utc>) -> Vec<RawPost> {
    WEBCARE_MESSAGES
        .iter()
        .enumerate()
        .map(|(number, (text, is_reply))| RawPost {
            source: DEMO_SOURCE.to_string(),
            source_id: format!("demo:webcare:{seed}:{number}"),
            created_at: now - TimeDelta::minutes(7 * (number as i64 + 1)),
            text: (*text).to_string(),
            author_id: format!("demo:inwoner:{seed}:{number}"),
            language: Some("nl".to_string()),
            url: Some(format!(
                "https://social.example.org/@inwoner{number}/statuses/{seed}{number:03}"
            )),
            reply_to_author_id: is_reply.then(|| DEMO_OWN_ACCOUNT.to_string()),
            is_repost: false,
        })
        .collect()
}

/// Generates the demo corpus described in the module documentation, in time order.
pub fn generate(config: &DemoConfig) -> impl Iterator<Item = RawPost> {
    DemoPosts::new(config)
}

/// Samples author ranks from a Zipf–Mandelbrot distribution.
struct AuthorPool {
    cumulative_weights: Vec<f64>,
    id_offset: u64,
}

impl AuthorPool {
    fn new(posts: usize, seed: u64) -> Self {
        let pool_size = (posts / 9 + 12).min(AUTHOR_ID_MODULUS as usize);
        let mut total = 0.0;
        let cumulative_weights = (0..pool_size)
            .map(|rank| {
                total += 1.0 / (rank as f64 + 10.0);
                total
            })
            .collect();
        AuthorPool {
            cumulative_weights,
            id_offset: seed % AUTHOR_ID_MODULUS,
        }
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.cumulative_weights.last().copied().unwrap_or(0.0);
        let target = rng.random::<f64>() * total;
        let rank = self
            .cumulative_weights
            .partition_point(|cumulative| *cumulative <= target);
        rank.min(self.cumulative_weights.len().saturating_sub(1))
    }

    /// Another author than `author_rank`.
    fn sample_other(&self, rng: &mut ChaCha8Rng, author_rank: usize) -> usize {
        for _ in 0..4 {
            let rank = self.sample(rng);
            if rank != author_rank {
                return rank;
            }
        }
        (author_rank + 1) % self.cumulative_weights.len().max(1)
    }

    fn author_id(&self, rank: usize) -> String {
        let permuted = (rank as u64 % AUTHOR_ID_MODULUS * AUTHOR_ID_MULTIPLIER + self.id_offset)
            % AUTHOR_ID_MODULUS;
        let number = AUTHOR_ID_BASE + permuted;
        format!("demo:user:{number}")
    }
}

/// Cumulative topic weights, for all topics and for those with English templates.
struct TopicTable {
    all: Vec<(usize, u32)>,
    english: Vec<(usize, u32)>,
}

impl TopicTable {
    fn new() -> Self {
        let mut all = Vec::new();
        let mut english = Vec::new();
        let mut all_total = 0;
        let mut english_total = 0;
        for (index, topic) in MUNICIPAL_TOPICS.iter().enumerate() {
            all_total += topic.weight;
            all.push((index, all_total));
            if !topic.english.is_empty() {
                english_total += topic.weight;
                english.push((index, english_total));
            }
        }
        TopicTable { all, english }
    }

    fn pick(&self, rng: &mut ChaCha8Rng, english: bool) -> usize {
        let table = if english { &self.english } else { &self.all };
        let total = table.last().map(|(_, cumulative)| *cumulative).unwrap_or(0);
        if total == 0 {
            return 0;
        }
        let target = rng.random_range(0..total);
        table
            .iter()
            .find(|(_, cumulative)| target < *cumulative)
            .map(|(index, _)| *index)
            .unwrap_or(0)
    }
}

/// The iterator behind [`generate`].
struct DemoPosts {
    rng: ChaCha8Rng,
    seed: u64,
    start: DateTime<Utc>,
    /// Posts per hour of the period.
    hourly_counts: Vec<u32>,
    /// Share of storm posts per hour of the period.
    storm_shares: Vec<f64>,
    /// The first hour after the storm's peak.
    storm_peak_end_hour: usize,
    next_hour: usize,
    current_hour_start: DateTime<Utc>,
    current_storm_share: f64,
    current_hour_is_after_storm_peak: bool,
    /// Seconds into the current hour of the posts still to come, latest first.
    pending_seconds: Vec<u32>,
    authors: AuthorPool,
    topics: TopicTable,
    produced: usize,
    total: usize,
}

impl DemoPosts {
    fn new(config: &DemoConfig) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let hours = config.effective_days() as usize * 24;
        let burst_start_hour = config.burst_day() as usize * 24 + BURST_FIRST_HOUR as usize;
        let day_factors: Vec<f64> = (0..config.effective_days())
            .map(|_| rng.random_range(0.85..1.15))
            .collect();
        let mut cumulative_weights = Vec::with_capacity(hours);
        let mut storm_shares = Vec::with_capacity(hours);
        let mut total_weight = 0.0;
        for hour_index in 0..hours {
            let moment = config.start + TimeDelta::hours(hour_index as i64);
            let activity = HOURLY_ACTIVITY
                .get(moment.hour() as usize)
                .copied()
                .unwrap_or(1.0);
            let day_factor = day_factors.get(hour_index / 24).copied().unwrap_or(1.0);
            let storm_extra = storm_extra(hour_index, burst_start_hour);
            total_weight +=
                activity * weekday_factor(moment.weekday()) * day_factor * (1.0 + storm_extra);
            cumulative_weights.push(total_weight);
            storm_shares.push(storm_extra / (1.0 + storm_extra));
        }
        let mut hourly_counts = vec![0u32; hours];
        for _ in 0..config.posts {
            let target = rng.random::<f64>() * total_weight;
            let hour_index = cumulative_weights
                .partition_point(|cumulative| *cumulative <= target)
                .min(hours - 1);
            if let Some(count) = hourly_counts.get_mut(hour_index) {
                *count += 1;
            }
        }
        DemoPosts {
            rng,
            seed: config.seed,
            start: config.start,
            hourly_counts,
            storm_shares,
            storm_peak_end_hour: burst_start_hour + BURST_HOURS,
            next_hour: 0,
            current_hour_start: config.start,
            current_storm_share: 0.0,
            current_hour_is_after_storm_peak: false,
            pending_seconds: Vec::new(),
            authors: AuthorPool::new(config.posts, config.seed),
            topics: TopicTable::new(),
            produced: 0,
            total: config.posts,
        }
    }

    /// Moves to the next hour with posts; false when there is none.
    fn advance_hour(&mut self) -> bool {
        while self.pending_seconds.is_empty() {
            let Some(count) = self.hourly_counts.get(self.next_hour).copied() else {
                return false;
            };
            self.current_hour_start = self.start + TimeDelta::hours(self.next_hour as i64);
            self.current_storm_share = self
                .storm_shares
                .get(self.next_hour)
                .copied()
                .unwrap_or(0.0);
            self.current_hour_is_after_storm_peak = self.next_hour >= self.storm_peak_end_hour;
            self.next_hour += 1;
            self.pending_seconds = (0..count).map(|_| self.rng.random_range(0..3600)).collect();
            self.pending_seconds
                .sort_unstable_by(|left, right| right.cmp(left));
        }
        true
    }

    fn make_post(&mut self, created_at: DateTime<Utc>) -> RawPost {
        let author_rank = self.authors.sample(&mut self.rng);
        let reply_to_rank = if self.rng.random_bool(REPLY_SHARE) {
            Some(self.authors.sample_other(&mut self.rng, author_rank))
        } else {
            None
        };
        let english = self.rng.random_bool(ENGLISH_SHARE);
        let kind = if self.rng.random::<f64>() < self.current_storm_share {
            Kind::Storm {
                aftermath: self.current_hour_is_after_storm_peak,
            }
        } else if self.rng.random_bool(OFF_TOPIC_SHARE) {
            Kind::OffTopic
        } else {
            Kind::Municipal(self.topics.pick(&mut self.rng, english))
        };
        let sentiment = Sentiment::pick(&mut self.rng, kind);
        let text = compose(
            &mut self.rng,
            kind,
            sentiment,
            english,
            reply_to_rank.is_some(),
        );
        let language = if self.rng.random_bool(LANGUAGE_TAG_SHARE) {
            Some(if english { "en" } else { "nl" }.to_string())
        } else {
            None
        };
        RawPost {
            source: DEMO_SOURCE.to_string(),
            source_id: format!("demo:{}:{}", self.seed, self.produced),
            created_at,
            text,
            author_id: self.authors.author_id(author_rank),
            language,
            url: None,
            reply_to_author_id: reply_to_rank.map(|rank| self.authors.author_id(rank)),
            // About one post in nine is a repost; derived from the sequence number so the
            // random stream (and every other figure of a seed) stays the same.
            is_repost: self.produced % 9 == 4,
        }
    }
}

impl Iterator for DemoPosts {
    type Item = RawPost;

    fn next(&mut self) -> Option<RawPost> {
        if !self.advance_hour() {
            return None;
        }
        let second = self.pending_seconds.pop()?;
        let created_at = self.current_hour_start + TimeDelta::seconds(i64::from(second));
        let post = self.make_post(created_at);
        self.produced += 1;
        Some(post)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = self.total.saturating_sub(self.produced);
        (remaining, Some(remaining))
    }
}

/// Extra storm volume in an hour of the period, as a multiple of its normal volume.
fn storm_extra(hour_index: usize, burst_start_hour: usize) -> f64 {
    let Some(hours_since_start) = hour_index.checked_sub(burst_start_hour) else {
        return 0.0;
    };
    if hours_since_start < BURST_HOURS {
        return BURST_EXTRA;
    }
    let hours_after_peak = hours_since_start - BURST_HOURS + 1;
    if hours_after_peak > BURST_DECAY_SPAN {
        return 0.0;
    }
    BURST_EXTRA * (-(hours_after_peak as f64) / BURST_DECAY_HOURS).exp()
}

fn weekday_factor(weekday: Weekday) -> f64 {
    match weekday {
        Weekday::Sat => 0.88,
        Weekday::Sun => 0.84,
        _ => 1.06,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_matches_the_documentation() {
        let config = DemoConfig::default();
        assert_eq!(config.posts, 50_000);
        assert_eq!(config.seed, 42);
        assert_eq!(config.start.to_rfc3339(), "2026-10-01T00:00:00+00:00");
        assert_eq!(config.days, 30);
        assert_eq!(config.burst_day(), 20);
        assert_eq!(
            config.burst_start().to_rfc3339(),
            "2026-10-21T15:00:00+00:00"
        );
    }

    #[test]
    fn burst_day_stays_inside_short_periods() {
        for days in [0, 1, 2, 3] {
            let config = DemoConfig {
                days,
                ..DemoConfig::default()
            };
            assert!(config.burst_day() < days.max(1));
        }
    }

    #[test]
    fn storm_volume_peaks_then_decays() {
        assert_eq!(storm_extra(9, 10), 0.0);
        assert_eq!(storm_extra(10, 10), BURST_EXTRA);
        assert_eq!(storm_extra(15, 10), BURST_EXTRA);
        let first_after = storm_extra(16, 10);
        let later = storm_extra(26, 10);
        assert!(first_after < BURST_EXTRA && later < first_after && later > 0.0);
        assert_eq!(storm_extra(10 + BURST_HOURS + BURST_DECAY_SPAN, 10), 0.0);
    }

    #[test]
    fn author_ids_are_distinct_per_rank() {
        let pool = AuthorPool::new(9_000, 7);
        let mut ids: Vec<String> = (0..1_012).map(|rank| pool.author_id(rank)).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 1_012);
        assert!(ids.iter().all(|id| id.starts_with("demo:user:")));
    }

    #[test]
    fn zero_posts_and_zero_days_work() {
        let none = DemoConfig {
            posts: 0,
            ..DemoConfig::default()
        };
        assert_eq!(generate(&none).count(), 0);
        let one_day = DemoConfig {
            posts: 100,
            days: 0,
            ..DemoConfig::default()
        };
        assert_eq!(generate(&one_day).count(), 100);
    }
}
