//! The optional neural sentiment path, run through ONNX Runtime on the tiny model that
//! `scripts/make-tiny-onnx.py` generates (embedding look-up, masked mean, fixed linear layer, so
//! every output is known exactly).
//!
//! Needs `ORT_DYLIB_PATH` (libonnxruntime.so) and the generated files in `target/neural-test`
//! (or `PEIL_NEURAL_TEST_DIR`); `.ci/run` prepares both. Without them the tests print a notice
//! and pass, except under `CI=true`, where they fail.
//!
//! `PEIL_NEURAL_EXPECT_CUDA=1` (with the onnxruntime-gpu library on a machine with a GPU) makes
//! the CUDA test require that the model runs on the GPU and gives the CPU's results.
#![cfg(feature = "neural")]

use std::path::{Path, PathBuf};

use peil_analysis::neural::{Device, LabelOrder, NeuralConfig, NeuralError, NeuralSentiment};
use peil_model::SentimentLabel::{self, Negative, Neutral, Positive};

struct Fixture {
    model: PathBuf,
    tokenizer: PathBuf,
    cases: PathBuf,
}

/// The generated files, or `None` (with a notice) when the environment lacks them outside CI.
fn fixture(test: &str) -> Option<Fixture> {
    let directory = std::env::var_os("PEIL_NEURAL_TEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/neural-test"));
    let fixture = Fixture {
        model: directory.join("tiny-sentiment.onnx"),
        tokenizer: directory.join("tokenizer.json"),
        cases: directory.join("cases.json"),
    };
    let runtime = std::env::var_os("ORT_DYLIB_PATH").filter(|value| !value.is_empty());
    let mut missing = Vec::new();
    if runtime.is_none() {
        missing.push("ORT_DYLIB_PATH is not set".to_string());
    }
    for path in [&fixture.model, &fixture.tokenizer, &fixture.cases] {
        if !path.is_file() {
            missing.push(format!(
                "{} is missing (run scripts/make-tiny-onnx.py)",
                path.display()
            ));
        }
    }
    if missing.is_empty() {
        return Some(fixture);
    }
    let notice = format!("{test}: skipped: {}", missing.join("; "));
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("{notice} (CI=true: the neural tests must run; see .ci/run)");
    }
    eprintln!("{notice}");
    None
}

struct Case {
    text: String,
    input_ids: Vec<i64>,
    logits: [f32; 3],
}

fn cases(fixture: &Fixture) -> Vec<Case> {
    let content = std::fs::read_to_string(&fixture.cases).unwrap();
    let json: serde_json::Value = serde_json::from_str(&content).unwrap();
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Case {
            text: case["text"].as_str().unwrap().to_string(),
            input_ids: case["input_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_i64().unwrap())
                .collect(),
            logits: std::array::from_fn(|index| case["logits"][index].as_f64().unwrap() as f32),
        })
        .collect()
}

/// The label and score the module must derive from logits in the order negative, neutral,
/// positive: argmax, and P(positive) - P(negative) after softmax.
fn expected(logits: [f32; 3]) -> (SentimentLabel, f32) {
    let maximum = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exponentials = logits.map(|value| (value - maximum).exp());
    let total: f32 = exponentials.iter().sum();
    let best = (0..3)
        .max_by(|a, b| logits[*a].total_cmp(&logits[*b]))
        .unwrap();
    (
        SentimentLabel::ALL[best],
        (exponentials[2] - exponentials[0]) / total,
    )
}

fn load(fixture: &Fixture) -> NeuralSentiment {
    NeuralSentiment::load(&fixture.model, &fixture.tokenizer, Device::Cpu)
        .unwrap_or_else(|error| panic!("loading the tiny model failed: {error}"))
}

