"""Property tests of Algorithm 1 (spec §3–§4) over :mod:`limitproc.strategies`.

Every invariant the spec lists is checked on generated problems, against
independent computations written here or in ``tests/reference.py``:

* the mask is recomputed by ``reference_mask``; fitted sets, losses, norms and
  exponents are recomputed from it and the reported jumps;
* ``exact_transcription`` is spec §3 written literally in exact arithmetic
  (exponents decremented at every jump, equal columns merged as spec §5 says),
  so the exact backend can be compared with it value for value, ties included.

Overlapping exact ties (``TieError``) are outside the theory (spec §5).  They
are handled, not skipped: whenever a backend raises ``TieError``,
:func:`run` checks that the exact transcription proves that tie (same pair,
same time) before the example counts as passed.
``test_ties_are_reported_exactly_when_proved`` draws problems where ties are
common and checks the converse, and the ``ties="first"`` resolution.

The number of examples of each test is a fraction of the Hypothesis profile's
``max_examples`` (profiles in ``tests/conftest.py``; ``HYPOTHESIS_PROFILE=thorough``
for a long run).
"""

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
import sympy
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from limitproc import (
    Mask,
    Problem,
    TieError,
    certify,
    implicit_bias_ratio,
    limit_process,
    min_norm_interpolator,
    min_norm_sq,
    two_phase,
)
from limitproc.process.exact import compare
from limitproc.strategies import label_magnitudes, orthogonal_matrices, problems

from .cases import CASES
from .reference import reference_mask, reference_process

RTOL = 1e-12


def examples(fraction):
    """Settings with ``fraction`` of the profile's ``max_examples`` (at least 5)."""
    return settings(max_examples=max(5, round(settings.default.max_examples * fraction)))


# ---------------------------------------------------------------- strategies

FLAGS = dict(
    signs=st.sampled_from(["any", "mixed", "positive", "negative"]),
    neuron_signs=st.sampled_from(["any", "mixed", "positive", "negative"]),
    repeated=st.booleans(),
    allow_zero_labels=st.booleans(),
    form=st.sampled_from(["signs", "a0"]),
    zero_rows=st.booleans(),
    zero_columns=st.booleans(),
    equal_columns=st.booleans(),
)
#: Float labels, any basis, any forced structure.
FLOAT = problems(n=(1, 7), m=(1, 7), **FLAGS)
#: Exact labels (Fractions or strings such as "3/7"), small enough for sympy.
RATIONAL = problems(n=(1, 5), m=(1, 5), kind=st.sampled_from(["fraction", "string"]), **FLAGS)
#: Few distinct small magnitudes: exact ties, overlapping or not, are common.
TIES = problems(
    n=(2, 4),
    m=(2, 5),
    kind="string",
    repeated=True,
    magnitudes=label_magnitudes(max_numerator=2, denominators=(1,)),
    signs="positive",
    neuron_signs="positive",
    coordinates=st.sampled_from([1, -1]),
)
#: Seed 000 Assumption 3 (spec §4).
TWO_PHASE = problems(
    n=(1, 7),
    m=(1, 7),
    kind=st.sampled_from(["float", "string"]),
    two_phase=True,
    **{k: v for k, v in FLAGS.items() if k != "zero_rows"},
)
#: Forced zero columns and equal columns (spec §5).
STRUCTURED = problems(
    n=(1, 6),
    m=(1, 6),
    zero_columns=True,
    equal_columns=True,
    **{k: v for k, v in FLAGS.items() if k not in ("zero_columns", "equal_columns")},
)

#: The hand-computed reference problems of tests/cases.py, as explicit examples.
CASE_PROBLEMS = [case.problem for case in CASES]


def with_cases(test):
    """Run ``test`` on the named reference problems as well."""
    for problem in CASE_PROBLEMS:
        test = example(problem)(test)
    return test


# ---------------------------------------------------------------- independent computations


def mask_of(problem):
    """``A[i, j]`` of spec §2, from tests/reference.py (shape (n, m))."""
    return reference_mask(problem.y, problem.directions, problem.signs, problem.X)


def group_of(A):
    """For each neuron, the frozenset of neurons with the same non-zero column."""
    columns = [A[:, j].tobytes() if A[:, j].any() else None for j in range(A.shape[1])]
    return [
        frozenset(k for k, c in enumerate(columns) if c is not None and c == columns[j]) if columns[j] else frozenset({j})
        for j in range(A.shape[1])
    ]


