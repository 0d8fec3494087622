//! Shared helpers for the evaluation tests: where the evaluation data lives, and what to do when
//! it is missing.

use std::path::PathBuf;

/// `shared/data` beside the repository (never copied into it: see shared/data/README.md).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// Returns the path of `relative` under the data folder, or `None` after printing a notice when
/// it is missing. Under CI (`CI=true`) a missing file fails the test with a clear message.
pub fn data_file(relative: &str) -> Option<PathBuf> {
    let path = data_dir().join(relative);
    if path.is_file() {
        return Some(path);
    }
    let under_ci = std::env::var("CI").is_ok_and(|value| value == "true");
    assert!(
        !under_ci,
        "evaluation data missing: {} (expected the shared data folder beside the repository; see shared/data/README.md)",
        path.display()
    );
    eprintln!(
        "notice: skipping, evaluation data not found at {}",
        path.display()
    );
    None
}
