//! `peil eval deid`: measures the de-identification engine on evaluation data.
//!
//! * `--gold FILE`: the JSONL format of `../shared/data/README-pii-gold.md`. Per-type span recall (a
//!   gold span counts as found when every non-space character of it is redacted; `org` spans are
//!   not in recall), redaction precision (share of redacted non-space characters inside a non-`org`
//!   gold span), `org_kept` (share of `org` spans left fully readable), and the misses.
//! * `--conll FILE`: person-name token precision/recall/F1 on CoNLL-2002 (each sentence given as
//!   its tokens joined by single spaces; a token is predicted PER when it lies entirely inside a
//!   span redacted as a person).
//! * `--speed FILE`: posts per second on one core over the `CONTENT` column of a tab-separated
//!   tweets file.
//!
//! Evaluation files are invented or public research data; the misses are printed with context so
//! that an engineer can improve the detectors. Never point this at real monitoring data.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use peil_deid::Deidentifier;
use peil_model::PlaceholderKind;
use serde::{Deserialize, Serialize};

use crate::Context;

#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// Measure de-identification: --gold, --conll and/or --speed.
    Deid(DeidEvalArgs),
    /// Measure sentiment: accuracy, macro-F1 and the confusion matrix on a labelled file.
    Sentiment(SentimentEvalArgs),
    /// Measure the query guard on a TSV file `query<TAB>label<TAB>why` (label refuse|allow).
    Guard(GuardEvalArgs),
}

