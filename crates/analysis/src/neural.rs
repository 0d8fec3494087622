//! Optional neural sentiment (cargo feature `neural`, off by default): an ONNX text-classification
//! model that the user supplies, for instance a RobBERT sentiment fine-tune exported with
//! `optimum-cli export onnx --task text-classification`, run through ONNX Runtime on the CPU or
//! on a CUDA GPU.
//!
//! Nothing is downloaded, at build time or at run time: `ort` is built with `load-dynamic`, and
//! ONNX Runtime (`libonnxruntime.so`, version 1.17 or later; tested with 1.31.1 from the PyPI
//! `onnxruntime` wheel, and `onnxruntime-gpu` for CUDA) is loaded once per process from
//! [`NeuralConfig::runtime_path`] or else from the path in the environment variable
//! `ORT_DYLIB_PATH`.
//!
//! Expected model signature (what Hugging Face exports produce):
//!
//! | name | type | shape | |
//! |---|---|---|---|
//! | `input_ids` | int64 | `[batch, sequence]` | required |
//! | `attention_mask` | int64 | `[batch, sequence]` | optional; 1 for tokens, 0 for padding |
//! | `token_type_ids` | int64 | `[batch, sequence]` | optional; filled with zeros |
//! | `logits` (or the only output) | float32 | `[batch, classes]` | raw logits, before softmax |
//!
//! `classes` is 3 or 2; [`LabelOrder`] says which Peil label each column is (default: negative,
//! neutral, positive; read it from the model's `config.json` with [`LabelOrder::from_hf_config`]
//! when the fine-tune uses another order). A two-class model must have a negative and a positive
//! column. The label of a text is the column with the largest logit; its score is
//! `P(positive) - P(negative)` after softmax, from -1 to 1 like the lexicon's score. A text that
//! yields no tokens at all is neutral with score 0 and is not sent to the model.
//!
//! Texts are tokenised with a Hugging Face `tokenizer.json` (the `tokenizers` crate, pure Rust),
//! truncated to [`NeuralConfig::max_length`] tokens, sorted by length and run in batches of
//! [`NeuralConfig::batch_size`], each padded to its longest text. Callers that tokenise
//! themselves use [`NeuralSentiment::score_token_ids`].
//!
//! Errors are typed ([`NeuralError`]); a missing or broken runtime, model or tokenizer file is an
//! error, never a panic. Error messages name files, never the text of a post.
//!
//! The model's accuracy is whatever the user's model reaches: measure it with
//! `peil eval sentiment --model M.onnx --tokenizer tokenizer.json` on the same files as the
//! lexicon before relying on it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

use ort::environment::Environment;
use ort::session::Session;
use ort::value::{Tensor, TensorElementType, ValueType};
use peil_model::SentimentLabel;

use crate::sentiment::Sentiment;

