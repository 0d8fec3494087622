//! Measures language detection, sentiment, term extraction and full analysis throughput on
//! short posts.
//!
//! Run: `cargo run -p peil-analysis --release --example language_throughput`

use std::hint::black_box;
use std::time::Instant;

use peil_analysis::sentiment::SentimentModel;
use peil_analysis::{language, terms, Analyzer};
use peil_model::Language;

const POSTS: [&str; 6] = [
    "Het kabinet moet nu echt iets doen aan de wachtlijsten in de jeugdzorg [URL-1] #zorg 😡",
    "Goed nieuws voor de fietsers in onze gemeente! Nieuwe stalling bij het station 👍 @[HANDLE-1]",
    "The government should finally do something about the waiting lists [URL-2] #care",
    "[PERSOON-1] zegt dat de nieuwe regels voor terrassen per 1 juni ingaan. Wat vinden jullie?",
    "Die Regierung muss endlich etwas gegen die Wartelisten unternehmen",
    "Vanavond debat in de gemeenteraad over de begroting, de woningnood en het openbaar vervoer.",
];

const ROUNDS: usize = 100_000;

/// Runs `step` on the posts in turn, `ROUNDS` times, and prints posts/s and µs per post.
fn measure(name: &str, mut step: impl FnMut(&str)) {
    let started = Instant::now();
    for round in 0..ROUNDS {
        step(black_box(POSTS[round % POSTS.len()]));
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{name}: {:.0} posts/s ({:.2} µs/post)",
        ROUNDS as f64 / seconds,
        seconds * 1e6 / ROUNDS as f64
    );
}

fn main() {
    measure("language::detect", |post| {
        black_box(language::detect(post));
    });
    let sentiment = SentimentModel::default();
    measure("SentimentModel::score", |post| {
        black_box(sentiment.score(post, Language::Nl));
    });
    measure("terms::extract", |post| {
        black_box(terms::extract(post, Language::Nl));
    });
    let analyzer = Analyzer::new();
    measure("Analyzer::analyse", |post| {
        black_box(analyzer.analyse(post, None));
    });
}
