#!/usr/bin/env python3
"""Side-by-side Dutch sentiment benchmark: Peil vs Pattern (CLiPS, ``pattern.nl.sentiment``).

Run through ``bench/compare-sentiment.sh`` (which builds Peil and prepares a throwaway virtualenv
with PyPI ``pattern3`` 3.0.0); this file is the helper it calls. Subcommands:

* ``run``        scores both tools on the same files in one run, prints a Markdown table and writes
                 ``compare-sentiment.{json,md}``;
* ``agreement``  checks that the built-in re-implementation of Pattern gives exactly the polarity
                 of the installed ``pattern3`` on every text of the given files (a self-test of the
                 fallback route).

Peil's figures come from its own ``peil eval sentiment --json`` (crates/cli/src/commands/eval.rs);
Pattern is scored here with the same readers and the same metric definitions:

* ``nl-mp-tweets`` (3 classes): Pattern's polarity is mapped to a label with a neutral band
  ``[lo, hi]`` chosen on the *dev* file only (``gold-polarity.jsonl``): positive when
  ``p >= hi and p > 0``, negative when ``p <= lo and p < 0``, neutral otherwise -- the semantics of
  Peil's own ``NeutralBand`` -- searched on a grid of 0.01 (finer than Peil's own 0.05 grid) with
  ``-1 <= lo <= 0 <= hi <= 1``; the band with the highest dev macro-F1 wins (ties: the narrowest
  band, then the one nearest to zero). The band is then applied unchanged to the *test* file.
* ``bol`` (2 classes): Pattern says positive when ``polarity >= 0.1`` (``pattern.nl.positive``'s
  own default threshold), else negative.
* accuracy is the share of equal labels; macro-F1 is the unweighted mean of the per-class F1 over
  the classes that occur in the gold labels or the predictions (``ConfusionMatrix::macro_f1``).

Pattern itself comes in one of two ways (``--engine``):

* ``pattern3`` -- ``from pattern3.text.nl import sentiment``: PyPI ``pattern3`` 3.0.0, whose two
  empty ``try:`` blocks the shell script fills with ``pass`` so that it imports on Python 3;
* ``reimpl``   -- :class:`PatternNlSentiment` below, a line-by-line port of what
  ``pattern.nl.sentiment(text)`` does for a string (Pattern's tokenizer with the Dutch settings,
  the lexicon loading and per-sense averaging, the attributive ``-e`` forms Pattern adds, and
  ``Sentiment.assessments`` with its negation, modifier, ``!``, ``(!)``, emoticon and emoji
  handling), reading ``lexicons/nl-sentiment.xml`` from the shared data;
* ``auto`` (default) -- ``pattern3`` when it imports, else ``reimpl``.

Either way the tool is Pattern with its own defaults: nothing of Peil's lexicon work enters it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple
from xml.etree import ElementTree

LABELS = ("negative", "neutral", "positive")

# --------------------------------------------------------------------------------------------
# Readers (mirror crates/analysis/src/eval.rs)
# --------------------------------------------------------------------------------------------


def rust_lines(content: str) -> List[str]:
    """`str::lines`: split on '\\n', drop one trailing '\\r', no empty last line."""
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def load_polarity_jsonl(path: Path) -> List[Tuple[str, str]]:
    """`load_polarity_jsonl`: JSON lines `{"text", "polarity"}`, blank lines skipped."""
    records = []
    for number, line in enumerate(rust_lines(path.read_text(encoding="utf-8")), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text, polarity = record["text"], record["polarity"].strip()
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise SystemExit(f"{path}, line {number}: not a polarity record ({error})")
        if polarity not in LABELS:
            raise SystemExit(f"{path}, line {number}: unknown polarity")
        records.append((text, polarity))
    return records


def parse_csv(content: str) -> List[Tuple[int, List[str]]]:
    """`parse_csv`: RFC 4180 records with the line each starts on (a port of the Rust reader)."""
    records: List[Tuple[int, List[str]]] = []
    fields: List[str] = []
    field: List[str] = []
    in_quotes = False
    line = 1
    record_line = 1
    index = 0
    length = len(content)
    while index < length:
        character = content[index]
        index += 1
        if character == "\n":
            line += 1
        if in_quotes:
            if character == '"':
                if index < length and content[index] == '"':
                    field.append('"')
                    index += 1
                else:
                    in_quotes = False
            else:
                field.append(character)
            continue
        if character == '"':
            in_quotes = True
        elif character == ",":
            fields.append("".join(field))
            field = []
        elif character == "\r":
            pass
        elif character == "\n":
            fields.append("".join(field))
            field = []
            if any(value for value in fields):
                records.append((record_line, fields))
            fields = []
            record_line = line
        else:
            field.append(character)
    if field or fields:
        fields.append("".join(field))
        records.append((record_line, fields))
    return records


def load_bol_reviews(path: Path) -> List[Tuple[str, str]]:
    """`load_bol_reviews`: CSV `"label","text"` with -1/1; a header row is skipped."""
    records = []
    for line, fields in parse_csv(path.read_text(encoding="utf-8")):
        if len(fields) < 2:
            raise SystemExit(f"{path}, line {line}: expected two fields")
        label = fields[0].strip()
        if label == "label":
            continue
        if label not in ("-1", "1"):
            raise SystemExit(f"{path}, line {line}: label is not -1 or 1")
        records.append((fields[1], "negative" if label == "-1" else "positive"))
    return records


# --------------------------------------------------------------------------------------------
# Metrics (mirror ConfusionMatrix in crates/analysis/src/eval.rs)
# --------------------------------------------------------------------------------------------


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> List[List[int]]:
    counts = [[0, 0, 0] for _ in LABELS]
    for gold_label, predicted_label in zip(gold, predicted):
        counts[LABELS.index(gold_label)][LABELS.index(predicted_label)] += 1
    return counts


def accuracy_of(counts: List[List[int]]) -> float:
    total = sum(map(sum, counts))
    return 0.0 if total == 0 else sum(counts[i][i] for i in range(3)) / total


def macro_f1_of(counts: List[List[int]]) -> float:
    scores = []
    for cls in range(3):
        true_positives = counts[cls][cls]
        gold_count = sum(counts[cls])
        predicted_count = sum(counts[gold][cls] for gold in range(3))
        if gold_count == 0 and predicted_count == 0:
            continue
        if true_positives == 0:
            scores.append(0.0)
            continue
        precision = true_positives / predicted_count
        recall = true_positives / gold_count
        scores.append(2 * precision * recall / (precision + recall))
    return sum(scores) / len(scores) if scores else 0.0


def band_label(score: float, lo: float, hi: float) -> str:
    """Peil's `NeutralBand::label` semantics."""
    if score >= hi and score > 0.0:
        return "positive"
    if score <= lo and score < 0.0:
        return "negative"
    return "neutral"


