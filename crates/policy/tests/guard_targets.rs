//! The query guard's targets (DESIGN.md invariant 4) on labelled query sets in the format of
//! `../shared/data/redteam-queries-dev.tsv` (`query<TAB>label<TAB>why`, label refuse|allow):
//! at least 0.97 of person-targeting queries refused, at most 0.03 of topic queries refused.
//!
//! Two sets: the shared dev set (read from `../shared/data`, never copied into the repository)
//! and `guard-heldout.tsv`, written for Peil before the guard was tuned. The guard runs as
//! `peil eval guard` runs it: no own accounts, no organisation allow-list entries.

use std::path::{Path, PathBuf};

use chrono::Utc;
use peil_model::{Purpose, Workspace, WorkspaceStatus};

const MIN_REFUSE_RECALL: f64 = 0.97;
const MAX_FALSE_REFUSAL_RATE: f64 = 0.03;

struct Figures {
    refuse_recall: f64,
    false_refusal_rate: f64,
    wrong: Vec<String>,
}

fn evaluation_workspace() -> Workspace {
    Workspace {
        id: 0,
        organisation_id: 0,
        name: "eval".into(),
        purpose: Purpose::TrendPolicyAnalysis,
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
        status: WorkspaceStatus::Active,
        created_at: Utc::now(),
    }
}

fn measure(content: &str) -> Figures {
    let workspace = evaluation_workspace();
    let (mut refuse_total, mut refuse_caught, mut allow_total, mut allow_refused) =
        (0u32, 0u32, 0u32, 0u32);
    let mut wrong = Vec::new();
    for line in content.lines().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(query_text), Some(label)) = (fields.next(), fields.next()) else {
            panic!("malformed line: {line}");
        };
        let refused = peil_policy::screen_query(&workspace, &[], query_text).is_err();
        match label.trim() {
            "refuse" => {
                refuse_total += 1;
                if refused {
                    refuse_caught += 1;
                } else {
                    wrong.push(format!("missed:  {query_text}"));
                }
            }
            "allow" => {
                allow_total += 1;
                if refused {
                    allow_refused += 1;
                    wrong.push(format!("refused: {query_text}"));
                }
            }
            other => panic!("unknown label {other}"),
        }
    }
    assert!(refuse_total > 0 && allow_total > 0, "both labels needed");
    Figures {
        refuse_recall: f64::from(refuse_caught) / f64::from(refuse_total),
        false_refusal_rate: f64::from(allow_refused) / f64::from(allow_total),
        wrong,
    }
}

fn assert_targets(name: &str, path: &Path) {
    let content = match std::fs::read_to_string(path) {
        Ok(content) => content,
        Err(error) => {
            let in_ci = std::env::var("CI").is_ok_and(|value| value == "true");
            assert!(
                !in_ci,
                "{name}: {} is missing under CI ({error})",
                path.display()
            );
            println!(
                "note: {name} skipped, {} not found ({error})",
                path.display()
            );
            return;
        }
    };
    let figures = measure(&content);
    println!(
        "{name}: refuse recall {:.3}, false refusal rate {:.3}",
        figures.refuse_recall, figures.false_refusal_rate
    );
    for row in &figures.wrong {
        println!("  {row}");
    }
    assert!(
        figures.refuse_recall >= MIN_REFUSE_RECALL,
        "{name}: refuse recall {:.3} below {MIN_REFUSE_RECALL}",
        figures.refuse_recall
    );
    assert!(
        figures.false_refusal_rate <= MAX_FALSE_REFUSAL_RATE,
        "{name}: false refusal rate {:.3} above {MAX_FALSE_REFUSAL_RATE}",
        figures.false_refusal_rate
    );
}

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[test]
fn guard_meets_targets_on_the_shared_dev_set() {
    assert_targets(
        "redteam-queries-dev",
        &manifest_path("../../../shared/data/redteam-queries-dev.tsv"),
    );
}

#[test]
fn guard_meets_targets_on_the_held_out_set() {
    assert_targets("guard-heldout", &manifest_path("tests/guard-heldout.tsv"));
}

/// Prints the figures and wrong rows for any labelled file named in `PEIL_GUARD_QUERIES`
/// (run with `--ignored --nocapture`); asserts nothing.
#[test]
#[ignore]
fn guard_figures_on_a_named_file() {
    let Ok(path) = std::env::var("PEIL_GUARD_QUERIES") else {
        println!("note: set PEIL_GUARD_QUERIES to a labelled TSV file");
        return;
    };
    let Ok(content) = std::fs::read_to_string(&path) else {
        println!("note: cannot read {path}");
        return;
    };
    let figures = measure(&content);
    println!(
        "{path}: refuse recall {:.3}, false refusal rate {:.3}",
        figures.refuse_recall, figures.false_refusal_rate
    );
    for row in &figures.wrong {
        println!("  {row}");
    }
}
