//! Builds the text of one demo post from templates, slot words and sprinkled personal data.

use std::fmt::Write as _;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::vocabulary::{self as words, Topic, MUNICIPAL_TOPICS};

const EMAIL_SHARE: f64 = 0.05;
const PHONE_SHARE: f64 = 0.04;
const PROFILE_URL_SHARE: f64 = 0.03;
const NEWS_LINK_SHARE: f64 = 0.04;
/// Handles: replies often start with one; other posts mention one now and then (~8% overall).
const HANDLE_SHARE_IN_REPLIES: f64 = 0.25;
const HANDLE_SHARE_OTHERWISE: f64 = 0.05;
const MUNICIPALITY_HANDLE_SHARE: f64 = 0.15;

/// What a post is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A municipal topic: an index into `MUNICIPAL_TOPICS`.
    Municipal(usize),
    /// The storm of the burst day: while it blows, or the clearing up afterwards.
    Storm {
        aftermath: bool,
    },
    OffTopic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sentiment {
    Negative,
    Positive,
    Neutral,
}

impl Sentiment {
    pub fn pick(rng: &mut ChaCha8Rng, kind: Kind) -> Sentiment {
        let (negative, positive) = match kind {
            Kind::Municipal(_) => (0.42, 0.27),
            Kind::Storm { .. } => (0.45, 0.20),
            Kind::OffTopic => (0.25, 0.40),
        };
        let draw = rng.random::<f64>();
        if draw < negative {
            Sentiment::Negative
        } else if draw < negative + positive {
            Sentiment::Positive
        } else {
            Sentiment::Neutral
        }
    }
}

fn pick<'list>(rng: &mut ChaCha8Rng, list: &[&'list str]) -> &'list str {
    if list.is_empty() {
        return "";
    }
    let index = rng.random_range(0..list.len());
    list.get(index).copied().unwrap_or_default()
}

/// Composes the text of one post.
pub(super) fn compose(
    rng: &mut ChaCha8Rng,
    kind: Kind,
    sentiment: Sentiment,
    english: bool,
    is_reply: bool,
) -> String {
    let topic = match kind {
        Kind::Municipal(index) => MUNICIPAL_TOPICS.get(index),
        Kind::Storm { .. } | Kind::OffTopic => None,
    };
    let mut text = String::with_capacity(240);
    let handle_share = if is_reply {
        HANDLE_SHARE_IN_REPLIES
    } else {
        HANDLE_SHARE_OTHERWISE
    };
    let with_handle = rng.random_bool(handle_share);
    let handle_first = with_handle && (is_reply || rng.random_bool(0.5));
    if handle_first {
        push_handle(rng, &mut text);
    }
    if is_reply && rng.random_bool(0.35) {
        let openers = if english {
            words::REPLY_OPENERS_ENGLISH
        } else {
            words::REPLY_OPENERS_DUTCH
        };
        push_part(&mut text, pick(rng, openers));
    } else if !english && kind != Kind::OffTopic && rng.random_bool(0.18) {
        push_part(&mut text, pick(rng, openers_for(sentiment)));
    }
    let template = core_template(rng, kind, topic, sentiment, english);
    separate(&mut text);
    fill_template(rng, &mut text, template, topic);
    if !matches!(kind, Kind::Storm { .. }) && rng.random_bool(0.33) {
        push_part(&mut text, pick(rng, tails_for(sentiment, english, kind)));
    }
    let emoji_list = match kind {
        Kind::Storm { .. } => words::EMOJI_STORM,
        _ => emoji_for(sentiment),
    };
    if rng.random_bool(0.22) {
        separate(&mut text);
        text.push_str(pick(rng, emoji_list));
    }
    push_personal_data(
        rng,
        &mut text,
        kind,
        topic,
        english,
        with_handle && !handle_first,
    );
    push_hashtags(rng, &mut text, kind, topic);
    if !english && rng.random_bool(0.05) {
        return text.to_lowercase();
    }
    text
}