def best_band(scores: Sequence[float], gold: Sequence[str], step: float = 0.01):
    """The neutral band [lo, hi] with the highest macro-F1 on (dev) `scores`.

    Grid `lo` in [-1, 0], `hi` in [0, 1] in steps of `step`; ties go to the narrowest band, then
    to the one whose edges are nearest to zero. Returns (lo, hi, macro_f1).
    """
    steps = int(round(1.0 / step))
    grid_lo = [0.0 - round(k * step, 10) for k in range(steps + 1)]  # 0.0, not -0.0
    grid_hi = [round(k * step, 10) for k in range(steps + 1)]
    gold_index = [LABELS.index(label) for label in gold]
    best = None
    for lo in grid_lo:
        for hi in grid_hi:
            counts = [[0, 0, 0] for _ in LABELS]
            for score, gold_label in zip(scores, gold_index):
                if score >= hi and score > 0.0:
                    predicted = 2
                elif score <= lo and score < 0.0:
                    predicted = 0
                else:
                    predicted = 1
                counts[gold_label][predicted] += 1
            value = macro_f1_of(counts)
            key = (round(value, 12), -(hi - lo), -max(hi, -lo))
            if best is None or key > best[0]:
                best = (key, lo, hi, value)
    assert best is not None
    return best[1], best[2], best[3]


# --------------------------------------------------------------------------------------------
# Pattern, route 2: a port of pattern.nl.sentiment for strings (pattern3 3.0.0 / Pattern 2.6)
# --------------------------------------------------------------------------------------------
# Everything below follows pattern3/text/__init__.py (find_tokens, Sentiment.load,
# Sentiment.__call__, Sentiment.assessments), pattern3/text/nl/__init__.py (Parser.find_tokens,
# Sentiment.load, the `sentiment` instance's settings) and pattern3/text/nl/inflect.py
# (attributive). Pattern is BSD-licensed (c) 2010 University of Antwerp; the lexicon is PDDL.