@dataclass
class Transcript:
    """What :func:`exact_transcription` found.

    ``jumps``: ``(τ, neuron, data, rate)`` in the order the exact backend
    lists them (simultaneous jumps by neuron index).  ``tie``: with
    ``ties="raise"``, the overlapping pairs of the first overlapping tie and
    its time (else ``None``).  ``broken``: with ``ties="first"``, the
    ``(τ, (kept, dropped))`` pairs.
    """

    jumps: list
    tie: object = None
    broken: list = field(default_factory=list)


def exact_transcription(problem, ties="raise"):
    """Spec §3 in exact arithmetic, literally: ``e_j ← e_j − r_j (τ_{k+1} − τ_k)``.

    Equal columns act as one neuron, the first of the group (spec §5).  A tie
    between overlapping unfitted sets stops the run (``ties="raise"``) or lets
    the lowest-index neuron jump (``ties="first"``): the other one's exponent
    is then 0 and it jumps at the same time with what is left of its data.
    """
    y = [sympy.Rational(v.numerator, v.denominator) for v in problem.y_exact]
    A = mask_of(problem)
    n, m = A.shape
    columns = [tuple(int(i) for i in np.flatnonzero(A[:, j])) for j in range(m)]
    first = {}
    waiting = [j for j in range(m) if columns[j] and first.setdefault(columns[j], j) == j]
    exponent = {j: sympy.Integer(1) for j in waiting}
    fitted = set()
    tau = sympy.Integer(0)
    out = Transcript([])
    while True:
        unfitted = {j: [i for i in columns[j] if i not in fitted] for j in waiting}
        rate = {j: sympy.sqrt(sum((y[i] ** 2 for i in unfitted[j]), sympy.Integer(0))) / n for j in waiting}
        live = [j for j in waiting if unfitted[j]]
        if not live:
            return out
        T = {j: tau + exponent[j] / rate[j] for j in live}
        winners = [live[0]]
        for j in live[1:]:
            sign = compare(T[j], T[winners[0]])
            if sign < 0:
                winners = [j]
            elif sign == 0:
                winners.append(j)
        new_tau = T[winners[0]]
        kept, dropped = [], []
        for w in winners:
            clash = next((k for k in kept if set(unfitted[k]) & set(unfitted[w])), None)
            (kept.append(w) if clash is None else dropped.append((clash, w)))
        if dropped and ties == "raise":
            pairs = {(a, b) for a, b in combinations(winners, 2) if set(unfitted[a]) & set(unfitted[b])}
            out.tie = (pairs, new_tau)
            return out
        out.broken += [(new_tau, pair) for pair in dropped]
        for j in waiting:
            exponent[j] = exponent[j] - rate[j] * (new_tau - tau)
        for j in winners:  # proved: T_j = τ_{k+1}, so e_j = 0 (spec §3)
            exponent[j] = sympy.Integer(0)
        for j in kept:
            out.jumps.append((new_tau, j, tuple(unfitted[j]), rate[j]))
            fitted.update(unfitted[j])
            waiting.remove(j)
        tau = new_tau


def same_number(a, b, digits=50):
    """Exact numbers equal to ``digits`` significant digits."""
    a, b = sympy.sympify(a), sympy.sympify(b)
    scale = max(abs(sympy.N(a, digits)), abs(sympy.N(b, digits)), sympy.Float(1e-300))
    return abs(sympy.N(a - b, digits)) <= scale * sympy.Float(10) ** (5 - digits)


def assert_proved_tie(error, transcript):
    """``error`` reports a tie the exact transcription proves (spec §5, §6)."""
    assert transcript.tie is not None, f"{error} but the exact transcription has no tie"
    pairs, time = transcript.tie
    assert tuple(error.neurons) in pairs
    assert same_number(error.time, time)


def run(problem, exact=False):
    """``limit_process``, or ``None`` for a proved overlapping tie."""
    try:
        return limit_process(problem, exact=exact)
    except TieError as error:
        assert_proved_tie(error, exact_transcription(problem))
        event("overlapping exact tie: TieError, proved")
        return None


def same_jumps(process, transcript):
    """The exact backend's jumps equal the transcription's, value for value."""
    expected = transcript.jumps
    assert [s.neuron for s in process.jumps] == [j for _, j, _, _ in expected]
    assert [tuple(s.data.tolist()) for s in process.jumps] == [d for _, _, d, _ in expected]
    for s, (tau, _, _, rate) in zip(process.jumps, expected):
        assert same_number(s.tau, tau) and same_number(s.rate, rate)


