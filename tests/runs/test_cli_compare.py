"""``limitproc compare`` through the command-line entry point."""

import json

import numpy as np

from limitproc import Problem, limit_process
from limitproc.cli import main
from limitproc.flow.gd import simulate_gd
from limitproc.runs import log_from_run, write_log

from ..cases import REF3


def files(tmp_path, lam=1e-16):
    data = tmp_path / "data.npz"
    np.savez(data, y=np.array(REF3["y"]), W0=np.array(REF3["W0"]), signs=np.array(REF3["signs"]))
    problem = Problem(**REF3)
    run_ = simulate_gd(problem, lam, step=0.25, reduction="mean", process=limit_process(problem))
    log = log_from_run(run_).replace(lam=None, lr=None)
    path = tmp_path / "run.csv"
    write_log(path, log.replace(snapshot_steps=None, snapshot_a=None, snapshot_W=None))
    return str(data), str(path)


def test_json_and_plot(tmp_path, capsys):
    data, log = files(tmp_path)
    out, png = tmp_path / "c.json", tmp_path / "c.png"
    assert main(["compare", data, "--log", log, "--lam", "1e-16", "--lr", "0.25", "--json", str(out),
                 "--plot", str(png)]) == 0
    document = json.loads(out.read_text())
    assert document["schema"] == "limitproc.comparison" and document["verdict"] == "match"
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "on time" in capsys.readouterr().out
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".limitproc-")]
    assert leftovers == []


def test_json_to_stdout_table_to_stderr(tmp_path, capsys):
    data, log = files(tmp_path)
    code = main(["compare", data, "--log", log, "--lam", "1e-16", "--lr", "0.25", "--json", "-"])
    out, err = capsys.readouterr()
    assert code == 0 and json.loads(out)["verdict"] == "match" and "on time" in err


def test_mismatch_exits_1(tmp_path, capsys):
    data, log = files(tmp_path)
    assert main(["compare", data, "--log", log, "--lam", "1e-10", "--lr", "0.25", "--quiet"]) == 1


def test_bad_inputs_exit_2_with_one_line(tmp_path, capsys):
    data, log = files(tmp_path)
    out = tmp_path / "err.json"
    cases = [
        (["compare", data, "--log", str(tmp_path / "none.csv"), "--lam", "1e-8", "--lr", "0.1"], "no such file"),
        (["compare", data, "--log", log, "--lr", "0.1"], "initialization scale"),
        (["compare", data, "--log", log, "--lam", "1e-8"], "give the lr"),
        (["compare", str(tmp_path / "nodata.npz"), "--log", log, "--lam", "1e-8", "--lr", "0.1"], "no such file"),
        (["compare", data, "--log", log, "--lam", "1e-8", "--lr", "0.1", "--reduction", "sum", "--json", str(out)],
         "reduction"),
    ]
    for argv, message in cases:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("limitproc: error:") and message in err
    assert json.loads(out.read_text())["error"]["type"] == "InputError"