P_PUNCTUATION = ".,;:!?()[]{}`''\"@#$^&*+-|=~_"
P_NL_ABBREVIATIONS = set((
    "a.d.h.v.", "afb.", "a.u.b.", "bv.", "b.v.", "bijv.", "blz.", "ca.", "cfr.", "dhr.", "dr.",
    "d.m.v.", "d.w.z.", "e.a.", "e.d.", "e.g.", "enz.", "etc.", "e.v.", "evt.", "fig.", "i.e.",
    "i.h.b.", "ir.", "i.p.v.", "i.s.m.", "m.a.w.", "max.", "m.b.t.", "m.b.v.", "mevr.", "min.",
    "n.a.v.", "nl.", "n.o.t.k.", "n.t.b.", "n.v.t.", "o.a.", "ong.", "pag.", "ref.", "t.a.v.",
    "tel.", "zgn."
))
P_NL_REPLACE = {"'n": " 'n"}
P_TOKEN = re.compile(r"(\S+)\s")
P_RE_ABBR1 = re.compile(r"^[A-Za-z]\.$")
P_RE_ABBR2 = re.compile(r"^([A-Za-z]\.)+$")
P_RE_ABBR3 = re.compile(r"^[A-Z][%s]+.$" % ("|".join("bcdfghjklmnpqrstvwxz")))
P_EMOTICONS = {
    ("love", +1.00): set(("<3", "♥", "❤")),
    ("grin", +1.00): set((">:D", ":-D", ":D", "=-D", "=D", "X-D", "x-D", "XD", "xD", "8-D")),
    ("taunt", +0.75): set((">:P", ":-P", ":P", ":-p", ":p", ":-b", ":b", ":c)", ":o)", ":^)")),
    ("smile", +0.50): set((">:)", ":-)", ":)", "=)", "=]", ":]", ":}", ":>", ":3", "8)", "8-)")),
    ("wink", +0.25): set((">;]", ";-)", ";)", ";-]", ";]", ";D", ";^)", "*-)", "*)")),
    ("blank", +0.00): set((":-|", ":|")),
    ("gasp", -0.05): set((">:o", ":-O", ":O", ":o", ":-o", "o_O", "o.O", "°O°", "°o°")),
    ("worry", -0.25): set((">:/", ":-/", ":/", ":\\", ">:\\", ":-.", ":-s", ":s", ":S", ":-S", ">.>")),
    ("frown", -0.75): set((">:[", ":-(", ":(", "=(", ":-[", ":[", ":{", ":-<", ":c", ":-c", "=/")),
    ("cry", -1.00): set((":'(", ":'''(", ";'(")),
}
P_RE_EMOTICONS = re.compile(r"(%s)($|\s)" % "|".join(
    r" ?".join(map(re.escape, e)) for v in P_EMOTICONS.values() for e in v))
P_EMOJI = {
    ("love", +1.00): set(("❤️", "💜", "💚", "💙", "💛", "💕")),
    ("grin", +1.00): set(("😀", "😄", "😃", "😆", "😅", "😂", "😁", "😻", "😍", "😈", "👌")),
    ("taunt", +0.75): set(("😛", "😝", "😜", "😋", "😇")),
    ("smile", +0.50): set(("😊", "😌", "😏", "😎", "☺", "👍")),
    ("wink", +0.25): set(("😉")),
    ("blank", +0.00): set(("😐", "😶")),
    ("gasp", -0.05): set(("😳", "😮", "😯", "😧", "😦", "🙀")),
    ("worry", -0.25): set(("😕", "😬")),
    ("frown", -0.75): set(("😟", "😒", "😔", "😞", "😠", "😩", "😫", "😡", "👿")),
    ("cry", -1.00): set(("😢", "😥", "😓", "😪", "😭", "😿")),
}
P_RE_EMOJI = re.compile(r"(\s?)(%s)(\s?)" % "|".join(e for v in P_EMOJI.values() for e in v))
P_RE_MENTION = re.compile(r"\@([0-9a-zA-z_]+)(\s|\,|\:|\.|\!|\?|$)")
P_RE_SARCASM = re.compile(r"\( ?\! ?\)")
P_RE_SYNSET = re.compile(r"^[acdnrv][-_][0-9]+$")
P_EOS = "END-OF-SENTENCE"
P_MOOD, P_IRONY = "mood", "irony"
P_ADJECTIVE_ATTRIBUTIVE = {
    "civiel": "civiele", "complex": "complexe", "enkel": "enkele", "grof": "grove",
    "half": "halve", "luttel": "luttele", "mobiel": "mobiele", "parijs": "parijse", "ruw": "ruwe",
    "simpel": "simpele", "stabiel": "stabiele", "steriel": "steriele", "subtiel": "subtiele",
    "teer": "tere",
}


def _p_is_vowel(character: str) -> bool:
    return character in ("a", "e", "i", "o", "u")


