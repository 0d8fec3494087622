//! Measures the person-name detector until `peil eval deid` has its own scorers.
//!
//! ```text
//! cargo run --release -p peil-deid --example person_eval -- conll FILE [--errors N]
//! cargo run --release -p peil-deid --example person_eval -- gold FILE [--errors]
//! cargo run --release -p peil-deid --example person_eval -- speed FILE
//! ```
//!
//! - `conll`: CoNLL-2002 (`token POS tag` per line, blank line between sentences); each sentence
//!   is given as its tokens joined by single spaces; a token is predicted PER when it lies
//!   entirely inside a redacted person span; prints token precision, recall and F1 for PER.
//! - `gold`: the PII gold format of `../shared/data/README-pii-gold.md`; PERSON span recall (a
//!   span is found when every non-space character is inside a redacted span of any kind) and the
//!   person spans that cover no PERSON gold span (false positives).
//! - `speed`: the `CONTENT` column of a tab-separated tweets file; posts per second on one core
//!   for the person detector alone and for the whole engine (`speed-person`: the detector only).
//!
//! This is an evaluation tool for developers: it prints the text of misses and false positives
//! of the evaluation files it is given, never of production data.

use std::error::Error;
use std::time::Instant;

use peil_deid::detectors::detect_person_names;
use peil_deid::{AllowList, Deidentifier};
use peil_model::PlaceholderKind;

fn main() -> Result<(), Box<dyn Error>> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let mode = arguments.first().map(String::as_str).unwrap_or_default();
    let Some(path) = arguments.get(1) else {
        return Err("usage: person_eval conll|gold|speed FILE [--errors [N]]".into());
    };
    let show_errors = arguments.iter().any(|argument| argument == "--errors");
    let error_limit = arguments
        .iter()
        .position(|argument| argument == "--errors")
        .and_then(|position| arguments.get(position + 1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(60usize);
    let contents = std::fs::read_to_string(path)?;
    match mode {
        "conll" => conll(&contents, show_errors, error_limit),
        "gold" => gold(&contents, show_errors),
        "speed" => speed(&contents, true),
        "speed-person" => speed(&contents, false),
        "show" => show(&contents),
        _ => Err("mode must be conll, gold or speed".into()),
    }
}

fn person_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    detect_person_names(text, &AllowList::dutch_defaults(), &mut spans);
    spans.iter().map(|span| (span.start, span.end)).collect()
}

fn conll(contents: &str, show_errors: bool, error_limit: usize) -> Result<(), Box<dyn Error>> {
    let mut sentences: Vec<Vec<(String, bool)>> = Vec::new();
    let mut current = Vec::new();
    for line in contents.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                sentences.push(std::mem::take(&mut current));
            }
            continue;
        }
        let parts: Vec<&str> = line.split(' ').collect();
        let (Some(token), Some(tag)) = (parts.first(), parts.last()) else {
            continue;
        };
        current.push((token.to_string(), tag.ends_with("PER")));
    }
    if !current.is_empty() {
        sentences.push(current);
    }
    let (mut true_positives, mut false_positives, mut false_negatives) = (0usize, 0usize, 0usize);
    let mut shown = 0;
    for sentence in &sentences {
        let mut text = String::new();
        let mut offsets = Vec::with_capacity(sentence.len());
        for (index, (token, _)) in sentence.iter().enumerate() {
            if index > 0 {
                text.push(' ');
            }
            offsets.push((text.len(), text.len() + token.len()));
            text.push_str(token);
        }
        let spans = person_spans(&text);
        let mut sentence_has_error = false;
        for ((start, end), (_, gold)) in offsets.iter().zip(sentence) {
            let predicted = spans
                .iter()
                .any(|(span_start, span_end)| span_start <= start && end <= span_end);
            match (predicted, *gold) {
                (true, true) => true_positives += 1,
                (true, false) => {
                    false_positives += 1;
                    sentence_has_error = true;
                }
                (false, true) => {
                    false_negatives += 1;
                    sentence_has_error = true;
                }
                (false, false) => {}
            }
        }
        if show_errors && sentence_has_error && shown < error_limit {
            shown += 1;
            let marked: Vec<String> = sentence
                .iter()
                .zip(&offsets)
                .map(|((token, gold), (start, end))| {
                    let predicted = spans.iter().any(|(s, e)| s <= start && end <= e);
                    match (predicted, *gold) {
                        (true, true) => format!("[{token}]"),
                        (true, false) => format!("[{token}]FP"),
                        (false, true) => format!("{token}_FN"),
                        (false, false) => token.clone(),
                    }
                })
                .collect();
            println!("{}", marked.join(" "));
        }
    }
    let precision = ratio(true_positives, true_positives + false_positives);
    let recall = ratio(true_positives, true_positives + false_negatives);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    println!(
        "{{\"per_precision\": {precision:.4}, \"per_recall\": {recall:.4}, \"per_f1\": {f1:.4}, \"tp\": {true_positives}, \"fp\": {false_positives}, \"fn\": {false_negatives}}}"
    );
    Ok(())
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// Byte offset of code point `index` in `text`.
fn byte_offset(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map(|(offset, _)| offset)
        .unwrap_or(text.len())
}

