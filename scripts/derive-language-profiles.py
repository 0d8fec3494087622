#!/usr/bin/env python3
"""Derive Peil's character n-gram language profiles from the langdetect package.

Source: the language profiles shipped in langdetect 1.0.9 (PyPI, Michal Danilak), a port of
Shuyo Nakatani's language-detection library (Cybozu Labs); both Apache License 2.0. Each
profile counts character 1-, 2- and 3-grams (words padded with spaces) in Wikipedia text.

What this script does (stdlib only, deterministic):
  1. obtains the profiles: from --sdist PATH (a langdetect-1.0.9.tar.gz), or with no argument by
     running `pip download --no-deps langdetect==1.0.9` into a temporary folder;
  2. keeps the four languages Peil distinguishes (nl, en, de, fr) and a few common Latin-script
     languages that must come out as "other" (es, it, pt, da, sv, pl, tr, id);
  3. lower-cases every n-gram (merging case variants) and drops those whose lower-case form has
     another length;
  4. stores, per n-gram and language, the quantized negative log probability
     round(-8 * ln(count / words of that length)); an empty cell means "not in this profile",
     for which the `@floor` row gives the value to use (half the smallest kept count);
  5. writes a TSV: `@languages` row, `@floor` row (n=1,2,3 per language, comma-separated),
     then one row per n-gram.

Usage:
    python3 scripts/derive-language-profiles.py [--sdist PATH] [--output PATH]
Default output: crates/analysis/data/language-profiles.tsv.
"""

import argparse
import glob
import hashlib
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter

REPOSITORY_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPOSITORY_ROOT, "crates", "analysis", "data", "language-profiles.tsv")
LANGDETECT_VERSION = "1.0.9"
LANGUAGES = ["nl", "en", "de", "fr", "es", "it", "pt", "da", "sv", "pl", "tr", "id"]
QUANTIZATION = 8.0
UNSEEN_FRACTION_OF_SMALLEST = 0.5


def download_sdist(folder):
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary=:all:",
        f"langdetect=={LANGDETECT_VERSION}", "-d", folder,
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    archives = glob.glob(os.path.join(folder, "langdetect-*.tar.gz"))
    if not archives:
        sys.exit("pip did not produce a langdetect source archive")
    return archives[0]


def read_profiles(sdist_path):
    profiles = {}
    digest = hashlib.sha256()
    with tarfile.open(sdist_path, "r:gz") as archive:
        for language in LANGUAGES:
            member_name = f"langdetect-{LANGDETECT_VERSION}/langdetect/profiles/{language}"
            member = archive.extractfile(member_name)
            if member is None:
                sys.exit(f"profile missing in archive: {member_name}")
            raw = member.read()
            digest.update(raw)
            profiles[language] = json.loads(raw.decode("utf-8"))
    return profiles, digest.hexdigest()


def quantize(probability):
    return int(round(-QUANTIZATION * math.log(probability)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdist", help="path to langdetect-1.0.9.tar.gz")
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    arguments = parser.parse_args()

    if arguments.sdist:
        profiles, source_sha256 = read_profiles(arguments.sdist)
    else:
        with tempfile.TemporaryDirectory() as folder:
            profiles, source_sha256 = read_profiles(download_sdist(folder))

    counts = {}
    word_totals = {}
    for language in LANGUAGES:
        merged = Counter()
        for ngram, count in profiles[language]["freq"].items():
            lowered = ngram.lower()
            if len(lowered) != len(ngram) or "\t" in ngram or "\n" in ngram:
                continue
            merged[lowered] += count
        counts[language] = merged
        word_totals[language] = profiles[language]["n_words"]

    floors = {}
    for language in LANGUAGES:
        per_length = []
        for length in (1, 2, 3):
            kept = [count for ngram, count in counts[language].items() if len(ngram) == length]
            smallest = min(kept) if kept else 1
            total = word_totals[language][length - 1]
            per_length.append(quantize(smallest * UNSEEN_FRACTION_OF_SMALLEST / total))
        floors[language] = per_length

    all_ngrams = sorted(set().union(*[set(counts[language]) for language in LANGUAGES]))
    lines = [
        "# Peil language profiles: character 1-3-gram log probabilities per language.",
        f"# Derived from the profiles in langdetect {LANGDETECT_VERSION} (Michal Danilak), a port of",
        "# language-detection by Shuyo Nakatani (Cybozu Labs). Apache License 2.0.",
        f"# Source sha256 (profiles of the languages below, concatenated): {source_sha256}",
        f"# Cell = round(-{QUANTIZATION:g} * ln(probability)); empty = unseen, use @floor (n=1,2,3).",
        "# Derived by scripts/derive-language-profiles.py. Do not edit by hand; re-run the script.",
        "@languages\t" + "\t".join(LANGUAGES),
        "@floor\t" + "\t".join(",".join(str(value) for value in floors[language]) for language in LANGUAGES),
    ]
    for ngram in all_ngrams:
        cells = []
        for language in LANGUAGES:
            count = counts[language].get(ngram, 0)
            if count == 0:
                cells.append("")
                continue
            total = word_totals[language][len(ngram) - 1]
            cells.append(str(quantize(count / total)))
        lines.append(ngram + "\t" + "\t".join(cells))
    os.makedirs(os.path.dirname(arguments.output), exist_ok=True)
    with open(arguments.output, "w", encoding="utf-8", newline="\n") as output_file:
        output_file.write("\n".join(lines) + "\n")
    print(f"wrote {len(all_ngrams)} n-grams for {len(LANGUAGES)} languages to {arguments.output}")


if __name__ == "__main__":
    main()
