"""Print the saddles of the bundled Figure 1 problem from the library.

    python examples/saddles.py [data.npz]
"""

import os
import sys

from limitproc import load_problem, predict

BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "figure1.npz")


def main(path=BUNDLED):
    result = predict(load_problem(path), lam=1e-60)
    process = result.process
    print(process.problem)
    print(f"{'k':>2} {'tau_k':>9} {'neuron':>6} {'fitted':>6} {'loss':>10} {'||theta||^2':>11}")
    for s in process.saddles:
        neuron = "-" if s.neuron is None else s.neuron
        print(f"{s.k:>2} {s.tau:9.4f} {neuron:>6} {len(s.data):>6} {s.loss:10.6f} {s.sq_norm:11.6f}")
    margin = process.resolution_margin
    print(f"final squared norm {process.final.sq_norm:.6f} vs minimum {result.min_sq_norm:.6f} "
          f"(ratio {result.ratio:.4f}); resolution margin mu = {margin.value:.4f}, "
          f"mu ln(1/lambda) = {margin.scale(result.lam):.1f} at lambda = {result.lam:g}")


if __name__ == "__main__":
    main(*sys.argv[1:])
