//! The rule that matters most: `Query::matches` on a `MatchDoc` gives exactly the answer of
//! `Query::to_tantivy` on an index holding the post.

use std::collections::BTreeSet;

use peil_analysis::text::{register_analyzers, Analyzers};
use peil_model::Language;
use proptest::prelude::*;
use tantivy::collector::DocSetCollector;
use tantivy::schema::Value;
use tantivy::{Index, IndexWriter, TantivyDocument};

use crate::{parse, IndexSchema, IndexablePost, MatchDoc, Query};

/// A generated post.
#[derive(Debug, Clone)]
pub(crate) struct TestPost {
    pub(crate) language: Language,
    pub(crate) source: String,
    pub(crate) text: String,
    pub(crate) hashtags: Vec<String>,
}

const LONG_WORD: &str = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

const POST_WORDS: &[&str] = &[
    "gemeente",
    "gemeenten",
    "Gemeente",
    "GEMEENTEN",
    "fiets",
    "fietsen",
    "fietser",
    "Fietsers",
    "de",
    "De",
    "het",
    "een",
    "één",
    "Eén",
    "en",
    "van",
    "the",
    "The",
    "and",
    "of",
    "is",
    "running",
    "runs",
    "run",
    "café",
    "cafe",
    "Cafés",
    "zwembad",
    "zwemmen",
    "zwem",
    "afval",
    "afvalcontainer",
    "container",
    "containers",
    "covid-19",
    "COVID",
    "19",
    "2024",
    "!",
    ",",
    ".",
    "?",
    "[PERSOON-1]",
    "[EMAIL-2]",
    "persoon",
    "1",
    "straße",
    "strasse",
    "Über",
    "uber",
    "naïve",
    "ﬁets",
    "①",
    "⑴",
    "école",
    "ecole",
    "les",
    "la",
    "der",
    "die",
    "und",
    "kort",
    "lang",
    LONG_WORD,
    "#klimaat",
    "@gemeente",
    "klimaat",
    "zei",
    "said",
    "wij",
    "we",
];

const SEPARATORS: &[&str] = &[" ", " ", " ", ", ", ". ", "! ", " - ", "\n", "/", "'"];

const POST_HASHTAGS: &[&str] = &[
    "klimaat",
    "#Klimaat",
    "klimaatcrisis",
    "KLIMAAT",
    "afval",
    "#Fietsen",
    "zwemmen",
    "Zwembad",
    "",
];

const SOURCES: &[&str] = &["bluesky", "mastodon", "rss", "Bluesky", " RSS"];

fn language_strategy() -> impl Strategy<Value = Language> {
    prop::sample::select(Language::ALL.to_vec())
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(POST_WORDS),
            prop::sample::select(SEPARATORS),
        ),
        0..14,
    )
    .prop_map(|pieces| {
        pieces
            .into_iter()
            .map(|(word, separator)| format!("{word}{separator}"))
            .collect::<String>()
    })
}

pub(crate) fn post_strategy() -> impl Strategy<Value = TestPost> {
    (
        language_strategy(),
        prop::sample::select(SOURCES),
        text_strategy(),
        prop::collection::vec(prop::sample::select(POST_HASHTAGS), 0..3),
    )
        .prop_map(|(language, source, text, hashtags)| TestPost {
            language,
            source: source.to_string(),
            text,
            hashtags: hashtags.into_iter().map(str::to_string).collect(),
        })
}

const QUERY_WORDS: &[&str] = &[
    "gemeente",
    "gemeenten",
    "Gemeenten",
    "fiets",
    "fietsen",
    "fietser",
    "de",
    "het",
    "een",
    "één",
    "en",
    "van",
    "the",
    "and",
    "of",
    "running",
    "run",
    "café",
    "cafe",
    "zwembad",
    "zwemmen",
    "afval",
    "container",
    "containers",
    "covid-19",
    "COVID",
    "19",
    "2024",
    "straße",
    "strasse",
    "über",
    "naïve",
    "fiets!",
    "école",
    "les",
    "der",
    "die",
    "persoon",
    "klimaat",
    "zei",
    "said",
    "wij",
    "1",
];

const PHRASE_WORDS: &[&str] = &[
    "de",
    "gemeente",
    "gemeenten",
    "fietsen",
    "fiets",
    "een",
    "één",
    "the",
    "running",
    "café",
    "zwembad",
    "afval",
    "container",
    "covid-19",
    "19",
    "kort",
    "lang",
    LONG_WORD,
    "[PERSOON-1]",
    "persoon",
    "1",
    "zei",
    "über",
    "①",
];

