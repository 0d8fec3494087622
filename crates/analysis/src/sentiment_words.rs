//! Closed word classes of the sentiment scorer: negators, intensifiers, diminishers, contrast and
//! concession words, irony markers, Dutch and Flemish spelling variants, intensifying prefixes of
//! compounds and fixed multi-word expressions. Written by hand for Peil from general knowledge
//! of Dutch and English (licence: EUPL-1.2, like the code). All matching is on lower-cased words.

/// Words that open a negation scope.
pub(crate) fn is_negator(word: &str) -> bool {
    matches!(
        word,
        "niet"
            | "geen"
            | "nooit"
            | "niets"
            | "niks"
            | "nergens"
            | "niemand"
            | "noch"
            | "allerminst"
            | "geenszins"
            | "nimmer"
            | "zonder"
            // Flemish and colloquial spellings of "niet" and "geen"
            | "ni"
            | "nie"
            | "nit"
            | "neit"
            | "gene"
            | "genen"
            | "not"
            | "no"
            | "never"
            | "nothing"
            | "nobody"
            | "none"
            | "neither"
            | "nor"
            | "cannot"
            | "dont"
            | "doesnt"
            | "didnt"
            | "isnt"
            | "arent"
            | "wasnt"
            | "werent"
            | "cant"
            | "couldnt"
            | "wont"
            | "wouldnt"
            | "shouldnt"
            | "aint"
            | "without"
            | "hardly"
            | "barely"
            | "nicht"
            | "kein"
            | "keine"
            | "ne"
            | "pas"
            | "jamais"
    ) || word.ends_with("n't")
}

/// Words that strengthen the next sentiment word.
pub(crate) fn is_intensifier(word: &str) -> bool {
    matches!(
        word,
        "heel"
            | "erg"
            | "zeer"
            | "super"
            | "echt"
            | "ontzettend"
            | "enorm"
            | "extreem"
            | "hartstikke"
            | "bijzonder"
            | "uiterst"
            | "zo"
            | "zó"
            | "totaal"
            | "volkomen"
            | "ongelooflijk"
            | "ongelofelijk"
            | "werkelijk"
            | "absoluut"
            | "keihard"
            | "mega"
            | "diep"
            | "zwaar"
            | "vreselijk"
            | "verschrikkelijk"
            | "intens"
            | "buitengewoon"
            | "uitermate"
            | "onwijs"
            | "heul"
            | "egt"
            | "zeker"
            | "volstrekt"
            | "compleet"
            | "helemaal"
            // Flemish intensifiers: "wreed goed", "kei leuk", "zot schoon", "dik tevreden"
            | "wreed"
            | "kei"
            | "zot"
            | "dik"
            | "very"
            | "really"
            | "so"
            | "extremely"
            | "totally"
            | "absolutely"
            | "incredibly"
            | "truly"
            | "completely"
            | "utterly"
            | "highly"
            | "deeply"
            | "especially"
            | "particularly"
            | "most"
            | "such"
            | "too"
            | "sooo"
            | "soooo"
            | "hugely"
            | "terribly"
            | "awfully"
            | "damn"
            | "fucking"
    )
}

/// Words that weaken the next sentiment word.
pub(crate) fn is_diminisher(word: &str) -> bool {
    matches!(
        word,
        "beetje"
            | "nogal"
            | "enigszins"
            | "wat"
            | "redelijk"
            | "vrij"
            | "iets"
            | "tamelijk"
            | "ietwat"
            | "best"
            | "slightly"
            | "somewhat"
            | "bit"
            | "kinda"
            | "fairly"
            | "rather"
            | "little"
            | "partly"
            | "sort"
    )
}

/// Words after which the rest of the post counts more than what came before ("goed, maar duur").
pub(crate) fn is_contrast(word: &str) -> bool {
    matches!(
        word,
        "maar" | "echter" | "doch" | "desondanks" | "daarentegen" | "but" | "however" | "yet"
    )
}

/// Words that open a conceding clause: the clause they open counts less than the rest ("hoewel
/// het goedkoop is, ..."). The clause ends at the next comma or sentence end.
pub(crate) fn is_concession(word: &str) -> bool {
    matches!(
        word,
        "hoewel" | "alhoewel" | "ofschoon" | "ondanks" | "although" | "though" | "despite"
    )
}

/// Hashtags and words that mark a post as ironic or sarcastic: its positive words then count as
/// negative ("Geweldig weer, die treinen #not").
pub(crate) fn is_irony_marker(word: &str) -> bool {
    matches!(
        word,
        "not" | "sarcasme" | "sarcastisch" | "ironie" | "ironisch" | "sarcasm" | "irony"
    )
}

/// Irony marked by an emoji (eye roll, unamused face) that follows positive words.
pub(crate) fn is_irony_emoji(emoji: char) -> bool {
    matches!(emoji, '🙄' | '😒')
}

