"""``predict --out`` writes the exponents at every jump in time linear in K (docs/benchmarks.md).

``Prediction.save_npz`` stores ``e_j(τ_k)`` for every neuron at every jump
time (``LimitProcess.exponents`` at increasing times, which resumes where the
previous call stopped).  Problems with K of about 250, 500 and 1000 jumps:
n = 20 000 positive labels |N(0,1)| in the standard basis, m neurons each
active on 60 random data (so that nearly every neuron jumps).  The table
gives, per K, the time of :func:`limitproc.predict` and of ``save_npz`` after
it (alternately, best of 3) and their ratio: constant when the work per jump
is constant, growing like K when it is quadratic.

    python benchmarks/exponents_linear.py
"""

import io
import time

import numpy as np

from limitproc import Problem, predict


def problem(n, m, active, seed=0):
    rng = np.random.default_rng(seed)
    W = -np.abs(rng.standard_normal((m, n)))
    for j in range(m):
        chosen = rng.choice(n, active, replace=False)
        W[j, chosen] = -W[j, chosen]
    return Problem(np.abs(rng.standard_normal(n)), W, signs=np.ones(m))


def best(function, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    print("| m | K | interactions | `predict` s | `save_npz` s | save / predict |")
    print("| --: | --: | --: | --: | --: | --: |")
    for m in (250, 500, 1000):
        p = problem(20_000, m, 60)
        result = predict(p)
        t_predict = t_save = np.inf
        for _ in range(3):
            t_predict = min(t_predict, best(lambda: predict(p), 1))
            fresh = predict(p)
            t_save = min(t_save, best(lambda: fresh.save_npz(io.BytesIO()), 1))
        print(f"| {m} | {result.process.K} | {len(result.process.interactions)} | {t_predict:.2f} | {t_save:.2f} "
              f"| {t_save / t_predict:.2f} |")


if __name__ == "__main__":
    main()
