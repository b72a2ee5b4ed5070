"""Write ``examples/figure1.npz``: the setup of seed 002 Figure 1 (Appendix A.1).

64 orthonormal points in R^64 (a Haar-random basis), labels |N(0, 1)|, six
neurons with directions uniform on the sphere.  The labels are all positive,
so only positive neurons can fit anything (seed 002 App. A.1 restricts the
signs to show one process); all six output signs are +1.  Seed 68 is the
first seed for which the process interpolates, all six neurons jump, and the
resolution margin μ of spec §8 is at least 0.04 (λ ≤ 1e-54 resolves it).

    python examples/make_figure1_data.py [out.npz]
"""

import sys

import numpy as np

from limitproc.problem import random_orthonormal

SEED = 68


def main(path="examples/figure1.npz"):
    rng = np.random.default_rng(SEED)
    X = random_orthonormal(64, 64, rng)
    y = np.abs(rng.standard_normal(64))
    W0 = rng.standard_normal((6, 64))
    W0 /= np.linalg.norm(W0, axis=1, keepdims=True)
    np.savez(path, X=X, y=y, W0=W0, signs=np.ones(6, dtype=np.int8))
    print(f"wrote {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
