//! End-to-end tests of the `peil` binary: one test binary for the whole command line.
//!
//! Each invariant the foundation touches has a test here that fails if it breaks: raw data never
//! reaches the disk (1), only matched posts are stored (2), pseudonyms are keyed per workspace (3),
//! cells under k are suppressed (5), bad input loses nothing else, and a killed import never leaves
//! the database and the index disagreeing.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

fn peil_binary() -> &'static str {
    env!("CARGO_BIN_EXE_peil")
}

fn run_peil(data_dir: &Path, arguments: &[&str]) -> Output {
    let output = Command::new(peil_binary())
        .arg("--data-dir")
        .arg(data_dir)
        .args(arguments)
        .env_remove("PEIL_LANG")
        .output();
    match output {
        Ok(output) => output,
        Err(error) => panic!("could not run peil: {error}"),
    }
}

fn expect_success(data_dir: &Path, arguments: &[&str]) -> String {
    let output = run_peil(data_dir, arguments);
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(
        output.status.success(),
        "peil {arguments:?} failed\nstdout: {stdout}\nstderr: {stderr}"
    );
    stdout
}

fn json_of(text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => panic!("not JSON ({error}): {text}"),
    }
}

fn temp_dir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(directory) => directory,
        Err(error) => panic!("no temp dir: {error}"),
    }
}

/// Creates an organisation and an active workspace with one monitor on waste collection.
fn setup_workspace(data_dir: &Path, organisation: &str, workspace: &str, create_org: bool) {
    if create_org {
        expect_success(
            data_dir,
            &["org", "create", "--name", organisation, "--why", "test"],
        );
    }
    expect_success(
        data_dir,
        &[
            "workspace",
            "create",
            "--org",
            organisation,
            "--name",
            workspace,
            "--purpose",
            "trend_policy_analysis",
            "--legal-basis",
            "AVG art. 6(1)(e)",
            "--retention-days",
            "30",
            "--k",
            "10",
            "--why",
            "test",
        ],
    );
    expect_success(
        data_dir,
        &[
            "workspace",
            "approve",
            workspace,
            "--org",
            organisation,
            "--why",
            "FG akkoord",
        ],
    );
    expect_success(
        data_dir,
        &[
            "workspace",
            "activate",
            workspace,
            "--org",
            organisation,
            "--why",
            "start",
        ],
    );
    expect_success(
        data_dir,
        &[
            "monitor",
            "add",
            "--workspace",
            workspace,
            "--org",
            organisation,
            "--query",
            "afval OR container*",
            "--why",
            "evaluatie afvalbeleid",
        ],
    );
}

/// A JSONL line of the generic import schema.
fn jsonl_line(id: &str, day: u32, hour: u32, author: &str, text: &str) -> String {
    serde_json::json!({
        "id": id,
        "created_at": format!("2026-10-{day:02}T{hour:02}:15:00Z"),
        "text": text,
        "author_id": author,
        "lang": "nl",
    })
    .to_string()
}

fn write_file(path: &Path, lines: &[String]) {
    let content = lines.join("\n") + "\n";
    if let Err(error) = fs::write(path, content) {
        panic!("cannot write {}: {error}", path.display());
    }
}

/// 200 matching posts by 40 authors over days 1–3 (plenty above k) and 100 unrelated posts.
fn standard_corpus() -> Vec<String> {
    let mut lines = Vec::new();
    for number in 0..200u32 {
        let day = 1 + number % 3;
        let text = match number % 4 {
            0 => "De afval wordt weer niet opgehaald, wat een puinhoop",
            1 => "Blij met de nieuwe ondergrondse container in de wijk",
            2 => "Waarom staat de container al dagen vol? Afval overal",
            _ => "Afval scheiden gaat prima hier, complimenten",
        };
        lines.push(jsonl_line(
            &format!("p{number}"),
            day,
            8 + number % 12,
            &format!("author-{}", number % 40),
            text,
        ));
    }
    for number in 0..100u32 {
        lines.push(jsonl_line(
            &format!("u{number}"),
            2,
            20,
            &format!("other-{number}"),
            "Mooie wedstrijd vanavond, wat een goal",
        ));
    }
    lines
}

#[test]
fn end_to_end_from_jsonl_to_an_aggregate_answer() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    let input = directory.path().join("posts.jsonl");
    write_file(&input, &standard_corpus());

    let summary = json_of(&expect_success(
        &data_dir,
        &["import", input.to_str().unwrap_or_default(), "--json"],
    ));
    assert_eq!(summary["read"], 300);
    assert_eq!(summary["stored"], 200);
    assert_eq!(summary["dropped"], 100, "unmatched posts are dropped");
    assert_eq!(summary["rejected"], 0);

    let report = json_of(&expect_success(
        &data_dir,
        &["query", "--workspace", "afval", "--json"],
    ));
    assert_eq!(report["report"]["totals"]["posts"], 200);
    assert_eq!(report["report"]["totals"]["authors_at_least"], 40);
    let volume = report["report"]["volume"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(volume.len(), 3);
    let daily_total: u64 = volume
        .iter()
        .filter_map(|cell| cell["posts"].as_u64())
        .sum();
    assert_eq!(daily_total, 200);
    let terms: Vec<String> = report["report"]["terms"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|item| item["term"].as_str().map(str::to_string))
        .collect();
    assert!(terms.iter().any(|term| term == "afval"), "{terms:?}");
    assert!(
        terms.iter().all(|term| term != "wedstrijd"),
        "unmatched posts never counted"
    );
    assert_eq!(report["caveat"]["k"], 10);
    assert!(report["caveat"]["representativeness_en"]
        .as_str()
        .unwrap_or_default()
        .contains("not representative"));

    // A narrower query through the full-text index: only posts that mention a container.
    let narrow = json_of(&expect_success(
        &data_dir,
        &["query", "--workspace", "afval", "container*", "--json"],
    ));
    assert_eq!(narrow["report"]["totals"]["posts"], 100);

    // Text output: Dutch by default, English on request.
    let text = expect_success(&data_dir, &["query", "--workspace", "afval"]);
    assert!(text.contains("Kanttekeningen") && text.contains("niet representatief"));
    let english = expect_success(
        &data_dir,
        &["--lang", "en", "query", "--workspace", "afval"],
    );
    assert!(english.contains("Caveats") && english.contains("not representative"));

    // Importing the same file again stores nothing new.
    let again = json_of(&expect_success(
        &data_dir,
        &["import", input.to_str().unwrap_or_default(), "--json"],
    ));
    assert_eq!(again["stored"], 0);
    assert_eq!(again["duplicates"], 200);
    let check = json_of(&expect_success(&data_dir, &["store", "check", "--json"]));
    assert_eq!(check["posts_in_database"], 200);
    assert_eq!(check["consistent"], true);

    // Every change kept its why note.
    let history = json_of(&expect_success(
        &data_dir,
        &["workspace", "history", "--json"],
    ));
    let whys: Vec<String> = history
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|change| change["why"].as_str().map(str::to_string))
        .collect();
    assert!(whys.iter().any(|why| why == "FG akkoord"), "{whys:?}");
    assert!(
        whys.iter().any(|why| why == "evaluatie afvalbeleid"),
        "{whys:?}"
    );
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn raw_text_and_author_ids_never_reach_the_disk_or_the_output() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    let canaries = [
        "canary.mail.q7z@example.org",
        "canaryhandleq7z",
        "canaryprofileq7z",
        "0612345679",
        "canary-author-q7z",
        "canary-source-q7z",
        "canaryunmatchedq7z",
        "canary-reply-author-q7z",
    ];
    let mut lines = standard_corpus();
    for number in 0..30u32 {
        let text = "Afval: mail canary.mail.q7z@example.org of @canaryhandleq7z, zie https://x.com/canaryprofileq7z of bel 06-12345679";
        let line = serde_json::json!({
            "id": format!("canary-source-q7z-{number}"),
            "created_at": "2026-10-02T10:00:00Z",
            "text": text,
            "author_id": format!("canary-author-q7z-{}", number % 15),
            "reply_to_author_id": "canary-reply-author-q7z",
        });
        lines.push(line.to_string());
    }
    lines.push(jsonl_line(
        "x1",
        2,
        9,
        "someone",
        "canaryunmatchedq7z staat niet in een monitor",
    ));
    let input = directory.path().join("posts.jsonl");
    write_file(&input, &lines);
    let import = run_peil(&data_dir, &["import", input.to_str().unwrap_or_default()]);
    assert!(import.status.success());
    let query = run_peil(&data_dir, &["query", "--workspace", "afval", "--json"]);
    assert!(query.status.success());
    let summary = json_of(&expect_success(&data_dir, &["store", "check", "--json"]));
    assert_eq!(summary["posts_in_database"], 230);

    let mut outputs = Vec::new();
    for output in [&import, &query] {
        outputs.extend_from_slice(&output.stdout);
        outputs.extend_from_slice(&output.stderr);
    }
    let files = files_under(&data_dir);
    assert!(files.len() > 5, "the store wrote its files");
    for file in &files {
        let bytes = fs::read(file).unwrap_or_default();
        let lower = String::from_utf8_lossy(&bytes).to_lowercase();
        for canary in canaries {
            assert!(
                !lower.contains(canary),
                "{canary} found in {}",
                file.display()
            );
        }
        let mode = fs::metadata(file)
            .map(|meta| meta.permissions().mode())
            .unwrap_or(0o777);
        assert_eq!(mode & 0o077, 0, "{} is readable by others", file.display());
    }
    let shown = String::from_utf8_lossy(&outputs).to_lowercase();
    for canary in canaries {
        assert!(!shown.contains(canary), "{canary} printed");
    }
}

#[test]
fn cells_under_k_are_suppressed_in_the_output() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    let mut lines = standard_corpus();
    // Day 5: 12 posts by only 3 authors.
    for number in 0..12u32 {
        lines.push(jsonl_line(
            &format!("few{number}"),
            5,
            10,
            &format!("few-{}", number % 3),
            "Container kapot",
        ));
    }
    let input = directory.path().join("posts.jsonl");
    write_file(&input, &lines);
    expect_success(&data_dir, &["import", input.to_str().unwrap_or_default()]);
    let report = json_of(&expect_success(
        &data_dir,
        &["query", "--workspace", "afval", "--json"],
    ));
    let volume = report["report"]["volume"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let day_five = volume.iter().find(|cell| {
        cell["key"]
            .as_str()
            .unwrap_or_default()
            .starts_with("2026-10-05")
    });
    let Some(day_five) = day_five else {
        panic!("no day 5 cell: {volume:?}")
    };
    assert_eq!(day_five["posts"], Value::Null);
    assert_eq!(day_five["suppressed"], true);
    assert!(report["caveat"]["suppressed_cells"].as_u64().unwrap_or(0) >= 1);
    let text = expect_success(&data_dir, &["query", "--workspace", "afval"]);
    assert!(text.contains("<k"));
    // A suppressed volume cell withholds the whole sentiment series: one line says so.
    let series = report["report"]["sentiment_series"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!series.is_empty());
    assert!(series.iter().all(|cell| cell["suppressed"] == true));
    let withheld: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("Sentiment in de tijd"))
        .collect();
    assert_eq!(withheld.len(), 1, "{text}");
    assert!(withheld[0].contains("niet getoond"), "{text}");
}

