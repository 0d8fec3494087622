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

fn main() {
    let rounds = 100_000;
    let started = Instant::now();
    for round in 0..rounds {
        black_box(language::detect(black_box(POSTS[round % POSTS.len()])));
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "language::detect: {:.0} posts/s ({:.2} µs/post)",
        rounds as f64 / seconds,
        seconds * 1e6 / rounds as f64
    );

    let sentiment = SentimentModel::default();
    let started = Instant::now();
    for round in 0..rounds {
        black_box(sentiment.score(black_box(POSTS[round % POSTS.len()]), Language::Nl));
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "SentimentModel::score: {:.0} posts/s ({:.2} µs/post)",
        rounds as f64 / seconds,
        seconds * 1e6 / rounds as f64
    );

    let started = Instant::now();
    for round in 0..rounds {
        black_box(terms::extract(
            black_box(POSTS[round % POSTS.len()]),
            Language::Nl,
        ));
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "terms::extract: {:.0} posts/s ({:.2} µs/post)",
        rounds as f64 / seconds,
        seconds * 1e6 / rounds as f64
    );

    let analyzer = Analyzer::new();
    let started = Instant::now();
    for round in 0..rounds {
        black_box(analyzer.analyse(black_box(POSTS[round % POSTS.len()]), None));
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Analyzer::analyse: {:.0} posts/s ({:.2} µs/post)",
        rounds as f64 / seconds,
        seconds * 1e6 / rounds as f64
    );
}
