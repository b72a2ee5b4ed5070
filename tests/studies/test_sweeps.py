"""Tests of limitproc.studies.sweeps: seeding, determinism, agreement with direct
limit_process calls, summaries, files, dask, and the study plots."""

import csv
import json
import math

import numpy as np
import pytest

from limitproc import limit_process
from limitproc.process import min_norm
from limitproc.studies import (
    LABEL_DISTRIBUTIONS,
    LogWidth,
    SweepResult,
    loglog_fit,
    parse_width,
    sample_problem,
    sweep,
)

GRID = dict(ns=[8, 24, 64], ms=["6log", 12], labels=["gaussian", "uniform"], repeats=3)


@pytest.fixture(scope="module")
def small():
    return sweep(GRID["ns"], GRID["ms"], GRID["labels"], GRID["repeats"], seed=5, workers=1)


def test_grid_order_and_widths(small):
    assert len(small.rows) == 3 * 2 * 2 * 3
    keys = [(r.n, r.width, r.labels, r.repeat) for r in small.rows]
    expected = sorted(keys, key=lambda k: (GRID["ns"].index(k[0]), ["6log", "12"].index(k[1]), GRID["labels"].index(k[2]), k[3]))
    assert keys == expected
    for row in small.rows:
        assert row.m == (math.ceil(6 * math.log(row.n)) if row.width == "6log" else 12)
        assert row.seed == 5


def test_same_seed_same_numbers(small):
    again = sweep(GRID["ns"], GRID["ms"], GRID["labels"], GRID["repeats"], seed=5, workers=1)
    assert again == small
    assert [r.to_dict() for r in again.rows] == [r.to_dict() for r in small.rows]
    other = sweep(GRID["ns"], GRID["ms"], GRID["labels"], GRID["repeats"], seed=6, workers=1)
    assert [r.sq_norm for r in other.rows] != [r.sq_norm for r in small.rows]


def test_parallel_equals_serial(small):
    pooled = sweep(GRID["ns"], GRID["ms"], GRID["labels"], GRID["repeats"], seed=5, workers=2, chunksize=5)
    assert pooled == small


def test_rows_equal_direct_limit_process(small):
    for row in small.rows:
        problem = sample_problem(row.n, row.m, row.labels, row.repeat, row.seed)
        process = limit_process(problem)
        y = problem.y
        optimum = 2 * (np.linalg.norm(y[y > 0]) + np.linalg.norm(y[y < 0]))
        assert row.status == "ok"
        assert row.K == process.K
        assert row.loss == float(process.final.loss)
        assert row.sq_norm == float(process.final.sq_norm)
        assert row.interpolates == process.interpolates
        assert row.min_sq_norm == pytest.approx(optimum, rel=1e-15)
        assert row.min_sq_norm == pytest.approx(float(min_norm.min_norm_sq(problem)), rel=1e-15)
        assert row.ratio == pytest.approx(row.sq_norm / optimum, rel=1e-15)
        assert row.zero_rows == process.mask.zero_rows.size
        assert row.zero_columns == process.mask.zero_columns.size
        assert (row.n_pos, row.n_neg, row.m_pos) == (int((y > 0).sum()), int((y < 0).sum()), int((problem.signs > 0).sum()))


def test_seeding_scheme_is_as_documented():
    n, m, repeat, seed = 10, 7, 2, 3
    problem = sample_problem(n, m, "abs-gaussian", repeat, seed)
    code = LABEL_DISTRIBUTIONS.index("abs-gaussian")
    y = np.abs(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, n, code, repeat))).standard_normal(n))
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, n, m, repeat)))
    signs = rng.integers(0, 2, m) * 2 - 1
    W0 = rng.standard_normal((m, n))
    assert (problem.y == y).all()
    assert (problem.signs == signs).all()
    assert np.allclose(problem.directions, W0 / np.linalg.norm(W0, axis=1, keepdims=True))
    # labels shared across widths, initialization shared across label laws
    assert (sample_problem(n, m + 5, "abs-gaussian", repeat, seed).y == y).all()
    assert (sample_problem(n, m, "gaussian", repeat, seed).directions == problem.directions).all()


