#!/usr/bin/env bash
# `ccpulse replay` as the README walks through it: against `ccpulse demo`'s
# mock cluster, the replay command the demo prints, with the tighter voice
# targets of config/replay-tighter.yaml. Checks byte-identical reports for a
# closed range, at least as many breaches per queue for the shorter targets,
# --queues, an empty range, a bad --to and a bad candidate file (FILE:LINE:COLUMN).
set -euo pipefail
ccpulse=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; echo "--- demo stdout" >&2; head -n 12 "$work/demo.out" >&2; exit 1; }

"$ccpulse" demo --duration 90s --rate 10 --port 0 >"$work/demo.out" 2>"$work/demo.err" &
pid=$!
deadline=$((SECONDS + 20))
until grep -q '^  replay ' "$work/demo.out"; do
  [ $SECONDS -lt $deadline ] || fail "the demo printed no replay command"
  sleep 0.1
done
# The printed command, run with the binary under test.
read -r -a cmd < <(sed -n 's/^  replay    ccpulse //p' "$work/demo.out")
from=$(sed -n 's/.*--from \([^ ]*\).*/\1/p' <<<"${cmd[*]}")
from_s=$(date -u -d "$from" +%s)
to=$(date -u -d "@$((from_s + 240))" +%Y-%m-%dT%H:%M:%SZ)  # 4 of the 5 minutes of history
replay() { "$ccpulse" "${cmd[@]}" "$@"; }
base=()  # the printed command without its --from
for ((i = 0; i < ${#cmd[@]}; i++)); do
  if [ "${cmd[i]}" = --from ]; then i=$((i + 1)); else base+=("${cmd[i]}"); fi
done

# The history is produced as fast as possible at the start; a closed range
# of it is complete once two reports agree.
deadline=$((SECONDS + 60))
replay --to "$to" --format json -o "$work/a.json" 2>"$work/err" || true
until replay --to "$to" --format json -o "$work/b.json" 2>"$work/err" && cmp -s "$work/a.json" "$work/b.json"; do
  [ $SECONDS -lt $deadline ] || fail "two replays of $from..$to never agreed: $(cat "$work/err")"
  cp "$work/b.json" "$work/a.json" 2>/dev/null || true
  sleep 0.5
done
replay --to "$to" --format json >"$work/c.json" 2>/dev/null || fail "replay to stdout failed"
cmp -s "$work/a.json" "$work/c.json" || fail "the same range gave different reports"
grep -q '"records": [1-9]' "$work/a.json" || fail "no records replayed: $(head -c 300 "$work/a.json")"
grep -q "\"to\": \"$to\"" "$work/a.json" || fail "the report does not name its range"

# The candidate's voice targets are shorter: never fewer breaches on a
# voice queue, and more at-risk warnings somewhere.
replay --to "$to" --format csv >"$work/r.csv" 2>/dev/null || fail "csv report failed"
head -n 1 "$work/r.csv" | grep -q '^queue,target,set,started,met,at_risk,breached,cancelled,open,breach_rate,' ||
  fail "csv header: $(head -n 1 "$work/r.csv")"
awk -F, 'NR > 1 && $3 == "live" { live[$1 "/" $2] = $7; started[$1 "/" $2] = $4 }
         NR > 1 && $3 == "candidate" { if ($7 < live[$1 "/" $2] || $4 != started[$1 "/" $2]) { print $1 "/" $2; bad = 1 } }
         END { exit bad }' "$work/r.csv" || fail "a queue breached less with shorter targets: $(cat "$work/r.csv")"
awk -F, '$3 == "diff" && $6 ~ /^\+/ { more = 1 } END { exit !more }' "$work/r.csv" ||
  fail "the tighter targets raised no more at-risk warnings: $(cat "$work/r.csv")"

# --compare-alerts: an `actual` line per row, from the demo's alerts topic.
replay --to "$to" --format csv --compare-alerts >"$work/a.csv" 2>/dev/null || fail "--compare-alerts failed"
rows=$(awk -F, '$3 == "live"' "$work/a.csv" | wc -l)
actual=$(awk -F, '$3 == "actual" && $6 ~ /^[0-9]+$/ && $7 ~ /^[0-9]+$/' "$work/a.csv" | wc -l)
[ "$rows" -gt 0 ] && [ "$rows" = "$actual" ] || fail "$rows rows but $actual actual lines: $(cat "$work/a.csv")"

# The table, and --queues.
replay --to "$to" --queues sales >"$work/t.txt" 2>/dev/null || fail "table report failed"
grep -Eq '^queue +target +set +started' "$work/t.txt" || fail "table header missing: $(cat "$work/t.txt")"
grep -Eq '^sales +answer +live ' "$work/t.txt" || fail "no sales answer row: $(cat "$work/t.txt")"
! grep -Eq '^(billing|support|web-chat) ' "$work/t.txt" || fail "--queues sales shows other queues"

# Range edges.
set +e
"$ccpulse" "${base[@]}" --from 2099-01-01T00:00:00Z >"$work/o" 2>"$work/e"; rc=$?
set -e
[ $rc = 2 ] && grep -q 'the range is empty' "$work/e" || fail "empty range: rc $rc, $(cat "$work/e")"
set +e
replay --to "$from" >"$work/o" 2>"$work/e"; rc=$?
set -e
[ $rc = 2 ] && grep -q 'is not after --from' "$work/e" || fail "--to before --from: rc $rc, $(cat "$work/e")"
printf 'policies:\n  - name: x\n    targets:\n      answer: { duration: 10q }\n' >"$work/bad.yaml"
set +e
"$ccpulse" replay --config config/demo.yaml --policies "$work/bad.yaml" --from "$from" >"$work/o" 2>"$work/e"; rc=$?
set -e
[ $rc = 2 ] && grep -q "^$work/bad.yaml:4:27: policies\[0\].targets.answer.duration: " "$work/e" ||
  fail "bad candidate: rc $rc, $(cat "$work/e")"
echo "replay CLI test passed"
