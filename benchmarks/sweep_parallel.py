"""``sweep`` at the sizes of Figure 5 on 1 and 2 workers (docs/benchmarks.md).

The grid of ``examples/figure5.py``: n = 8, 16, …, 4096, widths 5log, 10log
and 20log, labels N(0,1), 10 repeats (300 runs).  Serial (``workers=1``) and
two local processes (``workers=2``) run alternately; the table gives the
medians, the speed-up (median of the per-round ratios) and the CPU time of
all processes (its ratio to the serial one is the overhead of the pool).
With ``--dask`` a dask ``LocalCluster`` of two single-threaded worker
processes as well, started once (its start-up is printed apart: a
``scheduler="local"`` sweep pays it every time).  The speed-up is measured
on a shared machine: other jobs on its cores lower it.

    python benchmarks/sweep_parallel.py [--dask] [--repeats 5]
"""

import argparse
import resource
import time

from _timing import interleaved, load_note, median_ratio

from limitproc.studies import sweep

NS = [2**k for k in range(3, 13)]
WIDTHS = ["5log", "10log", "20log"]


def cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(**options):
    def run():
        c0, start = cpu(), time.perf_counter()
        rows = sweep(NS, WIDTHS, "gaussian", 10, seed=0, **options).rows
        return time.perf_counter() - start, cpu() - c0, rows
    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dask", action="store_true")
    args = parser.parse_args(argv)
    functions = {"serial": timed(workers=1), "pool": timed(workers=2)}
    client = cluster = None
    if args.dask:
        from dask.distributed import Client, LocalCluster

        start = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        startup = time.perf_counter() - start
        functions["dask"] = timed(scheduler=client)
    try:
        runs = interleaved(functions, args.repeats)
    finally:
        if client is not None:
            client.close()
            cluster.close()
    assert all(r[2] == runs["serial"][0][2] for results in runs.values() for r in results)  # same rows everywhere
    serial_cpu = sorted(r[1] for r in runs["serial"])[len(runs["serial"]) // 2]
    print(f"{len(runs['serial'][0][2])} runs per sweep, medians of {args.repeats} interleaved rounds; " + load_note())
    print()
    print("| workers | wall s | speed-up | CPU s | CPU / serial CPU |")
    print("| --- | --: | --: | --: | --: |")
    for name in functions:
        speedup, serial, wall = median_ratio(runs, "serial", name)
        work = sorted(r[1] for r in runs[name])[len(runs[name]) // 2]
        label = {"serial": "1 (in process)", "pool": "2 processes", "dask": "2 dask workers"}[name]
        print(f"| {label} | {wall:.2f} | {speedup:.2f} | {work:.2f} | {work / serial_cpu:.2f} |")
    if args.dask:
        print()
        print(f"Starting the dask LocalCluster took {startup:.1f} s (not in the table; its workers' CPU is not counted).")


if __name__ == "__main__":
    main()