def p_attributive(adjective: str) -> str:
    """pattern.nl.inflect.attributive."""
    w = adjective.lower()
    if w in P_ADJECTIVE_ATTRIBUTIVE:
        return P_ADJECTIVE_ATTRIBUTIVE[w]
    if w.endswith("e"):
        return w
    if w.endswith(("er", "st")) and len(w) > 4:
        return w + "e"
    if w.endswith("ees"):
        return w[:-2] + w[-1] + "e"
    if w.endswith("el") and len(w) > 2 and not _p_is_vowel(w[-3]):
        return w + "e"
    if w.endswith("ig"):
        return w + "e"
    if len(w) > 2 and (not _p_is_vowel(w[-1]) and _p_is_vowel(w[-2]) and _p_is_vowel(w[-3])
                       or w[:-1].endswith("ij")):
        if w.endswith("f"):
            w = w[:-1] + "v"
        if w.endswith("s"):
            w = w[:-1] + "z"
        if w[-2] == w[-3]:
            w = w[:-2] + w[-1]
    elif len(w) > 1 and _p_is_vowel(w[-2]) and w.endswith(tuple("bdfgklmnprst")):
        w = w + w[-1]
    return w + "e"


def p_find_tokens(string: str) -> List[str]:
    """pattern.text.find_tokens with pattern.nl.Parser.find_tokens' settings."""
    punctuation = tuple(P_PUNCTUATION)
    abbreviations = P_NL_ABBREVIATIONS
    replace = P_NL_REPLACE
    for a, b in list(replace.items()):
        string = re.sub(a, b, string)
    string = string.replace("“", " “ ")
    string = string.replace("”", " ” ")
    string = string.replace("‘", " ‘ ")
    string = string.replace("’", " ’ ")
    string = re.sub("\r\n", "\n", string)
    string = re.sub(r"\n{2,}", " %s " % P_EOS, string)
    string = re.sub(r"\s+", " ", string)
    tokens: List[str] = []
    for t in P_TOKEN.findall(string + " "):
        if len(t) > 0:
            tail = []
            if not P_RE_MENTION.match(t):
                while t.startswith(punctuation) and t not in replace:
                    if t.startswith(punctuation):
                        tokens.append(t[0])
                        t = t[1:]
            while t.endswith(punctuation) and t not in replace:
                if t.endswith(punctuation) and not t.endswith("."):
                    tail.append(t[-1])
                    t = t[:-1]
                if t.endswith("..."):
                    tail.append("...")
                    t = t[:-3].rstrip(".")
                if t.endswith("."):
                    if t in abbreviations or \
                            P_RE_ABBR1.match(t) is not None or \
                            P_RE_ABBR2.match(t) is not None or \
                            P_RE_ABBR3.match(t) is not None:
                        break
                    else:
                        tail.append(t[-1])
                        t = t[:-1]
            if t != "":
                tokens.append(t)
            tokens.extend(reversed(tail))
    quotes = ("'", "\"", "”", "’")
    sentences: List[List[str]] = [[]]
    i, j = 0, 0
    while j < len(tokens):
        if tokens[j] in ("...", ".", "!", "?", P_EOS):
            while j < len(tokens) \
                    and (tokens[j] in ("...", ".", "!", "?", P_EOS) or tokens[j] in quotes):
                if tokens[j] in quotes and sentences[-1].count(tokens[j]) % 2 == 0:
                    break
                j += 1
            sentences[-1].extend(t for t in tokens[i:j] if t != P_EOS)
            sentences.append([])
            i = j
        j += 1
    sentences[-1].extend(tokens[i:j])
    joined = (" ".join(s) for s in sentences if len(s) > 0)
    joined = (P_RE_SARCASM.sub("(!)", s) for s in joined)
    out = [P_RE_EMOTICONS.sub(lambda m: m.group(1).replace(" ", "") + m.group(2), s) for s in joined]
    out = [P_RE_EMOJI.sub(lambda m: (m.group(1) or " ") + m.group(2) + (m.group(3) or " "), s)
           for s in out]
    out = [s.replace("  ", " ").strip() for s in out]
    # pattern.nl.Parser.find_tokens
    return [re.sub(r"' s (ochtends|morgens|middags|avonds)", "'s \\1", s) for s in out]


def _p_avg(values) -> float:
    values = list(values)
    return sum(values) / float(len(values) or 1)


