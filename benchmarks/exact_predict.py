"""``predict --exact`` with JSON on n = m = 800 float labels (docs/benchmarks.md).

The problem: ``sample_dataset(n, n, seed=0)`` (random orthonormal inputs,
labels N(0,1) taken exactly: 53-bit fractions), written with ``np.savez``.
The command ``limitproc predict data.npz --exact --json out.json --quiet``
against its peer, the float backend ``limitproc predict data.npz --json
out.json --quiet``, fresh processes, interleaved; then, in this process, the
parts of the exact run: Algorithm 1 (python-flint balls, exact label sums),
the JSON document (exact strings included) and the number of characters of
the exact τ_K.

    python benchmarks/exact_predict.py              # n = m = 800 (about a minute)
    python benchmarks/exact_predict.py --n 200
"""

import argparse
import json
import os
import tempfile
import time

import numpy as np

from _timing import child, interleaved, load_note, median_ratio, python

from limitproc import load_problem, predict, sample_dataset


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=800)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="limitproc-exact-") as tmp:
        data, out = os.path.join(tmp, "data.npz"), os.path.join(tmp, "out.json")
        np.savez(data, **sample_dataset(args.n, args.n, seed=0))
        runs = interleaved({
            "float": lambda: child(python("-m", "limitproc", "predict", data, "--json", out, "--quiet")),
            "exact": lambda: child(python("-m", "limitproc", "predict", data, "--exact", "--json", out, "--quiet")),
        }, args.repeats)
        ratio, t_exact, t_float = median_ratio(runs, "exact", "float")
        problem = load_problem(data)
    start = time.perf_counter()
    result = predict(problem, exact=True)
    t_run = time.perf_counter() - start
    start = time.perf_counter()
    text = json.dumps(result.to_dict())
    t_json = time.perf_counter() - start
    print(f"n = m = {args.n}, float labels taken exactly, K = {result.process.K}; medians of {args.repeats} "
          "interleaved rounds; " + load_note())
    print()
    print("| `predict --json` | wall s | exact / float |")
    print("| --- | --: | --: |")
    print(f"| float backend | {t_float:.2f} | 1.00 |")
    print(f"| `--exact` | {t_exact:.2f} | {ratio:.2f} |")
    print()
    print(f"In one process: `predict(exact=True)` {t_run:.2f} s, its JSON document {t_json:.2f} s "
          f"({len(text) / 1e6:.1f} MB; the exact τ_K has {len(str(result.process.final.tau))} characters).")


if __name__ == "__main__":
    main()
