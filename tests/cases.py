"""Named reference problems with their expected limit process.

Each case gives the problem and the expected saddles, with the source of
the expectation (a hand computation written out in ``source``, or a closed
form of seed 000).  ``tests/process/test_algorithm1.py`` runs every case through both
backends; exact values are sympy expressions.
"""

from dataclasses import dataclass

import numpy as np
import sympy

from limitproc import Problem, limit_process

sqrt, R = sympy.sqrt, sympy.Rational


@dataclass(frozen=True)
class Case:
    name: str
    problem: Problem
    neurons: tuple  # jumping neuron of each saddle 1..K
    data: tuple  # fitted data of each jump
    taus: tuple  # exact jump times
    losses: tuple  # exact L(θ_0..θ_K)
    sq_norms: tuple  # exact ||θ_0..K||²
    source: str


CASES = [
    Case(
        "one_jump",
        Problem(["3", "4"], [[1, 1], [1, -1]], signs=[1, 1]),
        neurons=(0,),
        data=((0, 1),),
        taus=(R(2, 5),),
        losses=(R(25, 4), 0),
        sq_norms=(0, 10),
        source="""n = 2, y = (3, 4).  Neuron 0 is active on both data (S = 25, r = 5/2),
        neuron 1 on datum 0 only (S = 9, r = 3/2).  T_0 = 1/r = 2/5 < T_1 = 2/3:
        neuron 0 fits both data at τ = 2/5; neuron 1 loses its only datum and
        never grows.  ||θ_1||² = 2 n r = 10 = 2 sqrt(25); L(θ_0) = 25/4.""",
    ),
    Case(
        "memory",
        Problem(["3", "4", "1"], [[1, 1, -1], [-1, 1, 1]], signs=[1, 1]),
        neurons=(0, 1),
        data=((0, 1), (2,)),
        taus=(R(3, 5), R(18, 5) - 3 * sqrt(17) / 5),
        losses=(R(13, 3), R(1, 6), 0),
        sq_norms=(0, 10, 12),
        source="""n = 3, y = (3, 4, 1).  Neuron 0 on {0, 1}: S = 25, r = 5/3, T = 3/5.
        Neuron 1 on {1, 2}: S = 17, r = sqrt(17)/3, T = 3/sqrt(17) > 3/5.
        Jump 1 at τ = 3/5 fits {0, 1}.  Neuron 1 then has e = 1 − (sqrt(17)/3)(3/5)
        = 1 − sqrt(17)/5 and keeps only datum 2 (S = 1, r = 1/3), so it jumps at
        τ = 3/5 + 3(1 − sqrt(17)/5) = 18/5 − 3 sqrt(17)/5: the memory of its
        earlier, faster growth.  Losses 26/6, 1/6, 0; norms 0, 2·5, 2·5 + 2·1.""",
    ),
    Case(
        "two_phase",
        Problem(["3", "4", "-2", "-1"], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1]),
        neurons=(0, 2),
        data=((0, 1), (2, 3)),
        taus=(R(4, 5), 4 / sqrt(5)),
        losses=(R(15, 4), R(5, 8), 0),
        sq_norms=(0, 10, 10 + 2 * sqrt(5)),
        source="""Seed 000 closed forms (spec §4): neuron 0 is active on all positive
        data, neuron 2 on all negative data (Assumption 3).  ||D+|| = 5/4,
        ||D−|| = sqrt(5)/4: jumps at 1/||D+|| = 4/5 and 1/||D−|| = 4/sqrt(5);
        ||θ_K||² = 2(||y+|| + ||y−||) = 2(5 + sqrt(5)), the minimum norm.""",
    ),
    Case(
        "zero_row",
        Problem(["2", "1", "-1"], [[1, -1, 1], [-1, -1, 1]], signs=[1, 1]),
        neurons=(0,),
        data=((0,),),
        taus=(R(3, 2),),
        losses=(R(1), R(1, 3)),
        sq_norms=(0, 4),
        source="""Datum 1 (y = 1) has no active positive neuron, datum 2 no negative
        neuron: both rows are zero.  Neuron 0 fits datum 0 (S = 4, r = 2/3) at
        τ = 3/2; neuron 1 is active on no positive datum (zero column).  The
        final loss is (1 + 1)/(2·3) = 1/3 > 0.""",
    ),
    Case(
        "equal_columns",
        Problem(["1", "2"], [[1, 1], [2, 3], [1, -1]], signs=[1, 1, 1]),
        neurons=(0,),
        data=((0, 1),),
        taus=(2 / sqrt(5),),
        losses=(R(5, 4), 0),
        sq_norms=(0, 2 * sqrt(5)),
        source="""Neurons 0 and 1 have the same column {0, 1}: one group, carried by
        neuron 0, with the squared norm of one neuron, 2 sqrt(5).  r = sqrt(5)/2.""",
    ),
]


# -- problems checked against the simulated flow -----------------------------------
# (tests/flow/test_simulate.py, tests/flow/test_validation.py, tests/finite/test_offsets.py, tests/finite/test_corrections.py
# and the flow benchmarks; their expectations come from the flow itself)