fn core_template(
    rng: &mut ChaCha8Rng,
    kind: Kind,
    topic: Option<&Topic>,
    sentiment: Sentiment,
    english: bool,
) -> &'static str {
    match (kind, topic) {
        (Kind::Storm { .. }, _) if english => pick(rng, words::STORM_ENGLISH),
        (Kind::Storm { aftermath: false }, _) => pick(rng, words::STORM_DUTCH_WHILE_IT_BLOWS),
        (Kind::Storm { aftermath: true }, _) => pick(rng, words::STORM_DUTCH_AFTERMATH),
        (Kind::Municipal(_), Some(chosen)) if english && !chosen.english.is_empty() => {
            pick(rng, chosen.english)
        }
        (Kind::Municipal(_), Some(chosen)) => match sentiment {
            Sentiment::Negative => pick(rng, chosen.negative),
            Sentiment::Positive => pick(rng, chosen.positive),
            Sentiment::Neutral => pick(rng, chosen.neutral),
        },
        _ if english => pick(rng, words::OFF_TOPIC_ENGLISH),
        _ => pick(rng, words::OFF_TOPIC_DUTCH),
    }
}

fn openers_for(sentiment: Sentiment) -> &'static [&'static str] {
    match sentiment {
        Sentiment::Negative => words::OPENERS_NEGATIVE,
        Sentiment::Positive => words::OPENERS_POSITIVE,
        Sentiment::Neutral => words::OPENERS_NEUTRAL,
    }
}

fn tails_for(sentiment: Sentiment, english: bool, kind: Kind) -> &'static [&'static str] {
    if kind == Kind::OffTopic {
        // Municipal tails ("Complimenten aan de gemeente") would make chatter match monitors.
        return &[];
    }
    match (sentiment, english) {
        (Sentiment::Negative, false) => words::TAILS_NEGATIVE,
        (Sentiment::Positive, false) => words::TAILS_POSITIVE,
        (Sentiment::Neutral, false) => words::TAILS_NEUTRAL,
        (Sentiment::Negative, true) => words::TAILS_ENGLISH_NEGATIVE,
        (Sentiment::Positive, true) => words::TAILS_ENGLISH_POSITIVE,
        (Sentiment::Neutral, true) => words::TAILS_ENGLISH_NEUTRAL,
    }
}

fn emoji_for(sentiment: Sentiment) -> &'static [&'static str] {
    match sentiment {
        Sentiment::Negative => words::EMOJI_NEGATIVE,
        Sentiment::Positive => words::EMOJI_POSITIVE,
        Sentiment::Neutral => words::EMOJI_NEUTRAL,
    }
}

/// Adds a space unless the text is empty or already ends in whitespace.
fn separate(text: &mut String) {
    if text
        .chars()
        .last()
        .is_some_and(|last| !last.is_whitespace())
    {
        text.push(' ');
    }
}

/// Appends a fixed part (opener, tail) after a space; an empty part adds nothing.
fn push_part(text: &mut String, part: &str) {
    if part.is_empty() {
        return;
    }
    separate(text);
    text.push_str(part);
}

/// True when the next word starts a sentence.
fn at_sentence_start(text: &str) -> bool {
    let trimmed = text.trim_end();
    if trimmed.is_empty() {
        return true;
    }
    if trimmed.starts_with('@') && !trimmed.contains(' ') {
        // Only a handle so far: "@someone Het fietspad ..." reads naturally.
        return true;
    }
    trimmed.ends_with(['.', '!', '?', ':'])
}

/// Appends `value`, with a capital first letter when it starts a sentence.
fn push_slot_value(text: &mut String, value: &str) {
    let mut characters = value.chars();
    let Some(first) = characters.next() else {
        return;
    };
    if at_sentence_start(text) {
        text.extend(first.to_uppercase());
        text.push_str(characters.as_str());
    } else {
        text.push_str(value);
    }
}

