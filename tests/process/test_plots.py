"""plot_process: the loss staircase and the exponents it draws are the process's."""

import numpy as np

from limitproc import Problem, limit_process
from limitproc.finite.corrections import finite_lambda
from limitproc.process.plots import plot_process

PROBLEM = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1.0]], signs=[1, 1, -1])


def _lines(monkeypatch):
    """The figure plot_process saves, captured instead of written."""
    from matplotlib.figure import Figure

    saved = []
    monkeypatch.setattr(Figure, "savefig", lambda self, path, **kw: saved.append(self))
    return saved


def test_staircase_and_exponents_are_the_process(monkeypatch, tmp_path):
    saved = _lines(monkeypatch)
    process = limit_process(PROBLEM)
    scale = np.log(1e8)
    plot_process(process, tmp_path / "p.png", log_inv_lam=scale, finite=finite_lambda(process, 1e-8))
    loss_axes, exponent_axes = saved[0].axes
    staircase = loss_axes.lines[0]
    np.testing.assert_allclose(staircase.get_xdata()[:-1], np.concatenate([[0.0], process.times]) * scale)
    np.testing.assert_allclose(staircase.get_ydata()[:-1], process.losses)
    curve = loss_axes.lines[1]  # the finite-λ loss curve starts on the first plateau
    assert abs(curve.get_ydata()[0] - process.losses[0]) < 1e-6
    neurons = [line for line in exponent_axes.lines if line.get_label().startswith("neuron")]
    assert len(neurons) == len(set(process.neurons))
    for line, neuron in zip(neurons, process.neurons):
        x, e = line.get_xdata(), line.get_ydata()
        np.testing.assert_allclose(e, [process.exponents(float(t))[neuron] for t in x])
        assert e[0] == 1.0 and e[-1] == 0.0  # from 1 down to 0 at the neuron's own jump


def test_many_jumps_draw_the_first_neurons_only(monkeypatch, tmp_path):
    saved = _lines(monkeypatch)
    rng = np.random.default_rng(0)
    problem = Problem(rng.standard_normal(40), rng.standard_normal((30, 40)), signs=rng.choice([-1, 1], 30))
    process = limit_process(problem)
    assert process.K > 3
    plot_process(process, tmp_path / "p.png", max_neurons=3)
    exponent_axes = saved[0].axes[1]
    labels = [line.get_label() for line in exponent_axes.lines if line.get_label().startswith("neuron")]
    assert labels == [f"neuron {j}" for j in process.neurons[:3]]
    assert "first 3 of" in exponent_axes.get_title()
