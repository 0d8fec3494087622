//! The aggregate report as text and JSON. Only gated cells reach this module; a suppressed cell is
//! printed as `<k` (text) or `null` with `"suppressed": true` (JSON).

use peil_service::{
    AggregateReport, Cell, GatedShare, Interval, RisingTerm, RisingUnavailable, TermList,
};

use crate::OutputLanguage;

/// The report as printed with `--json`: the service's answer (gated report and caveat block).
pub type ReportDocument = peil_service::QueryAnswer;

fn count(cell: &Cell) -> String {
    match cell.posts {
        Some(posts) => posts.to_string(),
        None => "<k".to_string(),
    }
}

fn share(cell: &Cell) -> String {
    match (cell.share, cell.suppressed) {
        (_, true) => "<k".to_string(),
        (Some(share), false) => format!("{:.0}%", share * 100.0),
        (None, false) => "-".to_string(),
    }
}

fn sentiment_label(code: &str, language: OutputLanguage) -> String {
    match code {
        "negative" => language.pick("negatief", "negative").to_string(),
        "neutral" => language.pick("neutraal", "neutral").to_string(),
        "positive" => language.pick("positief", "positive").to_string(),
        other => other.to_string(),
    }
}

/// The sentiment over time as text: a heading, then one line per bucket with each class's share
/// of the bucket's posts (`<k` for a suppressed cell). The series is shown whole or not at all
/// (peil_store::aggregate); when every cell is suppressed, one line says it is withheld and why.
/// Nothing when the report has no series (no posts).
pub fn sentiment_series_lines(report: &AggregateReport, language: OutputLanguage) -> Vec<String> {
    if report.sentiment_series.is_empty() {
        return Vec::new();
    }
    let heading = language.pick("Sentiment in de tijd", "Sentiment over time");
    if report.sentiment_series.iter().all(|cell| cell.suppressed) {
        return vec![format!(
            "{heading}: {}",
            language.pick(
                "niet getoond — een cel zou minder dan k auteurs tonen of een onderdrukte cel onthullen; de reeks wordt heel of niet getoond",
                "withheld — a cell would show fewer than k authors or reveal a suppressed cell; the series is shown whole or not at all"
            )
        )];
    }
    let mut lines = vec![format!(
        "{heading} ({}):",
        language.pick(
            "aandeel van de berichten per periode",
            "share of each period's posts"
        )
    )];
    let mut buckets: Vec<&str> = Vec::new();
    for cell in &report.sentiment_series {
        if !buckets.contains(&cell.bucket.as_str()) {
            buckets.push(&cell.bucket);
        }
    }
    for bucket in buckets {
        let label = match report.interval {
            Interval::Day => bucket.get(..10).unwrap_or(bucket),
            Interval::Hour => bucket.get(..16).unwrap_or(bucket),
        };
        let classes: Vec<String> = report
            .sentiment_series
            .iter()
            .filter(|cell| cell.bucket == bucket)
            .map(|cell| {
                let shown = match (cell.share, cell.suppressed) {
                    (_, true) => "<k".to_string(),
                    (Some(share), false) => format!("{:.0}%", share * 100.0),
                    (None, false) => "-".to_string(),
                };
                format!("{} {shown}", sentiment_label(&cell.sentiment, language))
            })
            .collect();
        lines.push(format!("  {label:<16} {}", classes.join(" | ")));
    }
    lines
}

fn print_terms(title: &str, list: &TermList, prefix: &str, language: OutputLanguage) {
    println!("{title}");
    if list.items.is_empty() {
        println!(
            "  {}",
            language.pick(
                "(geen die de k-drempel halen)",
                "(none pass the k threshold)"
            )
        );
    }
    let line: Vec<String> = list
        .items
        .iter()
        .map(|item| format!("{prefix}{} ({})", item.term, item.posts))
        .collect();
    for chunk in line.chunks(5) {
        println!("  {}", chunk.join(", "));
    }
}

fn gated_share(share: &GatedShare) -> String {
    match share.percent {
        Some(percent) => format!("{percent}%"),
        None => "<k".to_string(),
    }
}

/// A moment as `YYYY-MM-DD HH:MM` (UTC).
fn moment(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.format("%Y-%m-%d %H:%M").to_string()
}

fn print_rising(title: &str, items: &[RisingTerm], prefix: &str) {
    if items.is_empty() {
        return;
    }
    println!("  {title}");
    let line: Vec<String> = items
        .iter()
        .map(|item| {
            format!(
                "{prefix}{} ({}, {})",
                item.term,
                item.posts,
                item.significance.label()
            )
        })
        .collect();
    for chunk in line.chunks(4) {
        println!("    {}", chunk.join(", "));
    }
}

