//! Parser, canonical form, error and `has_positive_content` tests.

use peil_model::Language;
use proptest::prelude::*;

use crate::equivalence_tests::query_strategy;
use crate::{parse, Expr, QueryError, MAX_NESTING_DEPTH};

fn parsed(input: &str) -> Expr {
    match parse(input) {
        Ok(query) => query.expr().clone(),
        Err(error) => panic!("{input:?} should parse, got: {error}"),
    }
}

fn parse_error(input: &str) -> QueryError {
    match parse(input) {
        Ok(query) => panic!("{input:?} should fail, parsed as {query}"),
        Err(error) => error,
    }
}

fn assert_error(input: &str, position: usize, dutch_fragment: &str) {
    let error = parse_error(input);
    assert_eq!(error.position, position, "{input:?}: {error}");
    assert!(
        error.message.contains(dutch_fragment),
        "{input:?}: {error} should mention {dutch_fragment:?}"
    );
    let english_marker = format!(" / position {position}: ");
    assert!(
        error.message.contains(&english_marker),
        "{input:?}: {error} needs an English half"
    );
}

fn term(word: &str) -> Expr {
    Expr::Term(word.to_string())
}

fn not(operand: Expr) -> Expr {
    Expr::Not(Box::new(operand))
}

fn canonical(input: &str) -> String {
    parsed(input).to_string()
}

#[test]
fn single_items() {
    assert_eq!(parsed("afval"), term("afval"));
    assert_eq!(parsed("covid-19"), term("covid-19"));
    assert_eq!(
        parsed("\"gft  bak\""),
        Expr::Phrase(vec!["gft".into(), "bak".into()])
    );
    assert_eq!(parsed("zwem*"), Expr::Prefix("zwem".into()));
    assert_eq!(parsed("Zwém*"), Expr::Prefix("Zwém".into()));
    assert_eq!(parsed("#Klimaat"), Expr::Hashtag("klimaat".into()));
    assert_eq!(parsed("#KLIMAAT*"), Expr::HashtagPrefix("klimaat".into()));
    assert_eq!(parsed("#wérk_2024"), Expr::Hashtag("wérk_2024".into()));
    assert_eq!(parsed("lang:nl"), Expr::Lang(Language::Nl));
    assert_eq!(parsed("lang:other"), Expr::Lang(Language::Other));
    assert_eq!(parsed("LANG:DE"), Expr::Lang(Language::De));
    assert_eq!(parsed("source:bluesky"), Expr::Source("bluesky".into()));
    assert_eq!(
        parsed("source:rss-feed.2"),
        Expr::Source("rss-feed.2".into())
    );
    assert_eq!(parsed("12:30"), term("12:30"));
    assert_eq!(parsed("  (afval)  "), term("afval"));
}

#[test]
fn adjacency_is_and() {
    assert_eq!(parsed("afval container"), parsed("afval AND container"));
    assert_eq!(
        parsed("afval container"),
        Expr::And(vec![term("afval"), term("container")])
    );
    assert_eq!(
        parsed("afval\"gft bak\"#klimaat"),
        Expr::And(vec![
            term("afval"),
            Expr::Phrase(vec!["gft".into(), "bak".into()]),
            Expr::Hashtag("klimaat".into()),
        ])
    );
}

#[test]
fn precedence_is_not_then_and_then_or() {
    assert_eq!(
        parsed("a OR b c"),
        Expr::Or(vec![term("a"), Expr::And(vec![term("b"), term("c")])])
    );
    assert_eq!(
        parsed("a b OR c"),
        Expr::Or(vec![Expr::And(vec![term("a"), term("b")]), term("c")])
    );
    assert_eq!(
        parsed("NOT a b"),
        Expr::And(vec![not(term("a")), term("b")])
    );
    assert_eq!(
        parsed("a OR NOT b AND c"),
        Expr::Or(vec![term("a"), Expr::And(vec![not(term("b")), term("c")])])
    );
    assert_eq!(
        parsed("(a OR b) c"),
        Expr::And(vec![Expr::Or(vec![term("a"), term("b")]), term("c")])
    );
    assert_eq!(
        parsed("NOT (a OR b)"),
        not(Expr::Or(vec![term("a"), term("b")]))
    );
    assert_eq!(parsed("NOT NOT a"), not(not(term("a"))));
}

