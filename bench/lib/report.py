#!/usr/bin/env python3
"""Turns the per-target result files of scripts/bench into the Markdown report.

Usage: report.py RESULTS_DIR --quick 0|1 --policy NAME --seconds N --disk TEXT --commit SHA --sizes TEXT

RESULTS_DIR holds one directory per target (native, passthrough, strata), each with
seqwrite/seqread/randread/randwrite/meta/pgbench.json as scripts/bench writes them (a missing file
is a workload that failed or was not run: its cells read "—"), and strata/rss.json.

Ratios are relative performance, higher is better on every row: StrataFS ÷ baseline for rates,
baseline ÷ StrataFS for latencies and durations. The issue's targets are StrataFS/passthrough_ll.
"""
import argparse
import datetime
import json
import os
import platform
import socket

TARGETS = [("native", "native"), ("passthrough", "passthrough_ll"), ("strata", "StrataFS")]

# (file, field, label, higher is better, target ratio vs passthrough_ll or None)
ROWS = [
    ("seqwrite", "mib_s", "sequential write, 1 MiB blocks + end fsync (MiB/s)", True, 0.9),
    ("seqread", "mib_s", "sequential read, 1 MiB blocks, uncached (MiB/s)", True, 0.9),
    ("randread", "iops", "random read 4 KiB, uncached (IOPS)", True, 0.7),
    ("randread", "p50_us", "random read 4 KiB: p50 latency (µs)", False, None),
    ("randread", "p99_us", "random read 4 KiB: p99 latency (µs)", False, None),
    ("randwrite", "iops", "random write 4 KiB + fsync each (IOPS)", True, 0.6),
    ("randwrite", "p50_us", "random write 4 KiB: write p50 latency (µs)", False, None),
    ("randwrite", "p99_us", "random write 4 KiB: write p99 latency (µs)", False, None),
    ("randwrite", "sync_p50_us", "random write 4 KiB: fsync p50 latency (µs)", False, None),
    ("randwrite", "sync_p99_us", "random write 4 KiB: fsync p99 latency (µs)", False, None),
    ("meta", "create_ops", "create (files/s)", True, 0.6),
    ("meta", "stat_ops", "stat, uncached (files/s)", True, 0.6),
    ("meta", "ls_entries_s", "`ls -l` of the directory, uncached (entries/s)", True, None),
    ("meta", "unlink_ops", "unlink (files/s)", True, None),
    ("pgbench", "tps", "pgbench TPS (-c 4)", True, 0.8),
]


def load(results, target, name):
    try:
        with open(os.path.join(results, target, name + ".json")) as f:
            d = json.load(f)
    except (OSError, ValueError):
        return None
    if name == "meta" and d.get("ls_seconds"):
        # A rate, not a duration: a time-bounded create leaves fewer entries to list.
        d["ls_entries_s"] = d["created"] / d["ls_seconds"]
    return d


def fmt(v):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return "{:,.0f}".format(v)
    return "{:.3g}".format(v)


def ratio(strata, base, higher_better):
    if strata is None or base is None or strata == 0 or base == 0:
        return None
    return strata / base if higher_better else base / strata


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--quick", default="0")
    ap.add_argument("--policy", default="single")
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--disk", default="?")
    ap.add_argument("--commit", default="?")
    ap.add_argument("--sizes", default="")
    a = ap.parse_args()

    data = {t: {f: load(a.results, t, f) for f in {r[0] for r in ROWS}} for t, _ in TARGETS}
    out = []
    w = out.append
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    w("# StrataFS benchmark, %s on %s" % (now, socket.gethostname()))
    w("")
    w("- run: `scripts/bench%s --policy %s`, %d s in all; commit %s"
      % (" --quick" if a.quick == "1" else "", a.policy, a.seconds, a.commit))
    w("- machine: %d cores, kernel %s; every target on %s" % (os.cpu_count(), platform.release(), a.disk))
    w("- sizes: %s" % a.sizes)
    w("- StrataFS: `strata up --storage 1`, policy `%s` (one replica per chunk); passthrough_ll: "
      "libfuse's example, default options plus allow_other" % a.policy)
    w("- ratios are relative performance (higher is better on every row): StrataFS ÷ baseline for "
      "rates, baseline ÷ StrataFS for latencies and durations; the issue's targets are StrataFS/passthrough_ll")
    w("")
    w("| workload | native | passthrough_ll | StrataFS | StrataFS/passthrough | StrataFS/native | target | met |")
    w("|---|---:|---:|---:|---:|---:|---:|---|")
    for f, field, label, higher, target in ROWS:
        v = {t: (data[t][f] or {}).get(field) for t, _ in TARGETS}
        r_pt = ratio(v["strata"], v["passthrough"], higher)
        r_native = ratio(v["strata"], v["native"], higher)
        if target is None:
            goal, met = "", ""
        else:
            goal = "≥ %.1f" % target
            met = "—" if r_pt is None else ("met" if r_pt >= target else "**not met**")
        w("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, fmt(v["native"]), fmt(v["passthrough"]), fmt(v["strata"]),
            "—" if r_pt is None else "%.2f" % r_pt, "—" if r_native is None else "%.2f" % r_native, goal, met))
    w("")

    notes = []
    for t, title in TARGETS:
        m = data[t]["meta"]
        if m and m["created"] < m["files"]:
            notes.append("%s: create reached its time bound after %d of %d files; stat and `ls -l` ran on those"
                         % (title, m["created"], m["files"]))
        if m and m.get("left"):
            notes.append("%s: unlink reached its time bound after %d files" % (title, m["unlinked"]))
        if m and not m.get("caches_dropped"):
            notes.append("%s: caches could not be dropped, stat was cached" % title)
        missing = sorted(f for f, d in data[t].items() if d is None)
        if not os.path.isdir(os.path.join(a.results, t)):
            notes.append("%s: not run (--targets)" % title)
        elif missing:
            notes.append("%s: no result for %s (failed or not run; see the run's log)" % (title, ", ".join(missing)))
    if notes:
        w("Notes:")
        w("")
        for n in notes:
            w("- " + n)
        w("")

    rss = load(a.results, "strata", "rss")
    if rss:
        w("Memory of the StrataFS processes at the end of the run (from /proc/PID/status):")
        w("")
        w("| process | role | VmHWM (MiB) | VmRSS (MiB) |")
        w("|---|---|---:|---:|")
        for p in rss:
            w("| %s | %s | %s | %s |" % (p["id"], p["role"], fmt(p["hwm_mib"]), fmt(p["rss_mib"])))
        w("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