#[derive(Args, Debug)]
pub struct GuardEvalArgs {
    #[arg(long)]
    queries: PathBuf,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
pub struct GuardReport {
    pub refuse_recall: f64,
    pub false_refusal_rate: f64,
    pub n: u64,
    #[serde(skip)]
    pub wrong: Vec<(String, String, String)>,
}

/// Runs the query guard (with Peil's default allow-list and no organisation entries) over labelled
/// queries.
pub fn evaluate_guard(path: &Path) -> Result<GuardReport> {
    let content =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let workspace = peil_model::Workspace {
        id: 0,
        organisation_id: 0,
        name: "eval".into(),
        purpose: peil_model::Purpose::TrendPolicyAnalysis,
        purpose_text: "eval".into(),
        legal_basis: "eval".into(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: peil_model::DEFAULT_K,
        allowed_sources: Vec::new(),
        own_accounts: Vec::new(),
        fg_contact: None,
        ends_at: None,
        status: peil_model::WorkspaceStatus::Active,
        created_at: chrono::Utc::now(),
    };
    let (mut refuse_total, mut refuse_caught, mut allow_total, mut allow_refused) =
        (0u64, 0u64, 0u64, 0u64);
    let mut wrong = Vec::new();
    for (line_index, line) in content.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let (Some(query), Some(label)) = (fields.first(), fields.get(1)) else {
            bail!(
                "{} line {}: expected query<TAB>label<TAB>why",
                path.display(),
                line_index + 1
            );
        };
        let refused = peil_policy::screen_query(&workspace, &[], query).is_err();
        match label.trim() {
            "refuse" => {
                refuse_total += 1;
                if refused {
                    refuse_caught += 1;
                } else {
                    wrong.push((query.to_string(), "refuse".into(), "allowed".into()));
                }
            }
            "allow" => {
                allow_total += 1;
                if refused {
                    allow_refused += 1;
                    wrong.push((query.to_string(), "allow".into(), "refused".into()));
                }
            }
            other => bail!(
                "{} line {}: unknown label `{other}`",
                path.display(),
                line_index + 1
            ),
        }
    }
    Ok(GuardReport {
        refuse_recall: ratio(refuse_caught, refuse_total),
        false_refusal_rate: if allow_total == 0 {
            0.0
        } else {
            allow_refused as f64 / allow_total as f64
        },
        n: refuse_total + allow_total,
        wrong,
    })
}

#[derive(Args, Debug)]
pub struct SentimentEvalArgs {
    /// The labelled file (for tweeteval: the text file; its labels file sits beside it).
    #[arg(long)]
    dataset: PathBuf,
    /// nl-mp-tweets (3 classes, Dutch), bol (2 classes, Dutch, neutral mapped by the sign of the
    /// score) or tweeteval (3 classes, English).
    #[arg(long)]
    format: String,
    #[arg(long)]
    json: bool,
    /// Score with this ONNX sentiment model instead of the lexicon (needs ORT_DYLIB_PATH; see
    /// README, "Optional neural sentiment").
    #[cfg(feature = "neural")]
    #[arg(long, requires = "tokenizer")]
    model: Option<PathBuf>,
    /// The model's Hugging Face tokenizer.json.
    #[cfg(feature = "neural")]
    #[arg(long, requires = "model")]
    tokenizer: Option<PathBuf>,
    /// cpu, cuda or cuda:N.
    #[cfg(feature = "neural")]
    #[arg(long, default_value = "cpu", requires = "model")]
    device: String,
    /// The label of each logit column, e.g. negative,neutral,positive (the default), or the
    /// model's config.json to read its id2label.
    #[cfg(feature = "neural")]
    #[arg(long, requires = "model")]
    labels: Option<String>,
    /// Texts per model call.
    #[cfg(feature = "neural")]
    #[arg(long, default_value_t = 32, requires = "model")]
    batch_size: usize,
}

#[derive(Debug, Serialize)]
pub struct SentimentReport {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub n: u64,
    /// `confusion[gold][predicted]`, both in the order negative, neutral, positive.
    pub confusion: [[usize; 3]; 3],
}

/// Scores the embedded sentiment model on a labelled file.
pub fn evaluate_sentiment(path: &Path, format: &str) -> Result<SentimentReport> {
    use peil_analysis::eval;
    use peil_analysis::sentiment::SentimentModel;
    let model = SentimentModel::embedded();
    let (records, language, by_sign) = load_sentiment_records(path, format)?;
    let predicted: Vec<_> = records
        .iter()
        .map(|record| {
            if by_sign {
                eval::label_by_sign(model.raw_score(&record.text, language))
            } else {
                model.score(&record.text, language).label
            }
        })
        .collect();
    Ok(sentiment_report(&records, &predicted, by_sign))
}

/// Scores a neural (ONNX) sentiment model on a labelled file, with the same metrics as
/// [`evaluate_sentiment`]; for the two-class bol set the label is the sign of its score.
#[cfg(feature = "neural")]
pub fn evaluate_sentiment_neural(
    path: &Path,
    format: &str,
    model: &peil_analysis::neural::NeuralSentiment,
) -> Result<SentimentReport> {
    use peil_analysis::eval;
    let (records, _language, by_sign) = load_sentiment_records(path, format)?;
    let texts: Vec<&str> = records.iter().map(|record| record.text.as_str()).collect();
    let predicted: Vec<_> = model
        .score_batch(&texts)?
        .into_iter()
        .map(|sentiment| {
            if by_sign {
                eval::label_by_sign(sentiment.score)
            } else {
                sentiment.label
            }
        })
        .collect();
    Ok(sentiment_report(&records, &predicted, by_sign))
}

/// Reads a labelled file: its records, their language and whether it has two classes only
/// (then the label is the sign of the score).
fn load_sentiment_records(
    path: &Path,
    format: &str,
) -> Result<(
    Vec<peil_analysis::eval::LabelledText>,
    peil_model::Language,
    bool,
)> {
    use peil_analysis::eval;
    use peil_model::Language;
    Ok(match format {
        "nl-mp-tweets" => (eval::load_polarity_jsonl(path)?, Language::Nl, false),
        "bol" => (eval::load_bol_reviews(path)?, Language::Nl, true),
        "tweeteval" => {
            let file_name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or_default();
            let labels_name = file_name.replace("_text", "_labels");
            if labels_name == file_name {
                bail!("{}: expected a TweetEval *_text.txt file", path.display());
            }
            let labels = path.with_file_name(labels_name);
            (eval::load_tweeteval(path, &labels)?, Language::En, false)
        }
        other => bail!("unknown --format `{other}`: expected nl-mp-tweets, bol or tweeteval"),
    })
}

fn sentiment_report(
    records: &[peil_analysis::eval::LabelledText],
    predicted: &[peil_model::SentimentLabel],
    by_sign: bool,
) -> SentimentReport {
    use peil_analysis::eval;
    let gold: Vec<_> = records.iter().map(|record| record.label).collect();
    let matrix = eval::ConfusionMatrix::from_pairs(&gold, predicted);
    SentimentReport {
        accuracy: matrix.accuracy(),
        macro_f1: if by_sign {
            eval::macro_f1(&gold, predicted)
        } else {
            matrix.macro_f1()
        },
        n: records.len() as u64,
        confusion: matrix.counts,
    }
}

/// Loads the ONNX model named by `--model`, if any.
#[cfg(feature = "neural")]
fn load_neural_model(
    arguments: &SentimentEvalArgs,
) -> Result<Option<peil_analysis::neural::NeuralSentiment>> {
    use peil_analysis::neural::{LabelOrder, NeuralConfig, NeuralSentiment};
    let (Some(model), Some(tokenizer)) = (&arguments.model, &arguments.tokenizer) else {
        return Ok(None);
    };
    let labels = match &arguments.labels {
        None => LabelOrder::default(),
        Some(value) if value.ends_with(".json") => LabelOrder::from_hf_config(Path::new(value))?,
        Some(value) => LabelOrder::parse(value)?,
    };
    let config = NeuralConfig {
        device: arguments.device.parse()?,
        labels,
        batch_size: arguments.batch_size,
        ..NeuralConfig::default()
    };
    Ok(Some(NeuralSentiment::load_with(
        model,
        Some(tokenizer),
        config,
    )?))
}

#[derive(Args, Debug)]
pub struct DeidEvalArgs {
    /// Gold JSONL file (format of ../shared/data/README-pii-gold.md).
    #[arg(long)]
    gold: Option<PathBuf>,
    /// CoNLL-2002 file (`token POS tag` per line).
    #[arg(long)]
    conll: Option<PathBuf>,
    /// Tab-separated tweets file with a CONTENT column.
    #[arg(long)]
    speed: Option<PathBuf>,
    /// Print JSON only.
    #[arg(long)]
    json: bool,
    /// How many misses to list (text output).
    #[arg(long, default_value_t = 40)]
    show_misses: usize,
}

#[derive(Debug, Deserialize)]
struct GoldSpan {
    start: usize,
    end: usize,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    org: bool,
}

#[derive(Debug, Deserialize)]
struct GoldPost {
    id: String,
    text: String,
    spans: Vec<GoldSpan>,
}

#[derive(Debug, Default, Serialize, Clone)]
pub struct TypeScore {
    pub recall: f64,
    pub support: u64,
    pub found: u64,
}

#[derive(Debug, Serialize)]
pub struct Miss {
    pub id: String,
    pub kind: String,
    pub org: bool,
    pub span: String,
    pub redacted_as: String,
}

#[derive(Debug, Serialize)]
pub struct GoldReport {
    pub per_type: BTreeMap<String, TypeScore>,
    pub recall_structured: f64,
    pub recall_person: f64,
    pub precision: f64,
    pub org_kept: f64,
    pub gold_posts: u64,
    #[serde(skip)]
    pub misses: Vec<Miss>,
    #[serde(skip)]
    pub over_redactions: Vec<Miss>,
}

#[derive(Debug, Serialize)]
pub struct ConllReport {
    pub per_precision: f64,
    pub per_recall: f64,
    pub per_f1: f64,
    pub sentences: u64,
    pub tokens: u64,
}

#[derive(Debug, Serialize)]
pub struct SpeedReport {
    /// Posts per second of the thread's CPU time (per core).
    pub posts_per_sec: f64,
    /// Posts per second of wall-clock time (lower when other work shares the core).
    pub wall_posts_per_sec: f64,
    /// Which clock `posts_per_sec` used: `thread_cpu`, or `wall` where none other was available.
    pub clock: &'static str,
    pub speed_posts: u64,
    pub rounds: u64,
}

fn ratio(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        return 1.0;
    }
    numerator as f64 / denominator as f64
}

