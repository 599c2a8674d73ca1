#!/usr/bin/python3
"""Soak: `ccpulse demo` at a high rate for a given time, sampled.

Starts `ccpulse demo --rate R --port 0` (the mock cluster, the simulator, the
whole pipeline with transactions, changelog and snapshots) and every
--interval seconds records, in a CSV:

  t_s            seconds since the demo printed its URLs
  rss_mb         the process's resident set (/proc/PID/status VmRSS)
  hwm_mb         its peak resident set so far (VmHWM)
  open           open interactions, all partitions (ccpulse_state_interactions)
  dedup_ids      event ids remembered for de-duplication (ccpulse_dedup_ids)
  repeat_index   customers in the repeat-contact index (ccpulse_repeat_index_customers)
  lag            consumer lag, all partitions (ccpulse_consumer_lag_messages)
  events_per_s   events consumed per second over the last interval
  alerts         SLA alerts produced so far (ccpulse_sla_alerts_total)
  latency_p99_ms p99 of deadline -> alert handed to the producer over the
                 last interval (ccpulse_alert_latency_seconds buckets, upper
                 bound of the bucket holding the 99th percentile)
  dead_letters   dead-lettered events so far

At the end it fits a least-squares line to RSS over the steady part (after
--warmup: the linger, dedup and window horizons fill state during the first
minutes) and prints the slope in MB/h and the figures for bench/RESULTS.md.
Exit 1 if the demo died, the slope is above --max-slope-mb-per-h, or no
events flowed. The Prometheus text is parsed with prometheus_client's parser
(Debian python3-prometheus-client).

With the defaults, state legitimately grows for days (tickets stay open up to
processing.max_open_age, 7d; the repeat-contact index remembers customers for
metrics.repeat_window, 7d), so RSS cannot be flat within an hour. --short-horizons
runs config/demo.yaml with max_open_age 20m and repeat_window 10m instead, so
every horizon is full before the warmup ends and a rising RSS means a leak.

Usage: bench/soak/soak.py CCPULSE [--duration 1h] [--rate 200] [--interval 10]
                         [--warmup 15m] [--csv FILE] [--max-slope-mb-per-h 8]
                         [--short-horizons] [-- DEMO ARGS]
"""
import argparse, math, os, re, signal, subprocess, sys, tempfile, time, urllib.request

import yaml

from prometheus_client.parser import text_string_to_metric_families

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def seconds(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 15m, 1h)")
    scale = {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600}[m.group(2)]
    return float(m.group(1)) * scale


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024.0  # kB -> MiB
    return out


