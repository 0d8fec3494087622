#!/usr/bin/env bash
# Side-by-side de-identification benchmark: Peil vs deduce (UMC Utrecht) vs Presidio.
#
# One run measures all three on the same inputs from ../shared/data (next to the repository):
#   * per-type span recall, redaction precision and org_kept on pii-gold-dev.jsonl;
#   * person-name token precision/recall/F1 on CoNLL-2002 Dutch testb;
#   * posts per second on one core on the CONTENT column of the MP tweets, and start-up time;
# and prints one Markdown table with Peil's ratios/differences to stdout. All figures go to
# bench/results/compare-deid.json (the table also to bench/results/compare-deid.md).
#
# Order: accuracy (Peil, deduce, Presidio), then speed and start-up with the tools in turn so that
# they see the same load. Peil is scored by its own `peil eval deid --json`; the baselines by bench/compare_deid.py with the
# same definitions. deduce and presidio-analyzer are installed from PyPI into a throwaway
# virtualenv (default: ${TMPDIR:-/tmp}/peil-compare-deid-venv, reused by later runs; --fresh-venv
# makes a new one), never into the system Python. deduce is a baseline only: its lookup lists are
# GPL-3.0 and nothing of them enters this repository.
#
# Usage: bench/compare-deid.sh [--fresh-venv] [--no-build] [--no-pin] [--speed-runs N]
#                              [--startup-runs N]
#   --speed-runs N    speed measurements per tool, taken in turn; the median counts (3)
#   --startup-runs N  fresh processes per tool for the start-up time; the median counts (3)
#   --no-pin          do not pin to one core (default: taskset -c 0 where available)
#   --no-build        use the existing target/release/peil
#   --fresh-venv      remove and recreate the virtualenv (measures deduce's first use again)
# Environment: PEIL_SHARED_DATA (default: <repo>/../shared/data), PEIL_COMPARE_VENV,
#              DEDUCE_VERSION (3.0.6), PRESIDIO_VERSION (2.2.366), PYTHON (python3).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; }
die() { echo "compare-deid: $*" >&2; exit 1; }
say() { echo "compare-deid: $*" >&2; }

fresh_venv=0
build=1
pin_args=()
startup_runs=3
speed_runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh-venv) fresh_venv=1 ;;
    --no-build) build=0 ;;
    --no-pin) pin_args=(--no-pin) ;;
    --startup-runs)
      [ $# -ge 2 ] || die "--startup-runs needs a number"
      startup_runs="$2"; shift ;;
    --speed-runs)
      [ $# -ge 2 ] || die "--speed-runs needs a number"
      speed_runs="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
case "$startup_runs" in ''|*[!0-9]*|0) die "--startup-runs must be a positive integer" ;; esac
case "$speed_runs" in ''|*[!0-9]*|0) die "--speed-runs must be a positive integer" ;; esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# ---- inputs ------------------------------------------------------------------------------------
data="${PEIL_SHARED_DATA:-$repo_root/../shared/data}"
[ -d "$data" ] || die "no shared data folder at $data
  The evaluation data lives next to the repository in ../shared/data (it may not be copied into
  the repository). Set PEIL_SHARED_DATA to its location if it is elsewhere."
data="$(cd "$data" && pwd)"
gold="$data/pii-gold-dev.jsonl"
conll="$data/conll2002-nl/ned.testb.utf8"
tweets="$data/nl-mp-tweets/example_raw_tweets.csv"
for file in "$gold" "$conll" "$tweets"; do
  [ -f "$file" ] || die "missing input $file (expected inside $data)"
done

# ---- tools -------------------------------------------------------------------------------------
python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || die "$python not found: Python 3.9+ with venv is needed"
"$python" -c 'import sys, venv; sys.exit(sys.version_info < (3, 9))' 2>/dev/null \
  || die "$python must be Python 3.9 or newer with the venv module"
if [ "${#pin_args[@]}" -eq 0 ] && ! command -v taskset >/dev/null 2>&1; then
  say "taskset not found: speed runs will not be pinned to one core"
fi

if [ "$build" -eq 1 ]; then
  command -v cargo >/dev/null 2>&1 || die "cargo not found (or pass --no-build with a built target/release/peil)"
  say "building Peil (cargo build --release -p peil-cli) …"
  cargo build --release -p peil-cli >&2
fi
peil="$repo_root/target/release/peil"
[ -x "$peil" ] || die "no $peil: run cargo build --release -p peil-cli"

# ---- throwaway virtualenv with the baselines (PyPI only) ---------------------------------------
deduce_version="${DEDUCE_VERSION:-3.0.6}"
presidio_version="${PRESIDIO_VERSION:-2.2.366}"
venv="${PEIL_COMPARE_VENV:-${TMPDIR:-/tmp}/peil-compare-deid-venv}"
stamp="$venv/.peil-compare-deid-stamp"
want="deduce==$deduce_version presidio-analyzer==$presidio_version"
case "$venv" in
  ""|/|"$HOME"|"$repo_root"|"$repo_root"/*) die "refusing to use $venv as a throwaway virtualenv" ;;
esac
if [ "$fresh_venv" -eq 1 ] && [ -d "$venv" ]; then
  [ -f "$stamp" ] || [ -f "$venv/pyvenv.cfg" ] || die "$venv exists and is not a virtualenv: not removing it"
  say "removing $venv (--fresh-venv)"
  rm -rf -- "$venv"
fi
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  if [ -e "$venv" ] && [ ! -f "$venv/pyvenv.cfg" ]; then
    die "$venv exists and is not a virtualenv: remove it or set PEIL_COMPARE_VENV"
  fi
  say "creating virtualenv $venv and installing $want from PyPI …"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "deduce==$deduce_version" "presidio-analyzer==$presidio_version" >&2
  # A new install means deduce's lookup structures are built again on first use.
  rm -f "$venv/.peil-deduce-first-use.json"
  echo "$want" > "$stamp"
else
  say "reusing virtualenv $venv ($want)"
fi

# ---- measure (sequentially) ---------------------------------------------------------------------
exec "$venv/bin/python" "$repo_root/bench/compare_deid.py" run \
  --peil "$peil" --gold "$gold" --conll "$conll" --speed "$tweets" \
  --results "$repo_root/bench/results" --repo-root "$repo_root" \
  --startup-runs "$startup_runs" --speed-runs "$speed_runs" "${pin_args[@]+"${pin_args[@]}"}"