class PatternNlSentiment:
    """`pattern.nl.sentiment` for strings: `polarity(text)` is `sentiment(text)[0]`."""

    negations = ("geen", "gene", "ni", "niet", "nooit")
    modifiers = ("JJ", "RB")
    ngrams = 3

    def __init__(self, lexicon: Path) -> None:
        self.words: Dict[str, dict] = {}
        self.labeler: Dict[str, str] = {}
        self._load(lexicon)

    @staticmethod
    def modifier(word: str) -> bool:
        return word.endswith(("ig", "isch", "lijk"))

    def _load(self, path: Path) -> None:
        words: Dict[str, dict] = {}
        labels: Dict[str, str] = {}
        root = ElementTree.parse(str(path)).getroot()
        for element in root.findall("word"):
            w, pos, p, s, i, label = (
                element.attrib.get("form"),
                element.attrib.get("pos"),
                element.attrib.get("polarity", 0.0),
                element.attrib.get("subjectivity", 0.0),
                element.attrib.get("intensity", 1.0),
                element.attrib.get("label"),
            )
            psi = (float(p), float(s), float(i))
            if w:
                words.setdefault(w, {}).setdefault(pos, []).append(psi)
            if w and label:
                labels[w] = label
        for w in words:
            words[w] = dict((pos, [_p_avg(x) for x in zip(*psi)])
                            for pos, psi in list(words[w].items()))
        for w, pos in list(words.items()):
            words[w][None] = [_p_avg(x) for x in zip(*list(pos.values()))]
        self.words.update(words)
        self.labeler.update(labels)
        # pattern.nl.Sentiment.load: map "verschrikkelijk" to attributive "verschrikkelijke".
        for w, pos in list(self.words.items()):
            if "JJ" in pos:
                p, s, i = pos["JJ"]
                self._annotate(p_attributive(w), "JJ", p, s, i)

    def _annotate(self, word, pos, polarity, subjectivity, intensity) -> None:
        entry = self.words.setdefault(word, {})
        entry[pos] = entry[None] = (polarity, subjectivity, intensity)

    def polarity(self, text: str) -> float:
        if P_RE_SYNSET.match(text):
            # Pattern treats such a string as a synset id and fails on it (str has no .synonyms).
            raise AttributeError("'str' object has no attribute 'synonyms'")
        tokens = [(w.lower(), None) for w in " ".join(p_find_tokens(text)).split()]
        assessments = self._assessments(tokens)
        total, count = 0, 0
        for _, p in assessments:
            total += p
            count += 1
        return total / float(count or 1)

    def _assessments(self, words: List[Tuple[Optional[str], Optional[str]]]):
        lexicon = self.words
        index = 0
        a: List[dict] = []
        m = None
        n = None
        while index < len(words):
            w, pos = words[index]
            if w is None:
                index += 1
                continue
            for i in reversed(list(range(1, max(1, self.ngrams)))):
                if index < len(words) - i:
                    idiom = words[index:index + i + 1]
                    idiom = " ".join(w_pos[0] or "END-OF-NGRAM" for w_pos in idiom)
                    if idiom in lexicon:
                        w, pos = idiom, None
                        index += i
                        break
            if w in lexicon and pos in lexicon[w]:
                p, s, i = lexicon[w][pos]
                if m is None:
                    a.append(dict(w=[w], p=p, s=s, i=i, n=1, x=self.labeler.get(w)))
                if m is not None:
                    a[-1]["w"].append(w)
                    a[-1]["p"] = max(-1.0, min(p * a[-1]["i"], +1.0))
                    a[-1]["s"] = max(-1.0, min(s * a[-1]["i"], +1.0))
                    a[-1]["i"] = i
                    a[-1]["x"] = self.labeler.get(w)
                if n is not None:
                    a[-1]["w"].insert(0, n)
                    a[-1]["i"] = 1.0 / a[-1]["i"]
                    a[-1]["n"] = -1
                m = None
                n = None
                if pos and pos in self.modifiers or any(map(lexicon[w].__contains__, self.modifiers)):
                    m = (w, pos)
                if w in self.negations:
                    n = w
            else:
                if w in self.negations:
                    n = w
                elif n and len(w.strip("'")) > 1:
                    n = None
                if n is not None and m is not None and (pos in self.modifiers or self.modifier(m[0])):
                    a[-1]["w"].append(n)
                    a[-1]["n"] = -1
                    n = None
                elif m and len(w) > 2:
                    m = None
                if w == "!" and len(a) > 0:
                    a[-1]["w"].append("!")
                    a[-1]["p"] = max(-1.0, min(a[-1]["p"] * 1.25, +1.0))
                if w == "(!)":
                    a.append(dict(w=[w], p=0.0, s=1.0, i=1.0, n=1, x=P_IRONY))
                if w.isalpha() is False and len(w) <= 5 and w not in P_PUNCTUATION:
                    for table in (P_EMOTICONS, P_EMOJI):
                        for (_, p), e in list(table.items()):
                            if w in [e.lower() for e in e]:
                                a.append(dict(w=[w], p=p, s=1.0, i=1.0, n=1, x=P_MOOD))
                                break
            index += 1
        # "not good" = slightly bad, "not bad" = slightly good.
        return [(item["w"], item["p"] * -0.5 if item["n"] < 0 else item["p"]) for item in a]


