"""Tests of limitproc.runs.compare on logs of exact gradient descent
(limitproc.flow.gd.simulate_gd), whose paths are known: verdicts, detected
jumps, plateaus, JSON, table and figure."""

import json

import numpy as np
import pytest

from limitproc import InputError, Problem, limit_process
from limitproc.flow.gd import simulate_gd
from limitproc.runs import RunVerdict, compare, log_from_run

from ..cases import REF3
from ..reference import GD_SWAP


@pytest.fixture(scope="module")
def ref3():
    problem = Problem(**REF3)
    process = limit_process(problem)
    run = simulate_gd(problem, 1e-16, step=0.25, reduction="mean", process=process)
    return process, run


def test_a_matching_run(ref3, tmp_path):
    process, run = ref3
    comparison = compare(process, log_from_run(run))
    assert comparison.verdict is RunVerdict.MATCH
    assert [j.status for j in comparison.jumps] == ["on time"] * 3
    assert [j.fitted_by for j in comparison.jumps] == [(1,), (3,), (0,)]
    # observed half-growth steps are the simulator's own, read off the log
    for j in comparison.jumps:
        expected = run.growth_step(list(j.group), j.predicted_sq_norm / 2)
        assert j.observed_step == pytest.approx(expected, abs=1.0)
        assert j.observed_sq_norm == pytest.approx(j.predicted_sq_norm, rel=1e-6)
    assert all(p.agrees in (True, None) for p in comparison.plateaus) and comparison.plateaus[0].agrees
    data = comparison.to_dict()
    assert data["schema"] == "limitproc.comparison" and data["schema_version"] == 1
    assert data["verdict"] == "match" and data["step_size"] == 0.5 and len(data["jumps"]) == 3
    json.dumps(data, allow_nan=False)
    assert "MATCH" in str(comparison)
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(comparison)
    assert "on time" in console.export_text()
    path = comparison.plot(tmp_path / "run.png")
    assert open(path, "rb").read(4) == b"\x89PNG"
    comparison.write_json(tmp_path / "run.json")
    assert json.loads((tmp_path / "run.json").read_text())["verdict"] == "match"


def test_loss_only_log(ref3):
    process, run = ref3
    log = log_from_run(run, snapshots=False).replace(a=None)
    comparison = compare(process, log)
    assert comparison.verdict is RunVerdict.MATCH
    assert all(np.isnan(j.observed_sq_norm) and j.fitted_by is None for j in comparison.jumps)
    # the loss-midpoint step is within the tolerance of the half-growth step
    full = compare(process, log_from_run(run))
    for a, b in zip(comparison.jumps, full.jumps):
        assert a.observed_step == a.loss_step and abs(a.loss_step - b.observed_step) < b.tolerance_steps


def test_incomplete_and_wrong_scale(ref3):
    process, run = ref3
    log = log_from_run(run, snapshots=False)
    keep = log.steps <= 1000
    short = log.replace(steps=log.steps[keep], loss=log.loss[keep], a=log.a[keep])
    comparison = compare(process, short)
    assert comparison.verdict is RunVerdict.INCOMPLETE
    assert comparison.jumps[-1].status == "not reached"
    # Claiming λ = 1e-10 for a run at 1e-16: the jumps come late (60% of ln(1/λ) more).
    wrong = compare(process, log.replace(lam=None), lam=1e-10)
    assert wrong.verdict in (RunVerdict.MISMATCH, RunVerdict.UNRESOLVED)
    assert all(j.status == "late" for j in wrong.jumps)


def test_order_swap_and_stability():
    problem = Problem(**GD_SWAP)
    process = limit_process(problem)
    run = simulate_gd(problem, log_inv_lam=300.0, step=0.5, reduction="mean", process=process)
    comparison = compare(process, log_from_run(run), log_inv_lam=300.0)
    assert comparison.verdict is RunVerdict.MATCH
    assert [j.neuron for j in comparison.jumps] == [0, 1, 2] and comparison.to_dict()["order_differs_from_flow"]
    assert any("another order" in note for note in comparison.notes)
    # one neuron on y = (3, 4): h = 1 is above h_max = 0.4; GD catapults
    one = Problem([3.0, 4.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1])
    run = simulate_gd(one, 1e-8, step=0.5, reduction="mean", steps=500)
    comparison = compare(limit_process(one), log_from_run(run))
    assert run.diverged and comparison.verdict is RunVerdict.DIVERGED
    run = simulate_gd(one, 1e-8, step=0.205, reduction="mean", steps=2000)  # h = 0.41, just above
    comparison = compare(limit_process(one), log_from_run(run))
    assert comparison.verdict is RunVerdict.UNSTABLE and not comparison.prediction.stable


def test_inputs_must_agree(ref3):
    process, run = ref3
    log = log_from_run(run)
    with pytest.raises(InputError, match="lr = 0.3 given, but the log says 0.25"):
        compare(process, log, lr=0.3)
    with pytest.raises(InputError, match="reduction"):
        compare(process, log, reduction="sum")
    with pytest.raises(InputError, match="initialization scale"):
        compare(process, log.replace(lam=None))
    with pytest.raises(InputError, match="λ = 0.001 given"):
        compare(process, log, lam=1e-3)
    with pytest.raises(InputError, match="4 neurons but the problem has m = 2"):
        compare(Problem([1.0, 2.0], [[1.0, 1.0], [1.0, -1.0]], signs=[1, 1]), log)