def scrape(url):
    """Sums of the series soak reads, and the alert-latency buckets."""
    with urllib.request.urlopen(url, timeout=5) as r:
        text = r.read().decode()
    sums, buckets = {}, {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if s.name == "ccpulse_alert_latency_seconds_bucket":
                le = float(s.labels["le"])
                buckets[le] = buckets.get(le, 0.0) + s.value
            else:
                sums[s.name] = sums.get(s.name, 0.0) + s.value
    return sums, buckets


def p99_ms(prev, cur):
    """Upper bound (ms) of the bucket holding the 99th percentile of the
    observations between two scrapes; None when there were none."""
    delta = sorted((le, cur[le] - prev.get(le, 0.0)) for le in cur)
    if not delta or delta[-1][1] <= 0:
        return None
    total = delta[-1][1]  # le=+Inf is cumulative
    for le, n in delta:
        if n >= 0.99 * total:
            return math.inf if math.isinf(le) else le * 1000.0
    return math.inf


def slope_per_hour(points):
    """Least-squares slope of (t_s, y) in y per hour."""
    n = len(points)
    if n < 3:
        return float("nan")
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return 3600.0 * sum((t - mt) * (y - my) for t, y in points) / var if var else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ccpulse")
    ap.add_argument("--duration", type=seconds, default=3600.0)
    ap.add_argument("--rate", type=float, default=200.0, help="arrivals per second (demo --rate)")
    ap.add_argument("--interval", type=seconds, default=10.0)
    ap.add_argument("--warmup", type=seconds, default=900.0, help="excluded from the RSS slope")
    ap.add_argument("--csv", default=None, help="default: a file in a temp dir, printed")
    ap.add_argument("--max-slope-mb-per-h", type=float, default=8.0)
    ap.add_argument("--short-horizons", action="store_true",
                    help="config/demo.yaml with max_open_age 20m, repeat_window 10m")
    ap.add_argument("demo_args", nargs="*", help="more arguments for ccpulse demo (after --)")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="ccpulse-soak-")
    csv_path = a.csv or os.path.join(tmp, "soak.csv")
    log_path = os.path.join(tmp, "demo.log")
    log = open(log_path, "w+")
    if a.short_horizons:
        with open(os.path.join(ROOT, "config", "demo.yaml")) as f:
            cfg = yaml.safe_load(f)
        cfg.setdefault("processing", {})["max_open_age"] = "20m"
        cfg.setdefault("metrics", {})["repeat_window"] = "10m"
        short = os.path.join(tmp, "demo-short-horizons.yaml")
        with open(short, "w") as f:
            yaml.safe_dump(cfg, f, sort_keys=False)
        a.demo_args = ["--config", short, *a.demo_args]
    demo = subprocess.Popen([a.ccpulse, "demo", "--rate", str(a.rate), "--port", "0", *a.demo_args],
                            stdout=log, stderr=subprocess.STDOUT)

    def stop_demo(*_):
        if demo.poll() is None:
            demo.send_signal(signal.SIGINT)
            try:
                demo.wait(timeout=60)
            except subprocess.TimeoutExpired:
                demo.kill()
    signal.signal(signal.SIGTERM, lambda *_: (stop_demo(), sys.exit(1)))

    deadline = time.monotonic() + 30
    url = None
    while url is None:
        if demo.poll() is not None:
            sys.exit(f"FAIL: ccpulse demo exited with {demo.returncode}; log: {log_path}")
        if time.monotonic() > deadline:
            stop_demo()
            sys.exit(f"FAIL: ccpulse demo printed no metrics URL within 30 s; log: {log_path}")
        log.seek(0)
        m = re.search(r"^  metrics\s+(http://\S+)", log.read(), re.M)
        url = m and m.group(1)
        if url is None:
            time.sleep(0.2)

    print(f"soak: demo pid {demo.pid} at rate {a.rate:g}/s for {a.duration:g} s; "
          f"metrics {url}; samples -> {csv_path}", file=sys.stderr)
    cols = ["t_s", "rss_mb", "hwm_mb", "open", "dedup_ids", "repeat_index", "lag", "events_per_s", "alerts",
            "latency_p99_ms", "dead_letters"]
    rows, died = [], False
    t0 = time.monotonic()
    prev_events, prev_buckets, prev_t = None, {}, t0
    try:
        with open(csv_path, "w") as out:
            out.write(",".join(cols) + "\n")
            next_at = t0
            while True:
                now = time.monotonic()
                if now - t0 > a.duration:
                    break
                if demo.poll() is not None:
                    died = True
                    break
                if now < next_at:
                    time.sleep(min(1.0, next_at - now))
                    continue
                next_at += a.interval
                try:
                    st = proc_status(demo.pid)
                    sums, buckets = scrape(url)
                except (OSError, ValueError) as e:
                    print(f"soak: sample skipped: {e}", file=sys.stderr)
                    continue
                events = sums.get("ccpulse_events_consumed_total", 0.0)
                rate = (events - prev_events) / (now - prev_t) if prev_events is not None else float("nan")
                p99 = p99_ms(prev_buckets, buckets)
                prev_events, prev_buckets, prev_t = events, buckets, now
                row = {"t_s": now - t0, "rss_mb": st.get("VmRSS", float("nan")), "hwm_mb": st.get("VmHWM", float("nan")),
                       "open": sums.get("ccpulse_state_interactions", 0.0), "dedup_ids": sums.get("ccpulse_dedup_ids", 0.0),
                       "repeat_index": sums.get("ccpulse_repeat_index_customers", 0.0),
                       "lag": sums.get("ccpulse_consumer_lag_messages", 0.0), "events_per_s": rate,
                       "alerts": sums.get("ccpulse_sla_alerts_total", 0.0), "latency_p99_ms": p99,
                       "dead_letters": sums.get("ccpulse_dead_letters_total", 0.0)}
                rows.append(row)
                out.write(",".join("" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)
                                   for v in (row[c] for c in cols)) + "\n")
                out.flush()
    except KeyboardInterrupt:  # Ctrl-C: stop the demo and report what was sampled
        print("soak: interrupted, partial report", file=sys.stderr)
    stop_demo()

    steady = [r for r in rows if r["t_s"] >= a.warmup]
    slope = slope_per_hour([(r["t_s"], r["rss_mb"]) for r in steady])
    rates = [r["events_per_s"] for r in steady if not math.isnan(r["events_per_s"])]
    p99s = [r["latency_p99_ms"] for r in steady if r["latency_p99_ms"] is not None]
    summary = {
        "samples": len(rows),
        "steady_samples": len(steady),
        "rss_first_steady_mb": steady[0]["rss_mb"] if steady else float("nan"),
        "rss_last_mb": rows[-1]["rss_mb"] if rows else float("nan"),
        "rss_peak_mb": max((r["hwm_mb"] for r in rows), default=float("nan")),
        "rss_slope_mb_per_h": slope,
        "open_slope_per_h": slope_per_hour([(r["t_s"], r["open"]) for r in steady]),
        "dedup_ids_slope_per_h": slope_per_hour([(r["t_s"], r["dedup_ids"]) for r in steady]),
        "repeat_index_slope_per_h": slope_per_hour([(r["t_s"], r["repeat_index"]) for r in steady]),
        "open_mean": sum(r["open"] for r in steady) / len(steady) if steady else float("nan"),
        "events_per_s_mean": sum(rates) / len(rates) if rates else float("nan"),
        "lag_max": max((r["lag"] for r in steady), default=float("nan")),
        "alert_latency_p99_ms_worst_interval": max(p99s, default=float("nan")),
        "alerts": rows[-1]["alerts"] if rows else 0,
        "dead_letters": rows[-1]["dead_letters"] if rows else 0,
    }
    for k, v in summary.items():
        print(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}")
    print(f"csv={csv_path}")
    if died:
        print(f"FAIL: ccpulse demo exited with {demo.returncode} during the soak; log: {log_path}", file=sys.stderr)
        return 1
    if not rates or summary["events_per_s_mean"] <= 0:
        print("FAIL: no events consumed in the steady part", file=sys.stderr)
        return 1
    if not math.isnan(slope) and slope > a.max_slope_mb_per_h:
        print(f"FAIL: RSS grows {slope:.2f} MB/h over the steady part (limit {a.max_slope_mb_per_h:g})",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
