"""Tests of limitproc.runs.torch_bridge with real PyTorch (skipped without it):
a PyTorch full-batch GD run in float64 on MSELoss(mean) is the exact GD of
limitproc.flow.gd with h = 2 lr, its log compares as a match, and the bridge
refuses models outside spec §1."""

import sys

import numpy as np
import pytest

from limitproc import BalanceError, InputError, limit_process
from limitproc.flow.gd import simulate_gd
from limitproc.runs import RunVerdict, TrainingLogger, compare, problem_from_torch, read_log

from ..cases import REF3

torch = pytest.importorskip("torch")


def model_for(W, a):
    model = torch.nn.Sequential(torch.nn.Linear(W.shape[1], W.shape[0], bias=False), torch.nn.ReLU(),
                                torch.nn.Linear(W.shape[0], 1, bias=False)).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(W))
        model[2].weight.copy_(torch.from_numpy(a[None, :]))
    return model


def ref3_model(lam):
    W0 = np.array(REF3["W0"])
    a0 = np.array(REF3["signs"]) * np.linalg.norm(W0, axis=1)
    return model_for(lam * W0, lam * a0), torch.eye(6, dtype=torch.float64), torch.tensor(REF3["y"], dtype=torch.float64)


def train(model, X, y, lr, steps, logger):
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for step in range(steps + 1):
        loss = criterion(model(X).squeeze(1), y)
        logger.record(step, loss, model)
        if step == steps:
            break
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def test_problem_from_torch():
    model, X, y = ref3_model(1e-8)
    problem, lam = problem_from_torch(model, X, y)
    norms = np.linalg.norm(np.array(REF3["W0"]), axis=1)
    assert lam == pytest.approx(1e-8 * np.sqrt(np.mean(norms**2)), rel=1e-12)
    np.testing.assert_allclose(problem.init_norms * lam, 1e-8 * norms, rtol=1e-12)
    assert problem.signs.tolist() == REF3["signs"]


def test_torch_gd_is_the_exact_gd(tmp_path):
    # MSELoss(mean) with lr is GD with h = 2 lr on spec §1's L (docs/gradient-descent.md §1).
    model, X, y = ref3_model(1e-8)
    problem, lam = problem_from_torch(model, X, y)
    process = limit_process(problem)
    lr, steps = 0.25, 3000
    path = tmp_path / "run.npz"
    with TrainingLogger(path, lr=lr, reduction="mean", lam=lam, every=1) as logger:
        train(model, X, y, lr, steps, logger)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.npz"]
    log = read_log(path)
    run = simulate_gd(problem, lam, step=lr, reduction="mean", steps=steps, record_every=1, process=process)
    np.testing.assert_allclose(log.spec_loss(problem.n), run.loss, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(log.a, np.exp(run.log_abs_a), rtol=1e-9)
    np.testing.assert_allclose(log.snapshot_W[-1], run.final_parameters[1], rtol=1e-9, atol=1e-20)
    comparison = compare(process, log)
    assert comparison.verdict in (RunVerdict.MATCH, RunVerdict.UNRESOLVED_MATCH)
    assert [j.status for j in comparison.jumps] == ["on time"] * 3


def test_logger_subsamples_and_writes_csv(tmp_path):
    model, X, y = ref3_model(1e-6)
    path = tmp_path / "run.csv"
    logger = TrainingLogger(path, lr=0.1, every=100)
    train(model, X, y, 0.1, 250, logger)
    log = logger.write()
    assert log.steps.tolist() == [0, 100, 200, 250] and log.snapshot_steps is None
    assert read_log(path).m == 4


def test_refused_models():
    W = np.array([[1.0, 2.0], [-1.0, 1.0]]) * 1e-3
    with pytest.raises(BalanceError):
        problem_from_torch(model_for(W, np.array([1e-3, -1e-3])), np.eye(2), [1.0, -1.0])
    biased = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1, bias=False))
    with pytest.raises(InputError, match="bias=False"):
        problem_from_torch(biased, np.eye(2), [1.0, -1.0])
    with pytest.raises(InputError, match="Linear, ReLU, Linear"):
        problem_from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2, bias=False), torch.nn.Tanh(),
                                               torch.nn.Linear(2, 1, bias=False)), np.eye(2), [1.0, -1.0])
    with pytest.raises(InputError, match="λ < 1"):
        a = np.linalg.norm(W, axis=1) * 1e4
        problem_from_torch(model_for(W * 1e4, a), np.eye(2), [1.0, -1.0])


def test_clear_error_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(InputError, match="pip install torch"):
        problem_from_torch(object(), np.eye(2), [1.0, 2.0])
