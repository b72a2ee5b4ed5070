"""The input model of docs/general-inputs.md: the three regimes of the inputs
and their thresholds, norms, unbalanced initializations and effective signs,
and the refusal of code written for spec §1."""

import numpy as np
import pytest

from limitproc import OrthonormalityError, Problem, limit_process
from limitproc.errors import SignUndecidedError, UnsupportedProblemError
from limitproc.problem.balance import initial_transient
from limitproc.problem.regimes import rounding_threshold
from limitproc.problem.sampling import random_orthonormal

from ..reference_general import reference_transient

E1_X = np.array([[-0.5, 1.0], [2.0, 1.0]])  # seed 000 §5: a 1-D input and a bias coordinate


class TestRegimes:
    @pytest.mark.parametrize("n, d", [(2, 2), (3, 5), (6, 6), (64, 64), (100, 150)])
    def test_orthonormalized_data_are_orthogonal_within_rounding(self, n, d):
        rng = np.random.default_rng(n + d)
        for _ in range(3):
            p = Problem(rng.standard_normal(n), rng.standard_normal((2, d)), signs=[1, -1],
                        X=random_orthonormal(n, d, rng))
            assert p.regime.name == "orthogonal" and p.regime.max_cosine <= rounding_threshold(d)
            assert p.extensions == () and p.regime.unit_norms(p.regime.rounding)

    def test_seed000_e1_is_orthogonal_with_two_norms(self):
        p = Problem([-1.0, 1.0], [[0.3, 1.0], [1.0, -0.2]], signs=[-1, 1], X=E1_X)
        assert p.regime.name == "orthogonal" and p.regime.max_cosine <= p.regime.rounding
        np.testing.assert_allclose(p.input_norms, [np.sqrt(1.25), np.sqrt(5.0)])
        assert p.extensions == ("orthogonal inputs of norms ≠ 1",)
        assert "norms 1.11803 to 2.23607" in p.regime.describe()

    def test_spec_code_refuses_what_it_cannot_answer(self):
        p = Problem([-1.0, 1.0], [[0.3, 1.0], [1.0, -0.2]], signs=[-1, 1], X=E1_X)
        with pytest.raises(UnsupportedProblemError, match="orthogonal inputs of norms ≠ 1"):
            p.inner_products()  # spec §1's data-basis coordinates (Algorithm 1 itself handles any norms)
        assert [s.data.tolist() for s in limit_process(p).jumps] == [[1], [0]]
        q = Problem([1.0, -1.0], np.eye(2), a0=[0.5, -1.0])
        with pytest.raises(UnsupportedProblemError, match="unbalanced initialization.*1 of 2 neurons"):
            q.inner_products()
        np.testing.assert_array_equal(q.data_coordinates(), np.eye(2))

    def test_near_orthogonal_within_the_tolerance(self):
        X = np.eye(2) + np.array([[0.0, 1e-7], [0.0, 0.0]])
        with pytest.raises(OrthonormalityError, match="not orthonormal, nor orthogonal within the tolerance"):
            Problem([1.0, 2.0], np.eye(2), signs=[1, 1], X=X)
        p = Problem([1.0, 2.0], np.eye(2), signs=[1, 1], X=X, tol=1e-6)
        assert p.regime.name == "near-orthogonal" and p.regime.coupling == pytest.approx(1e-7, rel=1e-6)
        assert p.regime.describe().startswith("near-orthogonal") and "orthonormal" not in p.regime.describe()
        assert p.extensions == ()  # the prediction of the orthogonalized problem, with a warning (report)
        # neuron 0 sits at exactly 0 on x_1 (a datum of its sign): any coupling that
        # pushes it up wakes it, whatever λ
        assert p.coupling_scale == np.inf

    def test_ceiling_is_min_weighted_label_over_its_norm(self):
        # y ∘ c = (1, 2 ||x_1||): ε* = 1 / ||y ∘ c||; a coupling just above is refused
        # whatever the tolerance, just below accepted.
        for cosine, accepted in ((0.35, True), (0.45, False)):
            X = np.array([[1.0, 0.0], [cosine, np.sqrt(1 - cosine**2)]])
            if accepted:
                p = Problem([1.0, 2.0], np.eye(2), signs=[1, 1], X=X, tol=0.99)
                assert p.regime.ceiling == pytest.approx(1 / np.sqrt(5.0))
            else:
                with pytest.raises(OrthonormalityError, match="≥ ceiling ε\\* = .*0.447"):
                    Problem([1.0, 2.0], np.eye(2), signs=[1, 1], X=X, tol=0.99)

    def test_seed000_e3_is_refused_even_with_a_large_tolerance(self):
        # n = 75 Gaussian points in d = 150: ||Ĝ − I||₂ ≈ 2 (Marchenko-Pastur), ε* ≤ 1/√75
        rng = np.random.default_rng(4)
        X = rng.standard_normal((75, 150))
        with pytest.raises(OrthonormalityError, match="too far from orthogonal"):
            Problem(rng.standard_normal(75), rng.standard_normal((3, 150)), signs=[1, -1, 1], X=X, tol=0.6)

    def test_zero_labels_have_no_ceiling(self):
        X = np.eye(2) + np.array([[0.0, 1e-9], [0.0, 0.0]])
        with pytest.raises(OrthonormalityError, match="ceiling ε\\* = .* = 0 "):
            Problem([1.0, 0.0], np.eye(2), signs=[1, 1], X=X, tol=1e-6, allow_zero_labels=True)

    def test_zero_input_is_refused(self):
        with pytest.raises(OrthonormalityError, match="x_1 is the zero vector"):
            Problem([1.0, 2.0], np.eye(2), signs=[1, 1], X=[[1.0, 0.0], [0.0, 0.0]])


