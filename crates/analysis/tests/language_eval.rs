//! Language detection on the shared data sets: Dutch tweets of members of parliament (nearly
//! all Dutch; some are English) and English TweetEval tweets.
//!
//! Run with output: `cargo test -p peil-analysis --release --test language_eval -- --nocapture`

mod common;

use std::collections::BTreeMap;

use peil_analysis::eval::parse_csv;
use peil_analysis::language::detect;
use peil_model::Language;

fn shares(texts: &[String]) -> BTreeMap<&'static str, f64> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for text in texts {
        *counts.entry(detect(text).code()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(code, count)| (code, count as f64 / texts.len().max(1) as f64))
        .collect()
}

#[test]
fn dutch_mp_tweets_are_detected_as_dutch() {
    let Some(path) = common::data_file("nl-mp-tweets/example_raw_tweets.csv") else {
        return;
    };
    let content = std::fs::read_to_string(&path).expect("tweets readable");
    let mut lines = content.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let column = header
        .iter()
        .position(|name| *name == "CONTENT")
        .expect("CONTENT column");
    let texts: Vec<String> = lines
        .filter_map(|line| line.split('\t').nth(column).map(str::to_string))
        .collect();
    assert!(texts.len() > 2_000);
    let shares = shares(&texts);
    println!("nl-mp-tweets (n={}): {shares:?}", texts.len());
    let dutch = shares.get("nl").copied().unwrap_or_default();
    assert!(dutch >= 0.89, "share detected as nl regressed: {dutch:.3}");
}

#[test]
fn english_tweeteval_is_detected_as_english() {
    let Some(path) = common::data_file("tweeteval-sentiment-en/val_text.txt") else {
        return;
    };
    let content = std::fs::read_to_string(&path).expect("tweets readable");
    let texts: Vec<String> = content.lines().map(str::to_string).collect();
    let shares = shares(&texts);
    println!("tweeteval val (n={}): {shares:?}", texts.len());
    let english = shares.get("en").copied().unwrap_or_default();
    assert!(
        english >= 0.99,
        "share detected as en regressed: {english:.3}"
    );
}

#[test]
fn dutch_hatecheck_cases_are_detected_as_dutch() {
    let Some(path) = common::data_file("hatecheck-nl/hatecheck_cases_final_dutch.csv") else {
        return;
    };
    let content = std::fs::read_to_string(&path).expect("cases readable");
    let records = parse_csv(&content);
    let Some((_, header)) = records.first() else {
        panic!("empty hatecheck file");
    };
    let column = header
        .iter()
        .position(|name| name == "test_case")
        .expect("test_case column");
    let texts: Vec<String> = records
        .iter()
        .skip(1)
        .filter_map(|(_, fields)| fields.get(column).cloned())
        .collect();
    let shares = shares(&texts);
    println!("hatecheck-nl (n={}): {shares:?}", texts.len());
    let dutch = shares.get("nl").copied().unwrap_or_default();
    assert!(dutch >= 0.98, "share detected as nl regressed: {dutch:.3}");
    assert_eq!(Language::from_tag("nl"), Language::Nl);
}
