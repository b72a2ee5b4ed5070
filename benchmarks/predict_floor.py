"""``limitproc predict`` on n = 10^6 data against its physical floor (docs/benchmarks.md).

The problem: n data in the standard basis, m neurons
(``sample_dataset(n, m, basis=True, seed=0)``, written with ``np.savez``).
The floor is what any implementation must do: load the npz, one vectorized
pass over the mask (the signs of ``W0`` against the label signs) and the
per-neuron sums of squared labels.  The command is
``limitproc predict big.npz --json big.json --quiet``.  Both run as fresh
processes, interleaved (floor, command, floor, …); the table gives medians
and the median of the per-round ratios, and the peak resident memory of the
command (GNU time: that process alone) against the bytes of the inputs.
The bytecode of ``limitproc`` is written first, as an installed package
has it.

    python benchmarks/predict_floor.py               # n = 1 000 000, m = 64 (about 20 s, 2 GB)
    python benchmarks/predict_floor.py --n 100000
"""

import argparse
import os
import tempfile

import numpy as np

from _timing import child, compile_package, interleaved, load_note, median_ratio, python

from limitproc import sample_dataset

FLOOR = """
import sys
import numpy as np
arrays = np.load(sys.argv[1])
y, W0, s = arrays["y"], arrays["W0"], np.sign(arrays["a0"])
y2, positive, negative = y * y, y > 0, y < 0
S = np.empty(W0.shape[0])
for j in range(W0.shape[0]):
    S[j] = y2[(W0[j] > 0) & (positive if s[j] > 0 else negative)].sum()
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--m", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="limitproc-floor-") as tmp:
        data, result = os.path.join(tmp, "big.npz"), os.path.join(tmp, "big.json")
        arrays = sample_dataset(args.n, args.m, basis=True, seed=0)
        inputs = sum(a.nbytes for a in arrays.values())
        np.savez(data, **arrays)
        del arrays
        compile_package()
        runs = interleaved({
            "floor": lambda: child(python("-c", FLOOR, data)),
            "predict": lambda: child(python("-m", "limitproc", "predict", data, "--json", result, "--quiet")),
        }, args.repeats)
    ratio, predict, floor = median_ratio(runs, "predict", "floor")
    peak = max(r[1] for r in runs["predict"])
    floor_peak = max(r[1] for r in runs["floor"])
    print(f"n = {args.n}, m = {args.m}, inputs {inputs / 1e9:.2f} GB, medians of {args.repeats} interleaved rounds; " + load_note())
    print()
    print("| measure | floor | `predict` | ratio | goal |")
    print("| --- | --: | --: | --: | --: |")
    print(f"| wall s | {floor:.2f} | {predict:.2f} | {ratio:.2f} | 2 |")
    print(f"| peak memory / inputs | {floor_peak / inputs:.2f} | {peak / inputs:.2f} | {peak / floor_peak:.2f} | 1.5 |")


if __name__ == "__main__":
    main()
