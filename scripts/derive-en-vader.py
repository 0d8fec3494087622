#!/usr/bin/env python3
"""Derive Peil's English sentiment lexicon from VADER's lexicon.

Source: vader_lexicon.txt from vaderSentiment 3.3.2 (PyPI), by C.J. Hutto, MIT licence
(Copyright (c) 2016 C.J. Hutto). Each line of the source is
`token<TAB>mean valence (-4..4)<TAB>standard deviation<TAB>ten human ratings`.

What this script does (stdlib only, deterministic):
  1. obtains the lexicon: from --lexicon PATH, from --wheel PATH (a vaderSentiment wheel), or,
     with neither, by running `pip download --no-deps vaderSentiment==3.3.2` into a temporary
     folder;
  2. keeps the token and its mean valence scaled to -1..1 (divided by 4), three decimals;
  3. writes `token<TAB>valence` sorted by token, with a header that carries the MIT notice.

Usage:
    python3 scripts/derive-en-vader.py [--lexicon PATH | --wheel PATH] [--output PATH]
Default output: crates/analysis/data/en-vader.tsv.
"""

import argparse
import glob
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile

REPOSITORY_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPOSITORY_ROOT, "crates", "analysis", "data", "en-vader.tsv")
VADER_VERSION = "3.3.2"
LEXICON_MEMBER = "vaderSentiment/vader_lexicon.txt"

MIT_NOTICE = """The MIT License (MIT)
Copyright (c) 2016 C.J. Hutto
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:
The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE."""


def lexicon_bytes_from_wheel(wheel_path):
    with zipfile.ZipFile(wheel_path) as wheel:
        return wheel.read(LEXICON_MEMBER)


def download_wheel(folder):
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        f"vaderSentiment=={VADER_VERSION}", "-d", folder,
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wheels = glob.glob(os.path.join(folder, "vaderSentiment-*.whl"))
    if not wheels:
        sys.exit("pip did not produce a vaderSentiment wheel")
    return wheels[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexicon", help="path to vader_lexicon.txt")
    parser.add_argument("--wheel", help="path to a vaderSentiment wheel")
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    arguments = parser.parse_args()

    if arguments.lexicon:
        with open(arguments.lexicon, "rb") as lexicon_file:
            raw = lexicon_file.read()
    elif arguments.wheel:
        raw = lexicon_bytes_from_wheel(arguments.wheel)
    else:
        with tempfile.TemporaryDirectory() as folder:
            raw = lexicon_bytes_from_wheel(download_wheel(folder))
    source_sha256 = hashlib.sha256(raw).hexdigest()

    valences = {}
    for line in raw.decode("utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0].strip():
            continue
        try:
            mean_valence = float(fields[1])
        except ValueError:
            continue
        token = fields[0].strip()
        # Tab-free, newline-free tokens only: the TSV must stay one entry per line.
        if "\t" in token or "\n" in token:
            continue
        valences[token] = max(-1.0, min(1.0, mean_valence / 4.0))

    lines = [
        "# Peil English sentiment lexicon, derived from VADER's vader_lexicon.txt",
        f"# (vaderSentiment {VADER_VERSION}, C.J. Hutto). Valence = VADER mean valence / 4, in -1..1.",
        f"# Source sha256: {source_sha256}",
        "# Derived by scripts/derive-en-vader.py. Do not edit by hand; re-run the script.",
    ]
    lines += ["# " + notice_line for notice_line in MIT_NOTICE.splitlines()]
    lines.append("# token\tvalence")
    for token in sorted(valences):
        lines.append(f"{token}\t{valences[token]:.3f}")
    os.makedirs(os.path.dirname(arguments.output), exist_ok=True)
    with open(arguments.output, "w", encoding="utf-8", newline="\n") as output_file:
        output_file.write("\n".join(lines) + "\n")
    print(f"wrote {len(valences)} tokens to {arguments.output}")


if __name__ == "__main__":
    main()
