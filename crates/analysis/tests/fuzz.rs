//! The analysis step never panics, whatever the input, and never turns a placeholder into a term.

use peil_analysis::{language, terms, Analyzer};
use peil_model::Language;
use proptest::prelude::*;

fn check_invariants(analyzer: &Analyzer, text: &str, hint: Option<Language>) {
    let analysis = analyzer.analyse(text, hint);
    assert!((-1.0..=1.0).contains(&analysis.sentiment.score));
    assert!(analysis.sentiment.score.is_finite());
    assert!(analysis.terms.terms.len() <= terms::MAX_TERMS);
    assert!(analysis.terms.bigrams.len() <= terms::MAX_BIGRAMS);
    assert!(analysis.terms.hashtags.len() <= terms::MAX_HASHTAGS);
    for term in &analysis.terms.terms {
        assert!(term.chars().count() >= terms::MIN_TERM_CHARACTERS);
        assert!(!peil_model::is_placeholder(term));
        assert!(!term.contains(' '));
    }
    for bigram in &analysis.terms.bigrams {
        assert_eq!(bigram.split(' ').count(), 2, "{bigram:?}");
    }
}

const PIECES: [&str; 22] = [
    "[PERSOON-1]",
    "[EMAIL-2]",
    "HANDLE-3",
    "[URL-12]",
    "[TELEFOON-1",
    "PERSOON-",
    "gemeente",
    "fiets",
    "goed",
    "slecht",
    "niet",
    "de",
    "zorg",
    "wachtlijst",
    "#zorg",
    "#[PERSOON-1]",
    "😡",
    "👍🏽",
    ".",
    ",",
    " ",
    ":)",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let analyzer = Analyzer::new();
        check_invariants(&analyzer, &text, None);
        check_invariants(&analyzer, &text, Some(Language::En));
        let _ = language::detect(&text);
        let _ = terms::hashtags(&text);
    }

    #[test]
    fn tricky_characters_never_panic(text in "[\\[\\]#@:;=<>()'’\\-.,!?a-zA-Zéëï0-9 \\n\\t\u{200D}\u{FE0F}\u{0301}😡👍🇳🇱]{0,200}") {
        let analyzer = Analyzer::new();
        for hint in [None, Some(Language::Nl), Some(Language::De), Some(Language::Fr), Some(Language::Other)] {
            check_invariants(&analyzer, &text, hint);
        }
    }

    #[test]
    fn placeholders_never_become_terms(indexes in proptest::collection::vec(0..PIECES.len(), 0..60)) {
        let text: String = indexes.iter().map(|index| PIECES[*index]).collect::<Vec<_>>().join(" ");
        let analyzer = Analyzer::new();
        let analysis = analyzer.analyse(&text, None);
        for produced in analysis.terms.terms.iter().chain(&analysis.terms.bigrams).chain(&analysis.terms.hashtags) {
            for label in ["persoon", "email", "handle", "url", "telefoon"] {
                prop_assert!(!produced.contains(label), "{produced:?} from {text:?}");
            }
        }
    }
}

#[test]
fn huge_input_is_handled() {
    let analyzer = Analyzer::new();
    let paragraph = "De gemeente [PERSOON-1] is #geweldig 😡 maar niet heel goed, echt slecht! https://x.nl/a?b ";
    let huge = paragraph.repeat(40_000);
    assert!(huge.len() > 3_000_000);
    check_invariants(&analyzer, &huge, None);
    let one_word = "a".repeat(2_000_000);
    check_invariants(&analyzer, &one_word, None);
    let brackets = "[".repeat(500_000);
    check_invariants(&analyzer, &brackets, None);
    let hashes = "#".repeat(500_000) + &"#x".repeat(100_000);
    check_invariants(&analyzer, &hashes, None);
}
