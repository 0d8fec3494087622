//! One tokenizer for language detection, sentiment and term extraction of de-identified social
//! media text.
//!
//! It never allocates: every token borrows from the input. It knows the things a post contains
//! besides words: placeholders written by de-identification (`[PERSOON-1]`), URLs and @handles
//! that slipped through (all three become [`Token::Removed`], never a word), #hashtags, numbers,
//! emoji, ASCII emoticons and the punctuation that ends a sentence.

use peil_model::{is_placeholder, PLACEHOLDER_PREFIXES};

/// Longest bracketed placeholder we look for, in bytes (`[GEBOORTEDATUM-123456]` fits easily).
const MAX_PLACEHOLDER_BYTES: usize = 48;

/// ASCII emoticons, longest first so that `:-)` wins over `:-`.
pub(crate) const EMOTICONS: [&str; 28] = [
    ">:-(", ":'-(", ":-))", ">:(", ":'(", ":-)", ":-(", ":-D", ";-)", ":-/", ":-P", ":-p", "</3",
    ":))", ":)", ":(", ":D", ";)", ":/", ":P", ":p", "=)", "=(", "<3", ":S", ":s", ":|", ":-|",
];

/// Why a sentence-level break was emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Break {
    /// `.`, `?`, `;`, `:`, a line break, `|`, a dash between spaces …
    Sentence,
    /// `!`: ends a sentence and emphasises it.
    Exclamation,
}

/// One token of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'text> {
    /// Letters and digits, with inner apostrophes and hyphens (`auto's`, `zuid-korea`), as written
    /// (not lower-cased).
    Word(&'text str),
    /// Digits only (with inner `.` or `,` as in `10.000`).
    Number(&'text str),
    /// The body of a `#hashtag`, without `#`, as written. Contains at least one letter.
    Hashtag(&'text str),
    /// A pictographic emoji.
    Emoji(char),
    /// An ASCII emoticon from [`EMOTICONS`] or `xD`.
    Emoticon(&'text str),
    /// A placeholder, URL or @handle: content that must never be a word. Also a phrase break.
    Removed,
    /// A comma: ends a negation scope, but not a sentence.
    Comma,
    /// The end of a sentence or phrase.
    Break(Break),
}

/// Iterator over the tokens of `text`.
pub(crate) struct Tokens<'text> {
    text: &'text str,
    position: usize,
}

/// Tokenizes `text`.
pub(crate) fn tokens(text: &str) -> Tokens<'_> {
    Tokens { text, position: 0 }
}

/// Letters, digits and combining diacritics (so a decomposed `é` stays one word).
pub(crate) fn is_word_character(character: char) -> bool {
    character.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&character)
}

/// Characters of a hashtag or handle body: word characters and `_`.
fn is_tag_character(character: char) -> bool {
    is_word_character(character) || character == '_'
}

/// Pictographic emoji and symbols that people use as emoji.
pub(crate) fn is_emoji(character: char) -> bool {
    matches!(character as u32,
        0x1F300..=0x1F5FF
        | 0x1F600..=0x1F64F
        | 0x1F680..=0x1F6FF
        | 0x1F900..=0x1F9FF
        | 0x1FA70..=0x1FAFF
        | 0x2600..=0x27BF
        | 0x2B50 | 0x2B55 | 0x2B06 | 0x2B07 | 0x2934 | 0x2935 | 0x3030 | 0x303D)
        && !is_emoji_modifier(character)
}

/// Skin tones, variation selectors, the zero-width joiner and regional indicators (flags): parts
/// of an emoji sequence that carry no meaning of their own here.
fn is_emoji_modifier(character: char) -> bool {
    matches!(character as u32,
        0x1F3FB..=0x1F3FF | 0xFE0E | 0xFE0F | 0x200D | 0x20E3 | 0x1F1E6..=0x1F1FF)
}

fn character_at(text: &str, position: usize) -> Option<char> {
    text.get(position..).and_then(|rest| rest.chars().next())
}

fn character_before(text: &str, position: usize) -> Option<char> {
    text.get(..position)
        .and_then(|before| before.chars().next_back())
}