#[test]
fn the_text_report_shows_the_sentiment_series_per_bucket_and_class() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    // Three days, 40 authors, every class by many authors on every day.
    let mut lines = Vec::new();
    for number in 0..300u32 {
        let text = match number % 3 {
            0 => "De afval wordt weer niet opgehaald, wat een puinhoop en een schande",
            1 => "Blij met de nieuwe container, fantastisch en prima geregeld",
            _ => "De container voor afval staat aan de straat",
        };
        lines.push(jsonl_line(
            &format!("s{number}"),
            1 + (number / 3) % 3,
            8 + number % 10,
            &format!("author-{}", number % 60),
            text,
        ));
    }
    let input = directory.path().join("posts.jsonl");
    write_file(&input, &lines);
    expect_success(&data_dir, &["import", input.to_str().unwrap_or_default()]);
    let report = json_of(&expect_success(
        &data_dir,
        &["query", "--workspace", "afval", "--json"],
    ));
    let series = report["report"]["sentiment_series"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        !series.is_empty() && series.iter().all(|cell| cell["suppressed"] == false),
        "{series:?}"
    );
    let text = expect_success(&data_dir, &["query", "--workspace", "afval"]);
    let english = expect_success(
        &data_dir,
        &["--lang", "en", "query", "--workspace", "afval"],
    );
    assert!(text.contains("Sentiment in de tijd (aandeel"), "{text}");
    assert!(english.contains("Sentiment over time (share"), "{english}");
    // One line per bucket, every class with the share the JSON gives.
    for cell in &series {
        let bucket = cell["bucket"].as_str().unwrap_or_default();
        let day = bucket.get(..10).unwrap_or_default();
        let Some(line) = text
            .lines()
            .find(|line| line.trim_start().starts_with(day) && line.contains('|'))
        else {
            panic!("no series line for {day}: {text}");
        };
        let class = match cell["sentiment"].as_str().unwrap_or_default() {
            "negative" => "negatief",
            "neutral" => "neutraal",
            _ => "positief",
        };
        let share = cell["share"].as_f64().unwrap_or(-1.0);
        let expected = format!("{class} {:.0}%", share * 100.0);
        assert!(line.contains(&expected), "{expected} not in {line}");
    }
}

#[test]
fn bad_lines_are_reported_and_the_good_ones_imported() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    let input = directory.path().join("mixed.jsonl");
    let mut content: Vec<u8> = Vec::new();
    let good = |id: &str| jsonl_line(id, 1, 9, "a", "afval geheimtekst-q7z");
    let _ = writeln!(content, "{}", good("g1"));
    let _ = writeln!(
        content,
        "{{\"id\": \"b1\", \"text\": \"afval geheimtekst-q7z\""
    );
    let _ = writeln!(content, "{{\"id\":\"b2\",\"created_at\":\"2026-10-01T09:00:00Z\",\"text\":\"afval geheimtekst-q7z\"}}");
    let _ = writeln!(content, "{{\"id\":\"b3\",\"created_at\":\"gisteren\",\"text\":\"afval geheimtekst-q7z\",\"author_id\":\"x\"}}");
    content.extend_from_slice(&[0xff, 0xfe, 0x00, 0x9f, b'\n']);
    let _ = writeln!(
        content,
        "{{\"id\":[1],\"created_at\":\"2026-10-01T09:00:00Z\",\"text\":5,\"author_id\":\"x\"}}"
    );
    let _ = writeln!(content, "{}", good("g2"));
    if let Err(error) = fs::write(&input, content) {
        panic!("{error}");
    }
    let output = run_peil(
        &data_dir,
        &["import", input.to_str().unwrap_or_default(), "--json"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{stderr}");
    let summary = json_of(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(summary["stored"], 2);
    assert_eq!(summary["rejected"], 5);
    for line in [2, 3, 4, 5, 6] {
        assert!(
            stderr.contains(&format!("line {line}")),
            "line {line} not reported: {stderr}"
        );
    }
    assert!(
        !stderr.contains("geheimtekst"),
        "reasons must not quote the input: {stderr}"
    );
}

#[test]
fn the_same_author_gets_different_pseudonyms_in_two_workspaces() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Een", "afval", true);
    setup_workspace(&data_dir, "Gemeente Twee", "afval", true);
    let input = directory.path().join("one-author.jsonl");
    write_file(
        &input,
        &[
            jsonl_line("a1", 1, 9, "de-enige-auteur", "afval"),
            jsonl_line("a2", 1, 10, "de-enige-auteur", "container"),
        ],
    );
    let summary = json_of(&expect_success(
        &data_dir,
        &["import", input.to_str().unwrap_or_default(), "--json"],
    ));
    assert_eq!(summary["stored"], 2);
    let connection = match rusqlite::Connection::open(data_dir.join("peil.sqlite")) {
        Ok(connection) => connection,
        Err(error) => panic!("{error}"),
    };
    let pseudonyms = |workspace: i64| -> Vec<Vec<u8>> {
        let Ok(mut statement) = connection
            .prepare("SELECT DISTINCT author_pseudonym FROM posts WHERE workspace_id = ?1")
        else {
            panic!("prepare");
        };
        let rows = statement.query_map([workspace], |row| row.get::<_, Vec<u8>>(0));
        match rows {
            Ok(rows) => rows.flatten().collect(),
            Err(error) => panic!("{error}"),
        }
    };
    let first = pseudonyms(1);
    let second = pseudonyms(2);
    assert_eq!(
        first.len(),
        1,
        "one author, one pseudonym per workspace and period"
    );
    assert_eq!(second.len(), 1);
    assert_ne!(first, second);
}

#[test]
fn person_targeting_monitors_and_small_k_are_refused() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    for query in [
        "@pietjansen",
        "author:piet",
        "afval piet@example.org",
        "lang:nl",
    ] {
        let output = run_peil(
            &data_dir,
            &[
                "monitor",
                "add",
                "--workspace",
                "afval",
                "--query",
                query,
                "--why",
                "test",
            ],
        );
        assert!(!output.status.success(), "{query} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("Peil") || stderr.contains("onderwerp") || stderr.contains("positie"),
            "{stderr}"
        );
    }
    let output = run_peil(
        &data_dir,
        &[
            "workspace",
            "create",
            "--org",
            "Gemeente Test",
            "--name",
            "klein",
            "--purpose",
            "trend_policy_analysis",
            "--legal-basis",
            "x",
            "--retention-days",
            "30",
            "--k",
            "3",
            "--why",
            "test",
        ],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 5"));
    let broken = run_peil(&data_dir, &["query", "--workspace", "afval", "(afval OR"]);
    assert!(!broken.status.success());
    assert!(String::from_utf8_lossy(&broken.stderr).contains("positie"));
}

/// A simple deterministic generator for kill moments (no dependency on the clock).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn a_killed_import_never_leaves_the_store_inconsistent() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    let mut lines = Vec::new();
    for number in 0..6_000u32 {
        let text = if number % 3 == 0 {
            "voetbal"
        } else {
            "afval en containers"
        };
        lines.push(jsonl_line(
            &format!("k{number}"),
            1 + number % 28,
            number % 24,
            &format!("a{}", number % 500),
            text,
        ));
    }
    let input = directory.path().join("many.jsonl");
    write_file(&input, &lines);
    let expected_stored = 4_000u64;
    let mut random = Lcg(20261123);
    let mut kills_during_work = 0;
    for _ in 0..20 {
        let child = Command::new(peil_binary())
            .arg("--data-dir")
            .arg(&data_dir)
            .args([
                "import",
                input.to_str().unwrap_or_default(),
                "--batch-size",
                "200",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = child else {
            panic!("spawn failed")
        };
        std::thread::sleep(Duration::from_millis(30 + random.next() % 700));
        if let Ok(None) = child.try_wait() {
            kills_during_work += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let check = run_peil(&data_dir, &["store", "check", "--json"]);
        assert!(
            check.status.success(),
            "store did not open cleanly after a kill: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let check = json_of(&String::from_utf8_lossy(&check.stdout));
        assert_eq!(check["consistent"], true);
        assert_eq!(check["integrity"], "ok");
        assert!(check["posts_in_database"].as_u64().unwrap_or(u64::MAX) <= expected_stored);
    }
    assert!(
        kills_during_work >= 10,
        "most kills should hit a running import ({kills_during_work})"
    );
    let finish = json_of(&expect_success(
        &data_dir,
        &["import", input.to_str().unwrap_or_default(), "--json"],
    ));
    let stored_before: u64 = expected_stored - finish["stored"].as_u64().unwrap_or(0);
    assert_eq!(
        finish["stored"].as_u64().unwrap_or(0) + finish["duplicates"].as_u64().unwrap_or(0),
        expected_stored
    );
    let check = json_of(&expect_success(&data_dir, &["store", "check", "--json"]));
    assert_eq!(
        check["posts_in_database"], expected_stored,
        "every post exactly once ({stored_before} stored before the last run)"
    );
    assert_eq!(check["posts_in_index"], expected_stored);
    assert_eq!(check["consistent"], true);
}

#[test]
fn the_demo_runs_without_any_service() {
    let directory = temp_dir();
    let demo_dir = directory.path().join("demo");
    let output = Command::new(peil_binary())
        .args(["demo", "--posts", "4000", "--no-serve", "--json", "--dir"])
        .arg(&demo_dir)
        .output();
    let Ok(output) = output else {
        panic!("demo did not run")
    };
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("GEGENEREERDE"),
        "the corpus is labelled as generated"
    );
    assert!(
        stdout.contains("Geweigerd"),
        "the guard demonstration refuses the person monitor"
    );
    let json_start = stdout.find("\n{").map_or(0, |position| position + 1);
    let json_end = stdout
        .rfind("\n}")
        .map_or(stdout.len(), |position| position + 2);
    let report = json_of(&stdout[json_start..json_end]);
    assert!(report["report"]["totals"]["posts"].as_u64().unwrap_or(0) > 100);
    // The webcare workspace's inbox: the seven generated messages addressed to the own account
    // (the eighth matches the monitor but is addressed to nobody).
    assert!(
        stdout.contains(
            "Webcare-inbox webcare-vragen (@voorbeeldstad): 7 GEGENEREERDE berichten (7 open)"
        ),
        "{stdout}"
    );
    assert!(
        !stdout.contains("social.example.org"),
        "answer links are never printed"
    );
    // Running it again refills the same demo directory; as text it shows the signals of
    // issue 4: the storm rises against the days before, is a burst, and the report carries the
    // representativeness block.
    let again = Command::new(peil_binary())
        .args(["demo", "--posts", "4000", "--no-serve", "--dir"])
        .arg(&demo_dir)
        .output();
    let Ok(again) = again else {
        panic!("demo did not run again")
    };
    assert!(again.status.success());
    let text = String::from_utf8_lossy(&again.stdout).to_string();
    let rising = text
        .split("Stijgende termen tegenover")
        .nth(1)
        .unwrap_or_default();
    assert!(rising.contains("storm ("), "{text}");
    assert!(rising.contains("p<0.0001"), "{text}");
    assert!(
        text.contains("Pieken (per uur)\n  van 2026-10-21 15:00"),
        "{text}"
    );
    assert!(text.contains("#storm · #stormschade"), "{text}");
    assert!(
        text.contains("Representativiteit: reposts/boosts 11%"),
        "{text}"
    );
    assert!(text.contains("uur zonder gegevens"), "{text}");
}

#[test]
fn the_benchmark_prints_its_figures() {
    let output = Command::new(peil_binary())
        .args(["bench", "--posts", "3000", "--json"])
        .output();
    let Ok(output) = output else {
        panic!("bench did not run")
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let figures = json_of(&String::from_utf8_lossy(&output.stdout));
    for key in [
        "ingest_posts_per_sec",
        "query_p50_ms",
        "query_p95_ms",
        "posts",
    ] {
        assert!(figures[key].is_number(), "{key} missing: {figures}");
    }
    assert_eq!(figures["posts"], 3000);
}

#[test]
fn pseudonyms_differ_across_months_and_keys_rotate_and_expire() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    let key_dir = directory.path().join("elsewhere-keys");
    let with_keys = |arguments: &[&str]| -> String {
        let mut full = vec!["--key-dir", key_dir.to_str().unwrap_or_default()];
        full.extend_from_slice(arguments);
        expect_success(&data_dir, &full)
    };
    with_keys(&["org", "create", "--name", "Gemeente Test", "--why", "test"]);
    with_keys(&[
        "workspace",
        "create",
        "--org",
        "Gemeente Test",
        "--name",
        "afval",
        "--purpose",
        "trend_policy_analysis",
        "--legal-basis",
        "AVG art. 6(1)(e)",
        "--retention-days",
        "30",
        "--why",
        "test",
    ]);
    with_keys(&["workspace", "approve", "afval", "--why", "FG akkoord"]);
    with_keys(&["workspace", "activate", "afval", "--why", "start"]);
    with_keys(&[
        "monitor",
        "add",
        "--workspace",
        "afval",
        "--query",
        "afval",
        "--why",
        "test",
    ]);
    let old_post = serde_json::json!({
        "id": "old", "created_at": "2025-01-10T10:00:00Z", "text": "afval", "author_id": "zelfde-auteur",
    })
    .to_string();
    let input = directory.path().join("months.jsonl");
    write_file(
        &input,
        &[
            jsonl_line("oct", 10, 9, "zelfde-auteur", "afval"),
            // This month, whenever the test runs: `keys rotate` rotates the current month's key.
            serde_json::json!({"id": "now", "created_at": chrono::Utc::now().to_rfc3339(), "text": "afval", "author_id": "zelfde-auteur"}).to_string(),
            old_post,
        ],
    );
    let summary = json_of(&with_keys(&[
        "import",
        input.to_str().unwrap_or_default(),
        "--json",
    ]));
    assert_eq!(summary["stored"], 3);
    assert!(
        key_dir.join("keys.sqlite").exists(),
        "keys live in the key directory"
    );
    assert!(!data_dir.join("keys").exists(), "and not beside the data");
    let connection = match rusqlite::Connection::open(data_dir.join("peil.sqlite")) {
        Ok(connection) => connection,
        Err(error) => panic!("{error}"),
    };
    let distinct: i64 = connection
        .query_row(
            "SELECT COUNT(DISTINCT author_pseudonym) FROM posts",
            [],
            |row| row.get(0),
        )
        .unwrap_or(0);
    assert_eq!(
        distinct, 3,
        "one author, three months, three unlinkable pseudonyms"
    );

    let rotated = with_keys(&[
        "keys",
        "rotate",
        "--workspace",
        "afval",
        "--why",
        "vermoeden van lek",
    ]);
    assert!(rotated.contains(".r2"), "{rotated}");
    let destroyed = with_keys(&[
        "keys",
        "destroy-expired",
        "--workspace",
        "afval",
        "--why",
        "bewaartermijn verstreken",
    ]);
    assert!(
        !destroyed.contains(" 0 "),
        "the 2025-01 key is past its retention: {destroyed}"
    );
    let listed = json_of(&with_keys(&[
        "keys",
        "list",
        "--workspace",
        "afval",
        "--json",
    ]));
    let labels: Vec<String> = listed
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|key| key["label"].as_str().map(str::to_string))
        .collect();
    assert!(
        !labels.iter().any(|label| label.starts_with("2025-01")),
        "{labels:?}"
    );
    assert!(
        !listed.to_string().contains("key\""),
        "key bytes are never listed"
    );
    let key_bytes = fs::read(key_dir.join("keys.sqlite")).unwrap_or_default();
    assert!(!key_bytes.is_empty());
}

#[test]
fn an_office_holder_on_one_organisations_allow_list_stays_redacted_for_another() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Een", "afval", true);
    setup_workspace(&data_dir, "Gemeente Twee", "afval", true);
    expect_success(
        &data_dir,
        &[
            "allow",
            "add",
            "--org",
            "Gemeente Een",
            "--kind",
            "person",
            "--value",
            "Jolanda Verbeek",
            "--why",
            "burgemeester van Gemeente Een, publiek ambt",
        ],
    );
    let input = directory.path().join("mayor.jsonl");
    write_file(
        &input,
        &[jsonl_line(
            "m1",
            1,
            9,
            "inwoner",
            "Burgemeester Jolanda Verbeek opent vandaag de nieuwe container voor afval",
        )],
    );
    expect_success(&data_dir, &["import", input.to_str().unwrap_or_default()]);
    let connection = match rusqlite::Connection::open(data_dir.join("peil.sqlite")) {
        Ok(connection) => connection,
        Err(error) => panic!("{error}"),
    };
    let text_of = |workspace: i64| -> String {
        connection
            .query_row(
                "SELECT text FROM posts WHERE workspace_id = ?1",
                [workspace],
                |row| row.get(0),
            )
            .unwrap_or_default()
    };
    assert!(
        text_of(1).contains("Jolanda Verbeek"),
        "allowed in Gemeente Een: {}",
        text_of(1)
    );
    assert!(
        !text_of(2).contains("Verbeek"),
        "redacted in Gemeente Twee: {}",
        text_of(2)
    );
    assert!(text_of(2).contains("[PERSOON-1]"));
    // The allow-list and its justification are visible (to the FG) in the history.
    let listed = expect_success(&data_dir, &["allow", "list", "--org", "Gemeente Een"]);
    assert!(listed.contains("publiek ambt"));
    // A query naming a person is refused, unless the organisation allowed the name.
    let refused = run_peil(
        &data_dir,
        &[
            "query",
            "--workspace",
            "afval",
            "--org",
            "Gemeente Twee",
            "Jolanda Verbeek",
        ],
    );
    assert!(!refused.status.success());
    expect_success(
        &data_dir,
        &[
            "query",
            "--workspace",
            "afval",
            "--org",
            "Gemeente Een",
            "\"Jolanda Verbeek\"",
        ],
    );
}

/// `../shared/data/NAME`, or `None` (with a notice) when it is missing outside CI.
fn shared_data(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(name);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("CI")
            .map(|value| value != "true")
            .unwrap_or(true),
        "{} is missing: CI needs ../shared beside the repository",
        path.display()
    );
    eprintln!("notice: {} missing, skipping", path.display());
    None
}

