//! Writes sample pages (with made-up, gated figures) into a directory for visual and
//! accessibility review: `cargo run -p peil-web --example sample_pages -- /tmp/peil-pages`.
//! Serve that directory together with `crates/web/assets` under `/static/` to see them styled.

use chrono::{TimeZone, Utc};
use peil_model::Role;
use peil_service::{
    AggregateReport, Burst, Cell, GatedShare, Interval, QueryAnswer, Representativeness,
    RisingTerm, RisingTerms, Significance, SourceCoverage, TermCell, TermCluster, TermList,
    HIGH_FREQUENCY_POSTS_PER_DAY,
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
        sentiment_series: Vec::new(),
        sentiment_series_suppressed: 0,
        terms: TermList {
            items: vec![
                TermCell {
                    term: "afvalinzameling".into(),
                    posts: 120,
                },
                TermCell {
                    term: "container".into(),
                    posts: 96,
                },
                TermCell {
                    term: "statiegeld".into(),
                    posts: 64,
                },
                TermCell {
                    term: "ophalen".into(),
                    posts: 58,
                },
            ],
            suppressed: 3,
        },
        hashtags: TermList {
            items: vec![
                TermCell {
                    term: "afval".into(),
                    posts: 80,
                },
                TermCell {
                    term: "gft".into(),
                    posts: 41,
                },
            ],
            suppressed: 0,
        },
        bigrams: TermList {
            items: vec![],
            suppressed: 1,
        },
        suppressed_cells: 7,
        // Against the two weeks before (17–30 April).
        rising: RisingTerms {
            baseline_from: Some(start - chrono::Duration::days(14)),
            baseline_to: Some(start),
            unavailable: None,
            terms: vec![
                RisingTerm {
                    term: "statiegeld".into(),
                    posts: 64,
                    significance: Significance::P0001,
                },
                RisingTerm {
                    term: "container".into(),
                    posts: 96,
                    significance: Significance::P001,
                },
            ],
            hashtags: vec![RisingTerm {
                term: "gft".into(),
                posts: 41,
                significance: Significance::P001,
            }],
            bigrams: vec![],
        },
        // One storm on 6 May (the day with 120 posts), detected on hourly volume.
        bursts: vec![Burst {
            start: start + chrono::Duration::hours(5 * 24 + 8),
            peak: start + chrono::Duration::hours(5 * 24 + 10),
            end: start + chrono::Duration::hours(5 * 24 + 13),
            peak_posts: None,
        }],
        clusters: vec![
            TermCluster {
                terms: vec!["container".into(), "ophalen".into(), "afval".into()],
            },
            TermCluster {
                terms: vec!["statiegeld".into(), "gft".into()],
            },
        ],
        representativeness: Some(Representativeness {
            reposts: GatedShare {
                percent: Some(14),
                suppressed: false,
            },
            high_frequency_authors: GatedShare {
                percent: None,
                suppressed: true,
            },
            high_frequency_posts_per_day: HIGH_FREQUENCY_POSTS_PER_DAY,
            source_coverage: vec![
                SourceCoverage {
                    source: "mastodon".into(),
                    hours_in_window: 336,
                    hours_without_data: 4,
                },
                SourceCoverage {
                    source: "bluesky".into(),
                    hours_in_window: 336,
                    hours_without_data: 27,
                },
            ],
        }),
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
            example_quotes: &["Wanneer wordt het [ADRES] eindelijk opgehaald?".to_string()],
        };
        let code = language.code();
        std::fs::write(
            format!("{directory}/dashboard-{code}.html"),
            dashboard_page(&context, &view),
        )?;
        std::fs::write(
            format!("{directory}/report-{code}.html"),
            report_print_page(&context, &answer, Utc::now()),
        )?;
        std::fs::write(
            format!("{directory}/report-{code}.csv"),
            report_csv(language, &answer),
        )?;
    }
    println!("written to {directory}");
    Ok(())
}