/// Fills `template` into `text`, replacing `{slot}`s with words.
fn fill_template(rng: &mut ChaCha8Rng, text: &mut String, template: &str, topic: Option<&Topic>) {
    let mut rest = template;
    while let Some((literal, after_open)) = rest.split_once('{') {
        push_slot_value(text, literal);
        let Some((slot, after_close)) = after_open.split_once('}') else {
            text.push_str(after_open);
            return;
        };
        push_slot(rng, text, slot, topic);
        rest = after_close;
    }
    push_slot_value(text, rest);
}

fn push_slot(rng: &mut ChaCha8Rng, text: &mut String, slot: &str, topic: Option<&Topic>) {
    match slot {
        "wijk" => push_slot_value(text, pick(rng, words::NEIGHBOURHOODS)),
        "straat" => push_slot_value(text, pick(rng, words::STREETS)),
        "street" => {
            let street = pick(rng, words::STREETS);
            let without_article = street
                .strip_prefix("de ")
                .or_else(|| street.strip_prefix("het "))
                .unwrap_or(street);
            push_slot_value(text, without_article);
        }
        "ding" => {
            let things = topic.map(|chosen| chosen.things).unwrap_or_default();
            push_slot_value(text, pick(rng, things));
        }
        "tijd" => push_slot_value(text, pick(rng, words::TIME_PHRASES)),
        "dag" => push_slot_value(text, pick(rng, words::WEEKDAYS)),
        "maand" => push_slot_value(text, pick(rng, words::MONTHS)),
        "echt" => push_slot_value(text, pick(rng, words::INTENSIFIERS)),
        "lijn" => push_slot_value(text, pick(rng, words::BUS_LINES)),
        "club" => push_slot_value(text, pick(rng, words::CLUBS)),
        "gerecht" => push_slot_value(text, pick(rng, words::DISHES)),
        "programma" => push_slot_value(text, pick(rng, words::PROGRAMMES)),
        "aantal" => {
            let _ = write!(text, "{}", rng.random_range(2..=40));
        }
        "groot" => {
            let _ = write!(text, "{}", rng.random_range(1..=30) * 50);
        }
        "bedrag" => {
            let euros: u32 = rng.random_range(38..=96) * 25;
            let _ = write!(text, "{}.{:03}", euros / 1000, euros % 1000);
        }
        _ => {}
    }
}

fn push_handle(rng: &mut ChaCha8Rng, text: &mut String) {
    separate(text);
    if rng.random_bool(MUNICIPALITY_HANDLE_SHARE) {
        text.push_str(words::MUNICIPALITY_HANDLE);
        return;
    }
    text.push('@');
    push_made_up_name(rng, text);
}

/// A made-up account name such as `fietsfan030`, `sanne_bakker` or `kanaalkat17`.
fn push_made_up_name(rng: &mut ChaCha8Rng, text: &mut String) {
    match rng.random_range(0..4) {
        0 => {
            text.push_str(pick(rng, words::HANDLE_WORDS));
            text.push_str("030");
        }
        1 => {
            text.push_str(pick(rng, words::FIRST_NAMES));
            text.push('_');
            text.push_str(pick(rng, words::LAST_NAMES));
        }
        2 => {
            text.push_str(pick(rng, words::HANDLE_WORDS));
            let _ = write!(text, "{}", rng.random_range(1..1000));
        }
        _ => text.push_str(pick(rng, words::HANDLE_WORDS)),
    }
}

fn push_email(rng: &mut ChaCha8Rng, text: &mut String) {
    let first = pick(rng, words::FIRST_NAMES);
    let last = pick(rng, words::LAST_NAMES);
    let domain = pick(rng, words::EMAIL_DOMAINS);
    let _ = match rng.random_range(0..3) {
        0 => write!(text, "{first}.{last}@{domain}"),
        1 => write!(text, "{first}{}@{domain}", rng.random_range(10..100)),
        _ => write!(
            text,
            "{}.{last}@{domain}",
            first.chars().next().unwrap_or('x')
        ),
    };
}

