//! Dev-set report of the default sentiment model: the figures to watch while changing rules or
//! word lists. Reads **dev** files only (Dutch `gold-polarity.jsonl`, TweetEval English `val`,
//! HateCheck Dutch for robustness); the test files are left to `peil eval sentiment` and
//! `bench/compare-sentiment.sh`.
//!
//! Run: `cargo run -p peil-analysis --release --example sentiment_dev [-- --errors FILE]`
//! (`--errors` writes `gold<TAB>predicted<TAB>score<TAB>text` of the wrongly labelled dev tweets).

use std::collections::BTreeMap;
use std::path::PathBuf;

use peil_analysis::eval::{self, ConfusionMatrix, LabelledText};
use peil_analysis::sentiment::{SentimentModel, SentimentParameters};
use peil_model::{Language, SentimentLabel};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

fn three_class(
    model: &SentimentModel,
    records: &[LabelledText],
    language: Language,
) -> (ConfusionMatrix, f64) {
    let gold: Vec<SentimentLabel> = records.iter().map(|record| record.label).collect();
    let scores: Vec<f32> = records
        .iter()
        .map(|record| model.raw_score(&record.text, language))
        .collect();
    let predicted: Vec<SentimentLabel> = records
        .iter()
        .map(|record| model.score(&record.text, language).label)
        .collect();
    let (_, best) = eval::best_neutral_band(&scores, &gold);
    (ConfusionMatrix::from_pairs(&gold, &predicted), best)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = data_dir();
    let errors_path = std::env::args()
        .skip_while(|argument| argument != "--errors")
        .nth(1);
    let model = SentimentModel::embedded();

    let dutch = eval::load_polarity_jsonl(&data.join("nl-mp-tweets/gold-polarity.jsonl"))?;
    let (matrix, best) = three_class(&model, &dutch, Language::Nl);
    println!(
        "nl dev tweets: macro-F1 {:.3} accuracy {:.3} (best band {best:.3}) confusion {:?}",
        matrix.macro_f1(),
        matrix.accuracy(),
        matrix.counts
    );
    // Two-class proxy (the bol.com rule) on the dev tweets that are positive or negative.
    let polar: Vec<&LabelledText> = dutch
        .iter()
        .filter(|record| record.label != SentimentLabel::Neutral)
        .collect();
    let gold: Vec<SentimentLabel> = polar.iter().map(|record| record.label).collect();
    let by_sign: Vec<SentimentLabel> = polar
        .iter()
        .map(|record| eval::label_by_sign(model.raw_score(&record.text, Language::Nl)))
        .collect();
    println!(
        "nl dev tweets, 2 classes by sign: accuracy {:.3}",
        eval::accuracy(&gold, &by_sign)
    );

    let english = eval::load_tweeteval(
        &data.join("tweeteval-sentiment-en/val_text.txt"),
        &data.join("tweeteval-sentiment-en/val_labels.txt"),
    )?;
    let (matrix, best) = three_class(&model, &english, Language::En);
    println!(
        "en dev (val): macro-F1 {:.3} accuracy {:.3} (best band {best:.3})",
        matrix.macro_f1(),
        matrix.accuracy()
    );

    // Sweep of the dangling-negation valence (dev only).
    for dangling in [0.0_f32, -0.1, -0.15, -0.2, -0.25, -0.3, -0.4] {
        let variant = SentimentModel::with_parameters(SentimentParameters {
            dangling_negation_valence: dangling,
            ..SentimentParameters::default()
        });
        let (matrix, best) = three_class(&variant, &dutch, Language::Nl);
        let by_sign: Vec<SentimentLabel> = polar
            .iter()
            .map(|record| eval::label_by_sign(variant.raw_score(&record.text, Language::Nl)))
            .collect();
        println!(
            "  dangling {dangling:5.2}: nl dev macro-F1 {:.3} (best band {best:.3}), 2 classes {:.3}",
            matrix.macro_f1(),
            eval::accuracy(&gold, &by_sign)
        );
    }

    let hatecheck = data.join("hatecheck-nl/hatecheck_cases_final_dutch.csv");
    if let Ok(content) = std::fs::read_to_string(&hatecheck) {
        let records = eval::parse_csv(&content);
        let header = records.first().map(|(_, fields)| fields.clone());
        let column = |name: &str| {
            header
                .as_ref()
                .and_then(|fields| fields.iter().position(|field| field == name))
        };
        if let (Some(functionality), Some(text)) = (column("functionality"), column("test_case")) {
            let mut counts: BTreeMap<String, [usize; 3]> = BTreeMap::new();
            for (_, fields) in records.iter().skip(1) {
                let (Some(name), Some(case)) = (fields.get(functionality), fields.get(text)) else {
                    continue;
                };
                let label = model.score(case, Language::Nl).label;
                let slot = match label {
                    SentimentLabel::Negative => 0,
                    SentimentLabel::Neutral => 1,
                    SentimentLabel::Positive => 2,
                };
                counts.entry(name.clone()).or_default()[slot] += 1;
            }
            println!("hatecheck-nl (neg/neu/pos per functionality):");
            for (name, [negative, neutral, positive]) in counts {
                println!("  {name:24} {negative:4} {neutral:4} {positive:4}");
            }
        }
    }

    if let Some(path) = errors_path {
        let mut lines = String::new();
        for record in &dutch {
            let sentiment = model.score(&record.text, Language::Nl);
            if sentiment.label != record.label {
                lines.push_str(&format!(
                    "{}\t{}\t{:.3}\t{}\n",
                    record.label,
                    sentiment.label,
                    sentiment.score,
                    record.text.replace(['\n', '\t'], " ")
                ));
            }
        }
        std::fs::write(path, lines)?;
    }
    Ok(())
}
