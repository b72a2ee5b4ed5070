"""Tests of limitproc.studies.probability: exact formulas against brute-force
enumeration, Monte Carlo against the exact values, and the Gaussian-direction
initialization of spec §1 against the Bernoulli model."""

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest

from limitproc import Mask, Problem
from limitproc.studies import MonteCarloEstimate, sample_init_events
from limitproc.studies.probability import (
    EXACT_ASSUMPTION4_LIMIT,
    InitProbabilities,
    assumption4_probability,
    init_probabilities,
    proposition2_bound,
    rows_nonzero_probability,
    rows_union_bound,
    two_phase_probability,
)

#: Tiny cases enumerated exhaustively: (n_+, n_-, m).
TINY = [
    (1, 0, 1), (0, 2, 2), (1, 1, 1), (1, 1, 2), (2, 1, 2), (2, 2, 2),
    (1, 1, 3), (2, 1, 3), (3, 0, 3), (2, 2, 3), (3, 1, 3), (1, 2, 4),
]  # fmt: skip


def enumerate_events(n_pos, n_neg, m):
    """Exact probabilities by enumerating every sign vector and activation
    matrix (all equally likely), straight from the definitions of spec §2,
    seed 002 Assumption 4(i) and seed 000 Assumption 3."""
    n = n_pos + n_neg
    label_positive = np.array([True] * n_pos + [False] * n_neg)
    codes = np.arange(2 ** (n * m), dtype=np.int64)
    active = ((codes[:, None] >> np.arange(n * m)) & 1).astype(bool).reshape(-1, n, m)  # B[i, j]
    counts = {"rows_nonzero": 0, "assumption4": 0, "two_phase": 0}
    for signs in itertools.product([True, False], repeat=m):  # True: s_j = +1
        signs = np.array(signs)
        agree = label_positive[:, None] == signs[None, :]
        A = active & agree  # A_ij = 1[<z_j, x_i> > 0 and s_j y_i > 0]
        rows = A.any(axis=2).all(axis=1)
        columns = A.any(axis=1).all(axis=1)
        distinct = np.ones(len(A), dtype=bool)
        for j, k in itertools.combinations(range(m), 2):
            distinct &= (A[:, :, j] != A[:, :, k]).any(axis=1)
        pos_full = (active[:, label_positive, :].all(axis=1) & signs).any(axis=1)
        neg_full = (active[:, ~label_positive, :].all(axis=1) & ~signs).any(axis=1)
        counts["rows_nonzero"] += int(rows.sum())
        counts["assumption4"] += int((rows & columns & distinct).sum())
        counts["two_phase"] += int((pos_full & neg_full).sum())
    total = 2**m * 2 ** (n * m)
    return {name: Fraction(count, total) for name, count in counts.items()}


@pytest.mark.parametrize("n_pos,n_neg,m", TINY)
def test_exact_formulas_match_enumeration(n_pos, n_neg, m):
    expected = enumerate_events(n_pos, n_neg, m)
    assert rows_nonzero_probability(n_pos, n_neg, m) == expected["rows_nonzero"]
    assert assumption4_probability(n_pos, n_neg, m) == expected["assumption4"]
    assert two_phase_probability(n_pos, n_neg, m) == expected["two_phase"]


def test_rows_formula_is_the_briefed_sum():
    """The conditioned sum written with Fractions term by term."""
    for n_pos, n_neg, m in [(4, 4, 12), (7, 3, 9), (0, 5, 6), (20, 1, 15)]:
        direct = sum(
            Fraction(math.comb(m, k), 2**m) * (1 - Fraction(1, 2**k)) ** n_pos * (1 - Fraction(1, 2 ** (m - k))) ** n_neg
            for k in range(m + 1)
        )
        assert rows_nonzero_probability(n_pos, n_neg, m) == direct