#[test]
fn labels_and_scores_match_the_reference() {
    let Some(fixture) = fixture("labels_and_scores_match_the_reference") else {
        return;
    };
    let model = load(&fixture);
    let cases = cases(&fixture);
    let texts: Vec<&str> = cases.iter().map(|case| case.text.as_str()).collect();
    let from_texts = model.score_batch(&texts).unwrap();
    let ids: Vec<Vec<i64>> = cases.iter().map(|case| case.input_ids.clone()).collect();
    let from_ids = model.score_token_ids(&ids).unwrap();
    for ((case, by_text), by_ids) in cases.iter().zip(&from_texts).zip(&from_ids) {
        let (label, score) = expected(case.logits);
        assert_eq!(by_text.label, label, "{}", case.text);
        assert!(
            (by_text.score - score).abs() < 1e-5,
            "{}: {} against {score}",
            case.text,
            by_text.score
        );
        assert_eq!(by_text, by_ids, "{}", case.text);
    }
    // The same facts spelled out, so that a change of the script cannot hide a regression.
    let labels: Vec<SentimentLabel> = from_texts.iter().map(|sentiment| sentiment.label).collect();
    assert_eq!(
        labels,
        [Positive, Negative, Neutral, Neutral, Negative, Positive, Neutral, Positive]
    );
    assert!(from_texts[4].score < -0.99 && from_texts[5].score > 0.99);
    assert_eq!(from_texts[2].score, 0.0);
}

#[test]
fn batching_padding_and_empty_texts() {
    let Some(fixture) = fixture("batching_padding_and_empty_texts") else {
        return;
    };
    let single = load(&fixture);
    let batched = NeuralSentiment::load_with(
        &fixture.model,
        Some(&fixture.tokenizer),
        NeuralConfig {
            batch_size: 3,
            intra_threads: Some(1),
            ..NeuralConfig::default()
        },
    )
    .unwrap();
    let texts = [
        "fijn",
        "",
        "de trein is vandaag kapot en de bus was vies",
        "   ",
        "het weer is prachtig",
        "boos",
        "De gemeente",
        "de bus",
        "slecht slecht goed",
        "?!",
    ];
    let together = batched.score_batch(&texts).unwrap();
    assert_eq!(together.len(), texts.len());
    for (text, sentiment) in texts.iter().zip(&together) {
        let alone = single.score(text).unwrap();
        assert_eq!(alone.label, sentiment.label, "{text:?}");
        assert!((alone.score - sentiment.score).abs() < 1e-6, "{text:?}");
    }
    // Texts without tokens are neutral and never reach the model.
    assert_eq!(together[1], peil_analysis::sentiment::Sentiment::NEUTRAL);
    assert_eq!(together[3], peil_analysis::sentiment::Sentiment::NEUTRAL);
    assert!(single.score_batch::<&str>(&[]).unwrap().is_empty());
}

#[test]
fn label_order_maps_columns() {
    let Some(fixture) = fixture("label_order_maps_columns") else {
        return;
    };
    let reversed = NeuralSentiment::load_with(
        &fixture.model,
        Some(&fixture.tokenizer),
        NeuralConfig {
            labels: LabelOrder::parse("positive,neutral,negative").unwrap(),
            ..NeuralConfig::default()
        },
    )
    .unwrap();
    let normal = load(&fixture);
    for text in ["De trein is prachtig!", "boos boos boos", "De gemeente"] {
        let flipped = reversed.score(text).unwrap();
        let straight = normal.score(text).unwrap();
        let mirrored = match straight.label {
            Negative => Positive,
            Neutral => Neutral,
            Positive => Negative,
        };
        assert_eq!(flipped.label, mirrored, "{text}");
        assert!((flipped.score + straight.score).abs() < 1e-6, "{text}");
    }
    // Three logit columns cannot be read with two labels.
    let error = NeuralSentiment::load_with(
        &fixture.model,
        Some(&fixture.tokenizer),
        NeuralConfig {
            labels: LabelOrder::parse("negative,positive").unwrap(),
            ..NeuralConfig::default()
        },
    )
    .unwrap_err();
    assert!(matches!(error, NeuralError::Signature { .. }), "{error}");
}

