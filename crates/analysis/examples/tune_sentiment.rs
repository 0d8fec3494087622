//! Tunes the sentiment parameters on the **dev** sets only (Dutch `gold-polarity.jsonl`,
//! TweetEval English `val`). Prints macro-F1 of each variant with its best neutral band.
//!
//! Run: `cargo run -p peil-analysis --release --example tune_sentiment`

use std::path::PathBuf;

use peil_analysis::eval::{self, LabelledText};
use peil_analysis::sentiment::{Aggregation, SentimentModel, SentimentParameters};
use peil_model::{Language, SentimentLabel};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

fn evaluate(
    model: &SentimentModel,
    records: &[LabelledText],
    language: Language,
) -> (f64, f64, String) {
    let scores: Vec<f32> = records
        .iter()
        .map(|record| model.raw_score(&record.text, language))
        .collect();
    let gold: Vec<SentimentLabel> = records.iter().map(|record| record.label).collect();
    let (band, macro_f1) = eval::best_neutral_band(&scores, &gold);
    let predicted: Vec<SentimentLabel> = scores.iter().map(|score| band.label(*score)).collect();
    let accuracy = eval::accuracy(&gold, &predicted);
    (
        macro_f1,
        accuracy,
        format!(
            "{:.2}..{:.2}",
            band.negative_at_most, band.positive_at_least
        ),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = data_dir();
    let dutch = eval::load_polarity_jsonl(&data.join("nl-mp-tweets/gold-polarity.jsonl"))?;
    let english = eval::load_tweeteval(
        &data.join("tweeteval-sentiment-en/val_text.txt"),
        &data.join("tweeteval-sentiment-en/val_labels.txt"),
    )?;
    let base = SentimentParameters::default();
    let mut variants: Vec<(String, SentimentParameters)> = vec![("default".into(), base)];
    for alpha in [0.25_f32, 0.5, 1.0, 2.0, 4.0] {
        variants.push((
            format!("normsum alpha={alpha}"),
            SentimentParameters {
                aggregation: Aggregation::NormalisedSum { alpha },
                ..base
            },
        ));
    }
    variants.push((
        "mean".into(),
        SentimentParameters {
            aggregation: Aggregation::Mean,
            ..base
        },
    ));
    for negation_factor in [-1.0_f32, -0.75, -0.25] {
        variants.push((
            format!("negation {negation_factor}"),
            SentimentParameters {
                negation_factor,
                ..base
            },
        ));
    }
    for minimum_valence in [0.0_f32, 0.1, 0.15, 0.25, 0.3] {
        variants.push((
            format!("min valence {minimum_valence}"),
            SentimentParameters {
                minimum_valence,
                ..base
            },
        ));
    }
    for emoji_weight in [1.0_f32, 2.0] {
        variants.push((
            format!("emoji {emoji_weight}"),
            SentimentParameters {
                emoji_weight,
                ..base
            },
        ));
    }
    variants.push((
        "no contrast".into(),
        SentimentParameters {
            before_contrast_weight: 1.0,
            after_contrast_weight: 1.0,
            ..base
        },
    ));
    variants.push((
        "no exclamation".into(),
        SentimentParameters {
            exclamation_factor: 1.0,
            ..base
        },
    ));
    variants.push((
        "no capitals".into(),
        SentimentParameters {
            capitals_factor: 1.0,
            ..base
        },
    ));
    variants.push((
        "intensifier 1.5".into(),
        SentimentParameters {
            intensifier_factor: 1.5,
            ..base
        },
    ));
    for (name, parameters) in variants {
        let model = SentimentModel::with_parameters(parameters);
        let (nl_f1, nl_accuracy, nl_band) = evaluate(&model, &dutch, Language::Nl);
        let (en_f1, en_accuracy, en_band) = evaluate(&model, &english, Language::En);
        println!("{name:28} nl macro-F1 {nl_f1:.3} acc {nl_accuracy:.3} band {nl_band} | en macro-F1 {en_f1:.3} acc {en_accuracy:.3} band {en_band}");
    }
    Ok(())
}
