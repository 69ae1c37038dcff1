#!/usr/bin/env python3
"""Reduces one fio --output-format=json report to the numbers the table shows.

Usage: fio_metrics.py read|write < fio.json > metrics.json

Prints {"mib_s": throughput, "iops": ..., "p50_us": ..., "p99_us": ...} for the first job's
read or write side. Throughput is bytes over the job's whole runtime, so a sequential write with
end_fsync=1 counts the final fsync (fio's own bw counts only the write calls). The percentiles are
completion latencies of the read or write calls; with fsync=1 the fsync that follows each write is
reported separately as "sync_p50_us"/"sync_p99_us".
"""
import json
import sys


def percentile_us(lat, key):
    p = (lat or {}).get("percentile") or {}
    return p[key] / 1000.0 if key in p else None


def main():
    side = sys.argv[1]
    report = json.load(sys.stdin)
    job = report["jobs"][0]
    if job.get("error"):
        raise SystemExit("fio job %s failed with error %s" % (job["jobname"], job["error"]))
    s = job[side]
    runtime_s = job["job_runtime"] / 1000.0
    out = {
        "mib_s": s["io_bytes"] / runtime_s / 2**20 if runtime_s > 0 else None,
        "iops": s["total_ios"] / runtime_s if runtime_s > 0 else None,
        "p50_us": percentile_us(s.get("clat_ns"), "50.000000"),
        "p99_us": percentile_us(s.get("clat_ns"), "99.000000"),
    }
    sync = job.get("sync") or {}
    if sync.get("total_ios"):
        out["sync_p50_us"] = percentile_us(sync.get("lat_ns"), "50.000000")
        out["sync_p99_us"] = percentile_us(sync.get("lat_ns"), "99.000000")
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