class TestUnbalanced:
    def test_offsets_and_output_weights(self):
        W0 = np.array([[3.0, 4.0], [0.0, 2.0], [1.0, 0.0]])
        p = Problem([1.0, -1.0], W0, a0=[5.0 * (1 + 1e-10), -1.0, 3.0])
        np.testing.assert_allclose(p.balance_offsets, [0.0, 1.0 - 4.0, 9.0 - 1.0])  # within tol: balanced
        np.testing.assert_allclose(p.output_weights, [5.0, -1.0, 3.0])
        assert not p.balanced and p.signs.tolist() == [1, -1, 1]

    def test_at_least_balanced_neurons_keep_their_sign(self):
        # |a0| ≥ ||W0|| (seed 001 Assumption 1): no sign change, the mask of spec §2
        rng = np.random.default_rng(0)
        W0 = rng.standard_normal((40, 6))
        a0 = rng.choice([-1.0, 1.0], 40) * np.linalg.norm(W0, axis=1) * rng.uniform(1.0, 4.0, 40)
        p = Problem(rng.standard_normal(6), W0, a0=a0)
        np.testing.assert_array_equal(p.effective_signs, p.signs)
        assert p.transients == {}
        expected = (W0 > 0) & (np.sign(a0)[:, None] * p.y[None, :] > 0)
        np.testing.assert_array_equal(p.effective_activity(), expected)

    def test_sign_collapse(self):
        # a0 > 0 but small, W0 mostly on the negative datum: the neuron grows negative
        p = Problem([1.0, -1.0], [[0.2, 1.0]], a0=[0.1])
        assert p.effective_signs.tolist() == [-1] and p.sign_collapses == (0,)
        assert p.effective_activity().tolist() == [[False, True]]
        assert "sign collapse of neurons [0]" in str(pytest.raises(UnsupportedProblemError, p.inner_products).value)

    def test_zero_output_weight_takes_the_sign_of_its_growing_mode(self):
        p = Problem([1.0, -1.0], [[0.2, 1.0], [1.0, 0.5]], a0=[0.0, 0.0])
        assert p.signs.tolist() == [0, 0] and p.effective_signs.tolist() == [-1, 1]

    def test_undecided_growing_mode_is_refused(self):
        with pytest.raises(SignUndecidedError, match="unbalanced neuron 0: its growing mode vanishes"):
            Problem([1.0, 2.0], [[2.0, -1.0]], a0=[-2.0])

    def test_closed_form_transient_matches_a_numerical_integration(self):
        rng = np.random.default_rng(7)
        for _ in range(40):
            n = int(rng.integers(2, 6))
            g = rng.standard_normal(n)
            omega = rng.standard_normal(n)
            a = rng.standard_normal() * np.linalg.norm(omega) * rng.uniform(0.05, 1.0)
            transient = initial_transient(a, omega, g)
            sign, active = reference_transient(a, omega, g)
            assert transient.sign == sign
            np.testing.assert_array_equal(transient.active, active)

    def test_labels_of_any_size(self):
        small = Problem([1.0, -1.0], [[0.2, 1.0]], a0=[0.1], X=[[0.5, 0.0], [0.0, 2.0]])
        big = Problem([1e200, -1e200], [[0.2, 1.0]], a0=[0.1], X=[[0.5, 0.0], [0.0, 2.0]])
        assert big.effective_signs.tolist() == small.effective_signs.tolist() == [-1]
        assert big.regime.ceiling == pytest.approx(small.regime.ceiling)
        rescaled = big.rescaled()
        assert rescaled.effective_signs.tolist() == [-1] and rescaled.regime is big.regime