@pytest.mark.parametrize("labels", LABEL_DISTRIBUTIONS)
def test_label_distributions(labels):
    y = sample_problem(500, 3, labels, 0, 0).y
    if labels == "abs-gaussian":
        assert (y > 0).all()
    if labels == "uniform":
        assert (np.abs(y) < 1).all() and (y < 0).any()
    if labels == "sign":
        assert set(np.unique(y)) == {-1.0, 1.0}


def test_theory_checks_on_rows():
    """Spec §3–§4 on every run: 2(||y+|| + ||y-||) ≤ ||θ_K||² ≤ 2||y||_1 when
    interpolating; ratio exactly 1 and two jumps in the two-phase case."""
    result = sweep([4, 6, 12, 40], [3, 16, 64], ["gaussian", "abs-gaussian"], 4, seed=2, workers=1)
    assert any(row.two_phase for row in result.rows)
    for row in result.rows:
        if row.interpolates:
            assert row.loss == 0
            assert row.min_sq_norm * (1 - 1e-12) <= row.sq_norm <= row.l1_sq_norm * (1 + 1e-12)
        else:
            assert row.loss > 0 and row.zero_rows > 0
        if row.two_phase:
            assert row.ratio == pytest.approx(1, rel=1e-12)
            assert row.K == (row.n_pos > 0) + (row.n_neg > 0)
        if row.assumption4:
            assert row.zero_columns == 0 and row.groups == 0 and row.interpolates


def test_sign_labels_report_ties():
    result = sweep([16], [14], "sign", 8, seed=0, workers=1)
    ties = [row for row in result.rows if row.status == "tie"]
    assert ties, "±1 labels make equal rates, hence true ties, common"
    for row in ties:
        assert row.K is None and row.sq_norm is None and row.ratio is None
    (point,) = result.stats()
    assert point.ties == len(ties) / 8 and point.used == 8 - len(ties)
    json.dumps(result.to_dict())  # no NaN/None trouble


def test_stats_against_numpy(small):
    for point in small.stats(interpolating_only=True):
        rows = small.select(n=point.n, width=point.width, labels=point.labels)
        used = [r for r in rows if r.interpolates]
        assert point.runs == len(rows) and point.used == len(used)
        assert point.interpolating == pytest.approx(np.mean([r.interpolates for r in rows]))
        if used:
            ratios = np.array([r.ratio for r in used])
            assert point.mean["ratio"] == pytest.approx(ratios.mean())
            assert (point.min["ratio"], point.max["ratio"]) == (ratios.min(), ratios.max())
        else:
            assert math.isnan(point.mean["ratio"])


def test_slopes_of_the_optimum():
    """||θ*||² = 2(||y+|| + ||y-||) grows like sqrt(n): slope ≈ 1/2."""
    result = sweep([64, 256, 1024], ["6log"], "gaussian", 3, seed=0, workers=1)
    fit = result.slopes("min_sq_norm")[("6log", "gaussian")]
    assert fit.slope == pytest.approx(0.5, abs=0.05)
    assert result.slopes("sq_norm")[("6log", "gaussian")].slope > 0.4


def test_files_round_trip(small, tmp_path):
    small.to_json(tmp_path / "sweep.json")
    assert SweepResult.read_json(tmp_path / "sweep.json") == small
    data = json.loads(small.to_json("-"))
    assert data["schema"] == "limitproc.sweep" and data["schema_version"] == 1
    small.to_csv(tmp_path / "rows.csv")
    with open(tmp_path / "rows.csv") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == len(small.rows)
    assert float(records[0]["sq_norm"]) == small.rows[0].sq_norm
    small.to_csv(tmp_path / "stats.csv", stats=True, interpolating_only=True)
    with open(tmp_path / "stats.csv") as handle:
        assert len(list(csv.DictReader(handle))) == len(small.stats())
    assert "ratio" in str(small)