#[test]
fn evaluation_commands_measure_on_the_shared_data() {
    let (Some(gold), Some(conll), Some(polarity)) = (
        shared_data("pii-gold-dev.jsonl"),
        shared_data("conll2002-nl/ned.testa.utf8"),
        shared_data("nl-mp-tweets/test-data-polarity.jsonl"),
    ) else {
        return;
    };
    let directory = temp_dir();
    let figures = json_of(&expect_success(
        directory.path(),
        &[
            "eval",
            "deid",
            "--gold",
            gold.to_str().unwrap_or_default(),
            "--conll",
            conll.to_str().unwrap_or_default(),
            "--json",
        ],
    ));
    // Floors a little below the measured dev figures, so a regression fails.
    assert!(
        figures["recall_structured"].as_f64().unwrap_or(0.0) >= 0.97,
        "{figures}"
    );
    assert!(
        figures["recall_person"].as_f64().unwrap_or(0.0) >= 0.93,
        "{figures}"
    );
    assert!(
        figures["precision"].as_f64().unwrap_or(0.0) >= 0.95,
        "{figures}"
    );
    assert!(
        figures["org_kept"].as_f64().unwrap_or(0.0) >= 0.95,
        "{figures}"
    );
    assert!(
        figures["per_f1"].as_f64().unwrap_or(0.0) >= 0.78,
        "{figures}"
    );
    let sentiment = json_of(&expect_success(
        directory.path(),
        &[
            "eval",
            "sentiment",
            "--dataset",
            polarity.to_str().unwrap_or_default(),
            "--format",
            "nl-mp-tweets",
            "--json",
        ],
    ));
    assert_eq!(sentiment["n"], 198);
    assert!(
        sentiment["macro_f1"].as_f64().unwrap_or(0.0) >= 0.58,
        "{sentiment}"
    );
}

#[test]
fn once_an_organisation_has_users_roles_decide_and_only_the_fg_approves() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    expect_success(
        &data_dir,
        &["org", "create", "--name", "Gemeente Een", "--why", "test"],
    );
    expect_success(
        &data_dir,
        &["org", "create", "--name", "Gemeente Twee", "--why", "test"],
    );
    // The first user is added by the local operator; after that only an admin adds users.
    expect_success(
        &data_dir,
        &[
            "user",
            "add",
            "--org",
            "Gemeente Een",
            "--name",
            "anna",
            "--role",
            "admin",
            "--why",
            "beheer",
        ],
    );
    let unauthenticated = run_peil(
        &data_dir,
        &[
            "user",
            "add",
            "--org",
            "Gemeente Een",
            "--name",
            "x",
            "--role",
            "admin",
            "--why",
            "x",
        ],
    );
    assert!(!unauthenticated.status.success());
    expect_success(
        &data_dir,
        &[
            "--as",
            "anna",
            "user",
            "add",
            "--org",
            "Gemeente Een",
            "--name",
            "fenna",
            "--role",
            "fg",
            "--why",
            "FG",
        ],
    );
    expect_success(
        &data_dir,
        &[
            "--as",
            "anna",
            "user",
            "add",
            "--org",
            "Gemeente Een",
            "--name",
            "bas",
            "--role",
            "analyst",
            "--why",
            "analist",
        ],
    );
    expect_success(
        &data_dir,
        &[
            "--as",
            "anna",
            "workspace",
            "create",
            "--org",
            "Gemeente Een",
            "--name",
            "afval",
            "--purpose",
            "trend_policy_analysis",
            "--legal-basis",
            "AVG art. 6(1)(e)",
            "--retention-days",
            "30",
            "--why",
            "test",
        ],
    );
    for (user, expected) in [
        (None, false),
        (Some("anna"), false),
        (Some("bas"), false),
        (Some("fenna"), true),
    ] {
        let mut arguments: Vec<&str> = Vec::new();
        if let Some(name) = user {
            arguments.extend(["--as", name]);
        }
        arguments.extend(["workspace", "approve", "afval", "--why", "DPIA besproken"]);
        let output = run_peil(&data_dir, &arguments);
        assert_eq!(
            output.status.success(),
            expected,
            "approve as {user:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    expect_success(
        &data_dir,
        &[
            "--as",
            "anna",
            "workspace",
            "activate",
            "afval",
            "--why",
            "start",
        ],
    );
    let admin_monitor = run_peil(
        &data_dir,
        &[
            "--as",
            "fenna",
            "monitor",
            "add",
            "--workspace",
            "afval",
            "--query",
            "afval",
            "--why",
            "x",
        ],
    );
    assert!(!admin_monitor.status.success(), "the FG cannot change data");
    expect_success(
        &data_dir,
        &[
            "--as",
            "bas",
            "monitor",
            "add",
            "--workspace",
            "afval",
            "--query",
            "afval",
            "--why",
            "evaluatie",
        ],
    );
    // A user of another organisation gets "not found", never the data.
    expect_success(
        &data_dir,
        &[
            "user",
            "add",
            "--org",
            "Gemeente Twee",
            "--name",
            "zoe",
            "--role",
            "analyst",
            "--why",
            "x",
        ],
    );
    let other_tenant = run_peil(&data_dir, &["--as", "zoe", "query", "--workspace", "afval"]);
    assert!(!other_tenant.status.success());
    assert!(String::from_utf8_lossy(&other_tenant.stderr).contains("not found"));
    expect_success(&data_dir, &["--as", "bas", "query", "--workspace", "afval"]);
    // The history names who did what.
    let history = expect_success(&data_dir, &["workspace", "history"]);
    assert!(
        history.contains("fenna (fg)") && history.contains("DPIA besproken"),
        "{history}"
    );
}

