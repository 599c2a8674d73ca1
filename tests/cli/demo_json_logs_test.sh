#!/usr/bin/env bash
# `ccpulse demo` with logging.format: json writes only JSON objects to
# stderr, one per line, each with ts, level, msg, instance and component,
# the workers' lines with their worker id (README "Logs"); its banner stays
# plain text on stdout.
set -euo pipefail
ccpulse=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
pid=
fail() { echo "FAIL: $*" >&2; echo "--- stderr" >&2; tail -n 20 "$dir/err" >&2; exit 1; }

cp "$root/config/demo.yaml" "$dir/demo.yaml"
printf '\nlogging:\n  format: json\n  level: info\n' >>"$dir/demo.yaml"
"$ccpulse" check-config "$dir/demo.yaml" >/dev/null || fail "check-config refused logging: format: json"

"$ccpulse" demo --config "$dir/demo.yaml" --duration 20s --rate 20 --port 0 >"$dir/out" 2>"$dir/err" &
pid=$!
# Until a worker has its partitions (the mock cluster's join takes ~3 s a round).
deadline=$((SECONDS + 60))
until grep -q '"msg":"assigned partitions"' "$dir/err"; do
  kill -0 "$pid" 2>/dev/null || fail "demo exited before a worker was assigned partitions"
  [ $SECONDS -lt $deadline ] || fail "no worker was assigned partitions within 60 s"
  sleep 0.2
done
wait "$pid" || fail "demo exited non-zero"
pid=
grep -q 'stopped cleanly' "$dir/out" || fail "no clean stop on stdout"

python3 - "$dir/err" <<'PY' || fail "stderr is not JSON lines"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines, "no log lines at all"
workers = 0
for n, line in enumerate(lines, 1):
    try:
        o = json.loads(line)
    except ValueError as e:
        sys.exit(f"line {n} is not JSON ({e}): {line[:200]}")
    if not isinstance(o, dict):
        sys.exit(f"line {n} is not an object: {line[:200]}")
    for k in ("ts", "level", "msg", "instance", "component"):
        if k not in o:
            sys.exit(f"line {n} lacks {k}: {line[:200]}")
    if o["instance"] != "ccpulse-demo":
        sys.exit(f"line {n}: instance {o['instance']!r}, expected the config's instance_id")
    if o["level"] not in ("info", "warn", "error"):
        sys.exit(f"line {n}: level {o['level']!r} below the configured info")
    if o["msg"] == "assigned partitions":
        if not isinstance(o.get("worker"), int) or not isinstance(o.get("partitions"), int):
            sys.exit(f"line {n}: an assignment without integer worker and partitions: {line[:200]}")
        workers += 1
assert workers >= 1, "no assignment line"
print(f"{len(lines)} JSON log lines, {workers} assignment lines")
PY
echo "PASS: demo logs JSON lines"