def records(process, neuron_map=None, data_map=None):
    """``{group: (τ, data, rate)}``, indifferent to the listing order of simultaneous jumps."""
    neuron_map = (lambda j: j) if neuron_map is None else neuron_map
    data_map = (lambda i: i) if data_map is None else data_map
    return {
        frozenset(int(neuron_map(j)) for j in s.group): (
            float(s.tau),
            frozenset(int(data_map(i)) for i in s.data),
            float(s.rate),
        )
        for s in process.jumps
    }


def assert_same_records(got, want, scale_tau=1.0, scale_rate=1.0, rtol=RTOL):
    assert got.keys() == want.keys()
    for key, (tau, data, rate) in want.items():
        assert got[key][1] == data, key
        assert got[key][0] == pytest.approx(tau * scale_tau, rel=rtol), key
        assert got[key][2] == pytest.approx(rate * scale_rate, rel=rtol), key


def integrated_exponents(problem, process, A, tau):
    """``e_j(τ) = 1 − ∫_0^τ r_j`` with the rates recomputed from the mask, 0 from the group's jump on."""
    n, m = A.shape
    y2 = problem.y**2
    groups = group_of(A)
    e = np.ones(m)
    fitted = np.zeros(n, dtype=bool)
    jumped = np.zeros(m, dtype=bool)

    def rates():
        return np.sqrt(((A & ~fitted[:, None]) * y2[:, None]).sum(axis=0)) / n

    t = 0.0
    for s in process.jumps:
        if float(s.tau) > tau:
            break
        e -= rates() * (float(s.tau) - t)
        t = float(s.tau)
        fitted[s.data] = True
        jumped[list(groups[s.neuron])] = True
    e -= rates() * (tau - t)
    return np.where(jumped, 0.0, e), jumped


def tau_grid(process):
    """0, every jump time, points just before and between them, and beyond the last."""
    times = sorted({0.0, *process.times.tolist()})
    grid = set(times)
    for a, b in zip(times, times[1:]):
        if b - a > 1e-9 * b:
            grid.update({(a + b) / 2, b - 1e-6 * (b - a)})
    last = times[-1]
    grid.update({last + 1.0, 2 * last + 10.0})
    return sorted(grid)


def flip_data_and_neurons(problem, data_order, neuron_order):
    """The problem with its data and neurons permuted."""
    y = [str(v) for v in problem.y_exact] if problem.labels_exact else problem.y
    y = [y[i] for i in data_order]
    Z = problem.directions[neuron_order]
    X = None
    if problem.X is None:
        Z = Z[:, data_order]
    else:
        X = problem.X[data_order]
    return Problem(y, Z, signs=problem.signs[neuron_order], X=X, allow_zero_labels=True)


# ---------------------------------------------------------------- spec §3: saddles


@examples(1.0)
@given(FLOAT)
@with_cases
def test_every_saddle_is_balanced(problem):
    """``a_j² = ||w_j||²`` and ``sign a_j = s_j`` at every saddle (spec §1, §3)."""
    process = run(problem)
    if process is None:
        return
    for k in range(process.K + 1):
        a, W = process.parameters(k)
        np.testing.assert_allclose(a**2, (W**2).sum(axis=1), rtol=RTOL, atol=0)
        moved = np.flatnonzero(a)
        assert np.all(np.sign(a[moved]) == problem.signs[moved])
        assert set(moved.tolist()) == {s.neuron for s in process.saddles[1 : k + 1]}


@examples(1.0)
@given(FLOAT)
@with_cases
def test_jump_times_increase(problem):
    """``0 < τ_1 ≤ τ_2 ≤ …``, equal only for a simultaneous jump of neurons
    whose unfitted data are disjoint (a true tie, spec §5)."""
    process = run(problem)
    if process is None:
        return
    A = mask_of(problem)
    taus = process.times
    assert np.all(taus > 0)
    assert np.all(np.diff(taus) >= 0)
    start = 0
    for k in range(1, process.K + 1):  # blocks of (numerically) equal times
        if k == process.K or taus[k] > taus[start] * (1 + 1e-12):
            block = process.jumps[start:k]
            if len(block) > 1:
                event("simultaneous jumps")
            for a, b in combinations(block, 2):
                assert not A[a.data, b.neuron].any() and not A[b.data, a.neuron].any()
            start = k