impl<'text> Tokens<'text> {
    /// Consumes a word starting at `start` and returns its end.
    fn word_end(&self, start: usize) -> usize {
        let text = self.text;
        let mut end = start;
        let mut previous: Option<char> = None;
        while let Some(character) = character_at(text, end) {
            if is_word_character(character) {
                end += character.len_utf8();
                previous = Some(character);
                continue;
            }
            let next = character_at(text, end + character.len_utf8());
            let next_is_word = next.is_some_and(is_word_character);
            let joins_word = matches!(character, '\'' | '\u{2019}' | '-') && next_is_word;
            let joins_number = matches!(character, '.' | ',')
                && previous.is_some_and(|before| before.is_ascii_digit())
                && next.is_some_and(|after| after.is_ascii_digit());
            if joins_word || joins_number {
                end += character.len_utf8();
                previous = Some(character);
                continue;
            }
            break;
        }
        end
    }

    /// Length in bytes of the hashtag or handle body that starts at `start`.
    fn tag_length(&self, start: usize) -> usize {
        let rest = self.text.get(start..).unwrap_or_default();
        rest.char_indices()
            .find(|(_, character)| !is_tag_character(*character))
            .map_or(rest.len(), |(index, _)| index)
    }

    /// A placeholder label cut off or malformed (`[PERSOON-`, `EMAIL-]`, `[URL]`): the exact
    /// upper-case label right after `[` or right before `-` or `]`.
    fn is_placeholder_fragment(&self, start: usize, end: usize) -> bool {
        let word = self.text.get(start..end).unwrap_or_default();
        if !PLACEHOLDER_PREFIXES.contains(&word) {
            return false;
        }
        let after_bracket = character_before(self.text, start) == Some('[');
        let before_marker = matches!(character_at(self.text, end), Some('-' | ']'));
        after_bracket || before_marker
    }

    /// End of the run of non-whitespace characters starting at `start` (URLs).
    fn non_space_end(&self, start: usize) -> usize {
        let rest = self.text.get(start..).unwrap_or_default();
        let length = rest
            .char_indices()
            .find(|(_, character)| character.is_whitespace())
            .map_or(rest.len(), |(index, _)| index);
        start + length
    }

    fn placeholder_end(&self, start: usize) -> Option<usize> {
        let rest = self.text.get(start..)?;
        let window_end = rest.len().min(MAX_PLACEHOLDER_BYTES);
        let mut close = None;
        for (index, character) in rest.char_indices() {
            if index >= window_end {
                break;
            }
            if character == ']' {
                close = Some(index);
                break;
            }
        }
        let close = close?;
        let candidate = rest.get(..=close)?;
        if is_placeholder(candidate) {
            return Some(start + close + 1);
        }
        None
    }

    fn emoticon_at(&self, start: usize) -> Option<&'text str> {
        let before_is_free = character_before(self.text, start)
            .is_none_or(|before| before.is_whitespace() || is_emoji(before));
        if !before_is_free {
            return None;
        }
        let rest = self.text.get(start..)?;
        for emoticon in EMOTICONS {
            if !rest.starts_with(emoticon) {
                continue;
            }
            let after = character_at(self.text, start + emoticon.len());
            let after_is_free = after.is_none_or(|character| !is_word_character(character));
            if after_is_free {
                return self.text.get(start..start + emoticon.len());
            }
        }
        None
    }

    fn word_token(&mut self, start: usize) -> Token<'text> {
        let end = self.word_end(start);
        self.position = end;
        let word = self.text.get(start..end).unwrap_or_default();
        let rest = self.text.get(end..).unwrap_or_default();
        let lower_is_scheme =
            word.eq_ignore_ascii_case("http") || word.eq_ignore_ascii_case("https");
        let is_url = (lower_is_scheme && rest.starts_with("://"))
            || (word.eq_ignore_ascii_case("www") && rest.starts_with('.'));
        if is_url {
            self.position = self.non_space_end(end);
            return Token::Removed;
        }
        if is_placeholder(word) || self.is_placeholder_fragment(start, end) {
            return Token::Removed;
        }
        let is_number = word
            .chars()
            .all(|character| character.is_ascii_digit() || character == '.' || character == ',');
        if is_number {
            return Token::Number(word);
        }
        if word == "xD" || word == "XD" {
            return Token::Emoticon(word);
        }
        Token::Word(word)
    }
}

impl<'text> Iterator for Tokens<'text> {
    type Item = Token<'text>;

