//! Quick measurement of the de-identification engine while `peil eval deid` is being written:
//! per-type recall and redaction precision on a gold file in the format of
//! `shared/data/README-pii-gold.md`, and posts per second (whole engine and per detector) on the
//! real tweets file.
//!
//! ```text
//! cargo run --release -p peil-deid --example deid_structured_measure -- quality [GOLD.jsonl] [--misses]
//! cargo run --release -p peil-deid --example deid_structured_measure -- speed [TWEETS.csv]
//! ```
//!
//! This is a developer tool on invented or test data: it prints misses with context on request.

use std::collections::BTreeMap;
use std::time::Instant;

use peil_deid::detectors::{default_detectors, Detector};
use peil_deid::{AllowList, Deidentifier};
use peil_model::PlaceholderKind;

fn shared_data(file: &str) -> String {
    format!("{}/../../../shared/data/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let mode = arguments.first().map(String::as_str).unwrap_or("quality");
    let path = arguments
        .get(1)
        .filter(|argument| !argument.starts_with("--"));
    let show_misses = arguments.iter().any(|argument| argument == "--misses");
    match mode {
        "speed" => speed(
            path.cloned()
                .unwrap_or_else(|| shared_data("nl-mp-tweets/example_raw_tweets.csv")),
        ),
        _ => quality(
            path.cloned()
                .unwrap_or_else(|| shared_data("pii-gold-dev.jsonl")),
            show_misses,
        ),
    }
}

fn gold_type(kind: PlaceholderKind) -> &'static str {
    match kind {
        PlaceholderKind::Email => "EMAIL",
        PlaceholderKind::Url => "URL",
        PlaceholderKind::Handle => "HANDLE",
        PlaceholderKind::Phone => "PHONE",
        PlaceholderKind::Person => "PERSON",
        PlaceholderKind::Bsn => "BSN",
        PlaceholderKind::Iban => "IBAN",
        PlaceholderKind::Postcode => "POSTCODE",
        PlaceholderKind::Address => "ADDRESS",
        PlaceholderKind::LicensePlate => "LICENSE_PLATE",
        PlaceholderKind::Ip => "IP",
        PlaceholderKind::DateOfBirth => "DATE_OF_BIRTH",
    }
}

#[derive(Default)]
struct TypeScore {
    support: usize,
    found: usize,
    predicted_characters: usize,
    correct_characters: usize,
    org_support: usize,
    org_kept: usize,
}

fn quality(path: String, show_misses: bool) {
    let Ok(content) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read the gold file (set a path as second argument)");
        std::process::exit(2);
    };
    let engine = Deidentifier::default();
    let mut scores: BTreeMap<String, TypeScore> = BTreeMap::new();
    let mut total_redacted = 0usize;
    let mut total_correct = 0usize;
    let mut structured_redacted = 0usize;
    let mut structured_correct = 0usize;
    let mut structured_support = 0usize;
    let mut structured_found = 0usize;
    for line in content.lines().filter(|line| !line.trim().is_empty()) {
        let Ok(post) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let text = post["text"].as_str().unwrap_or_default();
        let id = post["id"].as_str().unwrap_or_default();
        let characters: Vec<char> = text.chars().collect();
        // byte offset -> code point index
        let mut byte_to_char = vec![0usize; text.len() + 1];
        for (char_index, (byte_index, _)) in text.char_indices().enumerate() {
            byte_to_char[byte_index] = char_index;
        }
        byte_to_char[text.len()] = characters.len();
        let redaction = engine.redact(text);
        let mut redacted_kind: Vec<Option<PlaceholderKind>> = vec![None; characters.len()];
        for span in &redaction.spans {
            for slot in &mut redacted_kind[byte_to_char[span.start]..byte_to_char[span.end]] {
                *slot = Some(span.kind);
            }
        }
        let spans = post["spans"].as_array().cloned().unwrap_or_default();
        let mut gold_personal = vec![false; characters.len()];
        for span in &spans {
            let start = span["start"].as_u64().unwrap_or(0) as usize;
            let end = span["end"].as_u64().unwrap_or(0) as usize;
            let kind = span["type"].as_str().unwrap_or_default().to_string();
            let org = span["org"].as_bool().unwrap_or(false);
            let score = scores.entry(kind.clone()).or_default();
            let non_space: Vec<usize> = (start..end)
                .filter(|index| !characters[*index].is_whitespace())
                .collect();
            if org {
                score.org_support += 1;
                let kept = non_space
                    .iter()
                    .all(|index| redacted_kind[*index].is_none());
                if kept {
                    score.org_kept += 1;
                } else if show_misses {
                    println!(
                        "ORG-REDACTED {id} {kind}: {:?}",
                        slice(&characters, start, end)
                    );
                }
                continue;
            }
            for slot in &mut gold_personal[start..end] {
                *slot = true;
            }
            score.support += 1;
            let found = non_space
                .iter()
                .all(|index| redacted_kind[*index].is_some());
            if kind != "PERSON" {
                structured_support += 1;
                if found {
                    structured_found += 1;
                }
            }
            if found {
                score.found += 1;
            } else if show_misses {
                println!(
                    "MISS {id} {kind}: {:?} in {:?}",
                    slice(&characters, start, end),
                    slice(
                        &characters,
                        start.saturating_sub(40),
                        (end + 40).min(characters.len())
                    )
                );
            }
        }
        for span in &redaction.spans {
            let from = byte_to_char[span.start];
            let to = byte_to_char[span.end];
            let mut predicted = 0;
            let mut correct = 0;
            for index in from..to {
                if characters[index].is_whitespace() {
                    continue;
                }
                predicted += 1;
                if gold_personal[index] {
                    correct += 1;
                }
            }
            let score = scores.entry(gold_type(span.kind).to_string()).or_default();
            score.predicted_characters += predicted;
            score.correct_characters += correct;
            total_redacted += predicted;
            total_correct += correct;
            if span.kind != PlaceholderKind::Person {
                structured_redacted += predicted;
                structured_correct += correct;
            }
            if correct < predicted && show_misses {
                println!(
                    "FALSE-POSITIVE {id} {}: {:?}",
                    gold_type(span.kind),
                    slice(&characters, from, to)
                );
            }
        }
    }
    println!(
        "{:<14} {:>7} {:>7} {:>9} {:>9} {:>8}",
        "type", "support", "recall", "pred.chr", "precision", "org_kept"
    );
    for (kind, score) in &scores {
        let recall = ratio(score.found, score.support);
        let precision = ratio(score.correct_characters, score.predicted_characters);
        println!(
            "{kind:<14} {:>7} {:>7} {:>9} {:>9} {:>5}/{}",
            score.support,
            format_ratio(recall),
            score.predicted_characters,
            format_ratio(precision),
            score.org_kept,
            score.org_support
        );
    }
    let org_support: usize = scores.values().map(|score| score.org_support).sum();
    let org_kept: usize = scores.values().map(|score| score.org_kept).sum();
    println!(
        "recall_structured {} ({structured_found}/{structured_support}); precision all {} ; precision of structured redactions {} ; org_kept {} ({org_kept}/{org_support})",
        format_ratio(ratio(structured_found, structured_support)),
        format_ratio(ratio(total_correct, total_redacted)),
        format_ratio(ratio(structured_correct, structured_redacted)),
        format_ratio(ratio(org_kept, org_support)),
    );
}

