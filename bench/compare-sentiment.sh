#!/usr/bin/env bash
# Side-by-side Dutch sentiment benchmark: Peil vs Pattern (CLiPS pattern.nl.sentiment).
#
# One run scores both tools on the same files from ../shared/data (next to the repository):
#   * nl-mp-tweets/test-data-polarity.jsonl (3 classes, test): macro-F1 and accuracy; Pattern's
#     neutral band [lo, hi] is chosen on the dev file gold-polarity.jsonl only (highest macro-F1
#     on a 0.01 grid) and then applied unchanged to the test file;
#   * bol-reviews-nl/polarity-nl-bol.com.csv (2 classes): accuracy; Pattern is positive when
#     polarity >= 0.1 (its own default), Peil maps neutral by the sign of its raw score;
# and prints a Markdown table with the targets of issue 4 (Peil macro-F1 >= Pattern + 5 points on
# the tweets; Peil accuracy >= Pattern + 3 points on bol.com) and whether they are met. All
# figures go to bench/results/compare-sentiment.json (the table also to compare-sentiment.md).
#
# Peil is scored by its own `peil eval sentiment --json`; Pattern by bench/compare_sentiment.py
# with the same readers and metric definitions. Pattern is PyPI pattern3 3.0.0, installed with
# --no-deps (its dependencies are web/PDF/docx libraries that pattern3.text.nl does not use) into
# a throwaway virtualenv (default ${TMPDIR:-/tmp}/peil-compare-sentiment-venv, reused by later
# runs; --fresh-venv makes a new one), never into the system Python. pattern3 3.0.0 does not
# import on Python 3 as published: two `try:` blocks (text/tree.py, text/search.py) are empty;
# the script fills every empty `try:` block of the installed copy with `pass`.
# When pattern3 cannot be installed or imported (no network, newer Python), --engine auto falls
# back to the script's port of pattern.nl.sentiment on ../shared/data/lexicons/nl-sentiment.xml
# (`compare_sentiment.py agreement` checks the port against the real pattern3 text by text);
# the table names the route taken.
#
# Usage: bench/compare-sentiment.sh [--engine auto|pattern3|reimpl] [--fresh-venv] [--no-build]
#                                   [--check]
#   --engine E    auto (default): pattern3 if it installs and imports, else the port;
#                 pattern3: fail unless the real package works; reimpl: the port only
#   --fresh-venv  remove and recreate the virtualenv
#   --no-build    use the existing target/release/peil (under $CARGO_TARGET_DIR when set)
#   --check       exit with status 2 when a target is not met
# Environment: PEIL_SHARED_DATA (default: <repo>/../shared/data), CARGO_TARGET_DIR, PEIL_COMPARE_SENTIMENT_VENV,
#              PATTERN_VERSION (3.0.0), PYTHON (python3).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; }
die() { echo "compare-sentiment: $*" >&2; exit 1; }
say() { echo "compare-sentiment: $*" >&2; }

engine=auto
fresh_venv=0
build=1
check_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --engine)
      [ $# -ge 2 ] || die "--engine needs auto, pattern3 or reimpl"
      engine="$2"; shift ;;
    --engine=*) engine="${1#--engine=}" ;;
    --fresh-venv) fresh_venv=1 ;;
    --no-build) build=0 ;;
    --check) check_args=(--check) ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
case "$engine" in auto|pattern3|reimpl) ;; *) die "--engine must be auto, pattern3 or reimpl" ;; esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# ---- inputs ------------------------------------------------------------------------------------
data="${PEIL_SHARED_DATA:-$repo_root/../shared/data}"
[ -d "$data" ] || die "no shared data folder at $data
  The evaluation data lives next to the repository in ../shared/data (it may not be copied into
  the repository). Set PEIL_SHARED_DATA to its location if it is elsewhere."
data="$(cd "$data" && pwd)"
tweets_dev="$data/nl-mp-tweets/gold-polarity.jsonl"
tweets_test="$data/nl-mp-tweets/test-data-polarity.jsonl"
bol="$data/bol-reviews-nl/polarity-nl-bol.com.csv"
lexicon="$data/lexicons/nl-sentiment.xml"
for file in "$tweets_dev" "$tweets_test" "$bol"; do
  [ -f "$file" ] || die "missing input $file (expected inside $data)"
done
if [ "$engine" = reimpl ] && [ ! -f "$lexicon" ]; then
  die "missing $lexicon (needed by --engine reimpl)"
fi

# ---- tools -------------------------------------------------------------------------------------
python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || die "$python not found: Python 3.9+ with venv is needed"
"$python" -c 'import sys, venv; sys.exit(sys.version_info < (3, 9))' 2>/dev/null \
  || die "$python must be Python 3.9 or newer with the venv module"