const PREFIXES: &[&str] = &[
    "gem*", "gemeen*", "fiets*", "zwem*", "caf*", "Afv*", "cov*", "zwé*", "een*", "Ecol*", "stra*",
    "run*", "klim*",
];

const QUERY_HASHTAGS: &[&str] = &[
    "#klimaat",
    "#Klimaat",
    "#klimaat*",
    "#afval",
    "#fietsen",
    "#zwem*",
    "#KLI*",
    "#zwembad",
];

const FILTERS: &[&str] = &[
    "lang:nl",
    "lang:en",
    "lang:de",
    "lang:fr",
    "lang:other",
    "source:bluesky",
    "source:mastodon",
    "source:rss",
];

fn leaf_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(QUERY_WORDS).prop_map(str::to_string),
        2 => (
            prop::collection::vec(prop::sample::select(PHRASE_WORDS), 0..3),
            prop::sample::select(QUERY_WORDS),
            any::<prop::sample::Index>(),
        )
            .prop_map(|(mut words, searchable_word, insert_at)| {
                // At least one word must yield a token, or the phrase is (rightly) an error.
                words.insert(insert_at.index(words.len() + 1), searchable_word);
                format!("\"{}\"", words.join(" "))
            }),
        1 => prop::sample::select(PREFIXES).prop_map(str::to_string),
        1 => prop::sample::select(QUERY_HASHTAGS).prop_map(str::to_string),
        1 => prop::sample::select(FILTERS).prop_map(str::to_string),
    ]
}

/// Random valid queries from the grammar, with and without parentheses, `-` and adjacency.
pub(crate) fn query_strategy() -> impl Strategy<Value = String> {
    leaf_strategy().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|operands| operands.join(" AND ")),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|operands| operands.join(" OR ")),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|operands| operands.join(" ")),
            inner.clone().prop_map(|operand| format!("NOT {operand}")),
            inner.clone().prop_map(|operand| format!("-({operand})")),
            inner.prop_map(|operand| format!("({operand})")),
        ]
    })
}

/// A RAM index of `posts`, post id = index in `posts`.
fn build_index(schema: &IndexSchema, posts: &[TestPost]) -> tantivy::Result<Index> {
    let index = Index::create_in_ram(schema.schema.clone());
    register_analyzers(index.tokenizers());
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
    for (post_id, post) in (0u64..).zip(posts) {
        writer.add_document(schema.document(&IndexablePost {
            post_id,
            workspace_id: 1,
            published_at_unix: 1_700_000_000,
            language: post.language,
            source: &post.source,
            text: &post.text,
            hashtags: &post.hashtags,
        }))?;
    }
    writer.commit()?;
    Ok(index)
}

fn tantivy_matches(
    index: &Index,
    schema: &IndexSchema,
    query: &Query,
) -> tantivy::Result<BTreeSet<u64>> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let addresses = searcher.search(query.to_tantivy(schema).as_ref(), &DocSetCollector)?;
    let mut post_ids = BTreeSet::new();
    for address in addresses {
        let document: TantivyDocument = searcher.doc(address)?;
        if let Some(post_id) = document
            .get_first(schema.post_id)
            .and_then(|value| value.as_u64())
        {
            post_ids.insert(post_id);
        }
    }
    Ok(post_ids)
}

fn matcher_matches(posts: &[TestPost], query: &Query) -> BTreeSet<u64> {
    let mut analyzers = Analyzers::default();
    (0u64..)
        .zip(posts)
        .filter(|(_, post)| {
            let doc = MatchDoc::new(
                &mut analyzers,
                &post.text,
                post.language,
                &post.source,
                &post.hashtags,
            );
            query.matches(&doc)
        })
        .map(|(post_id, _)| post_id)
        .collect()
}