fn push_phone(rng: &mut ChaCha8Rng, text: &mut String) {
    let first_half: u32 = rng.random_range(1000..10_000);
    let second_half: u32 = rng.random_range(0..10_000);
    let _ = match rng.random_range(0..5) {
        0 => write!(text, "06-{first_half}{second_half:04}"),
        1 => write!(text, "06 {first_half} {second_half:04}"),
        2 => write!(text, "+31 6 {first_half} {second_half:04}"),
        3 => write!(text, "+316{first_half}{second_half:04}"),
        _ => write!(text, "06{first_half}{second_half:04}"),
    };
}

fn push_profile_url(rng: &mut ChaCha8Rng, text: &mut String) {
    let pattern = pick(rng, words::PROFILE_URL_PATTERNS);
    let (before, after) = pattern.split_once("{naam}").unwrap_or((pattern, ""));
    text.push_str(before);
    push_made_up_name(rng, text);
    text.push_str(after);
}

fn push_news_link(rng: &mut ChaCha8Rng, text: &mut String, kind: Kind, topic: Option<&Topic>) {
    let slugs = match (kind, topic) {
        (Kind::Storm { .. }, _) => words::STORM_NEWS_SLUGS,
        (Kind::Municipal(_), Some(chosen)) => chosen.news_slugs,
        _ => words::OFF_TOPIC_NEWS_SLUGS,
    };
    let slug = pick(rng, slugs);
    let site = pick(rng, words::NEWS_SITES);
    let number: u32 = rng.random_range(2_500_000..2_600_000);
    let mut rest = site;
    while let Some((literal, after_open)) = rest.split_once('{') {
        text.push_str(literal);
        let (slot, after_close) = after_open.split_once('}').unwrap_or((after_open, ""));
        match slot {
            "nummer" => {
                let _ = write!(text, "{number}");
            }
            "slug" => text.push_str(slug),
            _ => {}
        }
        rest = after_close;
    }
    text.push_str(rest);
}

/// Appends a frame such as "Mail me gerust: {email}" with its piece of personal data.
fn push_framed(
    rng: &mut ChaCha8Rng,
    text: &mut String,
    frame: &str,
    fill: impl FnOnce(&mut ChaCha8Rng, &mut String),
) {
    separate(text);
    let (before, after) = match frame.split_once('{') {
        Some((before, rest)) => (before, rest.split_once('}').map_or("", |(_, after)| after)),
        None => (frame, ""),
    };
    text.push_str(before);
    fill(rng, text);
    text.push_str(after);
}

fn push_personal_data(
    rng: &mut ChaCha8Rng,
    text: &mut String,
    kind: Kind,
    topic: Option<&Topic>,
    english: bool,
    with_trailing_handle: bool,
) {
    if rng.random_bool(EMAIL_SHARE) {
        let frames = if english {
            words::EMAIL_FRAMES_ENGLISH
        } else {
            words::EMAIL_FRAMES_DUTCH
        };
        let frame = pick(rng, frames);
        push_framed(rng, text, frame, push_email);
    }
    if rng.random_bool(PHONE_SHARE) {
        let frames = if english {
            words::PHONE_FRAMES_ENGLISH
        } else {
            words::PHONE_FRAMES_DUTCH
        };
        let frame = pick(rng, frames);
        push_framed(rng, text, frame, push_phone);
    }
    if with_trailing_handle {
        let frame = pick(rng, words::HANDLE_FRAMES);
        push_framed(rng, text, frame, |inner_rng, inner_text| {
            if inner_rng.random_bool(MUNICIPALITY_HANDLE_SHARE) {
                inner_text.push_str(words::MUNICIPALITY_HANDLE);
                return;
            }
            inner_text.push('@');
            push_made_up_name(inner_rng, inner_text);
        });
    }
    if rng.random_bool(PROFILE_URL_SHARE) {
        let frames = if english {
            words::PROFILE_FRAMES_ENGLISH
        } else {
            words::PROFILE_FRAMES_DUTCH
        };
        let frame = pick(rng, frames);
        push_framed(rng, text, frame, push_profile_url);
    }
    if rng.random_bool(NEWS_LINK_SHARE) {
        let frames = if english {
            words::NEWS_FRAMES_ENGLISH
        } else {
            words::NEWS_FRAMES_DUTCH
        };
        let frame = pick(rng, frames);
        push_framed(rng, text, frame, |inner_rng, inner_text| {
            push_news_link(inner_rng, inner_text, kind, topic);
        });
    }
}

