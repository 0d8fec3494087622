//! Sentiment evaluation on the shared data sets. Thresholds were chosen on the *dev* sets only
//! (Dutch `gold-polarity.jsonl`, TweetEval `val`); the *test* figures are reported as measured.
//! Each figure must stay above a floor a little below what was measured, so a regression fails.
//!
//! Run with output: `cargo test -p peil-analysis --release --test sentiment_eval -- --nocapture`

mod common;

use peil_analysis::eval::{self, ConfusionMatrix, LabelledText};
use peil_analysis::sentiment::SentimentModel;
use peil_model::{Language, SentimentLabel};

fn three_class(
    model: &SentimentModel,
    records: &[LabelledText],
    language: Language,
) -> ConfusionMatrix {
    let gold: Vec<SentimentLabel> = records.iter().map(|record| record.label).collect();
    let predicted: Vec<SentimentLabel> = records
        .iter()
        .map(|record| model.score(&record.text, language).label)
        .collect();
    ConfusionMatrix::from_pairs(&gold, &predicted)
}

fn report(name: &str, matrix: &ConfusionMatrix) {
    println!(
        "{name}: n={} macro-F1 {:.3} accuracy {:.3} confusion (gold × predicted, neg/neu/pos) {:?}",
        matrix.total(),
        matrix.macro_f1(),
        matrix.accuracy(),
        matrix.counts
    );
}

#[test]
fn dutch_tweets_dev_and_test() {
    let (Some(dev_path), Some(test_path)) = (
        common::data_file("nl-mp-tweets/gold-polarity.jsonl"),
        common::data_file("nl-mp-tweets/test-data-polarity.jsonl"),
    ) else {
        return;
    };
    let model = SentimentModel::embedded();
    let dev = eval::load_polarity_jsonl(&dev_path).expect("dev set parses");
    let test = eval::load_polarity_jsonl(&test_path).expect("test set parses");
    let dev_matrix = three_class(&model, &dev, Language::Nl);
    let test_matrix = three_class(&model, &test, Language::Nl);
    report("nl-mp-tweets dev (gold-polarity)", &dev_matrix);
    report("nl-mp-tweets test (test-data-polarity)", &test_matrix);
    assert!(
        dev_matrix.macro_f1() >= 0.57,
        "dev macro-F1 regressed: {:.3}",
        dev_matrix.macro_f1()
    );
    assert!(
        test_matrix.macro_f1() >= 0.57,
        "test macro-F1 regressed: {:.3}",
        test_matrix.macro_f1()
    );
    assert!(
        test_matrix.accuracy() >= 0.57,
        "test accuracy regressed: {:.3}",
        test_matrix.accuracy()
    );
}

#[test]
fn dutch_reviews_two_classes() {
    let Some(path) = common::data_file("bol-reviews-nl/polarity-nl-bol.com.csv") else {
        return;
    };
    let model = SentimentModel::embedded();
    let records = eval::load_bol_reviews(&path).expect("bol reviews parse");
    assert_eq!(records.len(), 3_000);
    let gold: Vec<SentimentLabel> = records.iter().map(|record| record.label).collect();
    let predicted: Vec<SentimentLabel> = records
        .iter()
        .map(|record| eval::label_by_sign(model.raw_score(&record.text, Language::Nl)))
        .collect();
    let accuracy = eval::accuracy(&gold, &predicted);
    println!(
        "bol-reviews-nl test (2 classes, neutral by sign): n={} accuracy {accuracy:.3}",
        records.len()
    );
    assert!(accuracy >= 0.77, "bol accuracy regressed: {accuracy:.3}");
}

#[test]
fn english_tweets_dev_and_test() {
    let (Some(val_text), Some(val_labels), Some(test_text), Some(test_labels)) = (
        common::data_file("tweeteval-sentiment-en/val_text.txt"),
        common::data_file("tweeteval-sentiment-en/val_labels.txt"),
        common::data_file("tweeteval-sentiment-en/test_text.txt"),
        common::data_file("tweeteval-sentiment-en/test_labels.txt"),
    ) else {
        return;
    };
    let model = SentimentModel::embedded();
    let dev = eval::load_tweeteval(&val_text, &val_labels).expect("val parses");
    let test = eval::load_tweeteval(&test_text, &test_labels).expect("test parses");
    let dev_matrix = three_class(&model, &dev, Language::En);
    let test_matrix = three_class(&model, &test, Language::En);
    report("tweeteval-en dev (val)", &dev_matrix);
    report("tweeteval-en test", &test_matrix);
    assert!(
        dev_matrix.macro_f1() >= 0.57,
        "dev macro-F1 regressed: {:.3}",
        dev_matrix.macro_f1()
    );
    assert!(
        test_matrix.macro_f1() >= 0.55,
        "test macro-F1 regressed: {:.3}",
        test_matrix.macro_f1()
    );
    assert!(
        test_matrix.accuracy() >= 0.56,
        "test accuracy regressed: {:.3}",
        test_matrix.accuracy()
    );
}