/// `YYYY-MM-DD` of today plus `days`.
fn date_in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn a_public_order_picture_needs_a_lead_an_end_date_within_30_days_and_renewal_needs_the_fg_again() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    expect_success(
        &data_dir,
        &["org", "create", "--name", "Gemeente Orde", "--why", "test"],
    );
    for (name, role) in [("olga", "admin"), ("frits", "fg")] {
        let mut arguments = vec!["user", "add", "--org", "Gemeente Orde", "--name", name];
        arguments.extend(["--role", role, "--why", "test"]);
        let acting: Vec<&str> = if name == "olga" {
            arguments.clone()
        } else {
            let mut with_actor = vec!["--as", "olga"];
            with_actor.extend(arguments.iter().copied());
            with_actor
        };
        expect_success(&data_dir, &acting);
    }
    let create = |extra: &[&str]| {
        let mut arguments = vec![
            "--as",
            "olga",
            "workspace",
            "create",
            "--org",
            "Gemeente Orde",
            "--name",
            "demonstratie",
            "--purpose",
            "public_order_general_picture",
            "--legal-basis",
            "AVG art. 6(1)(e) jo. art. 172 Gemeentewet",
            "--retention-days",
            "14",
            "--why",
            "aangekondigde demonstratie",
        ];
        arguments.extend_from_slice(extra);
        run_peil(&data_dir, &arguments)
    };
    let no_lead = create(&["--until", &date_in_days(10)]);
    assert!(!no_lead.status.success(), "a lead is required");
    let no_end = create(&["--lead", "aangekondigde demonstratie op het plein"]);
    assert!(!no_end.status.success(), "an end date is required");
    assert!(String::from_utf8_lossy(&no_end.stderr).contains("--until"));
    let too_far = create(&[
        "--lead",
        "aangekondigde demonstratie op het plein",
        "--until",
        &date_in_days(45),
    ]);
    assert!(!too_far.status.success(), "at most 30 days");
    let created = create(&[
        "--lead",
        "aangekondigde demonstratie op het plein",
        "--until",
        &date_in_days(20),
    ]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    // Only the FG approves; the admin activates.
    let by_admin = run_peil(
        &data_dir,
        &[
            "--as",
            "olga",
            "workspace",
            "approve",
            "demonstratie",
            "--why",
            "zelf",
        ],
    );
    assert!(!by_admin.status.success());
    expect_success(
        &data_dir,
        &[
            "--as",
            "frits",
            "workspace",
            "approve",
            "demonstratie",
            "--why",
            "FG akkoord",
        ],
    );
    expect_success(
        &data_dir,
        &[
            "--as",
            "olga",
            "workspace",
            "activate",
            "demonstratie",
            "--why",
            "start",
        ],
    );
    // Renewal: a new lead and end date put the workspace back to draft, awaiting the FG.
    let renew_too_far = run_peil(
        &data_dir,
        &[
            "--as",
            "olga",
            "workspace",
            "renew",
            "demonstratie",
            "--until",
            &date_in_days(40),
            "--lead",
            "vervolgdemonstratie",
            "--why",
            "verlenging",
        ],
    );
    assert!(!renew_too_far.status.success());
    expect_success(
        &data_dir,
        &[
            "--as",
            "olga",
            "workspace",
            "renew",
            "demonstratie",
            "--until",
            &date_in_days(25),
            "--lead",
            "vervolgdemonstratie aangekondigd",
            "--why",
            "nieuwe aanleiding",
        ],
    );
    let listed = json_of(&expect_success(
        &data_dir,
        &["--as", "frits", "workspace", "list", "--json"],
    ));
    assert_eq!(listed[0]["status"], "draft", "{listed}");
    assert_eq!(listed[0]["purpose"], "public_order_general_picture");
    let history = expect_success(&data_dir, &["--as", "frits", "workspace", "history"]);
    assert!(history.contains("renew until"), "{history}");
    assert!(history.contains("nieuwe aanleiding"), "{history}");
    // A trend workspace cannot be renewed (it has no end date to extend).
    expect_success(
        &data_dir,
        &[
            "--as",
            "olga",
            "workspace",
            "create",
            "--org",
            "Gemeente Orde",
            "--name",
            "trend",
            "--purpose",
            "trend_policy_analysis",
            "--legal-basis",
            "AVG art. 6(1)(e)",
            "--retention-days",
            "30",
            "--why",
            "trend",
        ],
    );
    let renew_trend = run_peil(
        &data_dir,
        &[
            "--as",
            "olga",
            "workspace",
            "renew",
            "trend",
            "--until",
            &date_in_days(5),
            "--lead",
            "x",
            "--why",
            "x",
        ],
    );
    assert!(!renew_trend.status.success());
}

#[test]
fn a_workspace_purpose_never_changes_in_place() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    // Even a direct UPDATE of the database is refused by the schema.
    let connection = match rusqlite::Connection::open(data_dir.join("peil.sqlite")) {
        Ok(connection) => connection,
        Err(error) => panic!("cannot open the database: {error}"),
    };
    let changed = connection.execute(
        "UPDATE workspaces SET purpose = 'public_order_general_picture' WHERE name = 'afval'",
        [],
    );
    assert!(changed.is_err(), "the purpose trigger must refuse");
    let legal_basis = connection.execute(
        "UPDATE workspaces SET legal_basis = 'iets anders' WHERE name = 'afval'",
        [],
    );
    assert!(legal_basis.is_err());
    let status = connection.execute(
        "UPDATE workspaces SET status = 'closed' WHERE name = 'afval'",
        [],
    );
    assert!(status.is_ok(), "other columns still change");
}

/// A JSONL line published `days_ago` days before now.
fn recent_line(id: &str, days_ago: i64, author: &str, text: &str) -> String {
    serde_json::json!({
        "id": id,
        "created_at": (chrono::Utc::now() - chrono::Duration::days(days_ago)).to_rfc3339(),
        "text": text,
        "author_id": author,
        "lang": "nl",
    })
    .to_string()
}

#[test]
fn retention_runs_delete_expired_posts_for_real_and_the_audit_log_proves_what_happened() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    // Old posts carry canary words; recent posts do not.
    let mut lines = Vec::new();
    for number in 0..40 {
        lines.push(recent_line(
            &format!("old{number}"),
            20,
            &format!("oud-{}", number % 12),
            &format!("Afval kanarieoud{number}x ligt overal"),
        ));
        lines.push(recent_line(
            &format!("new{number}"),
            1,
            &format!("nieuw-{}", number % 12),
            "Afval wordt netjes opgehaald",
        ));
    }
    let input = directory.path().join("posts.jsonl");
    write_file(&input, &lines);
    expect_success(&data_dir, &["import", input.to_str().unwrap_or_default()]);
    let database = fs::read(data_dir.join("peil.sqlite")).unwrap_or_default();
    assert!(
        String::from_utf8_lossy(&database).contains("kanarieoud7x"),
        "the canary must be on disk before the run (or this test proves nothing)"
    );
    // Retention is 30 days: running as of 15 days from now expires the 20-day-old posts.
    let as_of = date_in_days(15);
    let run = json_of(&expect_success(
        &data_dir,
        &["retention", "run", "--as-of", &as_of, "--json"],
    ));
    assert_eq!(run["report"]["posts_deleted"], 40, "{run}");
    for file in files_under(&data_dir) {
        let bytes = fs::read(&file).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("kanarieoud"),
            "an expired post's text survives in {}",
            file.display()
        );
    }
    let check = json_of(&expect_success(&data_dir, &["store", "check", "--json"]));
    assert_eq!(check["posts_in_database"], 40);
    assert_eq!(check["consistent"], true);
    // A past --as-of would delete less than the retention requires: refused.
    let past = run_peil(&data_dir, &["retention", "run", "--as-of", "2020-01-01"]);
    assert!(!past.status.success());
    // The audit log holds the run with its counts, and verifies.
    let entries = json_of(&expect_success(&data_dir, &["audit", "list", "--json"]));
    let runs: Vec<&Value> = entries
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|entry| entry["entry"]["action"] == "retention_run")
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(runs.len(), 1, "{entries}");
    assert!(runs[0]["entry"]["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("posts_deleted=40"));
    expect_success(&data_dir, &["audit", "verify"]);
}

#[test]
fn audit_verify_fails_on_a_changed_removed_or_reordered_entry() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    expect_success(&data_dir, &["query", "--workspace", "afval"]);
    expect_success(&data_dir, &["audit", "verify"]);
    let witness = directory.path().join("witness.json");
    expect_success(
        &data_dir,
        &[
            "audit",
            "export",
            "--out",
            witness.to_str().unwrap_or_default(),
        ],
    );
    let log_path = data_dir.join("audit").join("audit-log.jsonl");
    let original = fs::read_to_string(&log_path).unwrap_or_default();
    let lines: Vec<&str> = original.lines().collect();
    assert!(lines.len() >= 6, "{original}");
    let tampered_versions = [
        // One changed character in an entry (the actor).
        original.replacen("local-operator", "local-operatoR", 1),
        // An entry removed.
        lines
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != 2)
            .map(|(_, line)| format!("{line}\n"))
            .collect::<String>(),
        // Two entries swapped.
        {
            let mut swapped: Vec<&str> = lines.clone();
            swapped.swap(1, 2);
            swapped.iter().map(|line| format!("{line}\n")).collect()
        },
        // Truncated.
        lines
            .iter()
            .take(3)
            .map(|line| format!("{line}\n"))
            .collect::<String>(),
    ];
    for (number, tampered) in tampered_versions.iter().enumerate() {
        if let Err(error) = fs::write(&log_path, tampered) {
            panic!("cannot write the log: {error}");
        }
        let verify = run_peil(&data_dir, &["audit", "verify"]);
        assert!(
            !verify.status.success(),
            "tampering {number} not detected: {}",
            String::from_utf8_lossy(&verify.stdout)
        );
        // Peil fails closed: no operation runs on a tampered log.
        let query = run_peil(&data_dir, &["query", "--workspace", "afval"]);
        assert!(!query.status.success(), "tampering {number}: query ran");
    }
    if let Err(error) = fs::write(&log_path, &original) {
        panic!("cannot restore the log: {error}");
    }
    expect_success(
        &data_dir,
        &[
            "audit",
            "verify",
            "--witness",
            witness.to_str().unwrap_or_default(),
        ],
    );
}

#[test]
fn data_subject_requests_find_erase_and_object_without_echoing_the_person() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    let mut lines = standard_corpus();
    for number in 0..5 {
        lines.push(jsonl_line(
            &format!("subject{number}"),
            2,
            11,
            "@betrokkene_q9",
            "Afval kanariebetrokkene ligt al weken naast de container",
        ));
    }
    let input = directory.path().join("posts.jsonl");
    write_file(&input, &lines);
    expect_success(&data_dir, &["import", input.to_str().unwrap_or_default()]);
    let subject = [
        "--org",
        "Gemeente Test",
        "--platform",
        "import",
        "--handle",
        "@betrokkene_q9",
    ];
    let mut lookup = vec!["dsr", "lookup", "--json"];
    lookup.extend_from_slice(&subject);
    let found = json_of(&expect_success(&data_dir, &lookup));
    assert_eq!(found[0]["posts"], 5, "{found}");
    let mut object = vec!["dsr", "object", "--why", "bezwaar ontvangen"];
    object.extend_from_slice(&subject);
    expect_success(&data_dir, &object);
    let mut erase = vec!["dsr", "erase", "--why", "verzoek tot wissen"];
    erase.extend_from_slice(&subject);
    let erased = expect_success(&data_dir, &erase);
    assert!(erased.contains('5'), "{erased}");
    let again = json_of(&expect_success(&data_dir, &lookup));
    assert_eq!(again[0]["posts"], 0, "{again}");
    // Future posts of the person are dropped at ingest.
    let later = directory.path().join("later.jsonl");
    write_file(
        &later,
        &[jsonl_line(
            "subject-later",
            3,
            9,
            "@betrokkene_q9",
            "Afval weer niet opgehaald",
        )],
    );
    let summary = json_of(&expect_success(
        &data_dir,
        &["import", later.to_str().unwrap_or_default(), "--json"],
    ));
    assert_eq!(summary["dropped_objection"], 1, "{summary}");
    // Nothing on disk or in the audit log names the person or holds the erased text.
    for file in files_under(&data_dir) {
        let text = String::from_utf8_lossy(&fs::read(&file).unwrap_or_default()).to_lowercase();
        assert!(!text.contains("betrokkene_q9"), "{}", file.display());
        assert!(!text.contains("kanariebetrokkene"), "{}", file.display());
    }
}

#[test]
fn generated_documents_state_the_configured_safeguards() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    let dpia = expect_success(&data_dir, &["docs", "dpia", "--org", "Gemeente Test"]);
    for expected in [
        "afval",
        "AVG art. 6(1)(e)",
        "30",
        "afval OR container*",
        "RFC 6962",
    ] {
        assert!(dpia.contains(expected), "DPIA lacks {expected}");
    }
    let html = expect_success(
        &data_dir,
        &[
            "docs",
            "transparency",
            "--org",
            "Gemeente Test",
            "--format",
            "html",
        ],
    );
    assert!(html.contains("<html lang=\"nl\""), "{html}");
    assert!(!html.contains("<script") && !html.contains("style="));
    let english = json_of(&expect_success(
        &data_dir,
        &[
            "--lang",
            "en",
            "docs",
            "transparency",
            "--org",
            "Gemeente Test",
            "--format",
            "json",
        ],
    ));
    assert!(english.to_string().contains("afval"));
    let register = expect_success(&data_dir, &["docs", "register", "--org", "Gemeente Test"]);
    assert!(register.contains("Gemeente Test"));
}