def test_two_phase_is_digest_f5():
    for n_pos, n_neg, m in [(3, 2, 5), (0, 4, 7), (6, 6, 40)]:
        p, q = Fraction(1, 2 ** (n_pos + 1)), Fraction(1, 2 ** (n_neg + 1))
        assert two_phase_probability(n_pos, n_neg, m) == 1 - (1 - p) ** m - (1 - q) ** m + (1 - p - q) ** m


def test_digest_f6_reference_value():
    # digest §2.2: p = 12, n_± = 4: exact 0.7858, Lemma-5 bound 0.7466
    assert round(float(rows_nonzero_probability(4, 4, 12)), 4) == 0.7858
    assert round(float(rows_union_bound(4, 4, 12)), 4) == 0.7466


def test_float_path_matches_exact():
    for n_pos, n_neg, m in itertools.product([0, 1, 5, 60, 900], [0, 3, 40], [1, 3, 12, 45]):
        if n_pos + n_neg == 0:
            continue
        exact = float(rows_nonzero_probability(n_pos, n_neg, m))
        fast = rows_nonzero_probability(n_pos, n_neg, m, exact=False)
        assert fast == pytest.approx(exact, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("n_pos,n_neg", [(3, 3), (8, 8), (20, 12), (40, 40)])
def test_bounds_and_orderings(n_pos, n_neg):
    for m in (2, 5, 10, 20, 40):
        rows = rows_nonzero_probability(n_pos, n_neg, m)
        full = assumption4_probability(n_pos, n_neg, m)
        assert full <= rows <= 1
        assert rows_union_bound(n_pos, n_neg, m) <= rows
        assert proposition2_bound(n_pos, n_neg, m) <= full  # a valid lower bound
        assert two_phase_probability(n_pos, n_neg, m) <= 1


def test_seed001_lemma5_width():
    """m ≥ 4 log(n/ε) ⇒ P(I) ≥ 1 - ε (seed 001 Lemma 5)."""
    for n, eps in [(10, 0.1), (100, 0.01), (1000, 0.2)]:
        m = math.ceil(4 * math.log(n / eps))
        assert float(rows_nonzero_probability(n // 2, n - n // 2, m)) >= 1 - eps


MC_CASES = [(4, 4, 12), (3, 5, 8), (10, 0, 9), (6, 6, 30), (70, 60, 25)]


@pytest.mark.parametrize("n_pos,n_neg,m", MC_CASES)
def test_monte_carlo_within_interval(n_pos, n_neg, m):
    result = init_probabilities(n_pos, n_neg, m, samples=20_000, seed=7, confidence=0.999)
    assert result.assumption4_exact is not None
    assert result.agreement() == {"rows_nonzero": True, "assumption4": True, "two_phase": True}
    for estimate in result.monte_carlo.values():
        assert estimate.samples == 20_000 and 0 <= estimate.low <= estimate.estimate <= estimate.high <= 1


def test_monte_carlo_is_deterministic_and_blocked_consistently():
    a = sample_init_events(5, 3, 7, 3000, seed=11)
    b = sample_init_events(5, 3, 7, 3000, seed=11)
    c = sample_init_events(5, 3, 7, 3000, seed=12)
    assert all((a[k] == b[k]).all() for k in a)
    assert any((a[k] != c[k]).any() for k in a)
    # blocks of a few samples draw the same law (not the same numbers): check the rates agree
    small = sample_init_events(5, 3, 7, 3000, seed=11, memory=1)
    exact = float(rows_nonzero_probability(5, 3, 7))
    assert MonteCarloEstimate.from_counts(int(small["rows_nonzero"].sum()), 3000, 0.999).contains(exact)


def test_monte_carlo_long_bit_strings():
    """More than 64 data of a sign: several packed words per neuron."""
    n_pos, n_neg, m = 130, 3, 26
    events = sample_init_events(n_pos, n_neg, m, 8000, seed=3)
    for name, exact in [
        ("rows_nonzero", rows_nonzero_probability(n_pos, n_neg, m)),
        ("assumption4", assumption4_probability(n_pos, n_neg, m)),
        ("two_phase", two_phase_probability(n_pos, n_neg, m)),
    ]:
        estimate = MonteCarloEstimate.from_counts(int(events[name].sum()), 8000, 0.999)
        assert estimate.contains(exact), (name, estimate, float(exact))


def test_gaussian_directions_have_the_bernoulli_law():
    """Masks built by Mask from Gaussian directions and uniform signs (spec §1)
    have the event probabilities of the Bernoulli model."""
    rng = np.random.default_rng(5)
    n_pos, n_neg, m, samples = 3, 2, 6, 3000
    y = np.array([1.0, 2.0, 0.5, -1.0, -3.0])
    counts = {"rows_nonzero": 0, "assumption4": 0, "two_phase": 0}
    for _ in range(samples):
        signs = rng.integers(0, 2, m) * 2 - 1
        mask = Mask(Problem(y, rng.standard_normal((m, 5)), signs=signs))
        rows = mask.zero_rows.size == 0
        counts["rows_nonzero"] += rows
        counts["assumption4"] += rows and mask.zero_columns.size == 0 and not mask.groups
        full = mask.counts == np.where(signs > 0, n_pos, n_neg)
        counts["two_phase"] += bool((full & (signs > 0)).any() and (full & (signs < 0)).any())
    for name, exact in [
        ("rows_nonzero", rows_nonzero_probability(n_pos, n_neg, m)),
        ("assumption4", assumption4_probability(n_pos, n_neg, m)),
        ("two_phase", two_phase_probability(n_pos, n_neg, m)),
    ]:
        estimate = MonteCarloEstimate.from_counts(counts[name], samples, 0.999)
        assert estimate.contains(exact), (name, estimate, float(exact))


def test_to_dict_carries_exact_fraction_string():
    result = init_probabilities(3, 2, 6, samples=500, seed=1, method="wilson")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["schema"] == "limitproc.probability" and data["schema_version"] == 1
    assert Fraction(data["rows_nonzero_exact"]) == result.rows_nonzero_exact
    assert data["rows_nonzero_exact"] == f"{result.rows_nonzero_exact.numerator}/{result.rows_nonzero_exact.denominator}"
    assert data["rows_nonzero"] == float(result.rows_nonzero_exact)
    assert Fraction(data["assumption4_exact"]) == assumption4_probability(3, 2, 6)
    assert Fraction(data["two_phase_exact"]) == two_phase_probability(3, 2, 6)
    assert data["monte_carlo"]["rows_nonzero"]["method"] == "wilson"
    assert isinstance(result, InitProbabilities)
    assert "Assumption 4(i)" in str(result)


def test_large_cases_stay_fast_and_skip_full_exact():
    assert 2048 * 40 > EXACT_ASSUMPTION4_LIMIT
    result = init_probabilities(1024, 1024, 40, samples=0)
    assert result.assumption4_exact is None and result.monte_carlo == {}
    assert result.to_dict()["assumption4_exact"] is None
    assert 0.9 < float(result.rows_nonzero_exact) < 1
    assert 0 < float(two_phase_probability(16, 16, 100_000)) < 1  # 3.4 Mbit numerator


@pytest.mark.parametrize("args", [(0, 0, 3), (1, 1, 0), (-1, 2, 3), (1.5, 2, 3), (True, 1, 1)])
def test_invalid_sizes(args):
    with pytest.raises(ValueError):
        rows_nonzero_probability(*args)


def test_invalid_options():
    with pytest.raises(ValueError):
        init_probabilities(2, 2, 3, confidence=1.5)
    with pytest.raises(ValueError):
        init_probabilities(2, 2, 3, method="jeffreys")


def test_threshold_plot(tmp_path):
    pytest.importorskip("matplotlib")
    from limitproc.studies.plots import plot_interpolation_threshold

    path = tmp_path / "threshold.png"
    figure = plot_interpolation_threshold([8, 64], samples=200, path=path)
    assert path.stat().st_size > 10_000
    assert len(figure.axes) == 2
