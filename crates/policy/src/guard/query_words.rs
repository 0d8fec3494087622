//! Splits raw query text into the words the query guard judges, and tells which words stand
//! next to each other (a run of words joined by adjacency or `AND`) and which pairs of words must
//! both occur in a matching post (their nearest common node is an `AND`, possibly through `OR`
//! branches below it). Letter-spaced or dotted letters (`k o e n  w i l l e m s`, `m.a.r.i.e.k.e`)
//! are joined back into words here.
//!
//! This splitter is lenient on purpose: it never fails, so the guard also judges text the query
//! parser would reject. It must never log, print or keep the words it splits.

/// The most words of one query the guard looks at (longer text is judged on its first words).
const MAX_WORDS: usize = 256;

/// The deepest nesting of parentheses and `NOT` the tree builder follows.
const MAX_TREE_DEPTH: usize = 32;

/// The most word pairs the guard compares (a bound on hostile input).
const MAX_PAIRS: usize = 16_384;

/// Fewest single letters in a row that count as a spaced-out word.
const MIN_SPACED_LETTERS: usize = 3;

/// One word of a query.
#[derive(Debug, Clone)]
pub(super) struct QueryWord {
    /// The word as typed, without surrounding quotes, brackets and sentence punctuation.
    pub(super) typed: String,
    /// `typed` in lower case.
    pub(super) lower: String,
    /// Starts with a capital and is not written in capitals only.
    pub(super) capitalised: bool,
    /// Joined back from spaced-out or dotted letters.
    pub(super) letter_spaced: bool,
    /// A `#hashtag`, a `wildcard*`, a `field:value` filter or another form that is never a name.
    pub(super) not_a_name_form: bool,
    /// Follows the previous word directly: no operator between, and in the same phrase (or both
    /// outside phrases). Words joined like this can form one name of an organisation.
    pub(super) joined_to_previous: bool,
    /// Which phrase the word stands in (numbered in reading order), if any.
    phrase: Option<usize>,
}

/// One element of the query in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueryItem {
    Word(usize),
    And,
    Or,
    Not,
    Open,
    Close,
}

/// A raw token before spaced letters are joined.
struct RawToken {
    text: String,
    /// White-space characters directly before the token.
    gap_before: usize,
    /// Which phrase the token stands in (numbered in reading order), if any.
    phrase: Option<usize>,
}

/// The words of a query with their structure.
#[derive(Debug, Clone, Default)]
pub(super) struct QueryWords {
    pub(super) words: Vec<QueryWord>,
    items: Vec<QueryItem>,
    /// The phrase of the token being added.
    current_phrase: Option<usize>,
}

/// A node of the lenient Boolean tree built from the items.
enum TreeNode {
    Leaf(usize),
    And(Vec<TreeNode>),
    Or(Vec<TreeNode>),
    Not,
}

impl QueryWords {
    /// Splits `query_text`.
    pub(super) fn split(query_text: &str) -> QueryWords {
        let mut query_words = QueryWords::default();
        let mut pending_letters: Vec<RawToken> = Vec::new();
        for raw_item in raw_items(query_text) {
            match raw_item {
                RawItem::Token(token) => {
                    if is_single_letter(&token.text) {
                        let continues_run = pending_letters
                            .last()
                            .is_some_and(|previous| previous.phrase == token.phrase);
                        if !continues_run {
                            query_words.flush_letters(&mut pending_letters);
                        }
                        pending_letters.push(token);
                        continue;
                    }
                    query_words.flush_letters(&mut pending_letters);
                    query_words.current_phrase = token.phrase;
                    query_words.push_token(&token.text);
                }
                RawItem::Operator(item) => {
                    query_words.flush_letters(&mut pending_letters);
                    query_words.items.push(item);
                }
            }
            if query_words.words.len() >= MAX_WORDS {
                break;
            }
        }
        query_words.flush_letters(&mut pending_letters);
        query_words
    }

    fn push_word(&mut self, mut word: QueryWord) {
        if self.words.len() >= MAX_WORDS {
            return;
        }
        word.phrase = self.current_phrase;
        word.joined_to_previous = match self.items.last() {
            Some(QueryItem::Word(previous_index)) => self
                .words
                .get(*previous_index)
                .is_some_and(|previous| previous.phrase == word.phrase),
            _ => false,
        };
        self.items.push(QueryItem::Word(self.words.len()));
        self.words.push(word);
    }