#[test]
fn serve_refuses_a_connectors_file_that_is_not_public_before_anything_starts() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    let login = directory.path().join("login.json");
    let written = fs::write(
        &login,
        r#"[{"name": "bluesky", "kind": "jetstream",
             "endpoints": ["wss://jetstream2.us-east.bsky.network/subscribe"]},
            {"name": "besloten", "kind": "mastodon", "endpoints": ["https://mastodon.example"],
             "username": "iemand", "password": "geheim-wachtwoord"}]"#,
    );
    assert!(written.is_ok());
    let refused = run_peil(
        &data_dir,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--connectors",
            &login.to_string_lossy(),
        ],
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(stderr.contains("connector `besloten` refused"), "{stderr}");
    assert!(stderr.contains("logt nooit in"), "{stderr}");
    assert!(!stderr.contains("geheim-wachtwoord") && !stderr.contains("iemand"));
    assert!(!data_dir.exists(), "nothing was opened");

    // A Jetstream zstd dictionary that cannot be read fails the same way.
    let zstd = directory.path().join("zstd.json");
    let written = fs::write(
        &zstd,
        r#"[{"name": "bluesky", "kind": "jetstream",
             "endpoints": ["wss://jetstream2.us-east.bsky.network/subscribe"],
             "zstd_dictionary": "/nonexistent/zstd_dictionary"}]"#,
    );
    assert!(written.is_ok());
    let missing = run_peil(
        &data_dir,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--connectors",
            &zstd.to_string_lossy(),
        ],
    );
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(!missing.status.success());
    assert!(stderr.contains("zstd dictionary"), "{stderr}");
    assert!(!data_dir.exists());

    // A connector for an organisation that does not exist is refused at start-up too.
    let unknown = directory.path().join("unknown.json");
    let written = fs::write(
        &unknown,
        r#"[{"name": "nos", "kind": "rss", "endpoints": ["https://feeds.nos.nl/nosnieuwsalgemeen"],
             "organisation": "Gemeente Onbekend"}]"#,
    );
    assert!(written.is_ok());
    let refused = run_peil(
        &data_dir,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--connectors",
            &unknown.to_string_lossy(),
        ],
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(stderr.contains("Gemeente Onbekend"), "{stderr}");
}

#[test]
fn workspace_edit_changes_only_the_options_given_and_never_the_purpose() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    expect_success(
        &data_dir,
        &["org", "create", "--name", "Gemeente Edit", "--why", "test"],
    );
    expect_success(
        &data_dir,
        &[
            "workspace",
            "create",
            "--org",
            "Gemeente Edit",
            "--name",
            "afval",
            "--purpose",
            "trend_policy_analysis",
            "--legal-basis",
            "AVG art. 6(1)(e)",
            "--retention-days",
            "30",
            "--source",
            "mastodon",
            "--why",
            "evaluatie",
        ],
    );
    let edited = expect_success(
        &data_dir,
        &[
            "workspace",
            "edit",
            "afval",
            "--k",
            "12",
            "--retention-days",
            "14",
            "--why",
            "strenger",
        ],
    );
    assert!(edited.contains("afval: draft"), "{edited}");
    let listed = json_of(&expect_success(&data_dir, &["workspace", "list", "--json"]));
    assert_eq!(listed[0]["k"], 12);
    assert_eq!(listed[0]["retention_days_posts"], 14);
    assert_eq!(listed[0]["allowed_sources"][0], "mastodon", "untouched");
    let history = expect_success(&data_dir, &["workspace", "history"]);
    assert!(
        history.contains("retention_days_posts 30 -> 14; k 10 -> 12"),
        "{history}"
    );
    let unchanged = run_peil(
        &data_dir,
        &["workspace", "edit", "afval", "--k", "12", "--why", "niets"],
    );
    assert!(
        !unchanged.status.success(),
        "an edit that changes nothing is refused"
    );
    let no_why = run_peil(
        &data_dir,
        &["workspace", "edit", "afval", "--k", "13", "--why", " "],
    );
    assert!(!no_why.status.success(), "a why note is required");
}

#[test]
fn oidc_configure_takes_a_private_key_file_and_jwks_prints_only_the_public_key() {
    let directory = temp_dir();
    let data_dir = directory.path();
    expect_success(
        data_dir,
        &["org", "create", "--name", "Gemeente Een", "--why", "test"],
    );
    let pem = include_str!("../../server/tests/data/oidc-client-rsa-test-key.pem");
    let key_file = data_dir.join("client-key.pem");
    if let Err(error) = std::fs::write(&key_file, pem) {
        panic!("cannot write the key file: {error}");
    }
    let key_path = key_file.display().to_string();
    let configured = expect_success(
        data_dir,
        &[
            "oidc",
            "configure",
            "--org",
            "Gemeente Een",
            "--issuer",
            "https://idp.example",
            "--client-id",
            "peil",
            "--client-private-key-file",
            &key_path,
            "--redirect-uri",
            "https://peil.example/login/oidc/callback",
            "--why",
            "OpenID.NLGov",
        ],
    );
    assert!(configured.contains("peil oidc jwks"));
    let printed = expect_success(data_dir, &["oidc", "jwks", "--org", "Gemeente Een"]);
    let jwks = json_of(&printed);
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    assert_eq!(jwks["keys"][0]["alg"], "RS256");
    assert!(
        jwks["keys"][0].get("d").is_none(),
        "a private member was printed"
    );
    let body_line = pem.lines().nth(1).unwrap_or_default();
    assert!(!printed.contains(body_line) && !configured.contains(body_line));
    // A secret file and a key file together are refused by the command line.
    let both = run_peil(
        data_dir,
        &[
            "oidc",
            "configure",
            "--org",
            "Gemeente Een",
            "--issuer",
            "https://idp.example",
            "--client-id",
            "peil",
            "--client-secret-file",
            &key_path,
            "--client-private-key-file",
            &key_path,
            "--redirect-uri",
            "https://peil.example/login/oidc/callback",
            "--why",
            "x",
        ],
    );
    assert!(!both.status.success());
    assert!(!String::from_utf8_lossy(&both.stderr).contains(body_line));
}

// ---------------------------------------------------------------------------------------------
// `--store postgres://…`: the data plane in PostgreSQL, the control plane in the data directory.
// These tests need PEIL_TEST_POSTGRES_URL (tests/postgres/with-cluster.sh); without it they skip
// with a note, except under CI=true, where they fail. Each test gets a database of its own.

/// The test cluster's URL; `None` (with a note) when there is none, a panic under CI=true.
fn postgres_test_url(test: &str) -> Option<String> {
    if let Ok(url) = std::env::var("PEIL_TEST_POSTGRES_URL") {
        return Some(url);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{test}: PEIL_TEST_POSTGRES_URL is not set under CI=true; run the tests through \
             tests/postgres/with-cluster.sh"
        );
    }
    eprintln!(
        "note: {test} skipped: PEIL_TEST_POSTGRES_URL is not set (run through \
         tests/postgres/with-cluster.sh)"
    );
    None
}

static DATABASE_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A database of its own for one test on the test cluster, dropped when the test ends.
struct TestDatabase {
    server_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    fn new(server_url: &str, label: &str) -> TestDatabase {
        let number = DATABASE_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("peil_cli_{label}_{}_{number}", std::process::id());
        let Some((base, _database)) = server_url.rsplit_once('/') else {
            panic!("unexpected PEIL_TEST_POSTGRES_URL");
        };
        let mut client = match postgres::Client::connect(server_url, postgres::NoTls) {
            Ok(client) => client,
            Err(error) => panic!("cannot reach the test cluster: {error}"),
        };
        if let Err(error) = client.batch_execute(&format!("CREATE DATABASE {name}")) {
            panic!("cannot create the test database: {error}");
        }
        TestDatabase {
            server_url: server_url.to_string(),
            url: format!("{base}/{name}"),
            name,
        }
    }

    fn client(&self) -> postgres::Client {
        match postgres::Client::connect(&self.url, postgres::NoTls) {
            Ok(client) => client,
            Err(error) => panic!("cannot reach the test database: {error}"),
        }
    }