@examples(1.0)
@given(FLOAT)
@with_cases
def test_losses_decrease_and_equal_the_unfitted_labels(problem):
    """``L(θ_k) = (1/(2n)) Σ_{i ∉ F_k} y_i²``, strictly decreasing (spec §3)."""
    process = run(problem)
    if process is None:
        return
    y2 = problem.y**2
    fitted = np.zeros(problem.n, dtype=bool)
    for s in process.saddles:
        if s.neuron is not None:
            fitted[s.data] = True
        assert float(s.loss) == pytest.approx(y2[~fitted].sum() / (2 * problem.n), rel=RTOL, abs=0)
    assert np.all(np.diff(process.losses) < 0)


@examples(1.0)
@given(FLOAT)
@with_cases
def test_fitted_sets_are_the_unfitted_active_sets(problem):
    """Each jump fits ``I_{j_k}^{k-1}``: non-empty, disjoint from earlier
    jumps, of the neuron's sign; each group jumps at most once (spec §3)."""
    process = run(problem)
    if process is None:
        return
    A = mask_of(problem)
    groups = group_of(A)
    fitted = set()
    jumped = set()
    for s in process.jumps:
        data = s.data.tolist()
        assert data, "a jump fitted no data"
        assert not fitted & set(data), "fitted sets overlap"
        assert data == [i for i in np.flatnonzero(A[:, s.neuron]) if i not in fitted]
        assert np.all(np.sign(problem.y[data]) == problem.signs[s.neuron])
        assert set(s.group) == groups[s.neuron] and s.neuron == min(groups[s.neuron])
        assert s.neuron not in jumped
        fitted |= set(data)
        jumped.add(s.neuron)


@examples(0.5)
@given(FLOAT)
def test_number_of_jumps_is_at_most_min_m_n(problem):
    process = run(problem)
    if process is None:
        return
    assert process.K <= min(problem.m, problem.n)
    assert process.K == len(process.jumps) == len(process.saddles) - 1


@examples(1.0)
@given(FLOAT)
@with_cases
def test_final_loss_is_zero_iff_no_zero_row(problem):
    """The final loss is ``(1/(2n)) Σ y_i²`` over the zero rows of ``A``: zero iff there are none."""
    process = run(problem)
    if process is None:
        return
    A = mask_of(problem)
    y = problem.y
    zero_rows = [i for i in range(problem.n) if y[i] != 0 and not A[i].any()]
    event(f"zero rows: {bool(zero_rows)}")
    assert (float(process.final.loss) == 0) == (not zero_rows)
    assert process.interpolates == (not zero_rows)
    assert float(process.final.loss) == pytest.approx((y[zero_rows] ** 2).sum() / (2 * problem.n), rel=RTOL, abs=0)
    fitted = set().union(*(set(s.data.tolist()) for s in process.jumps))
    assert fitted == {i for i in range(problem.n) if y[i] != 0 and A[i].any()}


@examples(1.0)
@given(FLOAT)
@with_cases
def test_squared_norms_and_interpolator_bounds(problem):
    """``||θ_k||² = 2 Σ_{l ≤ k} sqrt(Σ_{I_l} y²)`` and, when interpolating,
    ``2 (||y+|| + ||y−||) ≤ ||θ_K||² ≤ 2 ||y||_1`` (spec §3)."""
    process = run(problem)
    if process is None:
        return
    y = problem.y
    total = 0.0
    for s in process.saddles:
        if s.neuron is not None:
            total += 2 * np.sqrt((y[s.data] ** 2).sum())
            assert float(s.rate) == pytest.approx(np.sqrt((y[s.data] ** 2).sum()) / problem.n, rel=RTOL)
        a, W = process.parameters(s.k)
        assert float(s.sq_norm) == pytest.approx(total, rel=RTOL, abs=0)
        assert float(s.sq_norm) == pytest.approx(a @ a + (W**2).sum(), rel=RTOL, abs=0)
    assert np.all(np.diff(process.sq_norms) > 0)
    if process.interpolates:
        lower = 2 * (np.linalg.norm(y[y > 0]) + np.linalg.norm(y[y < 0]))
        assert lower * (1 - RTOL) <= float(process.final.sq_norm) <= 2 * np.abs(y).sum() * (1 + RTOL)
        if np.any(y):  # all labels 0: 0/0, see test_implicit_bias_ratio_of_zero_labels (a known bug)
            assert float(implicit_bias_ratio(process)) >= 1 - RTOL
    else:
        assert implicit_bias_ratio(process) is None


