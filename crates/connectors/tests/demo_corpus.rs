//! The demo corpus: deterministic for a seed, and shaped as documented.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, TimeDelta, Timelike, Weekday};
use peil_connectors::demo::{generate, DemoConfig, DEMO_SOURCE};
use peil_connectors::RawPost;

fn corpus(config: &DemoConfig) -> Vec<RawPost> {
    generate(config).collect()
}

fn share(posts: &[RawPost], test: impl Fn(&RawPost) -> bool) -> f64 {
    let matching = posts.iter().filter(|post| test(post)).count();
    matching as f64 / posts.len().max(1) as f64
}

fn assert_between(name: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..=high).contains(&value),
        "{name}: {value:.4} is not between {low} and {high}"
    );
}

#[test]
fn same_seed_gives_the_same_posts_and_another_seed_others() {
    let config = DemoConfig {
        posts: 3_000,
        ..DemoConfig::default()
    };
    let first = corpus(&config);
    let second = corpus(&config);
    assert_eq!(first.len(), 3_000);
    assert!(first == second, "the same seed gave different posts");

    let other = corpus(&DemoConfig {
        seed: 43,
        ..config.clone()
    });
    assert_eq!(other.len(), 3_000);
    let same_text = first
        .iter()
        .zip(&other)
        .filter(|(left, right)| left.text == right.text)
        .count();
    assert!(same_text < 300, "{same_text} identical texts across seeds");
    assert!(other
        .first()
        .is_some_and(|post| post.source_id == "demo:43:0"));
}

#[test]
fn default_corpus_has_the_documented_shape() {
    let config = DemoConfig::default();
    let posts = corpus(&config);
    assert_eq!(posts.len(), 50_000);
    assert_eq!(generate(&config).size_hint(), (50_000, Some(50_000)));

    // Identity, source and time order.
    let source_ids: BTreeSet<&str> = posts.iter().map(|post| post.source_id.as_str()).collect();
    assert_eq!(source_ids.len(), posts.len());
    assert!(posts.iter().all(|post| post.source == DEMO_SOURCE));
    assert!(posts
        .first()
        .is_some_and(|post| post.source_id == "demo:42:0"));
    let end = config.start + TimeDelta::days(i64::from(config.days));
    assert!(posts
        .iter()
        .all(|post| post.created_at >= config.start && post.created_at < end));
    assert!(posts
        .windows(2)
        .all(|pair| matches!(pair, [earlier, later] if earlier.created_at <= later.created_at)));
    assert!(posts.iter().all(|post| !post.text.trim().is_empty()
        && !post.text.contains('{')
        && post.url.is_none()));

    // Languages: ~70% tagged, ~10% English.
    assert_between(
        "tagged",
        share(&posts, |post| post.language.is_some()),
        0.67,
        0.73,
    );
    let tagged: Vec<RawPost> = posts
        .iter()
        .filter(|post| post.language.is_some())
        .cloned()
        .collect();
    assert_between(
        "English among tagged",
        share(&tagged, |post| post.language.as_deref() == Some("en")),
        0.08,
        0.12,
    );
    assert!(tagged
        .iter()
        .all(|post| matches!(post.language.as_deref(), Some("nl" | "en"))));

    // Authors: about one per ten posts, Zipf-like; ~15% replies to someone else.
    let mut posts_per_author: BTreeMap<&str, usize> = BTreeMap::new();
    for post in &posts {
        *posts_per_author.entry(post.author_id.as_str()).or_insert(0) += 1;
    }
    let author_count = posts_per_author.len();
    assert!(
        (posts.len() / 14..=posts.len() / 7).contains(&author_count),
        "{author_count} authors"
    );
    let heaviest = posts_per_author.values().copied().max().unwrap_or(0);
    assert!(
        heaviest > 200 && heaviest < posts.len() / 20,
        "heaviest author has {heaviest} posts"
    );
    let single_post_authors = posts_per_author
        .values()
        .filter(|count| **count == 1)
        .count();
    assert!(single_post_authors > author_count / 10);
    assert!(posts_per_author
        .keys()
        .all(|id| id.starts_with("demo:user:")));
    assert_between(
        "replies",
        share(&posts, |post| post.reply_to_author_id.is_some()),
        0.13,
        0.17,
    );
    assert!(posts
        .iter()
        .all(|post| post.reply_to_author_id.as_deref() != Some(post.author_id.as_str())));

    // Personal data for de-identification to find.
    assert_between(
        "e-mail",
        share(&posts, |post| {
            ["@voorbeeld.", "@example."]
                .iter()
                .any(|domain| post.text.contains(domain))
        }),
        0.04,
        0.06,
    );
    assert_between(
        "phone",
        share(&posts, |post| has_phone_number(&post.text)),
        0.03,
        0.05,
    );
    assert_between(
        "handle",
        share(&posts, |post| has_handle(&post.text)),
        0.06,
        0.10,
    );
    assert_between(
        "profile URL",
        share(&posts, |post| {
            [
                "x.com/",
                "mastodon.social/@",
                "bsky.app/profile/",
                "instagram.com/",
            ]
            .iter()
            .any(|marker| post.text.contains(marker))
        }),
        0.02,
        0.04,
    );
    assert_between(
        "news link",
        share(&posts, |post| {
            ["nos.nl/artikel/", "rtvutrecht.nl/nieuws/", "duic.nl/"]
                .iter()
                .any(|marker| post.text.contains(marker))
        }),
        0.03,
        0.05,
    );
    assert_between(
        "hashtags",
        share(&posts, |post| post.text.contains('#')),
        0.25,
        0.45,
    );
    assert_between(
        "off-topic chatter (a few clear markers)",
        share(&posts, |post| {
            [
                "FC Utrecht",
                "Ajax",
                "Feyenoord",
                "PSV",
                "Oranje",
                "koffie",
                "Boer zoekt Vrouw",
                "Heel Holland Bakt",
                "herfstzonnetje",
                "nachtvorst",
            ]
            .iter()
            .any(|marker| post.text.to_lowercase().contains(&marker.to_lowercase()))
        }),
        0.03,
        0.15,
    );
}