    fn count(&self, sql: &str) -> i64 {
        match self.client().query_one(sql, &[]) {
            Ok(row) => row.get(0),
            Err(error) => panic!("{sql}: {error}"),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.server_url, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn expect_success_on(store: &str, data_dir: &Path, arguments: &[&str]) -> String {
    let mut with_store = vec!["--store", store];
    with_store.extend_from_slice(arguments);
    expect_success(data_dir, &with_store)
}

/// The JSON document of `peil demo --json` inside its text output.
fn demo_report(stdout: &str) -> Value {
    let json_start = stdout.find("\n{").map_or(0, |position| position + 1);
    let json_end = stdout
        .rfind("\n}")
        .map_or(stdout.len(), |position| position + 2);
    json_of(&stdout[json_start..json_end])
}

fn run_demo(store: &str, demo_dir: &Path, seed: &str) -> String {
    let output = Command::new(peil_binary())
        .args(["--store", store, "demo", "--posts", "1500", "--seed", seed])
        .args(["--no-serve", "--json", "--dir"])
        .arg(demo_dir)
        .env_remove("PEIL_LANG")
        .output();
    let Ok(output) = output else {
        panic!("demo did not run")
    };
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The paths (`report.totals.posts`) of every leaf of `value` where `left` and `right` differ.
fn differing_paths(path: &str, left: &Value, right: &Value, found: &mut Vec<String>) {
    match (left, right) {
        (Value::Object(left_fields), Value::Object(right_fields)) => {
            let keys: std::collections::BTreeSet<&String> =
                left_fields.keys().chain(right_fields.keys()).collect();
            for key in keys {
                let inner = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                differing_paths(
                    &inner,
                    left_fields.get(key).unwrap_or(&Value::Null),
                    right_fields.get(key).unwrap_or(&Value::Null),
                    found,
                );
            }
        }
        _ if left != right => found.push(path.to_string()),
        _ => {}
    }
}

#[test]
fn the_demo_on_postgres_gives_the_embedded_report_field_by_field() {
    let Some(server_url) = postgres_test_url("the_demo_on_postgres_gives_the_embedded_report")
    else {
        return;
    };
    let database = TestDatabase::new(&server_url, "demo");
    let directory = temp_dir();
    let embedded = run_demo("embedded", &directory.path().join("embedded"), "11");
    let on_postgres = run_demo(&database.url, &directory.path().join("postgres"), "11");
    let embedded_report = demo_report(&embedded);
    let postgres_report = demo_report(&on_postgres);
    assert!(
        postgres_report["report"]["totals"]["posts"]
            .as_u64()
            .unwrap_or(0)
            > 100
    );
    // The whole document, every field: partitions, terms, hashtags, word pairs, rising terms,
    // bursts, clusters, representativeness, suppression counts and the caveat.
    let mut differing = Vec::new();
    differing_paths("", &embedded_report, &postgres_report, &mut differing);
    assert!(differing.is_empty(), "fields differ: {differing:?}");
    assert!(
        postgres_report["report"]["terms"]["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty()),
        "the compared report shows terms"
    );
    // The posts are in PostgreSQL, none in the demo directory's embedded store.
    assert_eq!(
        i64::try_from(
            postgres_report["report"]["totals"]["posts"]
                .as_u64()
                .unwrap_or(0)
        )
        .unwrap_or(-1),
        database.count("SELECT count(*) FROM posts WHERE workspace_id = 1")
    );
    let check = json_of(&expect_success_on(
        &database.url,
        &directory.path().join("postgres"),
        &["store", "check", "--json"],
    ));
    assert_eq!(check["posts_in_database"], 0, "{check}");
    assert!(
        check["postgres"]["posts"].as_u64().unwrap_or(0) > 100,
        "{check}"
    );
    // A second demo into the same database clears the first demo's data (the database is bound
    // to a demo installation) and gives the same report: the posts of two runs never mix.
    let second_run = run_demo(&database.url, &directory.path().join("postgres"), "11");
    assert!(
        second_run.contains("The data of an earlier demo in PostgreSQL was cleared.")
            || second_run.contains("De gegevens van een eerdere demo in PostgreSQL zijn gewist."),
        "{second_run}"
    );
    let mut differing = Vec::new();
    differing_paths(
        "",
        &postgres_report,
        &demo_report(&second_run),
        &mut differing,
    );
    assert!(
        differing.is_empty(),
        "the second demo differs: {differing:?}"
    );
    // The clearing is in the new demo directory's audit log, once.
    let log = std::fs::read_to_string(directory.path().join("postgres/audit/audit-log.jsonl"))
        .unwrap_or_default();
    let cleared: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("bind_data_plane"))
        .collect();
    assert_eq!(cleared.len(), 1, "{cleared:?}");
    assert!(cleared[0].contains("cleared the data of an earlier demo"));
    assert_eq!(
        i64::try_from(
            postgres_report["report"]["totals"]["posts"]
                .as_u64()
                .unwrap_or(0)
        )
        .unwrap_or(-1),
        database.count("SELECT count(*) FROM posts WHERE workspace_id = 1")
    );
}

#[test]
fn import_query_and_retention_on_postgres_answer_like_the_embedded_store() {
    let Some(server_url) = postgres_test_url("import_query_and_retention_on_postgres") else {
        return;
    };
    let database = TestDatabase::new(&server_url, "import");
    let directory = temp_dir();
    let input = directory.path().join("posts.jsonl");
    write_file(&input, &standard_corpus());
    let input_path = input.to_str().unwrap_or_default();
    let mut reports = Vec::new();
    for store in ["embedded", database.url.as_str()] {
        let data_dir = directory
            .path()
            .join(if store == "embedded" { "e" } else { "p" });
        // Catalog commands touch only the control plane (no --store needed); the workspace is
        // registered in PostgreSQL before its first posts are written.
        setup_workspace(&data_dir, "Gemeente Test", "afval", true);
        let summary = json_of(&expect_success_on(
            store,
            &data_dir,
            &["import", input_path, "--json"],
        ));
        assert_eq!(summary["stored"], 200, "{store}");
        let again = json_of(&expect_success_on(
            store,
            &data_dir,
            &["import", input_path, "--json"],
        ));
        assert_eq!(again["duplicates"], 200, "{store}");
        let mut answers = Vec::new();
        for query in ["", "container*"] {
            let mut arguments = vec!["query", "--workspace", "afval", "--json"];
            if !query.is_empty() {
                arguments.push(query);
            }
            answers.push(json_of(&expect_success_on(store, &data_dir, &arguments)));
        }
        reports.push(answers);
    }
    for (embedded, on_postgres) in reports[0].iter().zip(reports[1].iter()) {
        let mut differing = Vec::new();
        differing_paths(
            "",
            &embedded["report"],
            &on_postgres["report"],
            &mut differing,
        );
        assert!(differing.is_empty(), "report fields differ: {differing:?}");
    }
    assert_eq!(reports[1][0]["report"]["totals"]["posts"], 200);
    assert_eq!(reports[1][1]["report"]["totals"]["posts"], 100);
    assert_eq!(
        database.count("SELECT count(*) FROM posts"),
        200,
        "the posts are in PostgreSQL"
    );

    let data_dir = directory.path().join("p");
    // The posts went to PostgreSQL only: no text of them lies in the data directory.
    for file in files_under(&data_dir) {
        let bytes = fs::read(&file).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("puinhoop"),
            "post text in {}",
            file.display()
        );
    }
    // A changed retention reaches PostgreSQL before the next operation on posts.
    expect_success(
        &data_dir,
        &[
            "workspace",
            "edit",
            "afval",
            "--org",
            "Gemeente Test",
            "--retention-days",
            "14",
            "--why",
            "strenger",
        ],
    );
    expect_success_on(&database.url, &data_dir, &["workspace", "list"]);
    assert_eq!(
        database.count("SELECT retention_days_posts::bigint FROM workspaces"),
        14
    );
    // Data-subject requests on PostgreSQL: the pseudonyms come from the data directory's keys,
    // the posts from PostgreSQL; the same counts as the embedded store, then a real erasure.
    let subject = [
        "--org",
        "Gemeente Test",
        "--platform",
        "import",
        "--handle",
        "author-1",
    ];
    let mut lookup = vec!["dsr", "lookup", "--json"];
    lookup.extend_from_slice(&subject);
    let embedded_found = json_of(&expect_success(&directory.path().join("e"), &lookup));
    let postgres_found = json_of(&expect_success_on(&database.url, &data_dir, &lookup));
    assert_eq!(embedded_found, postgres_found);
    assert_eq!(postgres_found[0]["posts"], 5, "{postgres_found}");
    let mut erase = vec!["dsr", "erase", "--why", "verzoek tot wissen"];
    erase.extend_from_slice(&subject);
    let erased = expect_success_on(&database.url, &data_dir, &erase);
    assert!(erased.contains('5'), "{erased}");
    let again = json_of(&expect_success_on(&database.url, &data_dir, &lookup));
    assert_eq!(again[0]["posts"], 0, "{again}");
    assert_eq!(database.count("SELECT count(*) FROM posts"), 195);

    // Retention on PostgreSQL: the corpus is from October 2026; retention is now 14 days, so a
    // run as of 90 days from now expires every post, in PostgreSQL, for real.
    let run = json_of(&expect_success_on(
        &database.url,
        &data_dir,
        &["retention", "run", "--as-of", &date_in_days(90), "--json"],
    ));
    assert_eq!(run["report"]["posts_deleted"], 195, "{run}");
    assert_eq!(database.count("SELECT count(*) FROM posts"), 0);
    assert_eq!(
        database.count("SELECT count(*) FROM posts WHERE text LIKE '%container%'"),
        0
    );
    let check = json_of(&expect_success_on(
        &database.url,
        &data_dir,
        &["store", "check", "--json"],
    ));
    assert_eq!(check["postgres"]["posts"], 0, "{check}");
    assert!(
        !check.to_string().contains("password"),
        "the check never shows credentials"
    );
    expect_success(&data_dir, &["audit", "verify"]);
}

/// A free loopback port (bound and released at once).
fn free_port() -> u16 {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()) {
        Ok(address) => address.port(),
        Err(error) => panic!("no free port: {error}"),
    }
}

/// `GET path` on a local server; the status line, or `None` while it does not answer yet.
fn http_status(port: u16, path: &str) -> Option<String> {
    use std::io::Read as _;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.lines().next().map(str::to_string)
}

/// Stops a child with SIGTERM (a graceful shutdown) and returns whether it exited successfully.
fn terminate(mut child: std::process::Child) -> bool {
    let Ok(pid) = i32::try_from(child.id()) else {
        return false;
    };
    // SAFETY: sends a signal to the child this test started; no memory is touched.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    matches!(child.wait(), Ok(status) if status.success())
}

#[test]
fn two_importers_two_servers_and_two_retention_runs_share_one_postgres_and_one_data_directory() {
    let Some(server_url) = postgres_test_url("two_importers_two_servers_and_two_retention_runs")
    else {
        return;
    };
    let database = TestDatabase::new(&server_url, "processes");
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    setup_workspace(&data_dir, "Gemeente Test", "afval", true);
    // 300 matching posts: the even ones 40 days old (past the 30 days' retention), the odd ones
    // a day old. Two files overlap in 100 posts.
    let lines: Vec<String> = (0..300)
        .map(|number| {
            recent_line(
                &format!("m{number}"),
                if number % 2 == 0 { 40 } else { 1 },
                &format!("author-{}", number % 30),
                "Afval en containers in de wijk",
            )
        })
        .collect();
    let first = directory.path().join("first.jsonl");
    let second = directory.path().join("second.jsonl");
    write_file(&first, &lines[..200]);
    write_file(&second, &lines[100..]);

    // Two importers at once.
    let spawn_import = |input: &Path| {
        Command::new(peil_binary())
            .args(["--store", &database.url, "--data-dir"])
            .arg(&data_dir)
            .args(["import", "--json"])
            .arg(input)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    };
    let (Ok(first_import), Ok(second_import)) = (spawn_import(&first), spawn_import(&second))
    else {
        panic!("cannot start the importers");
    };
    let mut stored = 0;
    let mut duplicates = 0;
    for importer in [first_import, second_import] {
        let Ok(output) = importer.wait_with_output() else {
            panic!("importer vanished");
        };
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(
            output.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary = json_of(&stdout);
        stored += summary["stored"].as_u64().unwrap_or(0);
        duplicates += summary["duplicates"].as_u64().unwrap_or(0);
    }
    assert_eq!((stored, duplicates), (300, 100), "no post lost or doubled");
    assert_eq!(database.count("SELECT count(*) FROM posts"), 300);

    // Two servers over the same data directory and database.
    let ports = [free_port(), free_port()];
    let servers: Vec<std::process::Child> = ports
        .iter()
        .map(|port| {
            let spawned = Command::new(peil_binary())
                .args(["--store", &database.url, "--data-dir"])
                .arg(&data_dir)
                .args(["serve", "--retention-interval-hours", "0", "--listen"])
                .arg(format!("127.0.0.1:{port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            match spawned {
                Ok(child) => child,
                Err(error) => panic!("cannot start peil serve: {error}"),
            }
        })
        .collect();
    for port in ports {
        let mut status = None;
        for _ in 0..200 {
            status = http_status(port, "/healthz");
            if status.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            status.as_deref().is_some_and(|line| line.contains(" 200")),
            "{status:?}"
        );
    }

    // Two retention runs at once, beside the servers: one at a time, the expired posts deleted
    // once.
    let spawn_retention = || {
        Command::new(peil_binary())
            .args(["--store", &database.url, "--data-dir"])
            .arg(&data_dir)
            .args(["retention", "run", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    };
    let (Ok(first_run), Ok(second_run)) = (spawn_retention(), spawn_retention()) else {
        panic!("cannot start the retention runs");
    };
    let mut deleted = Vec::new();
    for run in [first_run, second_run] {
        let Ok(output) = run.wait_with_output() else {
            panic!("retention run vanished");
        };
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(
            output.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        deleted.push(
            json_of(&stdout)["report"]["posts_deleted"]
                .as_u64()
                .unwrap_or(0),
        );
    }
    deleted.sort_unstable();
    assert_eq!(deleted, vec![0, 150]);
    assert_eq!(database.count("SELECT count(*) FROM posts"), 150);

    // The servers still answer, then stop cleanly (the PostgreSQL connection closes off the
    // async runtime).
    for port in ports {
        assert!(http_status(port, "/healthz").is_some_and(|line| line.contains(" 200")));
    }
    for server in servers {
        assert!(terminate(server), "peil serve did not stop cleanly");
    }
    // One audit chain over every process, and it verifies.
    let entries = json_of(&expect_success(&data_dir, &["audit", "list", "--json"]));
    let count_of = |action: &str| {
        entries.as_array().map_or(0, |list| {
            list.iter()
                .filter(|entry| entry["entry"]["action"] == action)
                .count()
        })
    };
    assert_eq!(count_of("import"), 2, "{entries}");
    assert_eq!(count_of("retention_run"), 2, "{entries}");
    expect_success(&data_dir, &["audit", "verify"]);
}

#[test]
fn the_password_of_a_postgres_url_is_never_printed() {
    let directory = temp_dir();
    let data_dir = directory.path().join("data");
    for url in [
        "postgres://peil:zeergeheim@127.0.0.1:1/peil",
        "postgresql://peil@127.0.0.1:1/peil?password=zeergeheim&bogus=1",
        "postgres://peil:zeergeheim@[kapot",
    ] {
        let output = run_peil(&data_dir, &["--store", url, "store", "check"]);
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(!output.status.success());
        assert!(stderr.contains("data plane: postgres"), "{stderr}");
        assert!(
            !stderr.contains("zeergeheim") && !stdout.contains("zeergeheim"),
            "{stderr}"
        );
    }
    let unknown = run_peil(&data_dir, &["--store", "mysql://x", "workspace", "list"]);
    assert!(!unknown.status.success());
    assert!(!data_dir.exists(), "nothing was opened");
}

// ---------------------------------------------------------------------------------------------
// Several processes, one truth: two `peil watch` and two `peil serve` against one PostgreSQL
// database and one data directory, then two retention runs at once.

/// The recorded real Jetstream frames (`../shared/fixtures`), in `time_us` order; `None` (with a
/// notice) when they are missing outside CI, a panic under CI=true. Read here, never copied.
fn recorded_jetstream_frames() -> Option<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/bluesky/jetstream_v1_real/corpus_expected_v1.jsonl");
    let Ok(text) = fs::read_to_string(&path) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} is missing: CI needs ../shared beside the repository",
            path.display()
        );
        eprintln!("notice: {} missing, skipping", path.display());
        return None;
    };
    let mut frames: Vec<(i64, String)> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let time_us = serde_json::from_str::<Value>(line)
                .ok()
                .and_then(|value| value["time_us"].as_i64())
                .unwrap_or(0);
            (time_us, line.to_string())
        })
        .collect();
    frames.sort_by_key(|(time_us, _)| *time_us);
    Some(frames.into_iter().map(|(_, frame)| frame).collect())
}

/// `copies` copies of the recorded frames, each copy with its own accounts (the DID gets the copy
/// number), record keys and increasing `time_us`; the posts of even copies were written 40 days
/// ago (past a 30-day retention), those of odd copies 2 days ago. The texts stay as recorded.
/// After the last copy come deletions at the source of every post of copies 1 and 2.
fn replayed_frames(recorded: &[String], copies: usize) -> Vec<String> {
    let now = chrono::Utc::now();
    let mut time_us = now.timestamp_micros() - 3_600_000_000;
    let mut frames = Vec::with_capacity(recorded.len() * copies);
    for copy in 0..copies {
        let days_ago = if copy % 2 == 0 { 40 } else { 2 };
        let written = now - chrono::Duration::days(days_ago)
            + chrono::Duration::seconds(i64::try_from(copy).unwrap_or(0));
        for frame in recorded {
            let Ok(mut value) = serde_json::from_str::<Value>(frame) else {
                continue;
            };
            time_us += 1;
            value["time_us"] = Value::from(time_us);
            if let Some(did) = value["did"].as_str() {
                value["did"] = Value::from(format!("{did}c{copy}"));
            }
            if let Some(rkey) = value.pointer("/commit/rkey").and_then(Value::as_str) {
                value["commit"]["rkey"] = Value::from(format!("{rkey}c{copy}"));
            }
            if let Some(record) = value
                .pointer_mut("/commit/record")
                .and_then(Value::as_object_mut)
            {
                if record.contains_key("createdAt") {
                    record.insert(
                        "createdAt".to_string(),
                        Value::from(written.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                    );
                }
            }
            frames.push(value.to_string());
        }
    }
    let deletions: Vec<String> = frames
        .iter()
        .filter_map(|frame| serde_json::from_str::<Value>(frame).ok())
        .filter(|value| {
            value.pointer("/commit/collection").and_then(Value::as_str)
                == Some("app.bsky.feed.post")
                && value.pointer("/commit/operation").and_then(Value::as_str) == Some("create")
                && value
                    .pointer("/commit/rkey")
                    .and_then(Value::as_str)
                    .is_some_and(|rkey| rkey.ends_with("c1") || rkey.ends_with("c2"))
        })
        .map(|value| {
            time_us += 1;
            serde_json::json!({
                "did": value["did"],
                "time_us": time_us,
                "kind": "commit",
                "commit": {
                    "rev": "3lzzzzzzzzzzz",
                    "operation": "delete",
                    "collection": "app.bsky.feed.post",
                    "rkey": value["commit"]["rkey"],
                }
            })
            .to_string()
        })
        .collect();
    frames.extend(deletions);
    frames
}

/// Serves `frames` from a loopback Jetstream (`peil_connectors_live::replay`) on a thread of its
/// own for the rest of the test process; every connection gets every frame. Returns the endpoint.
fn serve_jetstream_replay(frames: Vec<String>) -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async move {
            let served = peil_connectors_live::replay::serve_jetstream(
                frames,
                peil_connectors_live::replay::Faults::default(),
            )
            .await;
            let _ = sender.send(served.map(|server| server.endpoint()));
            std::future::pending::<()>().await;
        });
    });
    match receiver.recv() {
        Ok(Ok(endpoint)) => endpoint,
        _ => panic!("the loopback Jetstream did not start"),
    }
}