/// Errors of the neural sentiment path.
#[derive(Debug, thiserror::Error)]
pub enum NeuralError {
    #[error("no ONNX Runtime library given: set ORT_DYLIB_PATH to the path of libonnxruntime.so")]
    RuntimeNotConfigured,
    #[error("cannot load ONNX Runtime from {path}: {reason}")]
    RuntimeLoad { path: PathBuf, reason: String },
    #[error("ONNX Runtime was already loaded from {loaded} in this process; cannot switch to {requested}")]
    RuntimeAlreadyLoaded { loaded: PathBuf, requested: PathBuf },
    #[error("ONNX Runtime environment: {0}")]
    Environment(String),
    #[error("cannot read model {path}: {source}")]
    ModelRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot load model {path}: {reason}")]
    Model { path: PathBuf, reason: String },
    #[error("model {path} does not have the expected signature: {reason}")]
    Signature { path: PathBuf, reason: String },
    #[error("cannot use device {device}: {reason}")]
    Device { device: Device, reason: String },
    #[error("cannot load tokenizer {path}: {reason}")]
    Tokenizer { path: PathBuf, reason: String },
    #[error("no tokenizer loaded: give a tokenizer.json or pass token ids")]
    NoTokenizer,
    #[error("tokenisation failed: {0}")]
    Tokenise(String),
    #[error("text {index} has {length} tokens, more than the maximum of {max_length}")]
    TooLong {
        index: usize,
        length: usize,
        max_length: usize,
    },
    #[error("inference failed: {0}")]
    Inference(String),
    #[error("unexpected model output: {0}")]
    Output(String),
    #[error("invalid label order: {0}")]
    LabelOrder(String),
    #[error("invalid device `{0}`: expected cpu, cuda or cuda:N")]
    UnknownDevice(String),
}

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Device {
    /// ONNX Runtime's CPU execution provider.
    #[default]
    Cpu,
    /// ONNX Runtime's CUDA execution provider on GPU `device_id` (needs the `onnxruntime-gpu`
    /// build of libonnxruntime.so and the CUDA and cuDNN libraries it was built against). There
    /// is no silent fall-back to the CPU: when CUDA cannot be used, loading fails.
    Cuda { device_id: i32 },
}

impl fmt::Display for Device {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => formatter.write_str("cpu"),
            Device::Cuda { device_id: 0 } => formatter.write_str("cuda"),
            Device::Cuda { device_id } => write!(formatter, "cuda:{device_id}"),
        }
    }
}

impl FromStr for Device {
    type Err = NeuralError;

    /// `cpu`, `cuda` (GPU 0) or `cuda:N`.
    fn from_str(value: &str) -> Result<Self, NeuralError> {
        let value = value.trim().to_ascii_lowercase();
        match value.as_str() {
            "cpu" => Ok(Device::Cpu),
            "cuda" | "gpu" => Ok(Device::Cuda { device_id: 0 }),
            other => other
                .strip_prefix("cuda:")
                .and_then(|id| id.parse::<i32>().ok())
                .filter(|id| *id >= 0)
                .map(|device_id| Device::Cuda { device_id })
                .ok_or_else(|| NeuralError::UnknownDevice(value.clone())),
        }
    }
}

/// Which Peil label each column of the model's logits stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelOrder(Vec<SentimentLabel>);

impl Default for LabelOrder {
    /// Negative, neutral, positive (the order of TweetEval and most Dutch three-class sets).
    fn default() -> Self {
        LabelOrder(SentimentLabel::ALL.to_vec())
    }
}

fn label_from_name(name: &str) -> Option<SentimentLabel> {
    match name.trim().to_ascii_lowercase().as_str() {
        "negative" | "neg" | "negatief" | "-1" => Some(SentimentLabel::Negative),
        "neutral" | "neu" | "neutraal" | "0" => Some(SentimentLabel::Neutral),
        "positive" | "pos" | "positief" | "1" => Some(SentimentLabel::Positive),
        _ => None,
    }
}

impl LabelOrder {
    /// Three distinct labels, or negative and positive in either order.
    pub fn new(labels: Vec<SentimentLabel>) -> Result<Self, NeuralError> {
        let distinct = labels
            .iter()
            .enumerate()
            .all(|(index, label)| !labels[..index].contains(label));
        let valid = distinct
            && match labels.len() {
                3 => true,
                2 => {
                    labels.contains(&SentimentLabel::Negative)
                        && labels.contains(&SentimentLabel::Positive)
                }
                _ => false,
            };
        if !valid {
            return Err(NeuralError::LabelOrder(
                "expected three distinct labels, or negative and positive".to_string(),
            ));
        }
        Ok(LabelOrder(labels))
    }