/// Byte offset of each code point index (plus the end), so Python-style offsets map to bytes.
fn code_point_byte_offsets(text: &str) -> Vec<usize> {
    let mut offsets: Vec<usize> = text.char_indices().map(|(offset, _)| offset).collect();
    offsets.push(text.len());
    offsets
}

/// For each byte of `text`, the kind it was redacted as (if any).
fn redaction_mask(engine: &Deidentifier, text: &str) -> Vec<Option<PlaceholderKind>> {
    let redaction = engine.redact(text);
    let mut mask = vec![None; text.len()];
    for span in &redaction.spans {
        for slot in mask.iter_mut().take(span.end).skip(span.start) {
            *slot = Some(span.kind);
        }
    }
    mask
}

fn gold_type_of(kind: PlaceholderKind) -> &'static str {
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

/// Scores the engine on gold posts.
pub fn evaluate_gold(engine: &Deidentifier, path: &Path) -> Result<GoldReport> {
    let content =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut per_type: BTreeMap<String, TypeScore> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut over_redactions = Vec::new();
    let (mut redacted_chars, mut redacted_chars_in_gold) = (0u64, 0u64);
    let (mut org_spans, mut org_kept) = (0u64, 0u64);
    let mut posts = 0;
    for (line_index, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let post: GoldPost = serde_json::from_str(line).with_context(|| {
            format!(
                "{} line {}: not a gold record",
                path.display(),
                line_index + 1
            )
        })?;
        posts += 1;
        let offsets = code_point_byte_offsets(&post.text);
        let mask = redaction_mask(engine, &post.text);
        let byte_range = |span: &GoldSpan| -> Option<(usize, usize)> {
            Some((*offsets.get(span.start)?, *offsets.get(span.end)?))
        };
        // Characters inside non-org gold spans, by byte offset of the character.
        let mut in_personal_gold = vec![false; post.text.len()];
        for span in &post.spans {
            let Some((start, end)) = byte_range(span) else {
                bail!(
                    "{} line {}: span out of range",
                    path.display(),
                    line_index + 1
                );
            };
            let text = &post.text[start..end];
            let characters: Vec<(usize, char)> = text
                .char_indices()
                .filter(|(_, character)| !character.is_whitespace())
                .map(|(offset, character)| (start + offset, character))
                .collect();
            let fully_redacted = characters.iter().all(|(offset, _)| mask[*offset].is_some());
            let untouched = characters.iter().all(|(offset, _)| mask[*offset].is_none());
            if span.org {
                org_spans += 1;
                if untouched {
                    org_kept += 1;
                } else {
                    over_redactions.push(Miss {
                        id: post.id.clone(),
                        kind: span.kind.clone(),
                        org: true,
                        span: text.to_string(),
                        redacted_as: "(org span redacted)".into(),
                    });
                }
                continue;
            }
            for slot in in_personal_gold.iter_mut().take(end).skip(start) {
                *slot = true;
            }
            let score = per_type.entry(span.kind.clone()).or_default();
            score.support += 1;
            if fully_redacted {
                score.found += 1;
            } else {
                let kinds: Vec<&str> = characters
                    .iter()
                    .filter_map(|(offset, _)| mask[*offset].map(gold_type_of))
                    .collect();
                misses.push(Miss {
                    id: post.id.clone(),
                    kind: span.kind.clone(),
                    org: false,
                    span: text.to_string(),
                    redacted_as: if kinds.is_empty() {
                        "nothing".into()
                    } else {
                        format!("partly ({})", kinds.first().copied().unwrap_or_default())
                    },
                });
            }
        }
        let mut over_start: Option<usize> = None;
        for (offset, character) in post.text.char_indices() {
            let redacted = mask[offset].is_some() && !character.is_whitespace();
            if redacted {
                redacted_chars += 1;
                if in_personal_gold[offset] {
                    redacted_chars_in_gold += 1;
                }
            }
            let stray = redacted && !in_personal_gold[offset];
            match (stray, over_start) {
                (true, None) => over_start = Some(offset),
                (false, Some(start)) if mask[offset].is_none() || in_personal_gold[offset] => {
                    over_redactions.push(Miss {
                        id: post.id.clone(),
                        kind: mask[start]
                            .map(gold_type_of)
                            .unwrap_or_default()
                            .to_string(),
                        org: false,
                        span: post.text[start..offset].to_string(),
                        redacted_as: "(not personal data in gold)".into(),
                    });
                    over_start = None;
                }
                _ => {}
            }
        }
        if let Some(start) = over_start {
            over_redactions.push(Miss {
                id: post.id.clone(),
                kind: mask[start]
                    .map(gold_type_of)
                    .unwrap_or_default()
                    .to_string(),
                org: false,
                span: post.text[start..].to_string(),
                redacted_as: "(not personal data in gold)".into(),
            });
        }
    }
    let (mut structured_support, mut structured_found) = (0, 0);
    for (kind, score) in per_type.iter_mut() {
        score.recall = ratio(score.found, score.support);
        if kind != "PERSON" {
            structured_support += score.support;
            structured_found += score.found;
        }
    }
    let recall_person = per_type.get("PERSON").map_or(1.0, |score| score.recall);
    Ok(GoldReport {
        per_type,
        recall_structured: ratio(structured_found, structured_support),
        recall_person,
        precision: ratio(redacted_chars_in_gold, redacted_chars),
        org_kept: ratio(org_kept, org_spans),
        gold_posts: posts,
        misses,
        over_redactions,
    })
}