    /// Adds one typed token: a `-` in front is `NOT`; dotted single letters are joined.
    fn push_token(&mut self, token_text: &str) {
        if let Some(negated) = token_text.strip_prefix('-') {
            if !negated.is_empty() {
                self.items.push(QueryItem::Not);
                self.push_token(negated);
                return;
            }
        }
        if let Some(joined) = join_dotted_letters(token_text) {
            self.push_word(word_from(&joined, true));
            return;
        }
        if let Some((initials, surname)) = split_initials_from_surname(token_text) {
            self.push_word(word_from(initials, false));
            self.push_word(word_from(surname, false));
            return;
        }
        let word = word_from(token_text, false);
        if word.typed.is_empty() {
            return;
        }
        self.push_word(word);
    }

    /// Turns pending single letters into words: a run of at least three is a spaced-out word,
    /// split where two or more spaces stand between letters; a shorter run stays as it is
    /// (initials such as `J P de Vries`).
    fn flush_letters(&mut self, pending_letters: &mut Vec<RawToken>) {
        if pending_letters.is_empty() {
            return;
        }
        if pending_letters.len() < MIN_SPACED_LETTERS {
            for token in pending_letters.drain(..) {
                self.current_phrase = token.phrase;
                self.push_token(&token.text);
            }
            return;
        }
        self.current_phrase = pending_letters.first().and_then(|token| token.phrase);
        let mut current = String::new();
        for (index, token) in pending_letters.iter().enumerate() {
            if index > 0 && token.gap_before >= 2 && !current.is_empty() {
                self.push_word(word_from(&current, true));
                current.clear();
            }
            current.extend(
                token
                    .text
                    .chars()
                    .filter(|character| character.is_alphabetic()),
            );
        }
        if !current.is_empty() {
            self.push_word(word_from(&current, true));
        }
        pending_letters.clear();
    }

    /// Runs of words that stand next to each other, joined by adjacency or `AND`; `OR`, `NOT`
    /// and parentheses end a run.
    pub(super) fn runs(&self) -> Vec<Vec<usize>> {
        let mut runs = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for item in &self.items {
            match item {
                QueryItem::Word(index) => current.push(*index),
                QueryItem::And => {}
                QueryItem::Or | QueryItem::Not | QueryItem::Open | QueryItem::Close => {
                    if !current.is_empty() {
                        runs.push(std::mem::take(&mut current));
                    }
                }
            }
        }
        if !current.is_empty() {
            runs.push(current);
        }
        runs
    }

    /// Pairs of words (first index smaller) that a matching post must both contain: their
    /// nearest common node is an `AND`. Negated words take part in no pair.
    pub(super) fn conjunctive_pairs(&self) -> Vec<(usize, usize)> {
        let mut builder = TreeBuilder {
            items: &self.items,
            next_index: 0,
        };
        let mut operands = Vec::new();
        while builder.next_index < self.items.len() {
            let before = builder.next_index;
            operands.push(builder.parse_or(0));
            if builder.next_index == before {
                builder.next_index += 1;
            }
        }
        let tree = TreeNode::And(operands);
        let mut pairs = Vec::new();
        collect_pairs(&tree, &mut pairs);
        pairs
    }
}

/// What the raw scanner yields.
enum RawItem {
    Token(RawToken),
    Operator(QueryItem),
}

/// Scans the text into tokens and operators (`AND`, `OR`, `NOT` in capitals and parentheses
/// outside quotes).
fn raw_items(query_text: &str) -> Vec<RawItem> {
    let mut items = Vec::new();
    let mut in_phrase = false;
    let mut phrases_opened = 0;
    let mut gap = 0;
    let mut current = String::new();
    let mut current_gap = 0;
    let finish = |current: &mut String,
                  current_gap: usize,
                  in_phrase: bool,
                  phrases_opened: usize|
     -> Option<RawItem> {
        if current.is_empty() {
            return None;
        }
        let text = std::mem::take(current);
        if !in_phrase {
            match text.as_str() {
                "AND" | "&&" => return Some(RawItem::Operator(QueryItem::And)),
                "OR" | "||" => return Some(RawItem::Operator(QueryItem::Or)),
                "NOT" => return Some(RawItem::Operator(QueryItem::Not)),
                _ => {}
            }
        }
        Some(RawItem::Token(RawToken {
            text,
            gap_before: current_gap,
            phrase: in_phrase.then_some(phrases_opened),
        }))
    };
    for character in query_text.chars() {
        if character.is_whitespace() {
            items.extend(finish(&mut current, current_gap, in_phrase, phrases_opened));
            gap += 1;
            continue;
        }
        if character == '"' || character == '“' || character == '”' {
            items.extend(finish(&mut current, current_gap, in_phrase, phrases_opened));
            in_phrase = !in_phrase;
            if in_phrase {
                phrases_opened += 1;
            }
            gap = 1;
            continue;
        }
        if !in_phrase && (character == '(' || character == ')') {
            items.extend(finish(&mut current, current_gap, in_phrase, phrases_opened));
            items.push(RawItem::Operator(if character == '(' {
                QueryItem::Open
            } else {
                QueryItem::Close
            }));
            gap = 1;
            continue;
        }
        if current.is_empty() {
            current_gap = gap;
        }
        gap = 0;
        current.push(character);
    }
    items.extend(finish(&mut current, current_gap, in_phrase, phrases_opened));
    items
}