# --------------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------------


class Engine:
    def __init__(self, name: str, describe: str, polarity: Callable[[str], float]) -> None:
        self.name = name
        self.describe = describe
        self._polarity = polarity
        self.failures = 0

    def polarity(self, text: str) -> float:
        try:
            return float(self._polarity(text))
        except Exception:  # Pattern raises on a few odd inputs; count them as polarity 0.
            self.failures += 1
            return 0.0


def pattern3_engine() -> Engine:
    from pattern3.text.nl import sentiment  # noqa: WPS433 (import only when asked)

    try:
        from importlib.metadata import version

        pattern_version = version("pattern3")
    except Exception:
        pattern_version = "unknown"
    return Engine(
        "pattern3",
        f"PyPI pattern3 {pattern_version} (pattern3.text.nl.sentiment, two empty try: blocks "
        "filled with pass), Python " + platform.python_version(),
        lambda text: sentiment(text)[0],
    )


def reimpl_engine(lexicon: Path) -> Engine:
    model = PatternNlSentiment(lexicon)
    return Engine(
        "reimpl",
        f"re-implementation of pattern.nl.sentiment (bench/compare_sentiment.py) on {lexicon.name}, "
        "Python " + platform.python_version(),
        model.polarity,
    )


def make_engine(kind: str, lexicon: Optional[Path]) -> Engine:
    if kind in ("auto", "pattern3"):
        try:
            return pattern3_engine()
        except Exception as error:  # ImportError, SyntaxError, IndentationError …
            if kind == "pattern3":
                raise SystemExit(f"compare-sentiment: cannot import pattern3: {error!r}")
            print(f"compare-sentiment: pattern3 does not import ({error!r}); "
                  "using the re-implementation of pattern.nl.sentiment", file=sys.stderr)
    if lexicon is None or not lexicon.is_file():
        raise SystemExit(f"compare-sentiment: the re-implementation needs the lexicon ({lexicon})")
    return reimpl_engine(lexicon)


# --------------------------------------------------------------------------------------------
# Peil
# --------------------------------------------------------------------------------------------


def peil_eval(peil: Path, dataset: Path, fmt: str) -> dict:
    command = [str(peil), "eval", "sentiment", "--dataset", str(dataset), "--format", fmt, "--json"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"compare-sentiment: `{' '.join(command)}` failed "
                         f"(exit {result.returncode}):\n{result.stderr.strip()}")
    try:
        report = json.loads(result.stdout)
        return {key: report[key] for key in ("accuracy", "macro_f1", "n")}
    except (ValueError, KeyError) as error:
        raise SystemExit(f"compare-sentiment: unexpected output of `{' '.join(command)}`: {error}")


