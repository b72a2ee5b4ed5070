"""The stability limit of gradient descent along the predicted path
(docs/gradient-descent.md §6): predicted ``h_max = 2 / max_k max(ν_max(θ_k), r_wait(θ_k))``
(``limitproc.finite.stability.stability_limit``) against the largest step at which
exact GD (``limitproc.flow.gd.simulate_gd``, λ = e^-300, where every problem
here is resolved, spec §8) ends at the predicted
interpolator, found by bisection; and what GD does above the limit.

A run *stays on the path* when it does not diverge (no catapult, no blow-up),
its final loss is within 1e-8 L(θ_0) of L(θ_K) and its final ||θ||² within
1e-3 of ||θ_K||² (relative).

    python benchmarks/gd_stability.py
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from limitproc import Problem, limit_process  # noqa: E402
from limitproc.flow.gd import default_gd_steps, simulate_gd  # noqa: E402
from limitproc.finite.stability import stability_limit  # noqa: E402


from tests.cases import CASES, CHAIN, REF3, SHARED, TWO_PHASE  # noqa: E402
from tests.reference import GD_SWAP  # noqa: E402

LOG_INV_LAM = 300.0
EXTRA_STEPS = 20_000


def outcome(problem, process, h):
    gd = limit_process(problem, step=h or None, ties="first")
    steps = default_gd_steps(process, h, LOG_INV_LAM) + EXTRA_STEPS
    run = simulate_gd(problem, log_inv_lam=LOG_INV_LAM, step=h, steps=steps, process=process)
    target_loss, target_sq = gd.losses[-1], gd.sq_norms[-1]
    on_path = (not run.diverged and abs(run.loss[-1] - target_loss) <= 1e-8 * gd.losses[0]
               and abs(run.theta_sq_norm[-1] - target_sq) <= 1e-3 * target_sq)
    if run.diverged:
        kind = "catapult" if "catapult" in run.message else "blow-up"
    elif on_path:
        kind = "on path"
    else:
        tail = run.loss[-50:]
        kind = "oscillates" if tail.max() > 2 * tail.min() + 1e-30 else "other minimum"
    return on_path, kind, run


def main():
    problems = {"one_jump": CASES[0].problem, "TWO_PHASE": Problem(**TWO_PHASE), "REF3": Problem(**REF3),
                "SHARED": Problem(**SHARED), "CHAIN": Problem(**CHAIN), "GD_SWAP": Problem(**GD_SWAP)}
    print("| problem | predicted h_max | saddle | measured largest stable h | ratio | at 1.05 h_max | at 2 h_max | sign step 1/max‖D_j(0)‖ |")
    print("|---|---|---|---|---|---|---|---|")
    for name, problem in problems.items():
        process = limit_process(problem)
        limit = stability_limit(limit_process(problem, step=1.0, ties="first"))
        h_max = limit.step_max
        lo, hi = 0.5 * h_max, 1.5 * h_max
        assert outcome(problem, process, lo)[0], f"{name}: not on the path at h = {lo}"
        for _ in range(12):
            mid = np.sqrt(lo * hi)
            if outcome(problem, process, mid)[0]:
                lo = mid
            else:
                hi = mid
        above = outcome(problem, process, 1.05 * h_max)[1]
        far = outcome(problem, process, 2.0 * h_max)[1]
        print(f"| {name} | {h_max:.4f} | {limit.saddle} | {lo:.4f} | {lo / h_max:.3f} | {above} | {far} "
              f"| {limit.sign_step:.4f} |")


if __name__ == "__main__":
    main()