#[test]
fn minus_is_not() {
    assert_eq!(parsed("-afval"), not(term("afval")));
    assert_eq!(
        parsed("afval -container"),
        Expr::And(vec![term("afval"), not(term("container"))])
    );
    assert_eq!(parsed("-\"gft bak\""), parsed("NOT \"gft bak\""));
    assert_eq!(parsed("-(a OR b)"), parsed("NOT (a OR b)"));
    assert_eq!(parsed("-#klimaat"), not(Expr::Hashtag("klimaat".into())));
    assert_eq!(parsed("--a"), not(not(term("a"))));
    // A hyphen inside a word is part of the word.
    assert_eq!(parsed("a-b"), term("a-b"));
}

#[test]
fn lower_case_keywords_are_words() {
    assert_eq!(
        parsed("rock and roll"),
        Expr::And(vec![term("rock"), term("and"), term("roll")])
    );
}

#[test]
fn same_connectives_are_flattened() {
    assert_eq!(
        parsed("a (b c)"),
        Expr::And(vec![term("a"), term("b"), term("c")])
    );
    assert_eq!(
        parsed("(a OR b) OR (c OR d)"),
        Expr::Or(vec![term("a"), term("b"), term("c"), term("d")])
    );
    assert_eq!(parsed("((a))"), term("a"));
}

#[test]
fn canonical_form() {
    assert_eq!(canonical("afval container"), "afval AND container");
    assert_eq!(canonical("a OR b c"), "a OR b AND c");
    assert_eq!(canonical("(a OR b) c"), "(a OR b) AND c");
    assert_eq!(canonical("-\"gft  bak\""), "NOT \"gft bak\"");
    assert_eq!(canonical("-(a b)"), "NOT (a AND b)");
    assert_eq!(canonical("NOT (a OR b)"), "NOT (a OR b)");
    assert_eq!(
        canonical("#Klimaat* LANG:NL Source:BlueSky"),
        "#klimaat* AND lang:nl AND source:bluesky"
    );
    assert_eq!(canonical("Zwém*"), "Zwém*");
    for input in [
        "a OR b c",
        "(a OR b) c",
        "NOT (a OR b) (c OR NOT d) e",
        "a OR (b OR c) d",
    ] {
        let first = canonical(input);
        assert_eq!(parsed(&first), parsed(input), "{input:?} → {first:?}");
        assert_eq!(canonical(&first), first);
    }
}

#[test]
fn the_documented_error_example() {
    let error = parse_error("(afval OR gft");
    assert_eq!(
        error.to_string(),
        "positie 14: sluitend haakje ontbreekt (voor het haakje op positie 1) / position 14: \
         missing closing parenthesis (for the one at position 1)"
    );
}

#[test]
fn syntax_errors_name_their_position() {
    assert_error("", 1, "lege zoekvraag");
    assert_error("   ", 1, "lege zoekvraag");
    assert_error("afval)", 6, "sluitend haakje zonder openend haakje");
    assert_error("(a OR (b c)", 12, "sluitend haakje ontbreekt");
    assert_error(
        "\"afval gft",
        11,
        "afsluitend aanhalingsteken ontbreekt (geopend op positie 1)",
    );
    assert_error(
        "a \"b\" \"c",
        9,
        "afsluitend aanhalingsteken ontbreekt (geopend op positie 7)",
    );
    assert_error("a \"\" b", 3, "lege woordgroep");
    assert_error("\"  \"", 1, "lege woordgroep");
    assert_error("afval AND", 10, "zoekterm verwacht na AND");
    assert_error("afval OR", 9, "zoekterm verwacht na OR");
    assert_error("AND afval", 1, "AND heeft links een zoekterm nodig");
    assert_error("OR", 1, "OR heeft links een zoekterm nodig");
    assert_error(
        "afval OR OR gft",
        10,
        "zoekterm verwacht na OR, maar OR gevonden",
    );
    assert_error(
        "afval AND OR gft",
        11,
        "zoekterm verwacht na AND, maar OR gevonden",
    );
    assert_error("(OR a)", 2, "OR heeft links een zoekterm nodig");
    assert_error("NOT", 4, "zoekterm verwacht na NOT");
    assert_error("afval NOT", 10, "zoekterm verwacht na NOT");
    assert_error("NOT )", 5, "zoekterm verwacht na NOT");
    assert_error("a AND )", 7, "zoekterm verwacht na AND");
    assert_error("()", 2, "lege haakjes");
    assert_error(")", 1, "zoekterm verwacht");
    assert_error("- afval", 1, "na '-' moet direct een zoekterm volgen");
    assert_error("afval -", 7, "na '-' moet direct een zoekterm volgen");
    assert_error("(a -)", 4, "na '-' moet direct een zoekterm volgen");
}