if [ "$build" -eq 1 ]; then
  command -v cargo >/dev/null 2>&1 || die "cargo not found (or pass --no-build with a built target/release/peil)"
  say "building Peil (cargo build --release -p peil-cli) …"
  cargo build --release -p peil-cli >&2
fi
target_dir="${CARGO_TARGET_DIR:-$repo_root/target}"
case "$target_dir" in /*) ;; *) target_dir="$repo_root/$target_dir" ;; esac
peil="$target_dir/release/peil"
[ -x "$peil" ] || die "no $peil: run cargo build --release -p peil-cli"

# ---- Pattern: throwaway virtualenv with pattern3 from PyPI -------------------------------------
run_python="$python"
if [ "$engine" != reimpl ]; then
  pattern_version="${PATTERN_VERSION:-3.0.0}"
  venv="${PEIL_COMPARE_SENTIMENT_VENV:-${TMPDIR:-/tmp}/peil-compare-sentiment-venv}"
  stamp="$venv/.peil-compare-sentiment-stamp"
  want="pattern3==$pattern_version --no-deps, empty try: blocks filled"
  case "$venv" in
    ""|/|"$HOME"|"$repo_root"|"$repo_root"/*) die "refusing to use $venv as a throwaway virtualenv" ;;
  esac
  if [ "$fresh_venv" -eq 1 ] && [ -d "$venv" ]; then
    [ -f "$stamp" ] || [ -f "$venv/pyvenv.cfg" ] || die "$venv exists and is not a virtualenv: not removing it"
    say "removing $venv (--fresh-venv)"
    rm -rf -- "$venv"
  fi
  ready=0
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$want" ]; then
    say "reusing virtualenv $venv ($want)"
    ready=1
  else
    if [ -e "$venv" ] && [ ! -f "$venv/pyvenv.cfg" ]; then
      die "$venv exists and is not a virtualenv: remove it or set PEIL_COMPARE_SENTIMENT_VENV"
    fi
    say "creating virtualenv $venv and installing pattern3==$pattern_version from PyPI …"
    rm -f "$stamp"
    if "$python" -m venv "$venv" \
      && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
           "pattern3==$pattern_version" >&2; then
      # Fill every empty `try:` block of the installed package with `pass` (pattern3 3.0.0 has
      # two: text/tree.py and text/search.py). Idempotent; touches only files that change.
      if "$venv/bin/python" - <<'PATCH' >&2
import importlib.util, pathlib, re, sys
spec = importlib.util.find_spec("pattern3")
if spec is None or not spec.submodule_search_locations:
    sys.exit("pattern3 is not installed")
root = pathlib.Path(list(spec.submodule_search_locations)[0])
empty_try = re.compile(r"(?m)^([ \t]*)try:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*(?=\1(?:except|finally)\b)")
patched = []
for path in sorted(root.rglob("*.py")):
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    new, count = empty_try.subn(lambda m: m.group(0) + m.group(1) + "    pass\n", text)
    if count:
        path.write_text(new, encoding="utf-8", errors="surrogateescape")
        patched.append(f"{path.relative_to(root)} ({count})")
print("compare-sentiment: filled empty try: blocks in " + (", ".join(patched) or "no file"))
PATCH
      then
        ready=1
      fi
    fi
    if [ "$ready" -eq 1 ]; then
      echo "$want" > "$stamp"
    fi
  fi
  if [ "$ready" -eq 1 ] && "$venv/bin/python" -c '
from pattern3.text.nl import sentiment
assert sentiment("een heel goed boek")[0] > 0 and sentiment("slecht")[0] < 0
' >&2; then
    run_python="$venv/bin/python"
  elif [ "$engine" = pattern3 ]; then
    die "pattern3 could not be installed or imported in $venv (see above); try --fresh-venv, or --engine reimpl"
  else
    say "pattern3 is not usable (see above): falling back to the port of pattern.nl.sentiment"
    [ -f "$lexicon" ] || die "missing $lexicon (needed by the fallback)"
    engine=reimpl
  fi
fi

# ---- measure -----------------------------------------------------------------------------------
exec "$run_python" "$repo_root/bench/compare_sentiment.py" run \
  --engine "$engine" --peil "$peil" \
  --tweets-dev "$tweets_dev" --tweets-test "$tweets_test" --bol "$bol" --lexicon "$lexicon" \
  --results "$repo_root/bench/results" --repo-root "$repo_root" \
  "${check_args[@]+"${check_args[@]}"}"