@examples(1.0)
@given(FLOAT)
@with_cases
def test_exponents(problem):
    """``e_j(τ)`` ∈ [0, 1], non-increasing, ``1 − ∫ r_j``, and 0 exactly from
    the neuron's own jump on (spec §2)."""
    process = run(problem)
    if process is None:
        return
    A = mask_of(problem)
    grid = tau_grid(process)
    values = np.array([process.exponents(tau) for tau in grid])
    assert np.all((values >= 0) & (values <= 1))
    assert np.all(np.diff(values, axis=0) <= 1e-12)
    for tau, e in zip(grid, values):
        expected, jumped = integrated_exponents(problem, process, A, tau)
        np.testing.assert_allclose(e, expected, rtol=0, atol=1e-9)
        assert np.all(e[jumped] == 0)
        assert np.all(e[~jumped] > 0), f"an exponent reached 0 before its neuron jumped (τ = {tau})"
    zero = np.flatnonzero(~A.any(axis=0))
    assert np.all(values[:, zero] == 1)


# ---------------------------------------------------------------- spec §4: seed 000


@examples(1.0)
@given(TWO_PHASE)
def test_two_phase_case_reproduces_seed_000(problem):
    """One jump per label sign at ``1/||D±||``, fitting all data of that sign,
    ending at the minimum-norm interpolator (spec §4)."""
    mask = Mask(problem)
    closed = two_phase(problem, mask)
    assert closed.condition
    process = run(problem)
    assert process is not None  # a full neuron's only rivals of equal rate share its column
    assert process.K == len(closed.times)
    np.testing.assert_allclose(process.times, [float(t) for t in closed.times], rtol=RTOL)
    y = problem.y
    for s in process.jumps:
        sign = problem.signs[s.neuron]
        assert s.data.tolist() == np.flatnonzero(y * sign > 0).tolist()
        assert s.neuron in (closed.neurons_plus if sign > 0 else closed.neurons_minus)
    assert float(process.final.sq_norm) == pytest.approx(min_norm_sq(problem), rel=RTOL)
    if process.K:
        assert float(implicit_bias_ratio(process)) == pytest.approx(1.0, rel=RTOL)
    theta = min_norm_interpolator(problem)
    a, W = process.parameters()
    rows = [s.neuron for s in sorted(process.jumps, key=lambda s: -problem.signs[s.neuron])]
    np.testing.assert_allclose(a[rows], theta.a, rtol=RTOL)
    np.testing.assert_allclose(W[rows], theta.W, rtol=RTOL, atol=RTOL * np.abs(theta.W).max(initial=1))


@examples(0.5)
@given(FLOAT)
def test_min_norm_interpolator_is_balanced_and_interpolates(problem):
    """Seed 000 Proposition 1, with the balanced ``a = s sqrt(n ||D±||)`` (spec §4)."""
    theta = min_norm_interpolator(problem)
    y = problem.y
    np.testing.assert_allclose(theta.a**2, (theta.W**2).sum(axis=1), rtol=RTOL)
    np.testing.assert_allclose(theta.outputs(problem.inputs()), y, rtol=0, atol=RTOL * np.abs(y).max())
    optimum = 2 * (np.linalg.norm(y[y > 0]) + np.linalg.norm(y[y < 0]))
    assert theta.sq_norm == pytest.approx(optimum, rel=RTOL, abs=0)
    assert min_norm_sq(problem) == pytest.approx(optimum, rel=RTOL, abs=0)


# ---------------------------------------------------------------- spec §3: symmetries


@examples(0.7)
@given(FLOAT, st.data())
def test_invariance_under_permutations(problem, data):
    """Permuting data and neurons permutes the output (spec §3)."""
    data_order = data.draw(st.permutations(range(problem.n)), label="data order")
    neuron_order = data.draw(st.permutations(range(problem.m)), label="neuron order")
    base, permuted = run(problem), run(flip_data_and_neurons(problem, data_order, neuron_order))
    assert (base is None) == (permuted is None)
    if base is None:
        return
    got = records(permuted, neuron_map=lambda j: neuron_order[j], data_map=lambda i: data_order[i])
    assert_same_records(got, records(base))
    assert float(permuted.final.loss) == pytest.approx(float(base.final.loss), rel=RTOL, abs=0)
    assert float(permuted.final.sq_norm) == pytest.approx(float(base.final.sq_norm), rel=RTOL, abs=0)