/// Checks the rule for every query over one index of `posts`; returns how many posts matched.
fn check_agreement(posts: &[TestPost], query_texts: &[String]) -> Result<usize, TestCaseError> {
    let schema = IndexSchema::new();
    let index =
        build_index(&schema, posts).map_err(|error| TestCaseError::fail(error.to_string()))?;
    let mut total_matches = 0;
    for query_text in query_texts {
        let query = parse(query_text)
            .map_err(|error| TestCaseError::fail(format!("{query_text:?}: {error}")))?;
        let from_index = tantivy_matches(&index, &schema, &query)
            .map_err(|error| TestCaseError::fail(format!("{query_text:?}: {error}")))?;
        let from_matcher = matcher_matches(posts, &query);
        prop_assert_eq!(
            &from_index,
            &from_matcher,
            "query {:?} (canonical {}) over posts {:#?}",
            query_text,
            query,
            posts
        );
        total_matches += from_matcher.len();
    }
    Ok(total_matches)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 320, ..ProptestConfig::default() })]

    #[test]
    fn matcher_agrees_with_the_index(
        posts in prop::collection::vec(post_strategy(), 1..10),
        query_texts in prop::collection::vec(query_strategy(), 1..8),
    ) {
        check_agreement(&posts, &query_texts)?;
    }
}

fn post(language: Language, text: &str) -> TestPost {
    TestPost {
        language,
        source: "bluesky".to_string(),
        text: text.to_string(),
        hashtags: vec!["#Klimaat".to_string(), "afvalBeleid".to_string()],
    }
}

/// Hand-picked cases whose expected answers are known, checked on both sides.
#[test]
fn known_answers_on_both_sides() {
    let posts = vec![
        /* 0 */ post(Language::Nl, "De gemeenten plaatsen nieuwe containers."),
        /* 1 */ post(Language::En, "The municipality is running a new café"),
        /* 2 */ post(Language::Nl, "Eén fiets bij het zwembad, zegt [PERSOON-1]"),
        /* 3 */ post(Language::Nl, "covid-19 en de gemeente"),
        /* 4 */ post(Language::Nl, &format!("kort {LONG_WORD} lang")),
        /* 5 */ post(Language::Other, "de persoon 19 covid"),
    ];
    let cases: &[(&str, &[u64])] = &[
        ("gemeente", &[0, 3]),
        ("gemeenten", &[0, 3]),
        ("\"de gemeente\"", &[3]),
        ("\"de gemeenten\"", &[0]),
        ("de", &[0, 3, 5]),
        ("run", &[1]),
        ("cafe", &[1]),
        ("één", &[2]),
        ("fiets", &[2]),
        ("persoon", &[5]),
        ("covid-19", &[3]),
        ("\"19 covid\"", &[5]),
        ("\"kort lang\"", &[]),
        (&format!("\"kort {LONG_WORD} lang\""), &[4]),
        ("\"kort [PERSOON-1] lang\"", &[]),
        ("zwem*", &[2]),
        ("gemeen*", &[0, 3]),
        ("#klimaat", &[0, 1, 2, 3, 4, 5]),
        ("#afval*", &[0, 1, 2, 3, 4, 5]),
        ("#afval", &[]),
        ("lang:nl -gemeente", &[2, 4]),
        ("NOT lang:nl", &[1, 5]),
        ("NOT gemeente OR run", &[1, 2, 4, 5]),
        ("-(de OR run)", &[2, 4]),
        ("source:bluesky", &[0, 1, 2, 3, 4, 5]),
        ("source:rss", &[]),
        // An excluded phrase: tantivy's phrase scorer needs the exclusion-safe wrapper here.
        ("gemeente -\"de gemeente\"", &[0]),
        ("NOT \"19 covid\"", &[0, 1, 2, 3, 4]),
        (
            "-\"kort lang\" -\"de gemeenten\" OR \"19 covid\"",
            &[1, 2, 3, 4, 5],
        ),
    ];
    let query_texts: Vec<String> = cases.iter().map(|(query, _)| query.to_string()).collect();
    if let Err(error) = check_agreement(&posts, &query_texts) {
        panic!("{error}");
    }
    for (query_text, expected) in cases {
        let query = match parse(query_text) {
            Ok(query) => query,
            Err(error) => panic!("{query_text:?}: {error}"),
        };
        let expected: BTreeSet<u64> = expected.iter().copied().collect();
        assert_eq!(matcher_matches(&posts, &query), expected, "{query_text:?}");
    }
}

#[test]
fn queries_can_be_shared_between_threads() {
    fn assert_send_and_sync<T: Send + Sync>() {}
    assert_send_and_sync::<Query>();
    assert_send_and_sync::<MatchDoc>();
    assert_send_and_sync::<IndexSchema>();
}