    /// Parses a comma-separated list such as `negative,neutral,positive` (also `neg`/`neu`/`pos`
    /// and the Dutch `negatief`/`neutraal`/`positief`).
    pub fn parse(list: &str) -> Result<Self, NeuralError> {
        let labels = list
            .split(',')
            .map(|name| {
                label_from_name(name).ok_or_else(|| {
                    NeuralError::LabelOrder(format!("unknown label `{}`", name.trim()))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        LabelOrder::new(labels)
    }

    /// Reads `id2label` from a Hugging Face `config.json` (for instance `{"0": "negative",
    /// "1": "neutral", "2": "positive"}`). Generic names such as `LABEL_0` are refused: give the
    /// order with [`LabelOrder::parse`] then.
    pub fn from_hf_config(path: &Path) -> Result<Self, NeuralError> {
        let content = std::fs::read_to_string(path).map_err(|error| {
            NeuralError::LabelOrder(format!("cannot read {}: {error}", path.display()))
        })?;
        let config: serde_json::Value = serde_json::from_str(&content).map_err(|error| {
            NeuralError::LabelOrder(format!("{} is not JSON: {error}", path.display()))
        })?;
        let Some(id2label) = config.get("id2label").and_then(|value| value.as_object()) else {
            return Err(NeuralError::LabelOrder(format!(
                "{} has no id2label object",
                path.display()
            )));
        };
        let mut columns: Vec<(usize, SentimentLabel)> = Vec::with_capacity(id2label.len());
        for (id, name) in id2label {
            let column = id.parse::<usize>().map_err(|_| {
                NeuralError::LabelOrder(format!("{}: id2label key `{id}`", path.display()))
            })?;
            let name = name.as_str().unwrap_or_default();
            let label = label_from_name(name).ok_or_else(|| {
                NeuralError::LabelOrder(format!(
                    "{}: label `{name}` is not negative, neutral or positive",
                    path.display()
                ))
            })?;
            columns.push((column, label));
        }
        columns.sort_by_key(|(column, _)| *column);
        if columns
            .iter()
            .enumerate()
            .any(|(index, (column, _))| index != *column)
        {
            return Err(NeuralError::LabelOrder(format!(
                "{}: id2label ids are not 0..n",
                path.display()
            )));
        }
        LabelOrder::new(columns.into_iter().map(|(_, label)| label).collect())
    }

    /// The label of each logit column.
    pub fn labels(&self) -> &[SentimentLabel] {
        &self.0
    }
}

/// Settings of [`NeuralSentiment::load_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeuralConfig {
    /// CPU or CUDA.
    pub device: Device,
    /// The label of each logit column.
    pub labels: LabelOrder,
    /// Texts are truncated to this many tokens (special tokens included). Default 128, plenty
    /// for posts; at most the model's own limit (512 for RobBERT).
    pub max_length: usize,
    /// Texts per model call. Default 32.
    pub batch_size: usize,
    /// `libonnxruntime.so` to load; `None` reads the environment variable `ORT_DYLIB_PATH`.
    pub runtime_path: Option<PathBuf>,
    /// Threads ONNX Runtime uses within one operator on the CPU; `None` is its default (all
    /// cores).
    pub intra_threads: Option<usize>,
}

impl Default for NeuralConfig {
    fn default() -> Self {
        NeuralConfig {
            device: Device::Cpu,
            labels: LabelOrder::default(),
            max_length: 128,
            batch_size: 32,
            runtime_path: None,
            intra_threads: None,
        }
    }
}

/// The ONNX Runtime environment: ONNX Runtime allows one per process, so it is created on first
/// use and kept, with the library path it was loaded from.
static RUNTIME: Mutex<Option<(PathBuf, Environment)>> = Mutex::new(None);

fn runtime(path: Option<&Path>) -> Result<Environment, NeuralError> {
    let requested = match path {
        Some(path) => path.to_path_buf(),
        None => match std::env::var_os("ORT_DYLIB_PATH") {
            Some(value) if !value.is_empty() => PathBuf::from(value),
            _ => return Err(NeuralError::RuntimeNotConfigured),
        },
    };
    let load_error = |reason: String| NeuralError::RuntimeLoad {
        path: requested.clone(),
        reason,
    };
    // An absolute, existing path: `ort` would otherwise look beside the executable.
    let resolved = requested
        .canonicalize()
        .map_err(|error| load_error(error.to_string()))?;
    if !resolved.is_file() {
        return Err(load_error("not a file".to_string()));
    }
    let mut slot = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((loaded, environment)) = slot.as_ref() {
        if *loaded == resolved {
            return Ok(environment.clone());
        }
        return Err(NeuralError::RuntimeAlreadyLoaded {
            loaded: loaded.clone(),
            requested: resolved,
        });
    }
    let builder = ort::init_from(&resolved).map_err(|error| load_error(error.to_string()))?;
    let environment = builder
        .with_name("peil")
        .with_telemetry(false)
        .build()
        .map_err(|error| NeuralError::Environment(error.to_string()))?;
    *slot = Some((resolved, environment.clone()));
    Ok(environment)
}

/// The model's inputs besides `input_ids`.
#[derive(Debug, Clone, Copy)]
struct Inputs {
    attention_mask: bool,
    token_type_ids: bool,
}

fn check_signature(session: &Session, labels: &LabelOrder) -> Result<(Inputs, String), String> {
    let mut input_ids = false;
    let mut inputs = Inputs {
        attention_mask: false,
        token_type_ids: false,
    };
    for input in session.inputs() {
        let name = input.name();
        match name {
            "input_ids" => input_ids = true,
            "attention_mask" => inputs.attention_mask = true,
            "token_type_ids" => inputs.token_type_ids = true,
            other => {
                return Err(format!(
                "unexpected input `{other}`: expected input_ids, attention_mask, token_type_ids"
            ))
            }
        }
        if input.dtype().tensor_type() != Some(TensorElementType::Int64) {
            return Err(format!("input `{name}` is not an int64 tensor"));
        }
    }
    if !input_ids {
        return Err("no input `input_ids`".to_string());
    }
    let output = match session.outputs() {
        [only] => only,
        outputs => outputs
            .iter()
            .find(|output| output.name() == "logits")
            .ok_or_else(|| "several outputs and none is called `logits`".to_string())?,
    };
    let ValueType::Tensor { ty, shape, .. } = output.dtype() else {
        return Err(format!("output `{}` is not a tensor", output.name()));
    };
    if *ty != TensorElementType::Float32 {
        return Err(format!("output `{}` is not float32", output.name()));
    }
    let classes = labels.labels().len() as i64;
    match shape.len() {
        2 if shape[1] == classes || shape[1] < 0 => {}
        2 => {
            return Err(format!(
                "output `{}` has {} columns but the label order has {classes}",
                output.name(),
                shape[1]
            ))
        }
        rank => {
            return Err(format!(
                "output `{}` has rank {rank}, expected [batch, classes]",
                output.name()
            ))
        }
    }
    Ok((inputs, output.name().to_string()))
}

/// A sentiment classifier over a user-supplied ONNX model; `Send + Sync` (model calls are
/// serialised on an internal lock; batch texts for throughput).
pub struct NeuralSentiment {
    session: Mutex<Session>,
    tokenizer: Option<tokenizers::Tokenizer>,
    inputs: Inputs,
    output_name: String,
    pad_id: i64,
    config: NeuralConfig,
}

impl fmt::Debug for NeuralSentiment {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("NeuralSentiment")
            .field("device", &self.config.device)
            .field("labels", &self.config.labels)
            .field("tokenizer", &self.tokenizer.is_some())
            .finish_non_exhaustive()
    }
}

impl NeuralSentiment {
    /// Loads `model_path` (ONNX) and `tokenizer_path` (Hugging Face `tokenizer.json`) for
    /// `device`, with the default label order (negative, neutral, positive) and settings, and
    /// ONNX Runtime from `ORT_DYLIB_PATH`.
    pub fn load(
        model_path: impl AsRef<Path>,
        tokenizer_path: impl AsRef<Path>,
        device: Device,
    ) -> Result<Self, NeuralError> {
        NeuralSentiment::load_with(
            model_path.as_ref(),
            Some(tokenizer_path.as_ref()),
            NeuralConfig {
                device,
                ..NeuralConfig::default()
            },
        )
    }

    /// Loads with explicit settings. Without a tokenizer only
    /// [`score_token_ids`](Self::score_token_ids) works.
    pub fn load_with(
        model_path: &Path,
        tokenizer_path: Option<&Path>,
        config: NeuralConfig,
    ) -> Result<Self, NeuralError> {
        if config.max_length == 0 || config.batch_size == 0 {
            return Err(NeuralError::Environment(
                "max_length and batch_size must be at least 1".to_string(),
            ));
        }
        // Read the small files first, so that a typo is reported before ONNX Runtime loads.
        std::fs::metadata(model_path).map_err(|source| NeuralError::ModelRead {
            path: model_path.to_path_buf(),
            source,
        })?;
        let tokenizer = tokenizer_path
            .map(|path| load_tokenizer(path, config.max_length))
            .transpose()?;
        let environment = runtime(config.runtime_path.as_deref())?;
        let model_error = |reason: String| NeuralError::Model {
            path: model_path.to_path_buf(),
            reason,
        };
        let mut builder =
            Session::builder(&environment).map_err(|error| model_error(error.to_string()))?;
        if let Some(threads) = config.intra_threads {
            builder = builder
                .with_intra_threads(threads)
                .map_err(|error| model_error(error.to_string()))?;
        }
        if let Device::Cuda { device_id } = config.device {
            let cuda = ort::ep::CUDA::default()
                .with_device_id(device_id)
                .build()
                .error_on_failure();
            builder =
                builder
                    .with_execution_providers([cuda])
                    .map_err(|error| NeuralError::Device {
                        device: config.device,
                        reason: error.to_string(),
                    })?;
        }
        let session = builder
            .commit_from_file(model_path)
            .map_err(|error| model_error(error.to_string()))?;
        let (inputs, output_name) =
            check_signature(&session, &config.labels).map_err(|reason| NeuralError::Signature {
                path: model_path.to_path_buf(),
                reason,
            })?;
        let pad_id = tokenizer.as_ref().map_or(0, |tokenizer| {
            tokenizer
                .get_padding()
                .map(|padding| padding.pad_id)
                .or_else(|| {
                    ["<pad>", "[PAD]"]
                        .iter()
                        .find_map(|token| tokenizer.token_to_id(token))
                })
                .map_or(0, i64::from)
        });
        Ok(NeuralSentiment {
            session: Mutex::new(session),
            tokenizer,
            inputs,
            output_name,
            pad_id,
            config,
        })
    }

    /// The settings in use.
    pub fn config(&self) -> &NeuralConfig {
        &self.config
    }

    /// Scores one de-identified text.
    pub fn score(&self, text: &str) -> Result<Sentiment, NeuralError> {
        let mut scores = self.score_batch(&[text])?;
        scores
            .pop()
            .ok_or_else(|| NeuralError::Output("no score returned".to_string()))
    }

    /// Scores de-identified texts, in order.
    pub fn score_batch<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Sentiment>, NeuralError> {
        let tokenizer = self.tokenizer.as_ref().ok_or(NeuralError::NoTokenizer)?;
        let inputs: Vec<&str> = texts.iter().map(AsRef::as_ref).collect();
        let encodings = tokenizer
            .encode_batch(inputs, true)
            .map_err(|error| NeuralError::Tokenise(error.to_string()))?;
        let token_ids: Vec<Vec<i64>> = encodings
            .iter()
            .map(|encoding| encoding.get_ids().iter().map(|id| i64::from(*id)).collect())
            .collect();
        self.score_token_ids(&token_ids)
    }

    /// Scores pre-tokenised texts (token ids as the model's tokenizer produces them, special
    /// tokens included), in order. A sequence longer than `max_length` is an error.
    pub fn score_token_ids(&self, token_ids: &[Vec<i64>]) -> Result<Vec<Sentiment>, NeuralError> {
        if let Some((index, ids)) = token_ids
            .iter()
            .enumerate()
            .find(|(_, ids)| ids.len() > self.config.max_length)
        {
            return Err(NeuralError::TooLong {
                index,
                length: ids.len(),
                max_length: self.config.max_length,
            });
        }
        let mut results = vec![Sentiment::NEUTRAL; token_ids.len()];
        // Longest first, so that each batch pads little; empty texts stay neutral.
        let mut order: Vec<usize> = (0..token_ids.len())
            .filter(|index| !token_ids[*index].is_empty())
            .collect();
        order.sort_by_key(|index| std::cmp::Reverse(token_ids[*index].len()));
        let mut session = self
            .session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for batch in order.chunks(self.config.batch_size) {
            let rows: Vec<&[i64]> = batch.iter().map(|index| &token_ids[*index][..]).collect();
            let logits = self.run(&mut session, &rows)?;
            for (index, row_logits) in batch.iter().zip(logits.chunks(self.labels().len())) {
                results[*index] = self.sentiment_of(row_logits)?;
            }
        }
        Ok(results)
    }

    fn labels(&self) -> &[SentimentLabel] {
        self.config.labels.labels()
    }

    /// Runs one padded batch; returns the logits row by row.
    fn run(&self, session: &mut Session, rows: &[&[i64]]) -> Result<Vec<f32>, NeuralError> {
        let batch = rows.len();
        let width = rows.iter().map(|row| row.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(batch * width);
        let mut mask = Vec::with_capacity(batch * width);
        for row in rows {
            ids.extend_from_slice(row);
            ids.extend(std::iter::repeat_n(self.pad_id, width - row.len()));
            mask.extend(std::iter::repeat_n(1i64, row.len()));
            mask.extend(std::iter::repeat_n(0i64, width - row.len()));
        }
        let shape = [batch as i64, width as i64];
        let tensor = |data: Vec<i64>| {
            Tensor::from_array((shape, data))
                .map_err(|error| NeuralError::Inference(error.to_string()))
        };
        let mut inputs = ort::inputs! { "input_ids" => tensor(ids)? };
        if self.inputs.attention_mask {
            inputs.push(("attention_mask".into(), tensor(mask)?.into()));
        }
        if self.inputs.token_type_ids {
            inputs.push((
                "token_type_ids".into(),
                tensor(vec![0; batch * width])?.into(),
            ));
        }
        let outputs = session
            .run(inputs)
            .map_err(|error| NeuralError::Inference(error.to_string()))?;
        let output = outputs
            .get(&self.output_name)
            .ok_or_else(|| NeuralError::Output(format!("no output `{}`", self.output_name)))?;
        let (shape, values) = output
            .try_extract_tensor::<f32>()
            .map_err(|error| NeuralError::Output(error.to_string()))?;
        let classes = self.labels().len();
        if shape.len() != 2 || shape[0] != batch as i64 || shape[1] != classes as i64 {
            return Err(NeuralError::Output(format!(
                "logits have shape {:?}, expected [{batch}, {classes}]",
                &shape[..]
            )));
        }
        Ok(values.to_vec())
    }

    /// Argmax label and `P(positive) - P(negative)` of one row of logits.
    fn sentiment_of(&self, logits: &[f32]) -> Result<Sentiment, NeuralError> {
        if logits.iter().any(|value| !value.is_finite()) {
            return Err(NeuralError::Output(
                "the model returned a non-finite logit".to_string(),
            ));
        }
        let maximum = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exponentials: Vec<f32> = logits.iter().map(|value| (value - maximum).exp()).collect();
        let total: f32 = exponentials.iter().sum();
        let mut best = 0;
        for (column, value) in logits.iter().enumerate() {
            if *value > logits[best] {
                best = column;
            }
        }
        let probability = |wanted: SentimentLabel| -> f32 {
            self.labels()
                .iter()
                .zip(&exponentials)
                .filter(|(label, _)| **label == wanted)
                .map(|(_, value)| value / total)
                .sum()
        };
        let score = probability(SentimentLabel::Positive) - probability(SentimentLabel::Negative);
        Ok(Sentiment {
            label: self.labels()[best],
            score: score.clamp(-1.0, 1.0),
        })
    }
}

fn load_tokenizer(path: &Path, max_length: usize) -> Result<tokenizers::Tokenizer, NeuralError> {
    let tokenizer_error = |reason: String| NeuralError::Tokenizer {
        path: path.to_path_buf(),
        reason,
    };
    let mut tokenizer = tokenizers::Tokenizer::from_file(path)
        .map_err(|error| tokenizer_error(error.to_string()))?;
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(Some(tokenizers::TruncationParams {
            max_length,
            ..Default::default()
        }))
        .map_err(|error| tokenizer_error(error.to_string()))?;
    Ok(tokenizer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_parse() {
        assert_eq!("cpu".parse::<Device>().unwrap(), Device::Cpu);
        assert_eq!(
            "CUDA".parse::<Device>().unwrap(),
            Device::Cuda { device_id: 0 }
        );
        assert_eq!(
            "cuda:2".parse::<Device>().unwrap(),
            Device::Cuda { device_id: 2 }
        );
        assert!("cuda:-1".parse::<Device>().is_err());
        assert!("tpu".parse::<Device>().is_err());
        assert_eq!(Device::Cuda { device_id: 1 }.to_string(), "cuda:1");
    }

    #[test]
    fn label_orders() {
        use SentimentLabel::{Negative, Neutral, Positive};
        assert_eq!(
            LabelOrder::parse("positive, neutral ,negative")
                .unwrap()
                .labels(),
            &[Positive, Neutral, Negative]
        );
        assert_eq!(
            LabelOrder::parse("neg,pos").unwrap().labels(),
            &[Negative, Positive]
        );
        assert!(LabelOrder::parse("negative,negative,positive").is_err());
        assert!(LabelOrder::parse("negative,neutral").is_err());
        assert!(LabelOrder::parse("negative,neutral,positive,neutral").is_err());
        assert!(LabelOrder::parse("LABEL_0,LABEL_1,LABEL_2").is_err());
    }

    #[test]
    fn label_order_from_hf_config() {
        let directory = std::env::temp_dir().join(format!("peil-neural-{}", std::process::id()));
        std::fs::create_dir_all(&directory).unwrap();
        let path = directory.join("config.json");
        std::fs::write(
            &path,
            r#"{"id2label": {"1": "NEUTRAL", "0": "Positive", "2": "negative"}}"#,
        )
        .unwrap();
        assert_eq!(
            LabelOrder::from_hf_config(&path).unwrap().labels(),
            &[
                SentimentLabel::Positive,
                SentimentLabel::Neutral,
                SentimentLabel::Negative
            ]
        );
        std::fs::write(&path, r#"{"id2label": {"0": "LABEL_0", "1": "LABEL_1"}}"#).unwrap();
        assert!(LabelOrder::from_hf_config(&path).is_err());
        std::fs::write(&path, r#"{"id2label": {"0": "negative", "2": "positive"}}"#).unwrap();
        assert!(LabelOrder::from_hf_config(&path).is_err());
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[test]
    fn missing_runtime_is_an_error() {
        let error = runtime(Some(Path::new("/nonexistent/libonnxruntime.so"))).unwrap_err();
        assert!(matches!(error, NeuralError::RuntimeLoad { .. }), "{error}");
    }
}