#[test]
fn wildcard_errors() {
    assert_error("*zwem", 1, "mag niet vooraan staan");
    assert_error("a zw*em", 5, "alleen aan het eind");
    assert_error("zwem**", 5, "alleen aan het eind");
    assert_error("zw*", 1, "minstens 3 tekens");
    assert_error("é*", 1, "minstens 3 tekens");
    assert_error("a-bc*", 1, "precies één woord");
    assert_error("*", 1, "mag niet vooraan staan");
    assert_error("\"zwem* bad\"", 6, "werkt niet binnen aanhalingstekens");
    assert_error("#kl*", 1, "minstens 3 tekens");
    assert_error("#*", 2, "mag niet vooraan staan");
    assert_error("#kl*ma", 4, "alleen aan het eind");
}

#[test]
fn hashtag_errors() {
    assert_error("#", 1, "hashtag zonder tekst");
    assert_error("a #klimaat-crisis", 11, "ongeldig teken '-' in hashtag");
    assert_error("##klimaat", 2, "ongeldig teken '#' in hashtag");
}

#[test]
fn field_errors() {
    assert_error("title:afval", 1, "onbekend veld 'title:'");
    assert_error("afval lang:xx", 12, "taalcode verwacht na lang:");
    assert_error("lang:", 6, "taalcode verwacht na lang:");
    assert_error("source:", 8, "bronnaam verwacht na source:");
    assert_error("source:blue*", 8, "bronnaam verwacht na source:");
    assert_error(
        &format!("source:{}", "a".repeat(65)),
        8,
        "bronnaam verwacht",
    );
}

#[test]
fn person_operators_are_refused_with_an_explanation() {
    for operator in ["author", "from", "user", "mention", "FROM", "Author"] {
        let error = parse_error(&format!("afval OR ({operator}:jan)"));
        assert_eq!(error.position, 11);
        assert!(error
            .message
            .starts_with(&format!("Peil zoekt niet op personen ({operator}:)")));
        assert!(error
            .message
            .contains(&format!("Peil does not search for persons ({operator}:)")));
        assert!(error
            .to_string()
            .starts_with("positie 11: Peil zoekt niet op personen"));
    }
    assert_error("mention:", 1, "Peil zoekt niet op personen");
}

#[test]
fn words_without_searchable_tokens_are_errors() {
    assert_error("a !!!", 3, "geen doorzoekbaar woord");
    assert_error("[PERSOON-1]", 1, "geen doorzoekbaar woord");
    assert_error("\"[EMAIL-1] !\"", 1, "geen doorzoekbaar woord");
    assert_error(&"x".repeat(41), 1, "geen doorzoekbaar woord");
    // A placeholder next to a real word is simply ignored.
    assert!(parse("\"[PERSOON-1] zei\"").is_ok());
}

#[test]
fn nesting_is_limited_without_overflowing_the_stack() {
    let depth = MAX_NESTING_DEPTH;
    let at_limit = format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
    assert_eq!(parsed(&at_limit), term("a"));
    let over_limit = format!("{}a{}", "(".repeat(depth + 1), ")".repeat(depth + 1));
    assert_error(&over_limit, depth + 1, "te diep genest");
    let thousand = format!("{}a{}", "(".repeat(1000), ")".repeat(1000));
    assert_error(&thousand, depth + 1, "te diep genest");
    assert_error(
        &format!("{}a", "NOT ".repeat(1000)),
        4 * depth + 1,
        "te diep genest",
    );
    assert_error(
        &format!("{}a", "-".repeat(1000)),
        depth + 1,
        "te diep genest",
    );
    assert!(parse(&format!("{}a", "-".repeat(depth))).is_ok());
    let mixed = format!("{}NOT a{}", "(".repeat(depth - 1), ")".repeat(depth - 1));
    assert!(parse(&mixed).is_ok());
    let mixed_over = format!(
        "{}NOT NOT a{}",
        "(".repeat(depth - 1),
        ")".repeat(depth - 1)
    );
    assert_error(&mixed_over, depth + 4, "te diep genest");
    assert_error(&"(".repeat(10_000), depth + 1, "te diep genest");
}

