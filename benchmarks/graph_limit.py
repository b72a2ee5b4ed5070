"""``predict --graph`` above the GraphML limit refuses at once (docs/benchmarks.md).

A GraphML file of the mask of n = 10^6 data and m = 64 neurons has 1.6·10^7
edges; networkx held it in 18 GB before it was stopped.  ``write_graphml``
now refuses graphs above ``GRAPHML_MAX_EDGES`` with a ``LimitprocError``
(exit code 2, one line).  The table compares ``predict --graph`` with
``predict`` alone on the same file (fresh processes, interleaved): wall time,
peak memory and exit code; and, below the limit, the time to write the
GraphML of a problem of about 10^5 mask entries.

    python benchmarks/graph_limit.py               # n = 1 000 000, m = 64 (about a minute)
"""

import argparse
import os
import tempfile
import time

import numpy as np

from _timing import child, interleaved, load_note, median_ratio, python

from limitproc import limit_process, sample_dataset
from limitproc.problem import Problem
from limitproc.process.graphs import GRAPHML_MAX_EDGES, write_graphml


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--m", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="limitproc-graph-") as tmp:
        data, graph = os.path.join(tmp, "big.npz"), os.path.join(tmp, "g.graphml")
        np.savez(data, **sample_dataset(args.n, args.m, basis=True, seed=0))
        runs = interleaved({
            "predict": lambda: child(python("-m", "limitproc", "predict", data, "--quiet")),
            "graph": lambda: child(python("-m", "limitproc", "predict", data, "--quiet", "--graph", graph), check=False),
        }, args.repeats)
        ratio, t_graph, t_predict = median_ratio(runs, "graph", "predict")
        code = runs["graph"][-1][2]
        message = runs["graph"][-1][3].strip().splitlines()[-1] if runs["graph"][-1][3].strip() else ""
        print(f"n = {args.n}, m = {args.m}; GRAPHML_MAX_EDGES = {GRAPHML_MAX_EDGES}; " + load_note())
        print()
        print("| command | wall s | peak memory GB | exit code |")
        print("| --- | --: | --: | --: |")
        print(f"| `predict` | {t_predict:.2f} | {max(r[1] for r in runs['predict']) / 1e9:.2f} | 0 |")
        print(f"| `predict --graph` | {t_graph:.2f} | {max(r[1] for r in runs['graph']) / 1e9:.2f} | {code} |")
        print()
        print(f"`predict --graph` / `predict`: {ratio:.2f}; stderr: {message[:160]}")
        rng = np.random.default_rng(0)
        n, m = 4000, 64
        small = limit_process(Problem(rng.standard_normal(n), rng.standard_normal((m, n)), signs=rng.choice([-1, 1], m)))
        start = time.perf_counter()
        write_graphml(small, graph)
        print(f"Below the limit: the GraphML of n = {n}, m = {m} ({small.mask.size} mask entries) is written in "
              f"{time.perf_counter() - start:.1f} s ({os.path.getsize(graph) / 1e6:.0f} MB).")


if __name__ == "__main__":
    main()