/// Standard spelling of common chat, Flemish and phonetic spellings that the lexicon lacks.
/// Negators such as Flemish "nie" are handled by [`is_negator`] directly.
pub(crate) fn spelling_variant(word: &str) -> Option<&'static str> {
    let standard = match word {
        "goe" | "gud" | "goeie" | "goeje" => "goed",
        "slegt" | "slechtte" => "slecht",
        "slechtse" | "slegtste" => "slechtste",
        "schattug" => "schattig",
        "fantasties" | "fantastiesch" => "fantastisch",
        "geweldug" | "gewelddig" => "geweldig",
        "vreselek" | "vreselijkk" => "vreselijk",
        "verschrikkelek" => "verschrikkelijk",
        "belachelek" => "belachelijk",
        "schandelek" => "schandelijk",
        "bedankd" | "bedank" => "bedankt",
        "dankjewell" | "dankje" | "thx" | "thnx" | "tnx" => "dankjewel",
        _ => return None,
    };
    Some(standard)
}

/// Prefixes that intensify the adjective they are glued to: `superblij`, `keigoed`, `doodeng`,
/// `reuzeleuk`, `oersaai`, `bloedirritant`.
pub(crate) const INTENSIFYING_PREFIXES: [&str; 14] = [
    "super", "mega", "hyper", "ultra", "giga", "kei", "reuze", "dood", "bloed", "oer", "knetter",
    "loei", "bere", "aarts",
];

/// A fixed multi-word expression: the words after the first and the valence of the whole.
pub(crate) struct Phrase {
    pub(crate) rest: &'static [&'static str],
    pub(crate) valence: f32,
}

const fn phrase(rest: &'static [&'static str], valence: f32) -> Phrase {
    Phrase { rest, valence }
}

/// Multi-word expressions that start with `first`, longest first. Dutch only. Their words do not
/// count on their own ("valt tegen" is negative although neither word is).
pub(crate) fn phrases_starting_with(first: &str) -> &'static [Phrase] {
    const VALT: [Phrase; 2] = [phrase(&["tegen"], -0.6), phrase(&["mee"], 0.4)];
    const AAN: [Phrase; 2] = [
        phrase(&["te", "raden"], 0.6),
        phrase(&["te", "bevelen"], 0.6),
    ];
    const ZONDE: [Phrase; 1] = [phrase(&["van"], -0.6)];
    const GELD: [Phrase; 1] = [phrase(&["terug"], -0.5)];
    const IN: [Phrase; 1] = [phrase(&["de", "steek"], -0.6)];
    const GEMISTE: [Phrase; 1] = [phrase(&["kans"], -0.6)];
    const TE: [Phrase; 1] = [phrase(&["gek"], 0.7)];
    const WERKT: [Phrase; 1] = [phrase(&["niet"], -0.5)];
    const DOET: [Phrase; 1] = [phrase(&["het", "niet"], -0.5)];
    const NIET: [Phrase; 3] = [
        phrase(&["weg", "te", "leggen"], 0.7),
        phrase(&["te", "doen"], -0.6),
        phrase(&["te", "filmen"], -0.6),
    ];
    const DE: [Phrase; 2] = [phrase(&["moeite", "waard"], 0.6), phrase(&["pineut"], -0.5)];
    const HET: [Phrase; 1] = [phrase(&["geld", "waard"], 0.5)];
    const LEKKER: [Phrase; 1] = [phrase(&["bezig"], -0.4)];
    const VAN: [Phrase; 1] = [phrase(&["harte"], 0.5)];
    const DIKKE: [Phrase; 1] = [phrase(&["merci"], 0.7)];
    const GOED: [Phrase; 2] = [phrase(&["zo"], 0.6), phrase(&["nieuws"], 0.7)];
    const LEEST: [Phrase; 1] = [phrase(&["als", "een", "trein"], 0.7)];
    const NIKS: [Phrase; 1] = [phrase(&["mis", "mee"], 0.4)];
    match first {
        "valt" | "viel" | "vallen" | "vielen" => &VALT,
        "aan" => &AAN,
        "zonde" => &ZONDE,
        "geld" => &GELD,
        "in" => &IN,
        "gemiste" => &GEMISTE,
        "te" => &TE,
        "werkt" | "werkte" | "werken" | "werkten" => &WERKT,
        "doet" | "deed" => &DOET,
        "niet" => &NIET,
        "de" => &DE,
        "het" => &HET,
        "lekker" => &LEKKER,
        "van" => &VAN,
        "dikke" => &DIKKE,
        "goed" => &GOED,
        "leest" | "las" | "lezen" => &LEEST,
        "niks" | "niets" => &NIKS,
        _ => &[],
    }
}

/// Words that open a conversational irony ("ja hoor", "nou nou"): first word and second word.
pub(crate) fn is_irony_phrase(first: &str, second: &str) -> bool {
    matches!(
        (first, second),
        ("ja", "hoor") | ("nou", "nou") | ("jaja", "hoor")
    )
}
