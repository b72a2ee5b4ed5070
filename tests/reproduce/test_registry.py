"""The experiment registry (limitproc.reproduce.registry): structure of every
entry, verdicts, atomic writes, JSON."""

import json
import os

import pytest

from limitproc.reproduce import Claim, ExperimentUnavailable, Status, compare, experiment, experiments
from limitproc.reproduce.registry import Experiment, Reproduction, register, write_atomically

PAPERS = ("seed000", "seed001", "seed002", "seed003")


def test_every_paper_has_ready_and_every_entry_is_complete():
    names = [e.name for e in experiments()]
    assert len(names) == len(set(names))
    for paper in PAPERS:
        assert any(e.ready for e in experiments() if e.name.startswith(paper)), paper
    for e in experiments():
        assert e.name.split("-")[0] in PAPERS and e.title and e.figure and e.parameters
        if e.ready:
            assert callable(e.runner) and e.quick and e.full and "full" in e.seconds and "quick" in e.seconds
        else:
            assert e.status in (Status.WAITING, Status.OUT_OF_SCOPE) and len(e.reason) > 30 and e.runner is None


def test_the_required_experiments_are_registered():
    ready = {e.name for e in experiments() if e.ready}
    assert {"seed002-fig1", "seed002-fig3", "seed002-fig4", "seed002-fig5", "seed002-fig6", "seed000-two-phase",
            "seed000-fig1", "seed001-exp2", "seed003-fig9", "seed003-alignment", "seed002-fig5-gd",
            "seed002-fig6-he", "seed000-e1"} <= ready
    assert "ε*" in experiment("seed000-e3").reason and experiment("seed000-e3").status is Status.OUT_OF_SCOPE


@pytest.mark.parametrize("name", ["seed000-e3", "seed003-fig5"])
def test_unavailable_experiments_refuse_to_run(name, tmp_path):
    with pytest.raises(ExperimentUnavailable, match=experiment(name).status.value):
        experiment(name).run(quick=True, outdir=str(tmp_path))
    assert not os.listdir(tmp_path)


def test_unknown_name():
    with pytest.raises(ExperimentUnavailable, match="seed002-fig1"):
        experiment("seed002-fig99")


def test_register_checks_its_entries():
    with pytest.raises(ValueError, match="already registered"):
        register(experiment("seed002-fig1"))
    with pytest.raises(ValueError, match="needs a runner"):
        register(Experiment("seed009-x", "009", "Fig. 0", "t", {"a": 1}))
    with pytest.raises(ValueError, match="no reason"):
        register(Experiment("seed009-y", "009", "Fig. 0", "t", {"a": 1}, status=Status.WAITING))


def test_compare_verdicts():
    assert compare("c", 0.5, None, 0.52, atol=0.05).verdict == "reproduced"
    assert compare("c", 0.5, None, 0.62, atol=0.05).verdict == "differs by +0.12 (+24%)"
    assert compare("c", -0.5, None, -0.94, atol=0.1).verdict == "differs by -0.44 (-88%)"
    # without a paper number the prediction is the reference
    claim = compare("c", "—", 2.0, 2.001, rtol=1e-3, why="O(λ)")
    assert claim.verdict == "reproduced" and claim.tolerance == "rtol 0.001: O(λ)" and claim.paper == "—"
    assert compare("c", "—", 2.0, 2.1, rtol=1e-3).verdict.startswith("differs by +0.1")


def test_write_atomically_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "out.json"
    write_atomically(str(path), lambda handle: handle.write("old"))

    def broken(handle):
        handle.write("partial")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_atomically(str(path), broken)
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["out.json"]


def test_reproduction_json_and_text():
    result = Reproduction("seed009-x", "title", True, {"n": [1, 2]},
                          (Claim("c", "1", "1", "1.0", "reproduced", "exact"),
                           Claim("d", "1", "1", "2", "differs by +1", "exact")), None, 1.5,
                          ("a note",), {"value": float("nan")})
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["data"]["value"] is None and data["claims"][1]["verdict"] == "differs by +1"
    assert result.reproduced == 1 and "1/2 reproduced" in str(result) and "a note" in str(result)