#: Mixed signs, three jumps (τ = 4.297, 10.0, 33.61 by neurons 1, 3, 0), two
#: rate drops, final loss 0; μ = 0.239: resolved for λ ≤ e^-21 (μ ln(1/λ) ≥ 5).
REF3 = dict(
    y=[0.9, 0.1, 0.8, 0.1, -0.6, 0.7],
    W0=[[-0.0, 1.8, -0.1, 0.6, -0.7, 1.8], [1.0, -0.8, 1.3, 0.4, 0.5, 0.4],
        [-0.6, -0.5, 0.7, 0.0, -0.9, 2.1], [-0.1, -0.5, -0.6, 0.8, 1.0, 0.3]],
    signs=[1, 1, 1, -1],
)

#: Two simultaneous jumps of opposite signs (τ_1 = τ_2 = 7.682), then a third.
SIMULTANEOUS = dict(
    y=[0.6, 0.3, 0.5, 0.1, -0.5, -0.6],
    W0=[[1.8, -0.1, 1.0, 0.0, -2.2, -0.6], [0.2, -1.2, -1.3, 0.4, -0.6, -1.7],
        [-0.7, 0.9, -0.5, 0.9, 1.5, 0.0], [-1.1, -1.3, -0.0, 0.9, 0.3, 0.5]],
    signs=[1, 1, -1, -1],
)

#: Seed 000's two-phase case (spec §4): neuron 0 (+) is active exactly on the
#: positive data, neuron 1 (−) exactly on the negative data.
TWO_PHASE = dict(
    y=[1.0, 2.0, 0.5, -1.5, -0.7],
    W0=[[1.0, 0.5, 2.0, -1.0, -0.3], [-0.2, -1.0, -0.5, 1.0, 2.0]],
    signs=[1, -1],
)

#: Two groups of equal columns (spec §5): neurons 0–2 on the positive data,
#: 3–4 on the negative data.
GROUPS = dict(
    y=TWO_PHASE["y"],
    W0=[[1.0, 0.5, 2.0, -1.0, -0.3], [0.3, 1.5, 0.2, -0.1, -2.0], [2.0, 0.1, 0.1, -1.0, -1.0],
        [-0.2, -1.0, -0.5, 1.0, 2.0], [-1.0, -1.0, -1.0, 0.3, 0.1]],
    signs=[1, 1, 1, -1, -1],
)

#: Two jumps; neurons 3 and 6 compete for the first jump's data and lose all
#: of it (μ = 0.675: resolved for λ ≤ 6e-4).  Found by filtering random
#: problems on μ.
SHARED = dict(
    y=[0.6, -1.0, 2.1, 0.4],
    W0=[[1.0, 1.1, -0.3, 0.1], [0.6, 0.1, 1.7, 1.1], [0.3, 1.4, 0.2, 0.9], [0.3, -0.2, -0.8, -0.6],
        [0.2, 0.5, -2.0, -0.3], [0.7, -0.1, -1.0, -0.9], [1.8, -1.5, -0.3, 0.9]],
    signs=[-1, 1, 1, 1, -1, 1, 1],
)

#: Four jumps (rates 0.157, 0.096, 0.050, 0.024); neurons 5 and 1 lose data
#: and jump later, so they keep remnants on earlier blocks (μ = 0.368:
#: resolved for λ ≤ 1.3e-6).
CHAIN = dict(
    y=[0.38, -0.86, -0.89, -0.49, 0.19, -0.59, -0.2, 0.11],
    W0=[[0.72, 0.19, -0.56, -0.01, -1.3, 1.21, 0.78, 0.51], [-1.72, -0.31, 0.16, -0.39, 0.71, -1.51, 0.57, 1.17],
        [-0.49, -0.55, -1.16, 0.54, -0.19, -0.04, -0.71, 0.49], [0.02, -0.19, -0.4, 0.35, -0.44, -0.7, -0.54, -0.55],
        [-1.2, 1.76, 1.56, -1.68, -0.75, -1.0, 1.55, -0.52], [0.42, -0.87, -0.3, 0.85, 2.16, 0.17, 1.44, 1.64]],
    signs=[1, 1, 1, -1, -1, -1],
)


def competing_problems(seed):
    """Random problems with a competitor, endlessly, as ``(problem, process)``:
    Gaussian labels and initialization, 3 ≤ n ≤ 11, 2 ≤ m ≤ 7, at least two
    jumps and 0.3 < μ < 5 (spec §8), so that small λ resolve them and large λ
    do not (tests/finite/test_corrections.py, benchmarks/finite_lambda_accuracy.py)."""
    rng = np.random.default_rng(seed)
    while True:
        n, m = int(rng.integers(3, 12)), int(rng.integers(2, 8))
        problem = Problem(rng.standard_normal(n), rng.standard_normal((m, n)), signs=rng.choice([-1, 1], m))
        process = limit_process(problem)
        if process.K >= 2 and 0.3 < float(process.resolution_margin.value) < 5:
            yield problem, process
