#!/usr/bin/env bash
# API fuzzing of `peil serve` against its own OpenAPI document with schemathesis (issue 6).
#
# A throwaway virtualenv (under $CARGO_TARGET_DIR/api-fuzz, kept between runs) gets a pinned
# schemathesis; the debug `peil` binary fills a fresh data directory (tests/api-fuzz/setup.py:
# two organisations, users of every role, an active workspace with a monitor and synthetic
# posts), `peil serve --insecure-dev-cookies` listens on a free loopback port, and schemathesis
# runs every operation of /api/v1/openapi.json four times: with an analyst API token of the
# workspace (Authorization: Bearer) and with the admin's session (cookie and X-CSRF-Token; the
# logout is left out, it would end the session the rest of the run uses), each once with any
# workspace id the generator makes and once with the id of the fuzzed workspace (so that the
# operations behind the id are reached, not only their 404).
# Checks: not_a_server_error, status_code_conformance, content_type_conformance,
# response_schema_conformance, response_headers_conformance. Any failure exits non-zero.
#
# Environment: PEIL_BIN (default: build with `cargo build -p peil-cli`), FUZZ_MAX_EXAMPLES
# (cases per operation and phase, default 40), FUZZ_SEED (default 6), PEIL_FUZZ_KEEP=1 keeps
# the data directory and the reports.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCHEMATHESIS_VERSION=4.32.5
target="$(mkdir -p "${CARGO_TARGET_DIR:-target}" && cd "${CARGO_TARGET_DIR:-target}" && pwd)"
fuzz_dir="$target/api-fuzz"
mkdir -p "$fuzz_dir"

if [ ! -x "$fuzz_dir/venv/bin/python" ]; then
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "installing: python3-venv"
    if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
    "${apt_get[@]}" update
    DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y python3-venv
  fi
  python3 -m venv "$fuzz_dir/venv"
fi
"$fuzz_dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "schemathesis==$SCHEMATHESIS_VERSION"

if [ -z "${PEIL_BIN:-}" ]; then
  cargo build -p peil-cli
  PEIL_BIN="$target/debug/peil"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/peil-api-fuzz.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "${PEIL_FUZZ_KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

port="$("$fuzz_dir/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
python="$fuzz_dir/venv/bin/python"

"$python" tests/api-fuzz/setup.py "$PEIL_BIN" "$work/data" "$base" "$work" data
"$PEIL_BIN" --data-dir "$work/data" serve --listen "127.0.0.1:$port" --insecure-dev-cookies \
  --retention-interval-hours 0 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  if "$python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$base/healthz" 2>/dev/null; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
eval "$("$python" tests/api-fuzz/setup.py "$PEIL_BIN" "$work/data" "$base" "$work" login)"

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
common=(
  "$base/api/v1/openapi.json" --url "$base"
  --checks "$checks" --max-examples "${FUZZ_MAX_EXAMPLES:-40}" --seed "${FUZZ_SEED:-6}"
  --phases examples,coverage,fuzzing --workers 1 --request-timeout 30
  --suppress-health-check all --no-color
)
printf '[parameters]\n"path.id" = %s\n' "$WORKSPACE" >"$work/fixed-id.toml"
status=0
run_pass() { # label, config ("" or the fixed-id file), then the auth arguments
  local label="$1" config="$2"
  shift 2
  echo "== schemathesis: $label =="
  local config_args=()
  [ -n "$config" ] && config_args=(--config-file "$config")
  "$fuzz_dir/venv/bin/schemathesis" "${config_args[@]}" run "${common[@]}" "$@" \
    --report junit --report-junit-path "$work/$(echo "$label" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' -).xml" || status=1
}
token=(-H "Authorization: Bearer $TOKEN")
session=(-H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" --exclude-method DELETE)
run_pass "API token, any id" "" "${token[@]}"
run_pass "API token, id of its workspace" "$work/fixed-id.toml" "${token[@]}"
run_pass "admin session, any id" "" "${session[@]}"
run_pass "admin session, id of the workspace" "$work/fixed-id.toml" "${session[@]}"
if grep -q "panicked" "$work/server.log"; then
  echo "error: the server panicked during the fuzz run" >&2
  status=1
fi
if [ "$status" != 0 ]; then
  echo "server log (last 50 lines):" >&2
  tail -n 50 "$work/server.log" >&2
fi
exit "$status"
