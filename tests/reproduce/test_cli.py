"""``limitproc reproduce`` through the command-line entry point."""

import json

import pytest

from limitproc.cli import main


def run(*argv):
    return main(["reproduce", *argv])


def test_listing(capsys):
    assert run() == 0
    out = capsys.readouterr().out
    for name in ("seed000-fig1", "seed001-exp2", "seed002-fig4", "seed003-fig9", "seed000-e1"):
        assert name in out
    assert "ready" in out and "out of scope" in out


@pytest.mark.parametrize("name, words", [("seed000-e3", "too far from orthogonal"), ("seed003-fig5", "MNIST"),
                                         ("seed002-nothing", "no experiment")])
def test_unavailable_exit_2_with_the_reason(name, words, capsys, tmp_path):
    path = tmp_path / "e.json"
    assert run(name, "--json", str(path), "--outdir", str(tmp_path)) == 2
    assert words in capsys.readouterr().err
    assert words in json.loads(path.read_text())["error"]["message"]


def test_run_writes_png_and_json(tmp_path, capsys):
    path = tmp_path / "sub" / "r.json"
    (tmp_path / "img").mkdir()
    (tmp_path / "sub").mkdir()
    code = run("seed001-lemma5", "--quick", "--outdir", str(tmp_path / "img"), "--json", str(path), "--no-progress")
    assert code == 0
    data = json.loads(path.read_text())
    assert data["name"] == "seed001-lemma5" and data["quick"] is True
    assert all(c["verdict"] == "reproduced" for c in data["claims"])
    assert (tmp_path / "img" / "seed001-lemma5.png").stat().st_size > 10_000
    assert "reproduced" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "img").iterdir()) == ["seed001-lemma5.png"]  # no temporary left


def test_json_to_stdout(tmp_path, capsys):
    assert run("seed003-alignment", "--quick", "--outdir", str(tmp_path), "--json", "-", "--no-progress") == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)  # stdout holds the JSON document only
    assert data["name"] == "seed003-alignment" and "claims" in data
    assert "claims reproduced" in captured.err  # the table goes to stderr with --json -