fn gold(contents: &str, show_errors: bool) -> Result<(), Box<dyn Error>> {
    let engine = Deidentifier::default();
    let (mut found, mut support) = (0usize, 0usize);
    let (mut person_characters, mut person_characters_in_gold) = (0usize, 0usize);
    for line in contents.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value = serde_json::from_str(line)?;
        let text = record["text"].as_str().unwrap_or_default();
        let identifier = record["id"].as_str().unwrap_or_default();
        let redaction = engine.redact(text);
        let mut gold_spans = Vec::new();
        for span in record["spans"].as_array().into_iter().flatten() {
            let start = byte_offset(text, span["start"].as_u64().unwrap_or(0) as usize);
            let end = byte_offset(text, span["end"].as_u64().unwrap_or(0) as usize);
            let kind = span["type"].as_str().unwrap_or_default().to_string();
            let organisation = span["org"].as_bool().unwrap_or(false);
            gold_spans.push((start, end, kind, organisation));
        }
        for (start, end, kind, organisation) in &gold_spans {
            if kind != "PERSON" || *organisation {
                continue;
            }
            support += 1;
            let covered = text
                .get(*start..*end)
                .unwrap_or_default()
                .char_indices()
                .filter(|(_, character)| !character.is_whitespace())
                .all(|(offset, _)| {
                    let position = start + offset;
                    redaction
                        .spans
                        .iter()
                        .any(|span| span.start <= position && position < span.end)
                });
            if covered {
                found += 1;
            } else if show_errors {
                println!(
                    "MISS {identifier}: {:?} in {:?}",
                    text.get(*start..*end).unwrap_or_default(),
                    text
                );
            }
        }
        for span in &redaction.spans {
            if span.kind != PlaceholderKind::Person {
                continue;
            }
            let inside_gold = gold_spans.iter().any(|(start, end, _, organisation)| {
                !organisation && *start <= span.start && span.end <= *end
            });
            let characters = text
                .get(span.start..span.end)
                .unwrap_or_default()
                .chars()
                .filter(|character| !character.is_whitespace())
                .count();
            person_characters += characters;
            if inside_gold {
                person_characters_in_gold += characters;
            } else if show_errors {
                println!(
                    "FALSE POSITIVE {identifier}: {:?} in {:?}",
                    text.get(span.start..span.end).unwrap_or_default(),
                    text
                );
            }
        }
    }
    println!(
        "{{\"person_recall\": {:.4}, \"support\": {support}, \"found\": {found}, \"person_redaction_precision\": {:.4}}}",
        ratio(found, support),
        ratio(person_characters_in_gold, person_characters)
    );
    Ok(())
}

fn speed(contents: &str, with_engine: bool) -> Result<(), Box<dyn Error>> {
    let mut lines = contents.lines();
    let header = lines.next().unwrap_or_default();
    let column = header
        .split('\t')
        .position(|name| name == "CONTENT")
        .ok_or("no CONTENT column")?;
    let posts: Vec<&str> = lines
        .filter_map(|line| line.split('\t').nth(column))
        .collect();
    if posts.is_empty() {
        return Err("no posts".into());
    }
    let allow = AllowList::dutch_defaults();
    let mut spans = Vec::new();
    detect_person_names("warm-up Jan", &allow, &mut spans);
    let rounds = 20;
    let started = Instant::now();
    let mut total = 0usize;
    for _ in 0..rounds {
        for post in &posts {
            spans.clear();
            detect_person_names(post, &allow, &mut spans);
            total += spans.len();
        }
    }
    let person_seconds = started.elapsed().as_secs_f64();
    let engine = Deidentifier::default();
    let _ = engine.redact("warm-up");
    let started = Instant::now();
    if with_engine {
        for _ in 0..rounds {
            for post in &posts {
                total += engine.redact(post).spans.len();
            }
        }
    }
    let engine_seconds = started.elapsed().as_secs_f64();
    let count = (posts.len() * rounds) as f64;
    println!(
        "{{\"posts\": {}, \"person_us_per_post\": {:.3}, \"person_posts_per_sec\": {:.0}, \"engine_posts_per_sec\": {:.0}, \"spans\": {total}}}",
        posts.len(),
        person_seconds / count * 1e6,
        count / person_seconds,
        count / engine_seconds
    );
    Ok(())
}

/// Prints every person span found in the `CONTENT` column with a little context (to review
/// false positives on a development file).
fn show(contents: &str) -> Result<(), Box<dyn Error>> {
    let mut lines = contents.lines();
    let header = lines.next().unwrap_or_default();
    let column = header
        .split('\t')
        .position(|name| name == "CONTENT")
        .ok_or("no CONTENT column")?;
    for line in lines {
        let Some(post) = line.split('\t').nth(column) else {
            continue;
        };
        for (start, end) in person_spans(post) {
            let before = post.get(..start).unwrap_or_default();
            let after = post.get(end..).unwrap_or_default();
            let before_start = before
                .char_indices()
                .rev()
                .nth(24)
                .map(|(offset, _)| offset)
                .unwrap_or(0);
            let after_end = after
                .char_indices()
                .nth(24)
                .map(|(offset, _)| offset)
                .unwrap_or(after.len());
            println!(
                "{}[{}]{}",
                before.get(before_start..).unwrap_or_default(),
                post.get(start..end).unwrap_or_default(),
                after.get(..after_end).unwrap_or_default()
            );
        }
    }
    Ok(())
}