/// Scores person-name tokens on a CoNLL-2002 file.
pub fn evaluate_conll(engine: &Deidentifier, path: &Path) -> Result<ConllReport> {
    let content =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (mut true_positive, mut false_positive, mut false_negative) = (0u64, 0u64, 0u64);
    let (mut sentences, mut tokens) = (0u64, 0u64);
    let mut sentence: Vec<(String, bool)> = Vec::new();
    let mut score_sentence = |sentence: &mut Vec<(String, bool)>| {
        if sentence.is_empty() {
            return;
        }
        let mut text = String::new();
        let mut ranges = Vec::with_capacity(sentence.len());
        for (token, _) in sentence.iter() {
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(token);
            ranges.push((start, text.len()));
        }
        let redaction = engine.redact(&text);
        for ((start, end), (_, is_person)) in ranges.iter().zip(sentence.iter()) {
            let predicted = redaction.spans.iter().any(|span| {
                span.kind == PlaceholderKind::Person && span.start <= *start && *end <= span.end
            });
            match (predicted, *is_person) {
                (true, true) => true_positive += 1,
                (true, false) => false_positive += 1,
                (false, true) => false_negative += 1,
                (false, false) => {}
            }
        }
        sentences += 1;
        tokens += sentence.len() as u64;
        sentence.clear();
    };
    for line in content.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            score_sentence(&mut sentence);
            continue;
        }
        if fields.first() == Some(&"-DOCSTART-") {
            continue;
        }
        let (Some(token), Some(tag)) = (fields.first(), fields.last()) else {
            continue;
        };
        sentence.push((token.to_string(), tag.ends_with("-PER")));
    }
    score_sentence(&mut sentence);
    let precision = ratio(true_positive, true_positive + false_positive);
    let recall = ratio(true_positive, true_positive + false_negative);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Ok(ConllReport {
        per_precision: precision,
        per_recall: recall,
        per_f1: f1,
        sentences,
        tokens,
    })
}