@examples(0.7)
@given(FLOAT, st.integers(0, 2), st.data())
def test_invariance_under_rotations(problem, extra, data):
    """One orthogonal map applied to the inputs and the initial directions
    (after embedding in ``extra`` more dimensions) changes nothing (spec §3)."""
    d = problem.d + extra
    Q = data.draw(orthogonal_matrices(d), label="Q")
    E = np.array(data.draw(st.lists(st.integers(-2, 2), min_size=problem.m * extra, max_size=problem.m * extra)))
    X = np.hstack([problem.inputs(), np.zeros((problem.n, extra))]) @ Q
    W0 = np.hstack([problem.directions, E.reshape(problem.m, extra)]) @ Q
    y = [str(v) for v in problem.y_exact] if problem.labels_exact else problem.y
    rotated_problem = Problem(y, W0, signs=problem.signs, X=X, allow_zero_labels=True)
    base, rotated = run(problem), run(rotated_problem)
    assert (base is None) == (rotated is None)
    if base is None:
        return
    assert [s.neuron for s in rotated.jumps] == [s.neuron for s in base.jumps]
    assert [s.data.tolist() for s in rotated.jumps] == [s.data.tolist() for s in base.jumps]
    np.testing.assert_allclose(rotated.times, base.times, rtol=RTOL)
    np.testing.assert_allclose(rotated.sq_norms, base.sq_norms, rtol=RTOL)
    np.testing.assert_allclose(rotated.losses, base.losses, rtol=RTOL)
    for k in range(base.K + 1):  # the saddles rotate with the inputs
        a, W = base.parameters(k)
        a_rot, W_rot = rotated.parameters(k)
        np.testing.assert_allclose(a_rot, a, rtol=RTOL)
        expected = np.hstack([W, np.zeros((problem.m, extra))]) @ Q
        np.testing.assert_allclose(W_rot, expected, rtol=0, atol=1e-12 * max(1.0, np.abs(W).max()))


@examples(0.7)
@given(problems(n=(1, 7), m=(1, 7), kind=st.sampled_from(["float", "string"]), **FLAGS), st.data())
def test_label_scaling(problem, data):
    """``y → c y`` divides every jump time by ``c`` and multiplies every squared
    norm by ``c`` and every loss by ``c²`` (spec §3).  Float labels are scaled
    by powers of 2 (exactly), exact labels by any fraction."""
    if problem.labels_exact:
        c = Fraction(data.draw(st.integers(1, 9), label="p"), data.draw(st.integers(1, 9), label="q"))
        y = [str(c * v) for v in problem.y_exact]
    else:
        c = 2.0 ** data.draw(st.integers(-4, 4), label="log2 c")
        y = c * problem.y
    scaled_problem = Problem(y, problem.directions, signs=problem.signs, X=problem.X, allow_zero_labels=True)
    base, scaled = run(problem), run(scaled_problem)
    assert (base is None) == (scaled is None)
    if base is None:
        return
    c = float(c)
    assert_same_records(records(scaled), records(base), scale_tau=1 / c, scale_rate=c)
    assert float(scaled.final.sq_norm) == pytest.approx(c * float(base.final.sq_norm), rel=RTOL, abs=0)
    np.testing.assert_allclose(np.sort(scaled.losses), np.sort(base.losses) * c**2, rtol=RTOL)


# ---------------------------------------------------------------- spec §6: backends


@examples(0.4)
@given(RATIONAL)
@with_cases
def test_float_and_exact_backends_agree(problem):
    """Same neurons in the same order (as sets within a simultaneous jump),
    same data, values within 1e-12 relative; both raise TieError or neither (spec §6)."""
    exact = run(problem, exact=True)
    floating = run(problem)
    assert (exact is None) == (floating is None)
    if exact is None:
        return
    assert exact.backend == "exact"
    if floating.deferred:
        event("float backend deferred a near-tie to the exact backend")
    assert floating.K == exact.K
    order_f, order_e = [s.neuron for s in floating.jumps], [s.neuron for s in exact.jumps]
    start = 0
    for k in range(1, exact.K + 1):  # blocks of exactly equal times
        if k == exact.K or compare(exact.jumps[k].tau, exact.jumps[start].tau) != 0:
            assert set(order_f[start:k]) == set(order_e[start:k])
            if k - start == 1:
                assert order_f[start] == order_e[start]
            else:
                event("exact simultaneous jumps")
            start = k
        else:
            assert not set(exact.jumps[k].data.tolist()) & set(exact.jumps[start].data.tolist())
    assert_same_records(records(floating), records(exact))
    np.testing.assert_allclose(floating.losses, exact.losses, rtol=RTOL, atol=0)
    np.testing.assert_allclose(floating.sq_norms, exact.sq_norms, rtol=RTOL, atol=0)
    for a, b in zip(exact.jumps, exact.jumps[1:]):  # exact times: strictly increasing, or a proved tie
        assert compare(b.tau, a.tau) >= 0
    assert certify(exact).ok
    for k in range(exact.K + 1):
        a, W = exact.parameters(k)
        np.testing.assert_allclose(a**2, (W**2).sum(axis=1), rtol=RTOL, atol=0)


