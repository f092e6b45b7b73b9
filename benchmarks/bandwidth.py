#!/usr/bin/env python3
"""Measure the machine's memory bandwidth the way a sparse mat-vec sees it.

    bandwidth.py [--cores "1 2"] [--mib 256] [--reps 12]

Runs the STREAM "Add" kernel a = b + c (numpy, 24 bytes moved per element,
write-allocate not counted, as in STREAM) on arrays far larger than the
caches, in 1, 2, ... processes at the same time (each process allocates and
first-touches its own arrays), and prints one line per process count:

    bandwidth_<n>core_GBps=<best aggregate GB/s over the repetitions>

The aggregate of a repetition is the bytes moved by all processes divided by
the time from the first start to the last end (the processes start together
at a barrier).  run_benchmarks.sh records these lines in environment.txt;
report.py uses them to give the mat-vec bandwidth bound of each run on this
machine and to compare timings with the reference machine of
/work/shared/docs/performance-notes.md (31 GB/s on one core, 45 GB/s on two).

Needs numpy (Debian: python3-numpy, installed by scripts/setup.sh); without it
prints a note on stderr and exits 3.
"""
import argparse
import multiprocessing as mp
import sys
import time


def worker(n, reps, barrier, out):
    import numpy as np
    b = np.full(n, 1.0)
    c = np.full(n, 2.0)
    a = np.zeros(n)
    np.add(b, c, out=a)  # warm-up: page faults out of the timed loop
    stamps = []
    for _ in range(reps):
        barrier.wait()
        t0 = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes
        np.add(b, c, out=a)
        stamps.append((t0, time.perf_counter()))
    out.put(stamps)


def measure(cores, n, reps):
    barrier = mp.Barrier(cores)
    out = mp.Queue()
    procs = [mp.Process(target=worker, args=(n, reps, barrier, out)) for _ in range(cores)]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    best = 0.0
    for k in range(reps):
        t0 = min(r[k][0] for r in results)
        t1 = max(r[k][1] for r in results)
        best = max(best, cores * 24.0 * n / (t1 - t0) / 1e9)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cores", default="1 2", help='process counts, e.g. "1 2"')
    ap.add_argument("--mib", type=int, default=256, help="MiB per array and process")
    ap.add_argument("--reps", type=int, default=12)
    args = ap.parse_args()
    try:
        import numpy  # noqa: F401
    except ImportError:
        print("bandwidth.py: numpy not available (apt-get install python3-numpy)", file=sys.stderr)
        return 3
    try:
        counts = [int(x) for x in args.cores.split()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1 or args.mib < 1 or args.reps < 1:
        print("bandwidth.py: --cores needs positive integers, --mib and --reps positive values",
              file=sys.stderr)
        return 2
    n = args.mib * 2**20 // 8
    for cores in counts:
        print(f"bandwidth_{cores}core_GBps={measure(cores, n, args.reps):.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
