#!/usr/bin/env bash
# deploy/prometheus and deploy/grafana, statically: promtool check rules (every
# rule file), promtool test rules (every test file), promtool check config (the
# example as shipped, and with its metrics_token block uncommented); then that
# every alert has a unit test where it fires and one where it does not, and a
# runbook line in README, and that every dashboard panel uses ${datasource}.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
prom=$root/deploy/prometheus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

promtool check rules "$prom"/rules/*.yml || fail "promtool check rules"
(cd "$prom" && promtool test rules tests/*.yml) || fail "promtool test rules"
promtool check config "$prom/prometheus.yml" || fail "promtool check config (as shipped)"

# The bearer-token variant: the commented block, uncommented, with a token file.
cp -r "$prom/rules" "$tmp/rules"
printf '%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$tmp/token"
awk -v tok="$tmp/token" '
  /# BEGIN metrics_token/ {inside = 1; next}
  /# END metrics_token/ {inside = 0; next}
  inside { sub(/# /, ""); sub(/credentials_file: .*/, "credentials_file: " tok) }
  { print }' "$prom/prometheus.yml" >"$tmp/prometheus.yml"
grep -q "credentials_file: $tmp/token" "$tmp/prometheus.yml" || fail "no metrics_token block to uncomment in prometheus.yml"
promtool check config "$tmp/prometheus.yml" || fail "promtool check config (with authorization.credentials_file)"

python3 - "$root" <<'PY'
import json, glob, re, sys
root = sys.argv[1]
errors = []
# The files promtool just accepted, read by their YAML layout (stdlib only).
alerts = [a for f in glob.glob(f"{root}/deploy/prometheus/rules/*.yml")
          for a in re.findall(r"^\s*- alert: (\w+)\s*$", open(f).read(), re.M)]
if not alerts:
    errors.append("no alert rules found")
fires, quiet = set(), set()
for f in glob.glob(f"{root}/deploy/prometheus/tests/*.yml"):
    for name, empty in re.findall(r"^\s*alertname: (\w+)\s*\n\s*exp_alerts:( \[\])?", open(f).read(), re.M):
        (quiet if empty else fires).add(name)
readme = open(f"{root}/README.md").read()
for a in alerts:
    if a not in fires: errors.append(f"{a}: no unit test where it fires")
    if a not in quiet: errors.append(f"{a}: no unit test where it does not fire")
    if not re.search(rf"^\| `{a}` \|", readme, re.M): errors.append(f"{a}: no runbook row in README")
for f in glob.glob(f"{root}/deploy/grafana/dashboards/*.json"):
    d = json.load(open(f))
    names = [v["name"] for v in d["templating"]["list"]]
    if "datasource" not in names: errors.append(f"{f}: no datasource variable")
    for p in d["panels"]:
        for t in [p] + p.get("targets", []):
            if t.get("datasource", {}).get("uid") != "${datasource}":
                errors.append(f"{f}: panel {p['title']!r} does not use ${{datasource}}")
        if not p.get("targets"): errors.append(f"{f}: panel {p['title']!r} has no query")
for e in errors: print("FAIL:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
echo "ok: rules, rule tests, config, alert coverage and dashboards"