/// A monitor that matches a fair share of the recorded posts (checked by count, never shown).
const JETSTREAM_MONITOR: &str =
    "government OR band OR show OR video OR speech OR election OR country OR people";

/// A body of `Transfer-Encoding: chunked`, decoded.
fn dechunked(mut body: &str) -> String {
    let mut decoded = String::new();
    while let Some((size_line, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size_line.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        decoded.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    decoded
}

/// One HTTP/1.1 request to a local server: status code, `Set-Cookie` values and body; `None`
/// when the server does not answer.
fn http_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, Vec<String>, String)> {
    use std::io::Read as _;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, content) = answer.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let mut cookies = Vec::new();
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        if name == "set-cookie" {
            cookies.push(value.trim().to_string());
        }
        if name == "transfer-encoding" && value.trim().eq_ignore_ascii_case("chunked") {
            chunked = true;
        }
    }
    let content = if chunked {
        dechunked(content)
    } else {
        content.to_string()
    };
    Some((status, cookies, content))
}

/// Waits until `peil serve` on `port` answers `/healthz` with 200.
fn wait_until_serving(port: u16) {
    let mut status = None;
    for _ in 0..300 {
        status = http_status(port, "/healthz");
        if status.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        status.as_deref().is_some_and(|line| line.contains(" 200")),
        "peil serve on {port}: {status:?}"
    );
}

/// `POST /api/v1/workspaces/1/query` for a day-bucketed report of `from`..`to` (dates), 15 terms,
/// with the session `cookie` and its CSRF token: the status and the answer.
fn api_report(port: u16, cookie: &str, csrf: &str, from: &str, to: &str) -> (u16, Value) {
    let body = serde_json::json!({
        "text": "",
        "from": format!("{from}T00:00:00Z"),
        "to": format!("{to}T00:00:00Z"),
        "interval": "day",
        // As many terms as `peil query` lists by default, so the answers compare field by field.
        "top": 15,
    })
    .to_string();
    let Some((status, _, content)) = http_request(
        port,
        "POST",
        "/api/v1/workspaces/1/query",
        &[("Cookie", cookie), ("X-CSRF-Token", csrf)],
        &body,
    ) else {
        panic!("peil serve on {port} did not answer");
    };
    (status, json_of(&content))
}

/// Whether a report answer is well formed: the workspace, a report with totals, the caveat.
fn is_well_formed_report(answer: &Value) -> bool {
    answer["workspace"] == "afval"
        && answer["report"]["totals"].is_object()
        && answer["caveat"].is_object()
}