#[test]
fn long_inputs_give_results_or_errors() {
    let many_terms = "afval ".repeat(1_700);
    assert!(many_terms.len() >= 10_000);
    assert!(parse(&many_terms).is_ok());
    let many_alternatives = format!("{}gft", "afval OR ".repeat(1_200));
    let query = match parse(&many_alternatives) {
        Ok(query) => query,
        Err(error) => panic!("{error}"),
    };
    assert!(query.has_positive_content());
    assert!(parse(&"\"".repeat(10_001)).is_err());
    assert!(parse(&")".repeat(10_000)).is_err());
    assert!(parse(&"NOT ".repeat(2_500)).is_err());
    assert!(parse(&"*".repeat(10_000)).is_err());
}

#[test]
fn positive_content() {
    let has_content = |input: &str| match parse(input) {
        Ok(query) => query.has_positive_content(),
        Err(error) => panic!("{input:?}: {error}"),
    };
    assert!(!has_content("lang:nl"));
    assert!(!has_content("source:bluesky"));
    assert!(!has_content("NOT afval"));
    assert!(!has_content("afval OR lang:nl"));
    assert!(!has_content("lang:nl -afval -#klimaat"));
    assert!(!has_content("afval OR NOT afval"));
    assert!(!has_content("NOT (afval lang:nl)"));
    assert!(has_content("afval lang:nl"));
    assert!(has_content("afval"));
    assert!(has_content("\"gft bak\" OR zwem* OR #klimaat OR #kli*"));
    assert!(has_content("NOT NOT afval"));
    assert!(has_content("afval -container source:bluesky"));
    assert!(has_content("(afval OR gft) NOT lang:en"));
    // A post has one language and one source, so these filter branches cannot match alone.
    assert!(has_content("afval OR (lang:nl lang:en)"));
    assert!(has_content("afval OR (source:bluesky source:rss)"));
    assert!(!has_content("afval OR (lang:nl NOT source:bluesky)"));
}

#[test]
fn queries_compare_by_syntax_tree() {
    let (Ok(first), Ok(second)) = (parse("afval container"), parse("afval AND (container)")) else {
        panic!("both parse");
    };
    assert_eq!(first, second);
    assert_eq!(first.to_string().parse::<crate::Query>(), Ok(second));
}

fn fuzz_character() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec![
            '(', ')', '"', '*', '-', '#', ':', ' ', ' ', '\t', '\n', '[', ']', '@', '.', ',', 'é',
            'ß', 'İ', 'Σ', '①', '⑴', '\u{301}', '\u{0}', '😀',
        ]),
        4 => prop::char::range('a', 'z'),
        1 => any::<char>(),
    ]
}

fn fuzz_input() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::collection::vec(fuzz_character(), 1..6)
            .prop_map(|characters| characters.into_iter().collect::<String>()),
        1 => prop::sample::select(vec![
            " AND ", " OR ", " NOT ", "NOT ", "-", "lang:", "source:", "author:", "lang:nl",
            "#klimaat", "zwem*", "\"", "(", ")", "[PERSOON-1]", "covid-19",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn check_round_trip(input: &str) -> Result<(), TestCaseError> {
    let Ok(query) = parse(input) else {
        return Ok(());
    };
    let canonical_text = query.to_string();
    let reparsed = parse(&canonical_text);
    prop_assert!(
        reparsed.is_ok(),
        "{input:?} → {canonical_text:?}: {reparsed:?}"
    );
    if let Ok(reparsed) = reparsed {
        prop_assert_eq!(
            reparsed.expr(),
            query.expr(),
            "{:?} → {:?}",
            input,
            canonical_text
        );
        prop_assert_eq!(reparsed.to_string(), canonical_text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn canonical_form_parses_back_to_the_same_tree(input in query_strategy()) {
        prop_assert!(parse(&input).is_ok(), "generated query {input:?} should parse");
        check_round_trip(&input)?;
    }

    #[test]
    fn arbitrary_input_never_panics(input in fuzz_input()) {
        match parse(&input) {
            Ok(query) => {
                let _ = query.has_positive_content();
                let _ = query.to_tantivy(&crate::IndexSchema::new());
                check_round_trip(&input)?;
            }
            Err(error) => {
                let length = input.chars().count();
                prop_assert!(error.position >= 1 && error.position <= length + 1, "{error}");
                prop_assert!(error.message.contains(" / position "), "{error}");
            }
        }
    }

    #[test]
    fn any_string_never_panics(input in any::<String>()) {
        if let Ok(query) = parse(&input) {
            check_round_trip(&input)?;
            let _ = query.has_positive_content();
        }
    }
}