/// One alphabetic character, possibly followed by a full stop that is not an initial's
/// (`k`, but not `K.`, which is an initial).
fn is_single_letter(token_text: &str) -> bool {
    let mut characters = token_text.chars();
    let (Some(first), None) = (characters.next(), characters.next()) else {
        return false;
    };
    first.is_alphabetic()
}

/// `m.a.r.i.e.k.e`, `k-o-e-n` or `k_o_e_n`: at least four single letters joined by one kind of
/// separator become one word (three or fewer are initials, `J.P.K.`).
fn join_dotted_letters(token_text: &str) -> Option<String> {
    let trimmed = token_text.trim_end_matches(['.', ',', ';', '!', '?']);
    let separator = trimmed
        .chars()
        .find(|character| matches!(character, '.' | '-' | '_'))?;
    let mut joined = String::new();
    for part in trimmed.split(separator) {
        let mut characters = part.chars();
        let (Some(letter), None) = (characters.next(), characters.next()) else {
            return None;
        };
        if !letter.is_alphabetic() {
            return None;
        }
        joined.push(letter);
    }
    if joined.chars().count() < 4 {
        return None;
    }
    Some(joined)
}

/// `K.Dijkstra`, `J.P.de`: initials written against the next word, split into the initials
/// (`K.`) and the word (`Dijkstra`).
fn split_initials_from_surname(token_text: &str) -> Option<(&str, &str)> {
    let mut end_of_initials = 0;
    let mut characters = token_text.char_indices().peekable();
    while let Some((offset, character)) = characters.next() {
        if !character.is_alphabetic() {
            break;
        }
        match characters.peek() {
            Some((dot_offset, '.')) => {
                end_of_initials = dot_offset + 1;
                characters.next();
            }
            _ => {
                if offset < end_of_initials || end_of_initials == 0 {
                    return None;
                }
                break;
            }
        }
    }
    if end_of_initials == 0 {
        return None;
    }
    let (initials, rest) = token_text.split_at(end_of_initials);
    let rest_letters = rest
        .chars()
        .filter(|character| character.is_alphabetic())
        .count();
    if rest_letters < 3 || !rest.chars().all(char::is_alphabetic) {
        return None;
    }
    Some((initials, rest))
}

/// Characters trimmed from both ends of a word (a full stop is kept at the end: `v.d.`, `J.`).
fn is_trimmed_punctuation(character: char) -> bool {
    matches!(
        character,
        ',' | ';' | '!' | '?' | '\'' | '‘' | '’' | '`' | '[' | ']' | '{' | '}' | '<' | '>'
    )
}

fn word_from(token_text: &str, letter_spaced: bool) -> QueryWord {
    let typed = token_text
        .trim_matches(is_trimmed_punctuation)
        .trim_start_matches('.')
        .to_string();
    let lower = typed.to_lowercase();
    let mut characters = typed.chars();
    let first_is_capital = characters.next().is_some_and(char::is_uppercase);
    let all_capitals = typed
        .chars()
        .filter(|character| character.is_alphabetic())
        .count()
        > 1
        && typed
            .chars()
            .filter(|character| character.is_alphabetic())
            .all(char::is_uppercase);
    let not_a_name_form = typed.starts_with('#')
        || typed.ends_with('*')
        || typed.contains(':')
        || typed.contains('/')
        || typed.contains('@');
    QueryWord {
        capitalised: first_is_capital && !all_capitals && !letter_spaced,
        typed,
        lower,
        letter_spaced,
        not_a_name_form,
        joined_to_previous: false,
        phrase: None,
    }
}

struct TreeBuilder<'a> {
    items: &'a [QueryItem],
    next_index: usize,
}

