#!/usr/bin/env python3
"""Metadata workload: create, stat (uncached), `ls -l` and unlink of N files in one directory.

Usage: metaops.py DIR N [MAX_SECONDS_PER_PHASE [RAMP_FILES]] > result.json

Each phase is timed with a monotonic clock around the syscalls only. Before `stat` and `ls -l`
the kernel's page, dentry and inode caches are dropped (root only) so every lookup reaches the
filesystem, which for a FUSE mount means a LOOKUP/GETATTR round trip to the daemon.

MAX_SECONDS_PER_PHASE bounds the create and unlink phases (the ones a slow filesystem makes
long): a phase that reaches it stops there and its rate is over the files it did; "created" says
how many files the stat and `ls -l` phases saw. RAMP_FILES files are first created, stat'ed and
unlinked in a directory of their own, unmeasured (a warm-up, as the random I/O workloads have). Files left by a bounded unlink are listed in
"left" (the caller removes the directory). Prints one JSON object.
"""
import json
import os
import subprocess
import sys
import time


def drop_caches():
    """Writes 3 to drop_caches after a sync; returns False when not allowed (not root)."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def bounded(paths, op, max_seconds):
    """Applies op to paths until done or max_seconds pass; returns (count, seconds)."""
    start = time.monotonic()
    done = 0
    for p in paths:
        op(p)
        done += 1
        # Checking the clock every 100 files keeps its cost out of the measurement.
        if done % 100 == 0 and time.monotonic() - start > max_seconds:
            break
    return done, time.monotonic() - start


def create(path):
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))


def main():
    root, n = sys.argv[1], int(sys.argv[2])
    max_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else float("inf")
    ramp = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    if ramp > 0:
        r = os.path.join(root, "ramp")
        os.makedirs(r, exist_ok=True)
        ramp_names = [os.path.join(r, "f%06d" % i) for i in range(ramp)]
        done, _ = bounded(ramp_names, create, max_seconds)
        # Dropped as before the measured stat, so the ramp warms the same lookup path.
        drop_caches()
        for p in ramp_names[:done]:
            os.stat(p)
            os.unlink(p)
        os.rmdir(r)
    d = os.path.join(root, "meta")
    os.makedirs(d, exist_ok=True)
    names = [os.path.join(d, "f%06d" % i) for i in range(n)]

    created, create_s = bounded(names, create, max_seconds)
    names = names[:created]

    dropped = drop_caches()
    start = time.monotonic()
    for p in names:
        os.stat(p)
    stat_s = time.monotonic() - start

    dropped = drop_caches() and dropped
    start = time.monotonic()
    subprocess.run(["ls", "-l", d], stdout=subprocess.DEVNULL, check=True)
    ls_s = time.monotonic() - start

    unlinked, unlink_s = bounded(names, os.unlink, max_seconds)
    if unlinked == created:
        os.rmdir(d)
    json.dump(
        {
            "files": n,
            "created": created,
            "create_ops": created / create_s,
            "stat_ops": created / stat_s,
            "ls_seconds": ls_s,
            "unlinked": unlinked,
            "unlink_ops": unlinked / unlink_s,
            "left": created - unlinked,
            "caches_dropped": dropped,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