#[test]
fn two_watchers_two_servers_and_two_retention_runs_on_one_postgres_lose_and_double_nothing() {
    let Some(server_url) = postgres_test_url("two_watchers_two_servers_and_two_retention_runs")
    else {
        return;
    };
    let Some(recorded) = recorded_jetstream_frames() else {
        return;
    };
    let database = TestDatabase::new(&server_url, "watchers");
    let frames = replayed_frames(&recorded, 120);
    let frame_count = frames.len().to_string();
    let endpoint = serve_jetstream_replay(frames);
    let directory = temp_dir();
    let embedded_dir = directory.path().join("embedded");
    let data_dir = directory.path().join("data");
    for dir in [&embedded_dir, &data_dir] {
        setup_workspace(dir, "Gemeente Test", "afval", true);
        expect_success(
            dir,
            &[
                "monitor",
                "add",
                "--workspace",
                "afval",
                "--org",
                "Gemeente Test",
                "--query",
                JETSTREAM_MONITOR,
                "--why",
                "reacties op het beleid volgen",
            ],
        );
    }
    let watch_arguments = |name: &'static str| -> Vec<String> {
        [
            "watch",
            "--connector",
            "jetstream",
            "--endpoint",
            &endpoint,
            "--stop-after",
            &frame_count,
            "--name",
            name,
            "--json",
        ]
        .iter()
        .map(|argument| argument.to_string())
        .collect()
    };
    let (recent_from, recent_to) = (date_in_days(-7), date_in_days(1));
    let (old_from, old_to) = (date_in_days(-45), date_in_days(-35));
    let report_arguments = |from: &str, to: &str| -> Vec<String> {
        ["query", "--workspace", "afval", "--from", from, "--to", to]
            .iter()
            .map(|argument| argument.to_string())
            .chain(["--json".to_string()])
            .collect()
    };

    // The reference: ONE embedded watch of the same frames.
    let arguments = watch_arguments("reference");
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    let reference = json_of(&expect_success(&embedded_dir, &arguments));
    let reference_stored = reference["stats"]["stored"].as_u64().unwrap_or(0);
    let reference_deletes = reference["stats"]["deletes"].as_u64().unwrap_or(0);
    assert!(
        reference_stored >= 200 && reference_deletes > 0,
        "{reference}"
    );
    let expected_posts = reference_stored - reference_deletes;
    let check = json_of(&expect_success(
        &embedded_dir,
        &["store", "check", "--json"],
    ));
    assert_eq!(check["posts_in_database"].as_u64(), Some(expected_posts));
    let arguments = report_arguments(&recent_from, &recent_to);
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    let reference_report = json_of(&expect_success(&embedded_dir, &arguments));
    let recent_posts = reference_report["report"]["totals"]["posts"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        recent_posts > 0 && recent_posts < expected_posts,
        "recent posts: {recent_posts} of {expected_posts}"
    );

    // An analyst of the organisation, with a password, for the API.
    expect_success(
        &data_dir,
        &[
            "user",
            "add",
            "--org",
            "Gemeente Test",
            "--name",
            "ana",
            "--role",
            "analyst",
            "--why",
            "analist",
        ],
    );
    let password = "een lang genoeg wachtwoord";
    let setting = Command::new(peil_binary())
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["user", "password", "--name", "ana"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut setting) = setting else {
        panic!("cannot set the password");
    };
    if let Some(mut stdin) = setting.stdin.take() {
        let _ = writeln!(stdin, "{password}");
    }
    assert!(matches!(setting.wait(), Ok(status) if status.success()));

    // Two servers over the data directory and the database; one login, on the first: the
    // session lives in the shared control plane, so it holds on both.
    let ports = [free_port(), free_port()];
    let servers: Vec<std::process::Child> = ports
        .iter()
        .map(|port| {
            let spawned = Command::new(peil_binary())
                .args(["--store", &database.url, "--data-dir"])
                .arg(&data_dir)
                .args(["serve", "--retention-interval-hours", "0", "--listen"])
                .arg(format!("127.0.0.1:{port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            match spawned {
                Ok(child) => child,
                Err(error) => panic!("cannot start peil serve: {error}"),
            }
        })
        .collect();
    for port in ports {
        wait_until_serving(port);
    }
    let login = serde_json::json!({"name": "ana", "password": password}).to_string();
    let Some((status, cookies, content)) =
        http_request(ports[0], "POST", "/api/v1/session", &[], &login)
    else {
        panic!("no answer to the login");
    };
    assert_eq!(status, 200, "login");
    let csrf = json_of(&content)["csrf_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let cookie = cookies
        .iter()
        .filter_map(|cookie| cookie.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    assert!(!csrf.is_empty() && !cookie.is_empty());

    // Two watchers of the same stream at once, while both servers answer reports. The servers
    // are asked about the older window only: the recent window is asked after the writes, so
    // the differencing audit's remembered answers of the partial scopes never touch it.
    let spawn_watch = |name: &'static str| {
        let arguments = watch_arguments(name);
        let spawned = Command::new(peil_binary())
            .args(["--store", &database.url, "--data-dir"])
            .arg(&data_dir)
            .args(&arguments)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        match spawned {
            Ok(child) => child,
            Err(error) => panic!("cannot start peil watch: {error}"),
        }
    };
    let mut watchers = [spawn_watch("watch-a"), spawn_watch("watch-b")];
    let mut answered_during_writes = [0u32; 2];
    let mut queries_answered = 0usize;
    loop {
        let still_writing = |watchers: &mut [std::process::Child; 2]| {
            watchers
                .iter_mut()
                .any(|watcher| matches!(watcher.try_wait(), Ok(None)))
        };
        if !still_writing(&mut watchers) {
            break;
        }
        for (index, port) in ports.iter().enumerate() {
            let (status, answer) = api_report(*port, &cookie, &csrf, &old_from, &old_to);
            // Messages name the error code only: a report holds words of posts.
            assert_eq!(status, 200, "during the writes: {}", answer["code"]);
            assert!(is_well_formed_report(&answer), "not a report");
            queries_answered += 1;
            // Answered while the watchers wrote: some posts are in, not yet all.
            let posts_in = database.count("SELECT count(*) FROM posts");
            let partial = posts_in > 0 && posts_in < i64::try_from(expected_posts).unwrap_or(0);
            if partial && still_writing(&mut watchers) {
                answered_during_writes[index] += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        answered_during_writes.iter().all(|answers| *answers > 0),
        "both servers answered while the watchers wrote: {answered_during_writes:?}"
    );
    let mut stored = 0;
    let mut deletes = 0;
    for watcher in watchers {
        let Ok(output) = watcher.wait_with_output() else {
            panic!("watcher vanished");
        };
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(
            output.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary = json_of(&stdout);
        assert_eq!(summary["wire"]["received"], reference["wire"]["received"]);
        // Each watcher saw every matching post once: it stored it or found it stored.
        let watcher_stored = summary["stats"]["stored"].as_u64().unwrap_or(0);
        let watcher_duplicates = summary["stats"]["duplicates"].as_u64().unwrap_or(0);
        assert_eq!(
            watcher_stored + watcher_duplicates,
            reference_stored,
            "{summary}"
        );
        stored += watcher_stored;
        deletes += summary["stats"]["deletes"].as_u64().unwrap_or(0);
    }
    // What both stored minus what both deleted is what one watcher leaves. (A watcher that is
    // ahead may delete a post that the other then stores again and, later in its stream,
    // deletes: both sums grow alike.)
    assert!(stored >= reference_stored, "{stored}");
    assert_eq!(stored - deletes, expected_posts);
    assert_eq!(
        database.count("SELECT count(*) FROM posts"),
        i64::try_from(expected_posts).unwrap_or(-1),
        "no post lost or doubled"
    );
    assert_eq!(
        database.count("SELECT count(DISTINCT (workspace_id, post_id)) FROM posts"),
        database.count("SELECT count(*) FROM post_references")
    );

    // Each watcher kept its own cursor and counters in the shared control plane.
    let states = json_of(&expect_success(&data_dir, &["status", "--json"]));
    let mut matched = 0;
    for name in ["watch-a", "watch-b"] {
        let Some(state) = states
            .as_array()
            .and_then(|list| list.iter().find(|state| state["name"] == name))
        else {
            panic!("no connector state of {name}: {states}");
        };
        assert_eq!(state["received"], reference["wire"]["received"], "{state}");
        assert!(state["cursor"].is_string(), "{state}");
        matched += state["matched"].as_u64().unwrap_or(0);
    }
    assert_eq!(matched, stored, "{states}");

    // After the writes: the CLI and both servers answer the embedded store's report.
    let arguments = report_arguments(&recent_from, &recent_to);
    let mut arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    arguments.splice(0..0, ["--as", "ana"]);
    let mut answers = vec![json_of(&expect_success_on(
        &database.url,
        &data_dir,
        &arguments,
    ))];
    for port in ports {
        let (status, answer) = api_report(port, &cookie, &csrf, &recent_from, &recent_to);
        assert_eq!(status, 200, "{}", answer["code"]);
        answers.push(answer);
    }
    queries_answered += 1 + ports.len();
    for answer in &answers {
        let mut differing = Vec::new();
        differing_paths(
            "",
            &reference_report["report"],
            &answer["report"],
            &mut differing,
        );
        assert!(differing.is_empty(), "report fields differ: {differing:?}");
    }

    // Two retention runs at once: one deletes the posts of 40 days ago, the other nothing.
    let expired_sql = "SELECT count(*) FROM posts WHERE published_at < now() - interval '30 days'";
    let expired = database.count(expired_sql);
    assert_eq!(
        expired,
        i64::try_from(expected_posts - recent_posts).unwrap_or(-1)
    );
    let spawn_retention = || {
        Command::new(peil_binary())
            .args(["--store", &database.url, "--data-dir"])
            .arg(&data_dir)
            .args(["retention", "run", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    };
    let (Ok(first_run), Ok(second_run)) = (spawn_retention(), spawn_retention()) else {
        panic!("cannot start the retention runs");
    };
    let mut deleted = Vec::new();
    for run in [first_run, second_run] {
        let Ok(output) = run.wait_with_output() else {
            panic!("retention run vanished");
        };
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(
            output.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        deleted.push(json_of(&stdout)["report"]["posts_deleted"].as_i64());
    }
    deleted.sort_unstable();
    assert_eq!(deleted, vec![Some(0), Some(expired)]);
    assert_eq!(
        database.count(expired_sql),
        0,
        "no expired post in PostgreSQL"
    );
    assert_eq!(
        database.count("SELECT count(*) FROM posts"),
        i64::try_from(recent_posts).unwrap_or(-1)
    );
    let check = json_of(&expect_success_on(
        &database.url,
        &data_dir,
        &["store", "check", "--json"],
    ));
    assert_eq!(
        check["posts_in_database"], 0,
        "no post in the data directory"
    );

    for server in servers {
        assert!(terminate(server), "peil serve did not stop cleanly");
    }
    // One audit chain over every process: it verifies, and holds one entry per operation.
    let entries = json_of(&expect_success(&data_dir, &["audit", "list", "--json"]));
    let count_of = |action: &str, object: &str| {
        entries.as_array().map_or(0, |list| {
            list.iter()
                .filter(|entry| {
                    entry["entry"]["action"] == action
                        && entry["entry"]["object"]
                            .as_str()
                            .is_some_and(|text| text.contains(object))
                })
                .count()
        })
    };
    // A watch session is audited as an import: its start and its end with the counts.
    assert_eq!(count_of("import", "connector:watch-a "), 2, "{entries}");
    assert_eq!(count_of("import", "connector:watch-b "), 2, "{entries}");
    assert_eq!(count_of("query", ""), queries_answered, "{entries}");
    assert_eq!(count_of("login", ""), 1, "{entries}");
    assert_eq!(count_of("retention_run", ""), 2, "{entries}");
    expect_success(&data_dir, &["audit", "verify"]);
}

#[test]
fn a_postgres_database_belongs_to_one_data_directory_and_a_demo_never_clears_a_real_one() {
    let Some(server_url) = postgres_test_url("a_postgres_database_belongs_to_one_data_directory")
    else {
        return;
    };
    let database = TestDatabase::new(&server_url, "binding");
    let directory = temp_dir();
    let input = directory.path().join("posts.jsonl");
    write_file(&input, &standard_corpus());
    let input_path = input.to_str().unwrap_or_default();
    // The first data directory binds the empty database and stores its posts.
    let first = directory.path().join("first");
    setup_workspace(&first, "Gemeente Test", "afval", true);
    let summary = json_of(&expect_success_on(
        &database.url,
        &first,
        &["import", input_path, "--json"],
    ));
    assert_eq!(summary["stored"], 200);
    assert_eq!(database.count("SELECT count(*) FROM installation"), 1);
    let installation_file =
        std::fs::read_to_string(first.join("installation-id")).unwrap_or_default();
    let installation_id = installation_file
        .lines()
        .find_map(|line| line.strip_prefix("id "))
        .unwrap_or_default()
        .to_string();
    assert_eq!(installation_id.len(), 64, "{installation_file}");

    // A second data directory with the same catalog ids (organisation 1, workspace 1): every
    // command on the database is refused before a post is read, and the refusal names no id.
    let second = directory.path().join("second");
    setup_workspace(&second, "Gemeente Test", "afval", true);
    for arguments in [
        vec!["query", "--workspace", "afval", "--json"],
        vec!["store", "check", "--json"],
        vec!["import", input_path, "--json"],
    ] {
        let mut with_store = vec!["--store", database.url.as_str()];
        with_store.extend_from_slice(&arguments);
        let refused = run_peil(&second, &with_store);
        let stdout = String::from_utf8_lossy(&refused.stdout).to_string();
        let stderr = String::from_utf8_lossy(&refused.stderr).to_string();
        assert!(!refused.status.success(), "{arguments:?}: {stdout}");
        assert!(
            stderr.contains("belongs to another data directory")
                && stderr.contains("hoort bij een andere datamap"),
            "{arguments:?}: {stderr}"
        );
        assert!(!stdout.contains("\"posts\""), "{arguments:?}: {stdout}");
        let second_id = std::fs::read_to_string(second.join("installation-id")).unwrap_or_default();
        for id_line in [
            installation_id.as_str(),
            second_id.lines().nth(1).unwrap_or("-"),
        ] {
            let id = id_line.trim_start_matches("id ");
            assert!(!stderr.contains(id) && !stdout.contains(id), "{stderr}");
        }
    }
    assert_eq!(database.count("SELECT count(*) FROM posts"), 200);

    // The first directory reopens fine and still reads its posts.
    let check = json_of(&expect_success_on(
        &database.url,
        &first,
        &["store", "check", "--json"],
    ));
    assert_eq!(check["postgres"]["posts"], 200, "{check}");
    let answer = json_of(&expect_success_on(
        &database.url,
        &first,
        &["query", "--workspace", "afval", "--json"],
    ));
    assert!(answer["report"].is_object(), "{answer}");

    // A demo refuses the database of a real installation and clears nothing.
    let demo = Command::new(peil_binary())
        .args([
            "--store",
            &database.url,
            "demo",
            "--posts",
            "200",
            "--no-serve",
            "--dir",
        ])
        .arg(directory.path().join("demo"))
        .env_remove("PEIL_LANG")
        .output();
    let Ok(demo) = demo else {
        panic!("demo did not run")
    };
    let stderr = String::from_utf8_lossy(&demo.stderr).to_string();
    assert!(!demo.status.success());
    assert!(
        stderr.contains("belongs to a real installation (not a demo); the demo never clears it"),
        "{stderr}"
    );
    assert_eq!(database.count("SELECT count(*) FROM posts"), 200);
    assert_eq!(
        database.count("SELECT count(*) FROM installation WHERE is_demo"),
        0
    );

    // The audit logs: one entry where the database was bound (reopening the same directory
    // changes nothing and records nothing), one per refused opening, none naming an id.
    let binding_entries = |data_dir: &Path| -> Vec<String> {
        std::fs::read_to_string(data_dir.join("audit/audit-log.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter(|line| line.contains("bind_data_plane"))
            .map(str::to_string)
            .collect()
    };
    let bound = binding_entries(&first);
    assert_eq!(bound.len(), 1, "{bound:?}");
    assert!(bound[0].contains("\"succeeded\""), "{bound:?}");
    let refused = binding_entries(&second);
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(refused
        .iter()
        .all(|line| line.contains("\"refused\"") && line.contains("another data directory")));
    let demo_refused = binding_entries(&directory.path().join("demo"));
    assert_eq!(demo_refused.len(), 1, "{demo_refused:?}");
    assert!(demo_refused[0].contains("a demo never clears it"));
    for line in bound.iter().chain(&refused).chain(&demo_refused) {
        assert!(!line.contains(&installation_id), "{line}");
    }
}