/// Reads the CONTENT column of a tab-separated tweets file.
fn read_tweets(path: &Path) -> Result<Vec<String>> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let content = String::from_utf8_lossy(&bytes);
    let mut lines = content.lines();
    let header = lines.next().unwrap_or_default();
    let Some(column) = header.split('\t').position(|name| name.trim() == "CONTENT") else {
        bail!("{}: no CONTENT column in the header", path.display());
    };
    Ok(lines
        .filter_map(|line| line.split('\t').nth(column).map(str::to_string))
        .filter(|text| !text.trim().is_empty())
        .collect())
}

/// CPU time this thread has run, from `/proc/thread-self/schedstat` (nanoseconds on a CPU), or
/// `None` where the kernel does not offer it.
fn thread_cpu_time() -> Option<Duration> {
    let text = fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanoseconds))
}

/// Posts per second on one core: posts redacted per second of this thread's CPU time (so time
/// in which other processes had the core does not count), over at least one second of it. The
/// wall-clock rate is reported beside it; where the kernel gives no thread CPU time, the wall
/// clock is the measure (`clock: "wall"`).
pub fn measure_speed(engine: &Deidentifier, path: &Path) -> Result<SpeedReport> {
    let posts = read_tweets(path)?;
    if posts.is_empty() {
        bail!("{}: no posts", path.display());
    }
    for post in posts.iter().take(200) {
        std::hint::black_box(engine.redact(post));
    }
    let cpu_started = thread_cpu_time();
    let wall_started = Instant::now();
    let cpu_elapsed = || match (cpu_started, thread_cpu_time()) {
        (Some(started), Some(now)) => Some(now.saturating_sub(started)),
        _ => None,
    };
    let mut rounds = 0u64;
    loop {
        let measured = cpu_elapsed().unwrap_or_else(|| wall_started.elapsed());
        if measured >= Duration::from_secs(1) && rounds >= 3 {
            break;
        }
        for post in &posts {
            std::hint::black_box(engine.redact(post));
        }
        rounds += 1;
    }
    let wall_seconds = wall_started.elapsed().as_secs_f64();
    let cpu_seconds = cpu_elapsed().map(|elapsed| elapsed.as_secs_f64());
    let processed = (rounds * posts.len() as u64) as f64;
    let (clock, seconds) = match cpu_seconds {
        Some(cpu_seconds) if cpu_seconds > 0.0 => ("thread_cpu", cpu_seconds),
        _ => ("wall", wall_seconds),
    };
    Ok(SpeedReport {
        posts_per_sec: processed / seconds.max(1e-9),
        wall_posts_per_sec: processed / wall_seconds.max(1e-9),
        clock,
        speed_posts: posts.len() as u64,
        rounds,
    })
}

