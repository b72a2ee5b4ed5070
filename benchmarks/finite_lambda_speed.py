"""``predict --lam`` with the finite-λ corrections at n = 1000, m = 40 (docs/benchmarks.md).

The problem: ``sample_dataset(1000, 40, seed=0)`` (random orthonormal
inputs, labels N(0,1)), written with ``np.savez``.  The command
``limitproc predict data.npz --lam 1e-8 --quiet`` (limit process and
finite-λ corrections: offsets, corrected times, NTK rate) against its peer
``limitproc predict data.npz --quiet``, fresh processes, interleaved; then,
in this process, the parts: :func:`~limitproc.finite_lambda` and the loss
model behind ``rate``, the slopes and the loss curve of its JSON (built on
first use, with progress).

    python benchmarks/finite_lambda_speed.py
"""

import argparse
import os
import tempfile
import time

import numpy as np

from _timing import child, interleaved, load_note, median_ratio, python

from limitproc import finite_lambda, limit_process, load_problem, sample_dataset


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--m", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="limitproc-finite-") as tmp:
        data = os.path.join(tmp, "data.npz")
        np.savez(data, **sample_dataset(args.n, args.m, seed=0))
        runs = interleaved({
            "plain": lambda: child(python("-m", "limitproc", "predict", data, "--quiet")),
            "lam": lambda: child(python("-m", "limitproc", "predict", data, "--lam", "1e-8", "--quiet")),
        }, args.repeats)
        ratio, t_lam, t_plain = median_ratio(runs, "lam", "plain")
        process = limit_process(load_problem(data))
    start = time.perf_counter()
    prediction = finite_lambda(process, 1e-8)
    t_finite = time.perf_counter() - start
    start = time.perf_counter()
    prediction.to_dict()
    t_dict = time.perf_counter() - start
    print(f"n = {args.n}, m = {args.m}, K = {process.K}, {len(process.interactions)} interactions; "
          f"medians of {args.repeats} interleaved rounds; " + load_note())
    print()
    print("| command | wall s | ratio |")
    print("| --- | --: | --: |")
    print(f"| `predict --quiet` | {t_plain:.2f} | 1.00 |")
    print(f"| `predict --lam 1e-8 --quiet` | {t_lam:.2f} | {ratio:.2f} |")
    print()
    print(f"In one process: `finite_lambda` {t_finite:.2f} s; then `to_dict()` (loss model, rate, slopes, "
          f"loss curve) {t_dict:.2f} s.")


if __name__ == "__main__":
    main()