fn has_phone_number(text: &str) -> bool {
    let digits_only: String = text
        .split_whitespace()
        .map(|word| word.trim_end_matches(['.', ',', '!', '?']))
        .collect::<Vec<_>>()
        .join(" ");
    digits_only.contains("+31")
        || digits_only.contains("06-")
        || digits_only.split(' ').any(|word| {
            word.starts_with("06") && word.len() >= 4 && word.chars().all(|c| c.is_ascii_digit())
        })
}

fn has_handle(text: &str) -> bool {
    text.split_whitespace().any(|word| {
        let without_bracket = word.trim_start_matches('(');
        without_bracket.starts_with('@') && without_bracket.len() > 1
    })
}

#[test]
fn time_has_a_daily_rhythm_and_one_storm_burst() {
    let config = DemoConfig::default();
    let posts = corpus(&config);
    let burst_day = i64::from(config.burst_day());
    assert_eq!(burst_day, 20);

    let mut per_day = vec![0usize; config.days as usize];
    let mut per_hour_of_day = [0usize; 24];
    let mut weekday_posts = 0usize;
    let mut weekend_posts = 0usize;
    for post in &posts {
        let day = (post.created_at - config.start).num_days();
        if let Some(count) = per_day.get_mut(day as usize) {
            *count += 1;
        }
        if (burst_day..=burst_day + 1).contains(&day) {
            continue;
        }
        if let Some(count) = per_hour_of_day.get_mut(post.created_at.hour() as usize) {
            *count += 1;
        }
        match post.created_at.weekday() {
            Weekday::Sat | Weekday::Sun => weekend_posts += 1,
            _ => weekday_posts += 1,
        }
    }

    // The burst day stands out clearly against an ordinary day.
    let mut ordinary_days: Vec<usize> = per_day
        .iter()
        .enumerate()
        .filter(|(day, _)| !(burst_day..=burst_day + 1).contains(&(*day as i64)))
        .map(|(_, count)| *count)
        .collect();
    ordinary_days.sort_unstable();
    let median_day = ordinary_days
        .get(ordinary_days.len() / 2)
        .copied()
        .unwrap_or(0);
    let storm_day = per_day.get(burst_day as usize).copied().unwrap_or(0);
    assert!(
        storm_day > median_day * 5 / 2,
        "burst day {storm_day} vs median {median_day}"
    );

    // During the burst about eight times the volume of the same hours on ordinary days.
    let burst_start = config.burst_start();
    let burst_end = burst_start + TimeDelta::hours(6);
    let in_burst = posts
        .iter()
        .filter(|post| post.created_at >= burst_start && post.created_at < burst_end)
        .count() as f64;
    let same_hours_ordinary: f64 = (15..21)
        .map(|hour| per_hour_of_day.get(hour).copied().unwrap_or(0) as f64)
        .sum::<f64>()
        / (config.days as f64 - 2.0);
    let ratio = in_burst / same_hours_ordinary;
    assert!((6.0..=10.0).contains(&ratio), "burst ratio {ratio:.2}");

    // Storm talk belongs to the burst.
    let mentions_storm = |post: &&RawPost| {
        let lower = post.text.to_lowercase();
        ["storm", "omgewaaid", "windstoten", "the wind"]
            .iter()
            .any(|word| lower.contains(word))
    };
    let storm_in_burst = posts
        .iter()
        .filter(|post| post.created_at >= burst_start && post.created_at < burst_end)
        .filter(mentions_storm)
        .count() as f64;
    assert!(
        storm_in_burst / in_burst > 0.75,
        "{storm_in_burst} of {in_burst}"
    );
    let storm_elsewhere = posts
        .iter()
        .filter(|post| post.created_at < burst_start - TimeDelta::hours(1))
        .filter(mentions_storm)
        .count();
    assert!(
        storm_elsewhere < 50,
        "{storm_elsewhere} storm posts before the storm"
    );

    // Quiet nights, busy mornings and evenings, weekdays a bit busier than weekends.
    let average = |hours: &[usize]| {
        hours
            .iter()
            .map(|hour| per_hour_of_day.get(*hour).copied().unwrap_or(0) as f64)
            .sum::<f64>()
            / hours.len() as f64
    };
    let night = average(&[1, 2, 3, 4, 5]);
    let peaks = average(&[8, 9, 19, 20, 21]);
    assert!(night * 4.0 < peaks, "night {night:.0} vs peaks {peaks:.0}");
    let weekday_days = posts_days(&config, false) as f64;
    let weekend_days = posts_days(&config, true) as f64;
    let weekday_average = weekday_posts as f64 / weekday_days;
    let weekend_average = weekend_posts as f64 / weekend_days;
    assert!(
        weekday_average > weekend_average * 1.05,
        "weekday {weekday_average:.0} vs weekend {weekend_average:.0}"
    );
}

/// Ordinary (non-storm) days of the default period that fall on a weekend, or not.
fn posts_days(config: &DemoConfig, weekend: bool) -> usize {
    let burst_day = i64::from(config.burst_day());
    (0..i64::from(config.days))
        .filter(|day| !(burst_day..=burst_day + 1).contains(day))
        .filter(|day| {
            let weekday = (config.start + TimeDelta::days(*day)).weekday();
            matches!(weekday, Weekday::Sat | Weekday::Sun) == weekend
        })
        .count()
}

#[test]
fn large_corpora_generate_quickly_and_completely() {
    let config = DemoConfig {
        posts: 200_000,
        seed: 7,
        ..DemoConfig::default()
    };
    let mut count = 0usize;
    let mut total_text_bytes = 0usize;
    for post in generate(&config) {
        count += 1;
        total_text_bytes += post.text.len();
    }
    assert_eq!(count, 200_000);
    let average_length = total_text_bytes / count;
    assert!((40..=220).contains(&average_length), "{average_length}");
}