@examples(0.3)
@given(RATIONAL)
@with_cases
def test_exact_backend_matches_the_exact_transcription(problem):
    """The exact backend equals spec §3 run literally in exact arithmetic."""
    transcript = exact_transcription(problem)
    try:
        process = limit_process(problem, exact=True)
    except TieError as error:
        assert_proved_tie(error, transcript)
        return
    assert transcript.tie is None, f"no TieError for the tie {transcript.tie}"
    same_jumps(process, transcript)
    n = problem.n
    y2 = [sympy.Rational(v.numerator, v.denominator) ** 2 for v in problem.y_exact]
    fitted, sq_norm = set(), sympy.Integer(0)
    for s, (_, _, data, rate) in zip(process.jumps, transcript.jumps):
        fitted |= set(data)
        sq_norm += 2 * n * rate
        assert sympy.sympify(s.loss) == sum((y2[i] for i in range(n) if i not in fitted), sympy.Integer(0)) / (2 * n)
        assert same_number(s.sq_norm, sq_norm)


@examples(1.0)
@given(TIES)
@example(Problem(["1", "1", "1"], [[1, 1, -1], [-1, 1, 1]], signs=[1, 1]))  # overlapping tie at 3 sqrt(2)/2
@example(Problem(["1", "1"], [[1, -1], [-1, 1]], signs=[1, 1]))  # disjoint tie: simultaneous jumps
def test_ties_are_reported_exactly_when_proved(problem):
    """``TieError`` is raised, by either backend, exactly when the exact
    transcription proves a tie between overlapping unfitted sets; with
    ``ties="first"`` the lowest-index neuron jumps, the other follows at the
    same time with the rest of its data, and the pair is listed (spec §5)."""
    transcript = exact_transcription(problem)
    event(f"overlapping exact tie: {transcript.tie is not None}")
    for exact in (False, True):
        try:
            process = limit_process(problem, exact=exact)
        except TieError as error:
            assert_proved_tie(error, transcript)
        else:
            assert transcript.tie is None, f"the tie {transcript.tie} was not reported (exact={exact})"
            if exact:
                same_jumps(process, transcript)
            else:
                assert records(process).keys() == records(limit_process(problem, exact=True)).keys()
    broken = exact_transcription(problem, ties="first")
    process = limit_process(problem, exact=True, ties="first")
    same_jumps(process, broken)
    assert [pair for _, pair in process.ties] == [pair for _, pair in broken.broken]
    for (tau, _), (want, _) in zip(process.ties, broken.broken):
        assert same_number(tau, want)
    assert certify(process).ok
    floating = limit_process(problem, ties="first")
    assert [s.neuron for s in floating.jumps] == [s.neuron for s in process.jumps]
    np.testing.assert_allclose(floating.times, process.times, rtol=RTOL)


# ---------------------------------------------------------------- definitions and reference


@examples(1.0)
@given(FLOAT)
@with_cases
def test_certify(problem):
    """Every saddle is a balanced critical point fitting its active data (certify)."""
    process = run(problem)
    if process is None:
        return
    certificate = certify(process)
    assert certificate.ok, certificate