    fn next(&mut self) -> Option<Token<'text>> {
        loop {
            let start = self.position;
            let character = character_at(self.text, start)?;
            let after = start + character.len_utf8();
            let next = character_at(self.text, after);
            if is_word_character(character) {
                return Some(self.word_token(start));
            }
            if matches!(character, ':' | ';' | '=' | '<' | '>') {
                if let Some(emoticon) = self.emoticon_at(start) {
                    self.position = start + emoticon.len();
                    return Some(Token::Emoticon(emoticon));
                }
            }
            self.position = after;
            match character {
                '[' => {
                    if let Some(end) = self.placeholder_end(start) {
                        self.position = end;
                        return Some(Token::Removed);
                    }
                }
                '#' => {
                    let previous_is_word =
                        character_before(self.text, start).is_some_and(is_word_character);
                    let next_is_word = next.is_some_and(is_tag_character);
                    if previous_is_word || !next_is_word {
                        continue;
                    }
                    let body_length = self.tag_length(after);
                    self.position = after + body_length;
                    let body = self
                        .text
                        .get(after..after + body_length)
                        .unwrap_or_default();
                    if body.chars().any(char::is_alphabetic) {
                        return Some(Token::Hashtag(body));
                    }
                }
                '@' if next.is_some_and(is_tag_character) => {
                    self.position = after + self.tag_length(after);
                    return Some(Token::Removed);
                }
                '!' => return Some(Token::Break(Break::Exclamation)),
                '.' => {
                    // `bol.com`, `t.w.v.`: a full stop glued to a letter does not end a sentence.
                    if next.is_some_and(char::is_alphanumeric) {
                        continue;
                    }
                    return Some(Token::Break(Break::Sentence));
                }
                '?' | ';' | ':' | '\n' | '\r' | '|' | '\u{2026}' | '\u{2022}' | '\u{2013}'
                | '\u{2014}' => {
                    return Some(Token::Break(Break::Sentence));
                }
                '-' => {
                    let spaced = next.is_none_or(char::is_whitespace)
                        && character_before(self.text, start).is_none_or(char::is_whitespace);
                    if spaced {
                        return Some(Token::Break(Break::Sentence));
                    }
                }
                ',' => return Some(Token::Comma),
                other if is_emoji(other) => return Some(Token::Emoji(other)),
                _ => {}
            }
        }
    }
}

/// `word` lower-cased character by character, with the typographic apostrophe (U+2019) as `'`.
/// ASCII words (most words of most posts) take a byte-wise path with the same result.
pub(crate) fn lower(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|character| {
            if character == '\u{2019}' {
                '\''
            } else {
                character
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str) -> Vec<Token<'_>> {
        tokens(text).collect()
    }

    #[test]
    fn words_numbers_and_breaks() {
        let found = collect("Zuid-Korea's 10.000 auto's. Klaar!");
        assert_eq!(
            found,
            vec![
                Token::Word("Zuid-Korea's"),
                Token::Number("10.000"),
                Token::Word("auto's"),
                Token::Break(Break::Sentence),
                Token::Word("Klaar"),
                Token::Break(Break::Exclamation),
            ]
        );
    }

    #[test]
    fn placeholders_urls_and_handles_are_removed() {
        let found = collect(
            "mail [EMAIL-1] of PERSOON-2 via https://x.nl/a?b=c en @iemand_1 [geen] [PERSOON- URL] BSN",
        );
        assert_eq!(
            found,
            vec![
                Token::Word("mail"),
                Token::Removed,
                Token::Word("of"),
                Token::Removed,
                Token::Word("via"),
                Token::Removed,
                Token::Word("en"),
                Token::Removed,
                Token::Word("geen"),
                Token::Removed,
                Token::Removed,
                Token::Word("BSN"),
            ]
        );
    }

    #[test]
    fn hashtags_emoji_and_emoticons() {
        let found = collect("#Schandalig 😡 :) top#niet #2025 xD");
        assert_eq!(
            found,
            vec![
                Token::Hashtag("Schandalig"),
                Token::Emoji('😡'),
                Token::Emoticon(":)"),
                Token::Word("top"),
                Token::Word("niet"),
                Token::Emoticon("xD"),
            ]
        );
    }

    #[test]
    fn full_stop_inside_a_domain_is_not_a_break() {
        let found = collect("bol.com is top");
        assert_eq!(
            found,
            vec![
                Token::Word("bol"),
                Token::Word("com"),
                Token::Word("is"),
                Token::Word("top")
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_path_of_lower_agrees_with_the_general_one(word in "[ -~]{0,24}|\\PC{0,24}") {
            let general: String = word
                .chars()
                .flat_map(char::to_lowercase)
                .map(|character| if character == '\u{2019}' { '\'' } else { character })
                .collect();
            proptest::prop_assert_eq!(lower(&word), general);
        }
    }
}
