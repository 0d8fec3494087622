//! The caveat block every output carries (DESIGN.md invariant 10): sources, counts, k, suppressed
//! cells, the known accuracy of sentiment, and that social media are not representative.

use peil_store::AggregateReport;
use serde::Serialize;

/// Measured accuracy of the lexicon sentiment, stated on every output.
pub const SENTIMENT_ACCURACY_NL: &str = "Sentiment (lexicon v3) is een grof signaal, geen meting van meningen: gemeten macro-F1 0,64 (3 klassen, 64% goed) op niet eerder geziene Nederlandse politieke tweets, nauwkeurigheid 0,85 op Nederlandse productrecensies (2 klassen), macro-F1 0,57 op Engelse tweets; ironie en sarcasme worden maar ten dele herkend.";

/// The same note in English.
pub const SENTIMENT_ACCURACY_NOTE: &str = "Sentiment (lexicon v3) is a rough signal, not a measurement of opinion: measured macro-F1 0.64 (3 classes, 64% correct) on held-out Dutch political tweets, accuracy 0.85 on Dutch product reviews (2 classes), macro-F1 0.57 on English tweets; irony and sarcasm are only partly recognised.";

const REPRESENTATIVENESS_NL: &str = "Sociale media zijn niet representatief voor de bevolking: wie er post, is een selectie, en algoritmes van platforms bepalen mede wat zichtbaar is. Gebruik deze cijfers als signaal, niet als peiling.";
const REPRESENTATIVENESS_EN: &str = "Social media are not representative of the population: who posts is a selection, and platform algorithms shape what is visible. Use these figures as a signal, not as a poll.";

/// The caveat block of one output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Caveat {
    pub sources: Vec<String>,
    /// Posts in scope, when at least k authors wrote them.
    pub posts: Option<u64>,
    pub k: u32,
    pub suppressed_cells: u64,
    pub sentiment_accuracy_nl: String,
    pub sentiment_accuracy_en: String,
    pub representativeness_nl: String,
    pub representativeness_en: String,
    pub times_in: String,
}

impl Caveat {
    /// Builds the caveat for a gated report.
    pub fn for_report(report: &AggregateReport) -> Caveat {
        let sources = report
            .sources
            .iter()
            .map(|cell| match cell.posts {
                Some(_) => cell.key.clone(),
                None => format!("{} (<k)", cell.key),
            })
            .collect();
        Caveat {
            sources,
            posts: report.totals.posts,
            k: report.k,
            suppressed_cells: report.suppressed_cells,
            sentiment_accuracy_nl: SENTIMENT_ACCURACY_NL.to_string(),
            sentiment_accuracy_en: SENTIMENT_ACCURACY_NOTE.to_string(),
            representativeness_nl: REPRESENTATIVENESS_NL.to_string(),
            representativeness_en: REPRESENTATIVENESS_EN.to_string(),
            times_in: "UTC".to_string(),
        }
    }
}