pub fn run(_context: &Context, command: EvalCommand) -> Result<()> {
    let arguments = match command {
        EvalCommand::Deid(arguments) => arguments,
        EvalCommand::Guard(arguments) => {
            let report = evaluate_guard(&arguments.queries)?;
            if arguments.json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!(
                    "guard: {} ({} queries): refuse recall {:.3}  false refusal rate {:.3}",
                    arguments.queries.display(),
                    report.n,
                    report.refuse_recall,
                    report.false_refusal_rate
                );
            }
            for (query, label, outcome) in &report.wrong {
                eprintln!("  wrong: {query:?} labelled {label}, {outcome}");
            }
            return Ok(());
        }
        EvalCommand::Sentiment(arguments) => {
            #[cfg(feature = "neural")]
            let report = match load_neural_model(&arguments)? {
                Some(model) => {
                    evaluate_sentiment_neural(&arguments.dataset, &arguments.format, &model)?
                }
                None => evaluate_sentiment(&arguments.dataset, &arguments.format)?,
            };
            #[cfg(not(feature = "neural"))]
            let report = evaluate_sentiment(&arguments.dataset, &arguments.format)?;
            if arguments.json {
                println!(
                    "{}",
                    serde_json::json!({"accuracy": report.accuracy, "macro_f1": report.macro_f1, "n": report.n})
                );
                return Ok(());
            }
            println!(
                "sentiment: {} ({}): n {}  accuracy {:.3}  macro-F1 {:.3}",
                arguments.dataset.display(),
                arguments.format,
                report.n,
                report.accuracy,
                report.macro_f1
            );
            println!("  confusion (rows gold, columns predicted: negative, neutral, positive)");
            for (label, row) in ["negative", "neutral", "positive"]
                .iter()
                .zip(report.confusion.iter())
            {
                println!("  {label:<9} {:>6} {:>6} {:>6}", row[0], row[1], row[2]);
            }
            return Ok(());
        }
    };
    if arguments.gold.is_none() && arguments.conll.is_none() && arguments.speed.is_none() {
        bail!("give at least one of --gold, --conll, --speed");
    }
    let engine = Deidentifier::default();
    let mut combined = serde_json::Map::new();
    if let Some(path) = &arguments.gold {
        let report = evaluate_gold(&engine, path)?;
        if !arguments.json {
            println!("gold: {} ({} posts)", path.display(), report.gold_posts);
            for (kind, score) in &report.per_type {
                println!(
                    "  {kind:<14} recall {:.3}  ({}/{})",
                    score.recall, score.found, score.support
                );
            }
            println!(
                "  structured recall {:.3}  person recall {:.3}  precision {:.3}  org kept {:.3}",
                report.recall_structured, report.recall_person, report.precision, report.org_kept
            );
            for miss in report.misses.iter().take(arguments.show_misses) {
                println!(
                    "  miss {} {}: {:?} -> {}",
                    miss.id, miss.kind, miss.span, miss.redacted_as
                );
            }
            for over in report.over_redactions.iter().take(arguments.show_misses) {
                println!(
                    "  over {} {}: {:?} {}",
                    over.id, over.kind, over.span, over.redacted_as
                );
            }
        }
        combined.extend(match serde_json::to_value(&report)? {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        });
    }
    if let Some(path) = &arguments.conll {
        let report = evaluate_conll(&engine, path)?;
        if !arguments.json {
            println!(
                "conll: {} ({} sentences): PER precision {:.3} recall {:.3} F1 {:.3}",
                path.display(),
                report.sentences,
                report.per_precision,
                report.per_recall,
                report.per_f1
            );
        }
        combined.extend(match serde_json::to_value(&report)? {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        });
    }
    if let Some(path) = &arguments.speed {
        let report = measure_speed(&engine, path)?;
        if !arguments.json {
            println!(
                "speed: {:.0} posts/s on one core ({} time; {:.0} posts/s of wall-clock time; {} posts x {} rounds)",
                report.posts_per_sec,
                if report.clock == "thread_cpu" { "CPU" } else { "wall-clock" },
                report.wall_posts_per_sec,
                report.speed_posts,
                report.rounds
            );
        }
        combined.extend(match serde_json::to_value(&report)? {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        });
    }
    if arguments.json {
        println!("{}", serde_json::Value::Object(combined));
    }
    Ok(())
}
