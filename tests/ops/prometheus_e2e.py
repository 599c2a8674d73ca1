#!/usr/bin/env python3
"""deploy/prometheus and deploy/grafana against a real Prometheus.

Starts `ccpulse demo` on a free loopback port and Debian's prometheus scraping
it every 2 s with deploy/prometheus/rules/*.yml loaded (evaluated every 2 s),
then asks Prometheus's HTTP API that: the target is up; /api/v1/rules lists
every rule file with every rule healthy; every recording rule returns data;
every metric an alert rule reads exists; every Grafana panel query and every
template-variable query returns data (variables substituted: $queue and
$instance with .*, $window with 15m, $__rate_interval and $__interval with 1m).
Polls with deadlines, never fixed sleeps. Usage: prometheus_e2e.py CCPULSE
"""
import glob, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RULES = sorted(glob.glob(os.path.join(ROOT, "deploy/prometheus/rules/*.yml")))
DASHBOARDS = sorted(glob.glob(os.path.join(ROOT, "deploy/grafana/dashboards/*.json")))
SUBST = {"$__rate_interval": "1m", "$__interval": "1m", "${queue}": ".*", "$queue": ".*",
         "${instance}": ".*", "$instance": ".*", "${window}": "15m", "$window": "15m"}
NAME = re.compile(r"(?<![\w:\"])(?:[a-z_]+:)?ccpulse_[a-z0-9_]+(?::[a-z0-9_]+)?")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout):
    """Polls check() until it returns a true value; fails after timeout s."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            got = check()
            if got:
                return got
        except OSError as e:  # not listening yet, reset, ...
            last = e
        if time.monotonic() > deadline:
            raise SystemExit(f"FAIL: {what} within {timeout} s" + (f" (last error: {last})" if last else ""))
        time.sleep(0.5)


def substitute(expr):
    for k in sorted(SUBST, key=len, reverse=True):
        expr = expr.replace(k, SUBST[k])
    return expr


def main():
    ccpulse = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ccpulse-prom-")
    procs = []
    try:
        demo_out = open(os.path.join(tmp, "demo.out"), "w+")
        demo = subprocess.Popen([ccpulse, "demo", "--duration", "80s", "--port", "0"],
                                stdout=demo_out, stderr=subprocess.STDOUT)
        procs.append(demo)

        def metrics_url():
            demo_out.seek(0)
            m = re.search(r"^  metrics\s+(http://\S+)", demo_out.read(), re.M)
            if demo.poll() is not None:
                raise SystemExit(f"FAIL: ccpulse demo exited with {demo.returncode}")
            return m and m.group(1)
        url = urllib.parse.urlparse(wait_for("ccpulse demo printing its metrics URL", metrics_url, 15))

        prom_port = free_port()
        config = {
            "global": {"scrape_interval": "2s", "evaluation_interval": "2s", "scrape_timeout": "1s"},
            "rule_files": RULES,
            "scrape_configs": [{"job_name": "ccpulse", "metrics_path": url.path,
                                "static_configs": [{"targets": [url.netloc]}]}],
        }
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            json.dump(config, f)  # JSON is YAML
        prom_log = open(os.path.join(tmp, "prometheus.log"), "w")
        prom = subprocess.Popen(["prometheus", f"--config.file={tmp}/prometheus.yml",
                                 f"--storage.tsdb.path={tmp}/data",
                                 f"--web.listen-address=127.0.0.1:{prom_port}"],
                                stdout=prom_log, stderr=subprocess.STDOUT)
        procs.append(prom)
        api = f"http://127.0.0.1:{prom_port}/api/v1"

        def get(path, **params):
            if prom.poll() is not None:
                raise SystemExit(f"FAIL: prometheus exited with {prom.returncode}; see its log")
            q = ("?" + urllib.parse.urlencode(params)) if params else ""
            with urllib.request.urlopen(api + path + q, timeout=5) as r:
                body = json.load(r)
            if body.get("status") != "success":
                raise SystemExit(f"FAIL: {path} {params}: {body}")
            return body["data"]

        def query(expr):
            return get("/query", query=expr)["result"]

        def targets_up():
            active = get("/targets")["activeTargets"]
            return active and all(t["health"] == "up" for t in active)
        wait_for("the ccpulse target up in Prometheus", targets_up, 30)
        # Window series and rates need the demo's traffic and two scrapes.
        wait_for("events consumed", lambda: query("rate(ccpulse_events_consumed_total[1m]) > 0"), 40)

        failures = []

        def rules_ok():
            groups = get("/rules")["groups"]
            files = {g["file"] for g in groups}
            missing = [f for f in RULES if f not in files]
            bad = [(r["name"], r["health"], r.get("lastError", "")) for g in groups for r in g["rules"]
                   if r["health"] != "ok"]
            return (not missing and not bad and groups), missing, bad, groups
        deadline = time.monotonic() + 20
        while True:
            ok, missing, bad, groups = rules_ok()
            if ok:
                break
            if time.monotonic() > deadline:
                failures += [f"rule file not loaded: {f}" for f in missing]
                failures += [f"rule {n}: health {h} {e}" for n, h, e in bad]
                break
            time.sleep(0.5)

        # The rule names from the files (stdlib only: by their YAML layout),
        # the expressions as Prometheus parsed them; both must agree.
        def names(kind):
            return sorted(n for f in RULES for n in re.findall(rf"^\s*- {kind}: (\S+)\s*$", open(f).read(), re.M))
        records, alerts = names("record"), names("alert")
        loaded = [r for g in groups for r in g["rules"]]
        if sorted(r["name"] for r in loaded if r["type"] == "recording") != records:
            failures.append(f"recording rules loaded differ from the files: {records}")
        if sorted(r["name"] for r in loaded if r["type"] == "alerting") != alerts:
            failures.append(f"alert rules loaded differ from the files: {alerts}")
        alert_exprs = [(r["name"], r["query"]) for r in loaded if r["type"] == "alerting"]
        checks = [(f"recording rule {r}", r) for r in records]
        for alert, expr in alert_exprs:
            for name in sorted(set(NAME.findall(expr))):
                checks.append((f"alert {alert}: metric {name}", f'count({{__name__="{name}"}})'))
        for path in DASHBOARDS:
            d = json.load(open(path))
            base = os.path.basename(path)
            for v in d["templating"]["list"]:
                if v["type"] == "query":
                    q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
                    m = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", q)
                    if not m:
                        failures.append(f"{base}: variable {v['name']}: query not label_values(...): {q}")
                        continue
                    checks.append((f"{base}: variable {v['name']}", f"count by ({m.group(2)}) ({substitute(m.group(1))})"))
            for p in d["panels"]:
                for t in p.get("targets", []):
                    checks.append((f"{base}: panel {p['title']!r} {t['refId']}", substitute(t["expr"])))
        print(f"{len(checks)} queries: {len(records)} recording rules, alert metrics, dashboard panels and variables")

        # The demo's first queue alert (ccpulse_queue_alert_firing) comes
        # 30-45 s after its start.
        deadline = time.monotonic() + 60
        pending = checks
        while pending:
            still = []
            for what, expr in pending:
                try:
                    if not query(expr):
                        still.append((what, expr))
                except urllib.error.HTTPError as e:
                    failures.append(f"{what}: {expr}: HTTP {e.code} {e.read().decode(errors='replace')[:300]}")
            pending = still
            if pending and time.monotonic() > deadline:
                failures += [f"{what}: no data: {expr}" for what, expr in pending]
                break
            if pending:
                time.sleep(1)

        for f in failures:
            print("FAIL:", f, file=sys.stderr)
        if failures:
            return 1
        print(f"ok: {len(RULES)} rule files healthy, {len(checks)} queries returned data")
        return 0
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if os.environ.get("KEEP_TMP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
