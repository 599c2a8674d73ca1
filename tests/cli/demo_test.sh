#!/usr/bin/env bash
# `ccpulse demo` as the README's first command runs it: it prints its URLs
# and the mock cluster's address, serves /readyz and promtool-clean /metrics
# while traffic flows, lets kcat (an outside client) see its topics, prints
# live summaries, and stops cleanly after --duration.
set -euo pipefail
ccpulse=$1
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
fail() { echo "FAIL: $*" >&2; echo "--- stdout" >&2; cat "$out" >&2; echo "--- stderr" >&2; tail -n 20 "$err" >&2; exit 1; }

# Long enough for a slow group join (sanitizer builds, a loaded machine):
# the mock cluster needs ~3 s per rebalance round, sometimes several rounds.
"$ccpulse" demo --duration 40s --rate 20 --port 0 >"$out" 2>"$err" &
pid=$!
deadline=$((SECONDS + 10))
until grep -q '^  metrics ' "$out"; do
  [ $SECONDS -lt $deadline ] || fail "no URLs printed"
  sleep 0.1
done
metrics_url=$(awk '/^  metrics /{print $2}' "$out")
base=${metrics_url%/metrics}
bootstrap=$(awk '/^  kafka /{print $2}' "$out")

deadline=$((SECONDS + 30))
until curl -sf "$base/readyz" >/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "/readyz never became 200"
  sleep 0.2
done
deadline=$((SECONDS + 10))
until [ "$(curl -sf "$base/metrics" | awk '$1 == "ccpulse_events_consumed_total" {print ($2 > 0)}')" = 1 ]; do
  [ $SECONDS -lt $deadline ] || fail "no events consumed"
  sleep 0.2
done
curl -sf "$base/metrics" | promtool check metrics || fail "promtool rejected /metrics"
kcat -b "$bootstrap" -L 2>/dev/null | grep -q 'topic "ccpulse.alerts"' || fail "kcat cannot see ccpulse.alerts at $bootstrap"

wait "$pid" || fail "demo exited non-zero"
grep -q 'stopped cleanly' "$out" || fail "no clean stop"
[ "$(grep -c '^produced=' "$out")" -ge 2 ] || fail "fewer than two summary lines"
echo "demo_test: all checks passed"