fn push_hashtags(rng: &mut ChaCha8Rng, text: &mut String, kind: Kind, topic: Option<&Topic>) {
    let (tags, share) = match (kind, topic) {
        (Kind::Storm { .. }, _) => (words::STORM_HASHTAGS, 0.55),
        (Kind::Municipal(_), Some(chosen)) => (chosen.hashtags, 0.40),
        _ => (words::OFF_TOPIC_HASHTAGS, 0.12),
    };
    if tags.is_empty() || !rng.random_bool(share) {
        return;
    }
    let first = pick(rng, tags);
    separate(text);
    text.push_str(first);
    if rng.random_bool(0.35) {
        let second = pick(rng, tags);
        if second != first {
            text.push(' ');
            text.push_str(second);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_template_fills_without_leftover_slots() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut templates: Vec<(&str, Option<&Topic>)> = Vec::new();
        for topic in MUNICIPAL_TOPICS {
            for list in [topic.negative, topic.positive, topic.neutral, topic.english] {
                templates.extend(list.iter().map(|template| (*template, Some(topic))));
            }
        }
        for list in [
            words::STORM_DUTCH_WHILE_IT_BLOWS,
            words::STORM_DUTCH_AFTERMATH,
            words::STORM_ENGLISH,
            words::OFF_TOPIC_DUTCH,
            words::OFF_TOPIC_ENGLISH,
        ] {
            templates.extend(list.iter().map(|template| (*template, None)));
        }
        assert!(templates.len() > 200, "{}", templates.len());
        for (template, topic) in templates {
            let mut text = String::new();
            fill_template(&mut rng, &mut text, template, topic);
            assert!(!text.contains('{') && !text.contains('}'), "{template}");
            assert!(!text.trim().is_empty());
            let first = text.chars().next().unwrap_or(' ');
            assert!(!first.is_lowercase(), "{text}");
        }
    }

    #[test]
    fn slot_values_start_sentences_with_a_capital() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut text = String::new();
        fill_template(
            &mut rng,
            &mut text,
            "Kijk. {echt} mooi en {echt} fijn.",
            None,
        );
        let after_period = text.split(". ").nth(1).and_then(|rest| rest.chars().next());
        assert!(after_period.is_some_and(char::is_uppercase), "{text}");
        assert!(!text.ends_with(|character: char| character.is_uppercase()));
    }

    #[test]
    fn made_up_contact_details_look_real_enough() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for _ in 0..50 {
            let mut email = String::new();
            push_email(&mut rng, &mut email);
            let (_, domain) = email.split_once('@').unwrap_or_default();
            assert!(words::EMAIL_DOMAINS.contains(&domain), "{email}");
            let mut phone = String::new();
            push_phone(&mut rng, &mut phone);
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            assert!(digits == 10 || digits == 11, "{phone}");
            let mut news = String::new();
            push_news_link(&mut rng, &mut news, Kind::Storm { aftermath: true }, None);
            assert!(
                news.starts_with("https://") && !news.contains('{'),
                "{news}"
            );
        }
    }
}