impl TreeBuilder<'_> {
    fn peek(&self) -> Option<QueryItem> {
        self.items.get(self.next_index).copied()
    }

    fn parse_or(&mut self, depth: usize) -> TreeNode {
        let mut operands = vec![self.parse_and(depth)];
        while self.peek() == Some(QueryItem::Or) {
            self.next_index += 1;
            operands.push(self.parse_and(depth));
        }
        if operands.len() == 1 {
            return operands.pop().unwrap_or(TreeNode::Not);
        }
        TreeNode::Or(operands)
    }

    fn parse_and(&mut self, depth: usize) -> TreeNode {
        let mut operands = Vec::new();
        loop {
            match self.peek() {
                None | Some(QueryItem::Or) | Some(QueryItem::Close) => break,
                Some(QueryItem::And) => self.next_index += 1,
                Some(_) => operands.push(self.parse_unary(depth)),
            }
        }
        if operands.len() == 1 {
            return operands.pop().unwrap_or(TreeNode::Not);
        }
        TreeNode::And(operands)
    }

    fn parse_unary(&mut self, depth: usize) -> TreeNode {
        let Some(item) = self.peek() else {
            return TreeNode::Not;
        };
        self.next_index += 1;
        match item {
            QueryItem::Word(index) => TreeNode::Leaf(index),
            QueryItem::Not => {
                if depth < MAX_TREE_DEPTH && self.peek().is_some() {
                    let _negated = self.parse_unary(depth + 1);
                }
                TreeNode::Not
            }
            QueryItem::Open => {
                if depth >= MAX_TREE_DEPTH {
                    return TreeNode::Not;
                }
                let inner = self.parse_or(depth + 1);
                if self.peek() == Some(QueryItem::Close) {
                    self.next_index += 1;
                }
                inner
            }
            QueryItem::And | QueryItem::Or | QueryItem::Close => TreeNode::Not,
        }
    }
}

/// The words under `node` that are not negated.
fn positive_leaves(node: &TreeNode, leaves: &mut Vec<usize>) {
    match node {
        TreeNode::Leaf(index) => leaves.push(*index),
        TreeNode::And(operands) | TreeNode::Or(operands) => {
            for operand in operands {
                positive_leaves(operand, leaves);
            }
        }
        TreeNode::Not => {}
    }
}

fn collect_pairs(node: &TreeNode, pairs: &mut Vec<(usize, usize)>) {
    match node {
        TreeNode::Leaf(_) | TreeNode::Not => {}
        TreeNode::Or(operands) => {
            for operand in operands {
                collect_pairs(operand, pairs);
            }
        }
        TreeNode::And(operands) => {
            let leaves_per_operand: Vec<Vec<usize>> = operands
                .iter()
                .map(|operand| {
                    let mut leaves = Vec::new();
                    positive_leaves(operand, &mut leaves);
                    leaves
                })
                .collect();
            for (left_index, left_leaves) in leaves_per_operand.iter().enumerate() {
                for right_leaves in leaves_per_operand.iter().skip(left_index + 1) {
                    for left in left_leaves {
                        for right in right_leaves {
                            if pairs.len() >= MAX_PAIRS {
                                return;
                            }
                            pairs.push(((*left).min(*right), (*left).max(*right)));
                        }
                    }
                }
            }
            for operand in operands {
                collect_pairs(operand, pairs);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower_words(query_words: &QueryWords) -> Vec<String> {
        query_words
            .words
            .iter()
            .map(|word| word.lower.clone())
            .collect()
    }

    #[test]
    fn spaced_and_dotted_letters_are_joined() {
        let spaced = QueryWords::split("k o e n  w i l l e m s");
        assert_eq!(lower_words(&spaced), vec!["koen", "willems"]);
        assert!(spaced.words.iter().all(|word| word.letter_spaced));
        let dotted = QueryWords::split("m.a.r.i.e.k.e AND smit");
        assert_eq!(lower_words(&dotted), vec!["marieke", "smit"]);
        let initials = QueryWords::split("\"J.P. de Vries\"");
        assert_eq!(lower_words(&initials), vec!["j.p.", "de", "vries"]);
    }

    #[test]
    fn runs_break_at_or_not_and_parentheses() {
        let query_words = QueryWords::split("thijs mulder AND woningnood OR (a b) -c");
        assert_eq!(query_words.runs(), vec![vec![0, 1, 2], vec![3, 4], vec![5]]);
    }

    #[test]
    fn conjunctive_pairs_cross_or_branches_but_not_negations() {
        let query_words = QueryWords::split("koen AND (willems OR jansen) NOT visser");
        let pairs = query_words.conjunctive_pairs();
        assert!(pairs.contains(&(0, 1)));
        assert!(pairs.contains(&(0, 2)));
        assert!(!pairs.contains(&(1, 2)));
        assert!(!pairs.iter().any(|(left, right)| *left == 3 || *right == 3));
    }

    #[test]
    fn hostile_input_is_bounded() {
        let deep = "(".repeat(10_000) + "a";
        let query_words = QueryWords::split(&deep);
        assert!(query_words.conjunctive_pairs().is_empty());
        let long = "a b ".repeat(10_000);
        assert!(QueryWords::split(&long).words.len() <= MAX_WORDS);
    }
}