#[test]
fn bad_inputs_are_typed_errors() {
    let Some(fixture) = fixture("bad_inputs_are_typed_errors") else {
        return;
    };
    let directory = std::env::temp_dir().join(format!("peil-neural-test-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();

    let error = NeuralSentiment::load(
        directory.join("absent.onnx"),
        &fixture.tokenizer,
        Device::Cpu,
    )
    .unwrap_err();
    assert!(matches!(error, NeuralError::ModelRead { .. }), "{error}");

    let garbage = directory.join("garbage.onnx");
    std::fs::write(&garbage, b"this is not an ONNX model").unwrap();
    let error = NeuralSentiment::load(&garbage, &fixture.tokenizer, Device::Cpu).unwrap_err();
    assert!(matches!(error, NeuralError::Model { .. }), "{error}");

    // A truncated copy of the real model.
    let truncated = directory.join("truncated.onnx");
    let bytes = std::fs::read(&fixture.model).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let error = NeuralSentiment::load(&truncated, &fixture.tokenizer, Device::Cpu).unwrap_err();
    assert!(matches!(error, NeuralError::Model { .. }), "{error}");

    let bad_tokenizer = directory.join("tokenizer.json");
    std::fs::write(&bad_tokenizer, b"{\"model\": 3}").unwrap();
    let error = NeuralSentiment::load(&fixture.model, &bad_tokenizer, Device::Cpu).unwrap_err();
    assert!(matches!(error, NeuralError::Tokenizer { .. }), "{error}");

    // The runtime is loaded once per process; another library path is refused either way.
    let error = NeuralSentiment::load_with(
        &fixture.model,
        None,
        NeuralConfig {
            runtime_path: Some(garbage.clone()),
            ..NeuralConfig::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            NeuralError::RuntimeLoad { .. } | NeuralError::RuntimeAlreadyLoaded { .. }
        ),
        "{error}"
    );

    // Without a tokenizer only token ids work, and they must fit in max_length.
    let ids_only = NeuralSentiment::load_with(
        &fixture.model,
        None,
        NeuralConfig {
            max_length: 4,
            ..NeuralConfig::default()
        },
    )
    .unwrap();
    let error = ids_only.score("fijn").unwrap_err();
    assert!(matches!(error, NeuralError::NoTokenizer), "{error}");
    assert_eq!(
        ids_only.score_token_ids(&[vec![16]]).unwrap()[0].label,
        Positive
    );
    let error = ids_only
        .score_token_ids(&[vec![16], vec![2; 5]])
        .unwrap_err();
    assert!(
        matches!(error, NeuralError::TooLong { index: 1, .. }),
        "{error}"
    );
    // An id outside the vocabulary is ONNX Runtime's error, not a crash.
    let error = ids_only.score_token_ids(&[vec![1_000_000]]).unwrap_err();
    assert!(matches!(error, NeuralError::Inference(_)), "{error}");

    std::fs::remove_dir_all(&directory).unwrap();
}

#[test]
fn cuda_runs_or_says_why_not() {
    let Some(fixture) = fixture("cuda_runs_or_says_why_not") else {
        return;
    };
    let expect_cuda = std::env::var("PEIL_NEURAL_EXPECT_CUDA").is_ok_and(|value| value == "1");
    match NeuralSentiment::load(
        &fixture.model,
        &fixture.tokenizer,
        Device::Cuda { device_id: 0 },
    ) {
        Ok(gpu) => {
            let cpu = load(&fixture);
            let cases = cases(&fixture);
            let texts: Vec<&str> = cases.iter().map(|case| case.text.as_str()).collect();
            let on_gpu = gpu.score_batch(&texts).unwrap();
            let on_cpu = cpu.score_batch(&texts).unwrap();
            for ((text, a), b) in texts.iter().zip(&on_gpu).zip(&on_cpu) {
                assert_eq!(a.label, b.label, "{text}");
                assert!((a.score - b.score).abs() < 1e-4, "{text}");
            }
            eprintln!("cuda_runs_or_says_why_not: ran on CUDA, same labels as the CPU");
        }
        Err(error) => {
            assert!(
                !expect_cuda,
                "PEIL_NEURAL_EXPECT_CUDA=1 but CUDA failed: {error}"
            );
            assert!(matches!(error, NeuralError::Device { .. }), "{error}");
            eprintln!("cuda_runs_or_says_why_not: no CUDA here ({error})");
        }
    }
}
