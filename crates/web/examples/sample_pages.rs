//! Writes sample pages (with made-up, gated figures) into a directory for visual and
//! accessibility review: `cargo run -p peil-web --example sample_pages -- /tmp/peil-pages`.
//! Serve that directory together with `crates/web/assets` under `/static/` to see them styled.

use chrono::{TimeZone, Utc};
use peil_model::Role;
use peil_service::{
    AggregateReport, Cell, Interval, QueryAnswer, RisingTerms, RisingUnavailable, TermCell,
    TermList,
};
use peil_web::{
    dashboard_page, report_csv, report_print_page, DashboardView, Language, PageContext, QueryForm,
};

fn cell(key: &str, posts: Option<u64>, share: Option<f64>) -> Cell {
    Cell {
        key: key.into(),
        posts,
        share,
        suppressed: posts.is_none(),
    }
}

fn main() -> std::io::Result<()> {
    let directory = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "peil-pages".to_string());
    std::fs::create_dir_all(&directory)?;
    let Some(start) = Utc.with_ymd_and_hms(2025, 5, 1, 0, 0, 0).single() else {
        return Ok(());
    };
    let volume: Vec<Cell> = (0..14)
        .map(|day| {
            let key = (start + chrono::Duration::days(day))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let posts = [30, 42, 0, 55, 61, 120, 80, 44, 0, 39, 35, 48, 52, 47][day as usize];
            cell(&key, (posts > 0).then_some(posts), None)
        })
        .collect();
    let report = AggregateReport {
        k: 10,
        interval: Interval::Day,
        from: Some(start),
        to: Some(start + chrono::Duration::days(14)),
        totals: peil_store::Totals {
            posts: Some(720),
            authors_at_least: Some(210),
            suppressed: false,
        },
        volume,
        sentiment: vec![
            cell("negative", Some(290), Some(0.40)),
            cell("neutral", Some(250), Some(0.35)),
            cell("positive", Some(180), Some(0.25)),
        ],
        languages: vec![cell("nl", Some(650), Some(0.9)), cell("en", None, None)],
        sources: vec![
            cell("mastodon", Some(500), Some(0.69)),
            cell("bluesky", Some(220), Some(0.31)),
        ],
        terms: TermList {
            items: vec![TermCell {
                term: "afvalinzameling".into(),
                posts: 120,
            }],
            suppressed: 3,
        },
        hashtags: TermList {
            items: vec![TermCell {
                term: "afval".into(),
                posts: 80,
            }],
            suppressed: 0,
        },
        bigrams: TermList {
            items: vec![],
            suppressed: 1,
        },
        suppressed_cells: 7,
        rising: RisingTerms {
            baseline_from: None,
            baseline_to: None,
            unavailable: Some(RisingUnavailable::NoWindow),
            terms: vec![],
            hashtags: vec![],
            bigrams: vec![],
        },
        bursts: vec![],
        clusters: vec![],
        representativeness: None,
        differencing_refusal: None,
    };
    let caveat = peil_policy::Caveat::for_report(&report);
    let answer = QueryAnswer {
        organisation: "Gemeente Voorbeeld".into(),
        workspace: "afval".into(),
        purpose: "trend_policy_analysis".into(),
        query: "#afval OR afvalinzameling".into(),
        report,
        caveat,
    };
    let bursts = vec!["2025-05-06T00:00:00Z".to_string()];
    for language in [Language::Nl, Language::En] {
        let context = PageContext {
            language,
            user_label: Some("analist1".into()),
            role: Some(Role::Analyst),
            csrf_token: Some("sample".into()),
            current_path: "/workspaces/afval/dashboard".into(),
        };
        let form = QueryForm::default();
        let view = DashboardView {
            workspace: &answer.workspace,
            form: &form,
            answer: Some(&answer),
            refusal: None,
            bursts: &bursts,
            example_quotes: &["Wanneer wordt het [ADRES] eindelijk opgehaald?".to_string()],
        };
        let code = language.code();
        std::fs::write(
            format!("{directory}/dashboard-{code}.html"),
            dashboard_page(&context, &view),
        )?;
        std::fs::write(
            format!("{directory}/report-{code}.html"),
            report_print_page(&context, &answer, &bursts, Utc::now()),
        )?;
        std::fs::write(
            format!("{directory}/report-{code}.csv"),
            report_csv(language, &answer),
        )?;
    }
    println!("written to {directory}");
    Ok(())
}