def peil_version(peil: Path) -> str:
    try:
        result = subprocess.run([str(peil), "--version"], capture_output=True, text=True)
        return result.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def git_commit(repo_root: Path) -> str:
    try:
        result = subprocess.run(["git", "-C", str(repo_root), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True)
        commit = result.stdout.strip()
        dirty = subprocess.run(["git", "--no-optional-locks", "-C", str(repo_root), "status",
                                "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout
        return (commit + ("+local changes" if dirty.strip() else "")) if commit else "unknown"
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def scored(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    counts = confusion(gold, predicted)
    return {"accuracy": accuracy_of(counts), "macro_f1": macro_f1_of(counts), "n": len(gold),
            "confusion": counts}


def check_n(name: str, peil: dict, records: Sequence) -> None:
    if peil["n"] != len(records):
        raise SystemExit(f"compare-sentiment: Peil read {peil['n']} records of {name}, "
                         f"this script {len(records)}: the readers disagree")


def points(value: float) -> str:
    return f"{value * 100:+.1f} pt"


def command_run(arguments: argparse.Namespace) -> int:
    peil = Path(arguments.peil)
    dev_path, test_path, bol_path = (Path(arguments.tweets_dev), Path(arguments.tweets_test),
                                     Path(arguments.bol))
    lexicon = Path(arguments.lexicon) if arguments.lexicon else None
    results = Path(arguments.results)
    started = time.monotonic()

    engine = make_engine(arguments.engine, lexicon)
    print(f"compare-sentiment: Pattern = {engine.describe}", file=sys.stderr)

    dev = load_polarity_jsonl(dev_path)
    test = load_polarity_jsonl(test_path)
    bol = load_bol_reviews(bol_path)

    print("compare-sentiment: Peil (peil eval sentiment --json) …", file=sys.stderr)
    peil_tweets = peil_eval(peil, test_path, "nl-mp-tweets")
    peil_tweets_dev = peil_eval(peil, dev_path, "nl-mp-tweets")
    peil_bol = peil_eval(peil, bol_path, "bol")
    check_n(test_path.name, peil_tweets, test)
    check_n(dev_path.name, peil_tweets_dev, dev)
    check_n(bol_path.name, peil_bol, bol)

    print("compare-sentiment: Pattern on the tweets (band on dev, then test) …", file=sys.stderr)
    dev_scores = [engine.polarity(text) for text, _ in dev]
    dev_gold = [label for _, label in dev]
    lo, hi, dev_f1 = best_band(dev_scores, dev_gold, step=arguments.band_step)
    pattern_dev = scored(dev_gold, [band_label(s, lo, hi) for s in dev_scores])
    test_scores = [engine.polarity(text) for text, _ in test]
    test_gold = [label for _, label in test]
    pattern_tweets = scored(test_gold, [band_label(s, lo, hi) for s in test_scores])

    print("compare-sentiment: Pattern on bol.com (positive when polarity >= 0.1) …",
          file=sys.stderr)
    bol_scores = [engine.polarity(text) for text, _ in bol]
    bol_gold = [label for _, label in bol]
    pattern_bol = scored(bol_gold, ["positive" if s >= 0.1 else "negative" for s in bol_scores])

    tweets_margin = peil_tweets["macro_f1"] - pattern_tweets["macro_f1"]
    bol_margin = peil_bol["accuracy"] - pattern_bol["accuracy"]
    targets = [
        {"name": "nl-mp-tweets test macro-F1: Peil >= Pattern + 5 points",
         "peil": peil_tweets["macro_f1"], "pattern": pattern_tweets["macro_f1"],
         "required_margin": 0.05, "margin": tweets_margin, "met": tweets_margin >= 0.05 - 1e-12},
        {"name": "bol-reviews-nl accuracy: Peil >= Pattern + 3 points",
         "peil": peil_bol["accuracy"], "pattern": pattern_bol["accuracy"],
         "required_margin": 0.03, "margin": bol_margin, "met": bol_margin >= 0.03 - 1e-12},
    ]

    measured = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    repo_root = Path(arguments.repo_root).resolve()
    report = {
        "measured": measured,
        "commit": git_commit(repo_root),
        "peil": {"binary": str(peil), "version": peil_version(peil)},
        "pattern": {"engine": engine.name, "describe": engine.describe,
                    "failures": engine.failures},
        "nl_mp_tweets": {
            "dev_file": dev_path.name, "test_file": test_path.name,
            "pattern_band": {"lo": lo, "hi": hi, "grid_step": arguments.band_step,
                             "rule": "positive if p >= hi and p > 0; negative if p <= lo and "
                                     "p < 0; else neutral",
                             "dev_macro_f1": dev_f1},
            "peil_dev": peil_tweets_dev, "pattern_dev": pattern_dev,
            "peil": peil_tweets, "pattern": pattern_tweets,
        },
        "bol": {"file": bol_path.name, "pattern_rule": "positive if polarity >= 0.1",
                "peil_rule": "neutral mapped by the sign of the raw score",
                "peil": peil_bol, "pattern": pattern_bol},
        "targets": targets,
        "all_targets_met": all(target["met"] for target in targets),
        "seconds": round(time.monotonic() - started, 1),
    }

    def f3(value: float) -> str:
        return f"{value:.3f}"

    rows = [
        ("| metric | Peil | Pattern | Peil − Pattern | target | met |"),
        ("|---|---:|---:|---:|---|---|"),
        (f"| **nl-mp-tweets test macro-F1** (3 classes, n={len(test)}) | "
         f"{f3(peil_tweets['macro_f1'])} | {f3(pattern_tweets['macro_f1'])} | "
         f"{points(tweets_margin)} | ≥ +5.0 pt | {'yes' if targets[0]['met'] else '**no**'} |"),
        (f"| nl-mp-tweets test accuracy | {f3(peil_tweets['accuracy'])} | "
         f"{f3(pattern_tweets['accuracy'])} | "
         f"{points(peil_tweets['accuracy'] - pattern_tweets['accuracy'])} | | |"),
        (f"| nl-mp-tweets dev macro-F1 (tuning set, n={len(dev)}) | "
         f"{f3(peil_tweets_dev['macro_f1'])} | {f3(pattern_dev['macro_f1'])} | "
         f"{points(peil_tweets_dev['macro_f1'] - pattern_dev['macro_f1'])} | | |"),
        (f"| **bol-reviews-nl accuracy** (2 classes, n={len(bol)}) | "
         f"{f3(peil_bol['accuracy'])} | {f3(pattern_bol['accuracy'])} | {points(bol_margin)} | "
         f"≥ +3.0 pt | {'yes' if targets[1]['met'] else '**no**'} |"),
        (f"| bol-reviews-nl macro-F1 | {f3(peil_bol['macro_f1'])} | "
         f"{f3(pattern_bol['macro_f1'])} | "
         f"{points(peil_bol['macro_f1'] - pattern_bol['macro_f1'])} | | |"),
    ]
    notes = [
        "",
        f"Measured {measured} on commit {report['commit']}; Peil: `{report['peil']['version']}` "
        "(`peil eval sentiment --json`); Pattern: " + engine.describe + ".",
        f"Pattern's neutral band on the tweets, chosen on the dev file `{dev_path.name}` only "
        f"(grid {arguments.band_step:g}, macro-F1 {dev_f1:.3f} there): "
        f"**[{lo:.2f}, {hi:.2f}]** (positive when p ≥ {hi:.2f} and p > 0, negative when "
        f"p ≤ {lo:.2f} and p < 0), applied unchanged to `{test_path.name}`. On bol.com Pattern is "
        "positive when polarity ≥ 0.1 (its own default); Peil maps neutral by the sign of its "
        "raw score. Macro-F1 averages the classes present in gold or predictions.",
    ]
    if engine.failures:
        notes.append(f"Pattern raised on {engine.failures} text(s); they count as polarity 0.")
    verdict = "all targets met" if report["all_targets_met"] else "NOT all targets met"
    notes.append(f"Targets (issue 4): {verdict}.")
    table = "\n".join(rows + notes)

    results.mkdir(parents=True, exist_ok=True)
    (results / "compare-sentiment.json").write_text(json.dumps(report, indent=2) + "\n",
                                                    encoding="utf-8")
    (results / "compare-sentiment.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    print(f"compare-sentiment: wrote {results / 'compare-sentiment.json'}", file=sys.stderr)
    if arguments.check and not report["all_targets_met"]:
        return 2
    return 0


def command_agreement(arguments: argparse.Namespace) -> int:
    """Compare the re-implementation with the installed pattern3, text by text."""
    reference = pattern3_engine()
    port = reimpl_engine(Path(arguments.lexicon))
    worst = 0
    for name in arguments.files:
        path = Path(name)
        records = load_bol_reviews(path) if path.suffix == ".csv" else load_polarity_jsonl(path)
        differ = 0
        for text, _ in records:
            a, b = reference.polarity(text), port.polarity(text)
            if a != b:
                differ += 1
                if differ <= 3:
                    print(f"  differs: pattern3 {a!r} vs reimpl {b!r}", file=sys.stderr)
        worst = max(worst, differ)
        print(f"{path.name}: {len(records) - differ}/{len(records)} identical polarities")
    print(f"failures: pattern3 {reference.failures}, reimpl {port.failures}")
    return 1 if worst or reference.failures != port.failures else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="score Peil and Pattern and print the table")
    run.add_argument("--peil", required=True, help="path to the release `peil` binary")
    run.add_argument("--tweets-dev", required=True, help="nl-mp-tweets/gold-polarity.jsonl")
    run.add_argument("--tweets-test", required=True, help="nl-mp-tweets/test-data-polarity.jsonl")
    run.add_argument("--bol", required=True, help="bol-reviews-nl/polarity-nl-bol.com.csv")
    run.add_argument("--lexicon", help="lexicons/nl-sentiment.xml (for --engine reimpl)")
    run.add_argument("--engine", choices=("auto", "pattern3", "reimpl"), default="auto")
    run.add_argument("--band-step", type=float, default=0.01)
    run.add_argument("--results", required=True, help="folder for compare-sentiment.{json,md}")
    run.add_argument("--repo-root", default=".")
    run.add_argument("--check", action="store_true", help="exit 2 when a target is not met")
    agreement = commands.add_parser("agreement", help="re-implementation vs installed pattern3")
    agreement.add_argument("--lexicon", required=True)
    agreement.add_argument("files", nargs="+")
    arguments = parser.parse_args(argv)
    if arguments.command == "run":
        return command_run(arguments)
    return command_agreement(arguments)


if __name__ == "__main__":
    sys.exit(main())
