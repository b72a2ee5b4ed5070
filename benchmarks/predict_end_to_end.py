"""``limitproc predict`` end to end on a large problem (docs/benchmarks.md).

Writes a problem with n data in the standard basis and m neurons
(``sample_dataset(n, m, basis=True, seed=0)``: keys ``y``, ``W0``, ``a0``) to
a temporary npz, runs ``limitproc predict big.npz --json big.json --quiet`` in
a subprocess (wall clock and peak resident memory of that process alone,
through GNU time: ``_timing.child``; the ``RUSAGE_CHILDREN`` maximum of this
process would also count the pages of this process, which holds the data,
shared with the child before ``exec``), and then
times its three phases in this process: loading the npz
(:func:`limitproc.load_problem`), the mask (:class:`limitproc.Mask`) and
Algorithm 1 (:func:`limitproc.limit_process`).  Prints one markdown row.

    python benchmarks/predict_end_to_end.py            # n = 1 000 000, m = 64 (about 10 s, 2 GB of memory)
    python benchmarks/predict_end_to_end.py --n 100000
"""

import argparse
import os
import tempfile
import time

import numpy as np

from _timing import child, compile_package, python

from limitproc import Mask, limit_process, load_problem, sample_dataset


def grouped(value):
    """An integer with thin-space thousands (``1 000 000``), as the docs print it."""
    return f"{value:,}".replace(",", "\u202f")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--m", type=int, default=64)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="limitproc-e2e-") as tmp:
        data, result = os.path.join(tmp, "big.npz"), os.path.join(tmp, "big.json")
        np.savez(data, **sample_dataset(args.n, args.m, basis=True, seed=0))
        compile_package()
        wall, peak, _, _ = child(python("-m", "limitproc", "predict", data, "--json", result, "--quiet"))
        npz_size, json_size = os.path.getsize(data), os.path.getsize(result)

        start = time.perf_counter()
        problem = load_problem(data)
        t_load = time.perf_counter() - start
    start = time.perf_counter()
    mask = Mask(problem)
    t_mask = time.perf_counter() - start
    start = time.perf_counter()
    process = limit_process(problem, mask=mask)
    t_run = time.perf_counter() - start

    print("| n | m | K | npz MB | JSON MB | `predict` wall s | peak memory GB | load s | mask s | Algorithm 1 s |")
    print("| --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |")
    print(f"| {grouped(args.n)} | {args.m} | {process.K} | {npz_size / 1e6:.0f} | {json_size / 1e6:.1f} | {wall:.1f} "
          f"| {peak / 1e9:.1f} | {t_load:.1f} | {t_mask:.1f} | {t_run:.1f} |")


if __name__ == "__main__":
    main()
