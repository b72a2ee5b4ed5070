"""Tests of limitproc.runs.log: the training-log format, round trips and
every malformed file (a limitproc InputError naming the key, column or row)."""

import numpy as np
import pytest

from limitproc import InputError, MissingKeyError, NonFiniteError, ShapeError
from limitproc.runs.log import TrainingLog, read_log, write_log


def make_log(**changes):
    values = dict(steps=[0, 10, 20, 30], loss=[2.0, 1.5, 0.5, 0.25], lr=0.1, reduction="mean", lam=1e-8,
                  a=[[1e-8, 2e-8], [1e-4, 3e-8], [1.0, 1e-7], [1.2, 1e-6]])
    values.update(changes)
    return TrainingLog(**values)


class TestRoundTrip:
    @pytest.mark.parametrize("suffix", [".npz", ".csv"])
    def test_write_then_read(self, tmp_path, suffix):
        log = make_log()
        path = tmp_path / f"run{suffix}"
        write_log(path, log)
        back = read_log(path)
        np.testing.assert_array_equal(back.steps, log.steps)
        np.testing.assert_array_equal(back.loss, log.loss)  # repr(float) is exact in csv
        np.testing.assert_array_equal(back.a, log.a)
        assert (back.lr, back.reduction, back.lam, back.m) == (0.1, "mean", 1e-8, 2)
        assert [p.name for p in tmp_path.iterdir()] == [f"run{suffix}"]  # no temporary file left

    def test_snapshots_and_divergence(self, tmp_path):
        W = np.arange(12.0).reshape(2, 2, 3)
        log = make_log(loss=[2.0, 1.5, np.inf, np.nan], snapshot_steps=[0, 10], snapshot_a=[[1, 2], [3, 4]],
                       snapshot_W=W)
        assert log.diverged_step == 20 and log.T == 2 and log.a.shape == (2, 2)
        write_log(tmp_path / "run.npz", log)
        back = read_log(tmp_path / "run.npz")
        assert back.diverged_step == 20 and back.T == 2
        np.testing.assert_array_equal(back.snapshot_W, W)
        with pytest.raises(InputError, match="no weight snapshots"):
            write_log(tmp_path / "run.csv", log)

    def test_csv_comments_and_signed_a(self, tmp_path):
        path = tmp_path / "run.csv"
        path.write_text("# written by a script\nstep,loss,a_0,a_1\n0,1.0,-1e-8,2e-8\n\n5,0.5,-0.5,3e-8\n")
        log = read_log(path)
        assert log.a.tolist() == [[1e-8, 2e-8], [0.5, 3e-8]] and log.lr is None and log.reduction is None

    def test_units(self):
        log = make_log()
        np.testing.assert_allclose(log.spec_loss(n=4), [1.0, 0.75, 0.25, 0.125])
        assert log.flow_step(n=4) == pytest.approx(0.2)
        assert make_log(reduction="sum").spec_loss(n=4)[0] == pytest.approx(0.25)
        assert make_log(reduction="sum").flow_step(n=4) == pytest.approx(0.8)
        with pytest.raises(InputError, match="'reduction'"):
            make_log(reduction=None).spec_loss(4)
        with pytest.raises(InputError, match="'lr'"):
            make_log(lr=None).flow_step(4)


CSV_ERRORS = [
    ("loss\n1.0\n", MissingKeyError, "missing column 'step'"),
    ("step\n0\n", MissingKeyError, "missing column 'loss'"),
    ("step,loss\n0,1\n0,0.5\n", InputError, "row 1 has step 0 after 0"),
    ("step,loss\n0,1\n2.5,0.5\n", InputError, "row 1 has 2.5"),
    ("step,loss\n-1,1\n", InputError, "integers ≥ 0"),
    ("step,loss\n0,1\n1,-0.5\n", InputError, r"row 1 \(step 1\) has -0.5"),
    ("step,loss\n0,nan\n", NonFiniteError, "row 0"),
    ("step,loss,lr\n0,1,0.1\n1,0.5,0.2\n", InputError, "schedules are not supported"),
    ("step,loss,reduction\n0,1,mean\n1,0.5,sum\n", InputError, "data row 1 has 'sum'"),
    ("step,loss,reduction\n0,1,max\n", InputError, "must be one of"),
    ("step,loss,speed\n0,1,2\n", InputError, "unknown columns speed"),
    ("step,loss,a_0,a_2\n0,1,1,1\n", InputError, "without gaps"),
    ("step,loss\n0,1,7\n", ShapeError, "data row 0 has 3 fields"),
    ("step,loss\n0,one\n", InputError, "column 'loss', data row 0: 'one'"),
    ("step,loss,a_0\n0,1,inf\n", NonFiniteError, r"neuron 0 \(a_0\)"),
    ("step,loss\n", InputError, "no data rows"),
    ("# only a comment\n", InputError, "empty csv"),
    ("step,loss,step\n0,1,0\n", InputError, "repeated column"),
    ("step,loss,lam\n0,1,2\n", InputError, "0 < λ < 1"),
    ("step,loss,lr\n0,1,-1\n", InputError, "finite and positive"),
]


@pytest.mark.parametrize("text, error, message", CSV_ERRORS)
def test_csv_errors(tmp_path, text, error, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(error, match=message):
        read_log(path)


def test_npz_errors(tmp_path):
    def write(**arrays):
        path = tmp_path / "bad.npz"
        np.savez(path, **arrays)
        return path

    cases = [
        (dict(loss=[1.0]), MissingKeyError, "missing key 'step'"),
        (dict(step=[0, 1], loss=[1.0]), ShapeError, "'loss' has shape"),
        (dict(step=[0, 1], loss=[1.0, 0.5], a=[1.0, 2.0]), ShapeError, r"'a' must have shape \(T, m\)"),
        (dict(step=[0], loss=[1.0], extra=[1]), InputError, "unknown keys extra"),
        (dict(step=[0], loss=[1.0], snapshot_step=[0]), MissingKeyError, "snapshot_a, snapshot_W"),
        (dict(step=[0], loss=[1.0], snapshot_step=[0], snapshot_a=[[1.0]], snapshot_W=[1.0]), ShapeError, "snapshots"),
        (dict(step=[0], loss=[1.0], lr=[0.1, 0.2]), InputError, "one value"),
        (dict(step=[[0, 1]], loss=[[1.0, 0.5]]), ShapeError, "1-d"),
    ]
    for arrays, error, message in cases:
        with pytest.raises(error, match=message):
            read_log(write(**arrays))
    np.savez(tmp_path / "obj.npz", step=np.array([0], dtype=object), loss=[1.0])
    with pytest.raises(InputError, match="without pickle"):
        read_log(tmp_path / "obj.npz")
    with pytest.raises(InputError, match="no such file"):
        read_log(tmp_path / "missing.npz")
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(InputError, match="not a readable npz"):
        read_log(tmp_path / "broken.npz")