/// Rising terms against the window before, or why there are none.
pub fn print_rising_terms(report: &AggregateReport, language: OutputLanguage) {
    let rising = &report.rising;
    match (rising.unavailable, rising.baseline_from, rising.baseline_to) {
        (Some(RisingUnavailable::NoWindow), _, _) => println!(
            "{}: {}",
            language.pick("Stijgende termen", "Rising terms"),
            language.pick(
                "geef --from en --to op om met de even lange periode ervoor te vergelijken",
                "give --from and --to to compare with the period of equal length before"
            )
        ),
        (Some(RisingUnavailable::BaselineTooSmall), _, _) => println!(
            "{}: {}",
            language.pick("Stijgende termen", "Rising terms"),
            language.pick(
                "de periode ervoor heeft geen berichten van minstens k auteurs",
                "the period before holds no posts of at least k authors"
            )
        ),
        (None, Some(from), Some(to)) => {
            println!(
                "{} {} – {} ({})",
                language.pick("Stijgende termen tegenover", "Rising terms compared with"),
                moment(&from),
                moment(&to),
                language.pick(
                    "log-likelihood, alleen significant gestegen",
                    "log-likelihood, significant rises only"
                )
            );
            if rising.terms.is_empty() && rising.hashtags.is_empty() && rising.bigrams.is_empty() {
                println!(
                    "  {}",
                    language.pick(
                        "(geen term steeg significant)",
                        "(no term rose significantly)"
                    )
                );
            }
            print_rising(language.pick("termen", "terms"), &rising.terms, "");
            print_rising("hashtags", &rising.hashtags, "#");
            print_rising(language.pick("woordparen", "bigrams"), &rising.bigrams, "");
        }
        _ => {}
    }
}

/// Rising terms, bursts and clusters.
fn print_signals(report: &AggregateReport, language: OutputLanguage) {
    println!();
    print_rising_terms(report, language);
    if report.bursts.is_empty() {
        println!(
            "{}: {}",
            language.pick("Pieken (per uur)", "Bursts (hourly)"),
            language.pick("geen", "none")
        );
    } else {
        println!("{}", language.pick("Pieken (per uur)", "Bursts (hourly)"));
    }
    for burst in &report.bursts {
        let peak_posts = burst
            .peak_posts
            .map(|posts| format!(" ({posts} {})", language.pick("berichten", "posts")))
            .unwrap_or_default();
        println!(
            "  {} {} – {}, {} {}{peak_posts}",
            language.pick("van", "from"),
            moment(&burst.start),
            moment(&burst.end),
            language.pick("hoogtepunt", "peak"),
            moment(&burst.peak)
        );
    }
    if !report.clusters.is_empty() {
        println!(
            "{}",
            language.pick(
                "Samenhangende termen (vaak samen genoemd)",
                "Related terms (often mentioned together)"
            )
        );
        for cluster in &report.clusters {
            println!("  {}", cluster.terms.join(" · "));
        }
    }
}

/// The representativeness block: mixes, reposts, very active authors and data gaps.
fn print_representativeness(report: &AggregateReport, language: OutputLanguage) {
    let Some(block) = &report.representativeness else {
        return;
    };
    println!(
        "  {}: {} {}; {} {} ({} {} {})",
        language.pick("Representativiteit", "Representativeness"),
        language.pick("reposts/boosts", "reposts/boosts"),
        gated_share(&block.reposts),
        language.pick(
            "berichten van zeer actieve auteurs",
            "posts by very active authors"
        ),
        gated_share(&block.high_frequency_authors),
        language.pick("minstens", "at least"),
        block.high_frequency_posts_per_day,
        language.pick("berichten per dag", "posts per day")
    );
    if block.reposts.suppressed || block.high_frequency_authors.suppressed {
        println!(
            "    {}",
            language.pick(
                "<k: de groep of de rest telt minder dan k auteurs; het aandeel wordt niet getoond",
                "<k: the group or the rest has fewer than k authors; the share is withheld"
            )
        );
    }
    for coverage in &block.source_coverage {
        println!(
            "    {} {}: {} {} {} {}",
            language.pick("bron", "source"),
            coverage.source,
            coverage.hours_without_data,
            language.pick("van de", "of"),
            coverage.hours_in_window,
            language.pick("uur zonder gegevens", "hours without data")
        );
    }
}