def test_progress_callback():
    calls = []
    sweep([8, 16], [6], "gaussian", 3, seed=0, workers=1, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 6) and calls[-1] == (6, 6)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_parse_width():
    assert parse_width("32") == 32 and parse_width(7) == 7
    assert parse_width("4log") == LogWidth(4.0) == parse_width("4 * ln(n)") == parse_width("4 log n")
    assert parse_width("log") == LogWidth(1.0)
    assert str(parse_width("2.5log")) == "2.5log" and LogWidth(2.5)(100) == math.ceil(2.5 * math.log(100))
    for bad in ("0", "-3", "four", "4 log m"):
        with pytest.raises(ValueError):
            parse_width(bad)


def test_invalid_arguments():
    with pytest.raises(ValueError):
        sweep([8], [4], "cauchy", 1)
    with pytest.raises(ValueError):
        sweep([], [4])
    with pytest.raises(ValueError):
        sweep([8], [4], repeats=0)


def test_helpers():
    fit = loglog_fit([2, 4, 8, 16], [3 * 2**1.5, 3 * 4**1.5, 3 * 8**1.5, 3 * 16**1.5])
    assert fit.slope == pytest.approx(1.5) and np.exp(fit.intercept) == pytest.approx(3)
    with pytest.raises(ValueError):
        loglog_fit([2, 2], [1, 3])


def test_dask_local_cluster(small):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        on_dask = sweep(GRID["ns"], GRID["ms"], GRID["labels"], GRID["repeats"], seed=5, scheduler=address, chunksize=4)
        with distributed.Client(cluster) as client:
            with_client = sweep(GRID["ns"], GRID["ms"], GRID["labels"], GRID["repeats"], seed=5, scheduler=client)
            assert client.status == "running"  # a client we were given is left open
    assert on_dask == small and with_client == small


def test_plots(tmp_path):
    pytest.importorskip("matplotlib")
    from limitproc.studies.plots import plot_norm_vs_n, plot_norm_vs_width

    by_n = sweep([8, 32, 128], ["6log", "12log"], "gaussian", 2, seed=0, workers=1)
    figure = plot_norm_vs_n(by_n, path=tmp_path / "n.png")
    assert (tmp_path / "n.png").stat().st_size > 10_000 and len(figure.axes) == 2
    by_m = sweep([16], [8, 32, 128], "gaussian", 2, seed=0, workers=1)
    plot_norm_vs_width(by_m, path=tmp_path / "m.png")
    assert (tmp_path / "m.png").stat().st_size > 10_000


def test_chunks_partition_the_runs_with_balanced_work():
    from limitproc.studies.sweeps import _chunks, _cost

    tasks = [(n, "4log", m, "gaussian", r, 0) for n in (8, 64, 512, 4096) for m in (5, 40) for r in range(7)]
    for workers, chunksize in ((2, None), (3, None), (2, 5)):
        chunks = _chunks(tasks, chunksize, workers)
        assert sorted(t for chunk in chunks for t in chunk) == sorted(tasks)
        loads = [sum(_cost(t) for t in chunk) for chunk in chunks]
        assert loads == sorted(loads, reverse=True)  # heaviest handed out first
        assert max(loads) <= max(_cost(t) for t in tasks) + min(loads)  # LPT: within one run of the lightest


def test_table_ratio_only_over_interpolating_runs():
    """The ratio ||θ_K||²/||θ*||² has no meaning for a run that stops short of
    interpolation: '—' where none interpolates; with interpolating_only the
    other summaries follow the same runs."""
    result = sweep([4, 8], [1, 6], repeats=3, seed=0, workers=1)
    every = result.table()
    only = result.table(interpolating_only=True)
    head = [c.header for c in every.columns]
    ratio, k, norm = head.index("ratio"), head.index("K"), head.index("||θ_K||²")
    for point, bias, row_every, row_only in zip(result.stats(), result.stats(interpolating_only=True),
                                                every.rows, only.rows):
        if bias.used == 0:
            assert row_every[ratio] == row_only[ratio] == "—"
            assert row_only[k] == row_only[norm] == "—"
            assert row_every[k] == f"{point.mean['K']:.4g}"  # every completed run counts
        else:
            assert row_every[ratio] == row_only[ratio] == f"{bias.mean['ratio']:.4g}"
            assert row_only[norm] == f"{bias.mean['sq_norm']:.4g}"
    assert any(b.used == 0 for b in result.stats(interpolating_only=True))  # the case is exercised
    assert all(c.meaning for c in every.columns)
