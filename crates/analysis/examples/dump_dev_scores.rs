//! Prints `gold<TAB>score<TAB>text` for the Dutch **dev** set, to study errors while tuning.
//!
//! Run: `cargo run -p peil-analysis --release --example dump_dev_scores > /tmp/dev.tsv`

use std::path::PathBuf;

use peil_analysis::eval;
use peil_analysis::sentiment::SentimentModel;
use peil_model::Language;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let records = eval::load_polarity_jsonl(&data.join("nl-mp-tweets/gold-polarity.jsonl"))?;
    let model = SentimentModel::embedded();
    for record in records {
        let score = model.raw_score(&record.text, Language::Nl);
        println!(
            "{}\t{score:.3}\t{}",
            record.label,
            record.text.replace(['\n', '\t'], " ")
        );
    }
    Ok(())
}