/// Prints the report as text.
pub fn print_report(document: &ReportDocument, language: OutputLanguage) {
    let report = &document.report;
    println!();
    println!(
        "== {} \"{}\" — {} ({}) ==",
        language.pick("Rapport werkruimte", "Report workspace"),
        document.workspace,
        document.organisation,
        document.purpose
    );
    if !document.query.is_empty() {
        println!(
            "{}: {}",
            language.pick("Zoekvraag", "Query"),
            document.query
        );
    }
    if let Some(refusal) = &report.differencing_refusal {
        println!(
            "{}",
            language.pick(&refusal.message_nl, &refusal.message_en)
        );
    }
    match (report.totals.posts, report.totals.authors_at_least) {
        (Some(posts), None) => println!(
            "{}: {posts} {} (k = {}; {})",
            language.pick("Totaal", "Total"),
            language.pick("berichten", "posts"),
            report.k,
            language.pick(
                "aantal auteurs niet getoond: het zou met een eerder antwoord te weinig auteurs onderscheiden",
                "number of authors withheld: with an earlier answer it would single out too few authors"
            )
        ),
        (Some(posts), Some(authors)) => println!(
            "{}: {posts} {} {} {authors} {} (k = {})",
            language.pick("Totaal", "Total"),
            language.pick("berichten van", "posts by"),
            language.pick("minstens", "at least"),
            language.pick("auteurs", "authors"),
            report.k
        ),
        _ if report.totals.suppressed => println!(
            "{} (k = {})",
            language.pick(
                "Minder dan k auteurs in deze selectie: alle cijfers zijn onderdrukt",
                "Fewer than k authors in this selection: every figure is suppressed"
            ),
            report.k
        ),
        _ => println!(
            "{}",
            language.pick(
                "Geen berichten in deze selectie.",
                "No posts in this selection."
            )
        ),
    }

    println!();
    println!(
        "{} ({})",
        language.pick("Volume", "Volume"),
        match report.interval {
            Interval::Hour => language.pick("per uur, UTC", "per hour, UTC"),
            Interval::Day => language.pick("per dag, UTC", "per day, UTC"),
        }
    );
    let largest = report
        .volume
        .iter()
        .filter_map(|cell| cell.posts)
        .max()
        .unwrap_or(1)
        .max(1);
    for cell in &report.volume {
        let bar_length = cell.posts.map_or(0, |posts| (posts * 40).div_ceil(largest)) as usize;
        let label = match report.interval {
            Interval::Day => cell.key.get(..10).unwrap_or(&cell.key),
            Interval::Hour => cell.key.get(..16).unwrap_or(&cell.key),
        };
        println!(
            "  {label:<16} {:>6}  {}",
            count(cell),
            "█".repeat(bar_length)
        );
    }

    println!();
    let sentiment: Vec<String> = report
        .sentiment
        .iter()
        .map(|cell| format!("{} {}", sentiment_label(&cell.key, language), share(cell)))
        .collect();
    println!(
        "{}: {}",
        language.pick("Sentiment", "Sentiment"),
        sentiment.join(" | ")
    );
    for line in sentiment_series_lines(report, language) {
        println!("{line}");
    }
    let languages: Vec<String> = report
        .languages
        .iter()
        .map(|cell| format!("{} {}", cell.key, share(cell)))
        .collect();
    println!(
        "{}: {}",
        language.pick("Talen", "Languages"),
        languages.join(", ")
    );
    let sources: Vec<String> = report
        .sources
        .iter()
        .map(|cell| format!("{} {}", cell.key, count(cell)))
        .collect();
    println!(
        "{}: {}",
        language.pick("Bronnen", "Sources"),
        sources.join(", ")
    );

    println!();
    print_terms(
        language.pick("Meest gebruikte termen", "Top terms"),
        &report.terms,
        "",
        language,
    );
    print_terms(
        language.pick("Hashtags", "Hashtags"),
        &report.hashtags,
        "#",
        language,
    );
    print_terms(
        language.pick("Woordparen", "Bigrams"),
        &report.bigrams,
        "",
        language,
    );
    print_signals(report, language);

    let caveat = &document.caveat;
    println!();
    println!("-- {} --", language.pick("Kanttekeningen", "Caveats"));
    println!(
        "  {}: {}",
        language.pick("Bronnen", "Sources"),
        if caveat.sources.is_empty() {
            "-".to_string()
        } else {
            caveat.sources.join(", ")
        }
    );
    println!(
        "  {}: {}",
        language.pick("Berichten in selectie", "Posts in selection"),
        caveat
            .posts
            .map_or("<k".to_string(), |posts| posts.to_string())
    );
    println!(
        "  k = {}; {}: {}",
        caveat.k,
        language.pick(
            "onderdrukte cellen (minder dan k auteurs, getoond als <k of weggelaten)",
            "suppressed cells (fewer than k authors, shown as <k or left out)"
        ),
        caveat.suppressed_cells
    );
    println!(
        "  {}",
        language.pick(&caveat.sentiment_accuracy_nl, &caveat.sentiment_accuracy_en)
    );
    println!(
        "  {}",
        language.pick(&caveat.representativeness_nl, &caveat.representativeness_en)
    );
    print_representativeness(report, language);
    println!("  {}", language.pick("Tijden in UTC.", "Times in UTC."));
}
