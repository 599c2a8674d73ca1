#!/usr/bin/env python3
"""Checks that /api/v1/snapshot shows a non-trivial value for every KPI of
the catalogue (README "KPIs"), as `ccpulse demo` must within two minutes.

Usage: snapshot_kpis.py URL   (exit 0 when every KPI is there; else prints
what is missing and exits 1, so a caller can retry until its deadline)."""
import json
import sys
import urllib.request

# Ratios and means that a floor with traffic, agents, surveys, transfers and
# escalations makes positive; NPS may be negative, so only its presence counts.
POSITIVE = ["offered", "answered", "abandoned", "handled", "service_level", "abandonment_rate",
            "average_speed_of_answer_seconds", "average_handle_time_seconds",
            "first_contact_resolution", "transfer_rate", "escalation_rate", "csat_share", "csat_mean",
            "occupancy"]
PRESENT = ["net_promoter_score"]
DISTRIBUTIONS = ["wait_seconds", "handle_seconds", "first_response_seconds", "next_reply_seconds",
                 "resolution_seconds"]
WINDOWS = ["15m", "1h", "interval", "today"]


def problems(snap):
    out = []
    if not snap.get("freshness", {}).get("caught_up"):
        out.append("freshness.caught_up is not true")
    for w in WINDOWS:
        kpis = snap["overall"]["windows"].get(w, {}).get("kpis")
        if kpis is None:
            out.append(f"overall window {w} missing")
            continue
        for k in POSITIVE:
            v = kpis.get(k)
            if not isinstance(v, (int, float)) or v <= 0:
                out.append(f"overall {w} {k} = {v!r}")
        for k in PRESENT:
            if not isinstance(kpis.get(k), (int, float)):
                out.append(f"overall {w} {k} = {kpis.get(k)!r}")
        for k in DISTRIBUTIONS:
            d = kpis.get(k) or {}
            if not d.get("count") or not d.get("p90"):
                out.append(f"overall {w} {k}: count {d.get('count')!r}, p90 {d.get('p90')!r}")
    queues = snap.get("queues", {})
    agents = sum(sum(q.get("live", {}).get("agents", {}).values()) for q in queues.values())
    if agents <= 0:
        out.append("no agents in any queue's live gauges")
    if not any(q.get("forecast") for q in queues.values()):
        out.append("no queue has a forecast")
    channels = snap.get("channels", {})
    for c in ["voice", "chat", "email", "ticket"]:
        offered = channels.get(c, {}).get("windows", {}).get("15m", {}).get("kpis", {}).get("offered")
        if not offered:
            out.append(f"channel {c} offered = {offered!r}")
    return out


def main():
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        snap = json.load(r)
    missing = problems(snap)
    if missing:
        print("; ".join(missing))
        return 1
    o = snap["overall"]["windows"]["15m"]["kpis"]
    print(f"15m: offered {o['offered']}, SL {o['service_level']:.3f}, ASA {o['average_speed_of_answer_seconds']:.1f} s, "
          f"AHT {o['average_handle_time_seconds']:.1f} s, FCR {o['first_contact_resolution']:.3f}, "
          f"CSAT {o['csat_share']:.2f}, NPS {o['net_promoter_score']:.0f}, occupancy {o['occupancy']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