@examples(1.0)
@given(FLOAT)
@with_cases
def test_agrees_with_the_literal_transcription(problem):
    """tests/reference.py (float, O(K·m·n), ties to the lowest index) gives the same jumps."""
    process = run(problem)
    if process is None:
        return
    if process.deferred:  # the float transcription cannot order that near-tie
        event("deferred to exact: compared with the exact transcription")
        same_jumps(limit_process(problem, exact=True), exact_transcription(problem))
        assert process.backend == "exact"
        return
    groups = group_of(mask_of(problem))
    expected = reference_process(problem.y, problem.directions, problem.signs, problem.X)
    want = {groups[j]: (tau, frozenset(data), np.nan) for tau, j, data, _, _ in expected}
    got = {key: (tau, data, np.nan) for key, (tau, data, _) in records(process).items()}
    assert got.keys() == want.keys()
    for key in want:
        assert got[key][1] == want[key][1]
        assert got[key][0] == pytest.approx(want[key][0], rel=1e-11)
    np.testing.assert_allclose(process.losses[1:], [x[3] for x in expected], rtol=1e-11, atol=0)
    np.testing.assert_allclose(process.sq_norms[1:], [x[4] for x in expected], rtol=1e-11)


@examples(0.7)
@given(STRUCTURED)
def test_zero_columns_and_equal_columns(problem):
    """A zero column never moves (exponent 1 forever); equal columns act as one
    neuron, carried by the first (spec §5)."""
    process = run(problem)
    if process is None:
        return
    A = mask_of(problem)
    groups = group_of(A)
    zero = np.flatnonzero(~A.any(axis=0))
    shared = {g for g in groups if len(g) > 1}
    assert zero.size and shared  # forced by the strategy
    assert process.mask.zero_columns.tolist() == zero.tolist()
    assert {frozenset(g) for g in process.mask.groups} == shared
    a, W = process.parameters()
    followers = [j for g in shared for j in g if j != min(g)]
    assert not a[zero].any() and not W[zero].any()
    assert not a[followers].any() and not W[followers].any()
    assert not {s.neuron for s in process.jumps} & (set(zero.tolist()) | set(followers))
    for tau in tau_grid(process):
        e = process.exponents(tau)
        assert np.all(e[zero] == 1)
        for g in shared:
            assert len({e[j] for j in g}) == 1


# ---------------------------------------------------------------- spec §7: the numerical flow


@examples(0.1)
@given(problems(n=(1, 3), m=(1, 3), **FLAGS))
def test_numerical_flow_agrees_at_small_lambda(problem):
    """At a λ the resolution margin resolves (spec §8), the simulated gradient
    flow fits the predicted data with the predicted neurons (spec §7)."""
    from limitproc.flow import Verdict, validate

    process = run(problem)
    if process is None:
        return
    margin = process.resolution_margin
    mu = float(margin.value)
    lam = 1e-30 if mu == np.inf else float(np.exp(-min(700.0, max(70.0, 10.0 / mu))))
    assume(margin.resolves(lam))
    check = validate(problem, [lam], process=process).runs[0]
    assert check.resolved
    assert check.verdict is Verdict.MATCH, check
    assert check.sq_norm == pytest.approx(float(process.final.sq_norm), rel=1e-4, abs=1e-6)
    assert check.final_loss == pytest.approx(float(process.final.loss), rel=1e-4, abs=1e-6)


# ---------------------------------------------------------------- regressions (found by the properties above)


def test_implicit_bias_ratio_of_zero_labels():
    """All labels 0 (allowed): θ_K = θ* = 0 interpolates and there is no ratio.
    Found by test_squared_norms_and_interpolator_bounds (it divided 0 by 0)."""
    from limitproc import predict

    problem = Problem([0.0], [[1.0]], signs=[1], allow_zero_labels=True)
    assert implicit_bias_ratio(limit_process(problem)) is None
    assert implicit_bias_ratio(limit_process(problem, exact=True), exact=True) is None
    assert predict(problem).ratio is None


def test_simulate_flow_default_solver():
    """Found by test_numerical_flow_agrees_at_small_lambda: a positive neuron
    whose only active component (negative data) decays is an unstable rest
    point of the direction flow; DOP853's drift off the sphere blew up
    ("Required step size is less than spacing between numbers") until the
    projection was normalized by ||ū||² (drift amplification at most e)."""
    from limitproc.flow import Verdict, simulate_flow, validate

    problem = Problem([-1.0, -1.0], [[1, -1], [1, -1], [2, 1]], signs=[-1, -1, 1])
    for lam in (1e-8, 1e-30, 1e-100):
        run_ = simulate_flow(problem, lam)
        assert run_.loss[-1] == pytest.approx(0.25) and run_.theta_sq_norm[-1] == pytest.approx(2.0)
        assert np.abs(run_.balance_defect).max() < 1e-8
    assert [r.verdict for r in validate(problem, [1e-8, 1e-30]).runs] == [Verdict.MATCH, Verdict.MATCH]