fn slice(characters: &[char], start: usize, end: usize) -> String {
    characters[start..end].iter().collect()
}

fn ratio(numerator: usize, denominator: usize) -> Option<f64> {
    if denominator == 0 {
        None
    } else {
        Some(numerator as f64 / denominator as f64)
    }
}

fn format_ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |value| format!("{value:.3}"))
}

fn read_tweets(path: &str) -> Vec<String> {
    let Ok(content) = std::fs::read_to_string(path) else {
        eprintln!("cannot read the tweets file");
        std::process::exit(2);
    };
    let mut lines = content.lines();
    let header = lines.next().unwrap_or_default();
    let column = header
        .split('\t')
        .position(|name| name == "CONTENT")
        .unwrap_or(3);
    lines
        .filter_map(|line| line.split('\t').nth(column))
        .map(str::to_string)
        .collect()
}

/// Seconds per post of `work` over all posts: the fastest of several rounds, because the
/// machine is shared and slower rounds measure the neighbours, not the code.
fn fastest_seconds_per_post(posts: &[String], rounds: usize, mut work: impl FnMut(&str)) -> f64 {
    let mut fastest = f64::INFINITY;
    for _ in 0..rounds {
        let started = Instant::now();
        for post in posts {
            work(post);
        }
        fastest = fastest.min(started.elapsed().as_secs_f64());
    }
    fastest / posts.len() as f64
}

fn speed(path: String) {
    let posts = read_tweets(&path);
    let engine = Deidentifier::default();
    let allow = AllowList::dutch_defaults();
    let rounds = 15;
    let per_post = fastest_seconds_per_post(&posts, rounds, |post| {
        std::hint::black_box(engine.redact(post));
    });
    println!(
        "whole engine: {} posts, fastest of {rounds} rounds: {:.0} posts/s on one core ({:.2} µs/post)",
        posts.len(),
        1.0 / per_post,
        per_post * 1e6
    );
    let detectors: Vec<Box<dyn Detector>> = default_detectors();
    let mut spans = Vec::new();
    let mut structured_total = 0.0;
    for detector in &detectors {
        let per_post = fastest_seconds_per_post(&posts, rounds, |post| {
            spans.clear();
            detector.detect(post, &allow, &mut spans);
            std::hint::black_box(&spans);
        });
        if detector.name() != "person-name" {
            structured_total += per_post;
        }
        println!("  {:<16} {:.3} µs/post", detector.name(), per_post * 1e6);
    }
    println!(
        "  all but person-name: {:.3} µs/post",
        structured_total * 1e6
    );
}
