"""The command line: outputs, and one line with exit code 2 for every bad input."""

import json
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

from limitproc.cli import main

GOOD = dict(y=np.array([3.0, 4.0, -2.0, -1.0]), W0=np.array([[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1.0]]),
            signs=np.array([1, 1, -1]))


def write(tmp_path, name="data.npz", **arrays):
    path = tmp_path / name
    np.savez(path, **arrays)
    return str(path)


def run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_predict_json_to_stdout_and_tables_to_stderr(tmp_path, capsys):
    path = write(tmp_path, **GOOD)
    code, out, err = run(["predict", path, "--json", "-", "--lam", "1e-8"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == 1 and data["backend"] == "float"
    assert [s["neuron"] for s in data["saddles"]] == [None, 0, 2]
    assert [s["data"] for s in data["saddles"]] == [[], [0, 1], [2, 3]]
    assert data["saddles"][1]["tau"] == pytest.approx(0.8)
    assert data["saddles"][1]["t"] == pytest.approx(0.8 * np.log(1e8))
    assert data["final"]["ratio"] == pytest.approx(1.0)
    assert data["two_phase"]["condition"] is True
    assert "Saddles of the limit process" in err


def test_predict_exact_json_has_exact_strings(tmp_path, capsys):
    path = write(tmp_path, y=np.array(["3", "4", "-2", "-1"]), W0=GOOD["W0"], signs=GOOD["signs"])
    code, out, _ = run(["predict", path, "--exact", "--json", "-", "--quiet"], capsys)
    data = json.loads(out)
    assert code == 0 and data["backend"] == "exact"
    assert data["saddles"][2]["exact"]["tau"] == "4*sqrt(5)/5"
    assert data["final"]["exact"]["sq_norm"] == "2*sqrt(5) + 10"


def test_predict_writes_npz_and_graphml(tmp_path, capsys):
    path = write(tmp_path, **GOOD)
    out_npz, graph = tmp_path / "r.npz", tmp_path / "g.graphml"
    code, out, _ = run(["predict", path, "--out", str(out_npz), "--graph", str(graph)], capsys)
    assert code == 0 and "Summary" in out
    with np.load(out_npz) as result:
        np.testing.assert_allclose(result["tau"], [0.8, 4 / np.sqrt(5)])
        assert result["final_W"].shape == (3, 4)
        assert result["data"].tolist() == [0, 1, 2, 3] and result["data_offsets"].tolist() == [0, 2, 4]
    g = nx.read_graphml(graph)
    relations = {d["relation"] for _, _, d in g.edges(data=True)}
    assert relations == {"active", "jumped", "lowered_rate"}


def test_width_and_seed_sample_an_initialization(tmp_path, capsys):
    path = write(tmp_path, y=np.array([1.0, -2.0, 3.0]))
    first = run(["predict", path, "--width", "5", "--seed", "3", "--json", "-", "--quiet"], capsys)
    second = run(["predict", path, "--width", "5", "--seed", "3", "--json", "-", "--quiet"], capsys)
    assert first[0] == 0 and json.loads(first[1]) == json.loads(second[1])
    assert json.loads(first[1])["problem"]["m"] == 5


def test_check_exit_code(tmp_path, capsys):
    assert run(["check", write(tmp_path, **GOOD)], capsys)[0] == 0
    bad = dict(GOOD, y=np.array([3.0, 4.0, -2.0, 5.0]))  # datum 3: no positive neuron active, a zero row
    bad["W0"] = np.array([[1, 1, -1, -1], [-1, 1, 1, -1], [1, -1, 1, 1.0]])
    code, out, _ = run(["check", write(tmp_path, "bad.npz", **bad)], capsys)
    assert code == 1 and "rows non-zero" in out


def test_sample_writes_a_valid_dataset(tmp_path, capsys):
    out = tmp_path / "s.npz"
    assert run(["sample", "-n", "6", "-d", "8", "-m", "4", "--labels", "sign", "--seed", "2", "-o", str(out)], capsys)[0] == 0
    with np.load(out) as data:
        assert data["X"].shape == (6, 8) and set(np.abs(data["y"])) == {1.0}
    assert run(["predict", str(out), "--quiet"], capsys)[0] == 0
    basis = tmp_path / "b.npz"
    assert run(["sample", "-n", "5", "-m", "3", "--basis", "-o", str(basis)], capsys)[0] == 0
    with np.load(basis) as data:
        assert "X" not in data and data["W0"].shape == (3, 5)


BAD = {
    "missing y": (dict(W0=GOOD["W0"], signs=GOOD["signs"]), "missing key 'y'"),
    "missing W0": (dict(y=GOOD["y"]), "missing key 'W0'"),
    "missing signs": (dict(y=GOOD["y"], W0=GOOD["W0"]), "needs output signs"),
    "nan label": (dict(GOOD, y=np.array([1.0, np.nan, 1.0, 1.0])), "y[1] = nan"),
    "inf weight": (dict(GOOD, W0=np.where(np.eye(3, 4) > 0, np.inf, 1.0)), "W0 has 3 non-finite"),
    "shape mismatch": (dict(GOOD, W0=np.ones((3, 5))), "W0 has shape (3, 5)"),
    "y 2-d": (dict(GOOD, y=np.ones((4, 1))), "'y' must be 1-dimensional"),
    "non-orthonormal": (dict(GOOD, X=np.eye(4) + 0.05 * np.eye(4, k=1)), "not orthonormal"),
    "zero label": (dict(GOOD, y=np.array([3.0, 0.0, -2.0, -1.0])), "y[1] = 0"),
    "bad signs": (dict(GOOD, signs=np.array([1, 2, -1])), "signs must be +1 or -1"),
    "complex": (dict(GOOD, y=GOOD["y"] + 1j), "dtype complex128"),
    "object": (None, "not a readable npz"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_inputs_exit_2_with_one_line(tmp_path, capsys, name):
    arrays, words = BAD[name]
    if arrays is None:
        path = tmp_path / "junk.npz"
        path.write_text("not a zip")
        path = str(path)
    else:
        path = write(tmp_path, **arrays)
    code, out, err = run(["predict", path], capsys)
    assert code == 2
    assert words in err and err.startswith("limitproc: error:") and err.count("\n") == 1
    assert "Traceback" not in err and out == ""


def test_object_arrays_are_refused(tmp_path, capsys):
    path = tmp_path / "obj.npz"
    np.savez(path, y=np.array([1.0, "a"], dtype=object), W0=GOOD["W0"], signs=GOOD["signs"])
    code, _, err = run(["predict", str(path)], capsys)
    assert code == 2 and "Python objects" in err


def test_missing_file_and_overlapping_tie(tmp_path, capsys):
    assert run(["predict", str(tmp_path / "nope.npz")], capsys)[0] == 2
    tie = write(tmp_path, y=np.array(["1", "1", "1"]), W0=np.array([[1, 1, -1], [-1, 1, 1.0]]), signs=np.array([1, 1]))
    code, out, err = run(["predict", tie, "--exact", "--json", "-"], capsys)
    assert code == 2 and "neurons 0 and 1 jump at exactly the same time" in err and "3*sqrt(2)/2" in err
    error = json.loads(out)["error"]
    assert error["type"] == "TieError" and error["neurons"] == [0, 1]
    assert error["time"]["exact"] == "3*sqrt(2)/2" and error["time"]["float"] == pytest.approx(1.5 * 2**0.5)


def test_console_script_runs(tmp_path):
    path = write(tmp_path, **GOOD)
    done = subprocess.run([sys.executable, "-m", "limitproc", "predict", path, "--json", "-", "--quiet"],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["final"]["K"] == 2


def test_validate_command(tmp_path, capsys):
    path = write(tmp_path, y=np.array([3.0, 4.0]), W0=np.array([[1.0, 1.0], [1.0, -1.0]]), signs=np.array([1, 1]))
    plot = tmp_path / "v.png"
    code, out, err = run(["validate", path, "--lam", "1e-8", "1e-16", "--json", "-", "--plot", str(plot)], capsys)
    data = json.loads(out)
    assert code == 0 and plot.stat().st_size > 1000
    assert [r["verdict"] for r in data["runs"]] == ["MATCH", "MATCH"]
    # one neuron fits y = (3, 4): r = 5/2, the late rate is 2r = 5 (tests/flow/test_validation.py)
    assert [r["late_rate"] for r in data["runs"]] == pytest.approx([5.0, 5.0], rel=1e-3)
    assert [r["late_rate_predicted"] for r in data["runs"]] == pytest.approx([5.0, 5.0], rel=1e-3)
    assert "late ν flow / pred" in err
    assert run(["validate", path], capsys)[0] == 2


def test_probability_command(capsys):
    code, out, _ = run(["probability", "--n-pos", "2", "--n-neg", "1", "--width", "3", "--samples", "200",
                        "--json", "-"], capsys)
    data = json.loads(out)
    # Σ_k C(3,k) 2^-3 (1 - 2^-k)^2 (1 - 2^-(3-k)) = (3·(1/4)(3/4) + 3·(9/16)(1/2))/8 = 45/256
    assert code == 0 and data["rows_nonzero_exact"] == "45/256"
    assert run(["probability", "--n-pos", "-1", "--n-neg", "1", "--width", "3"], capsys)[0] == 2


def test_sweep_command(tmp_path, capsys):
    csv = tmp_path / "rows.csv"
    code, out, _ = run(["sweep", "--n", "8", "16", "--width", "3log", "--repeats", "2", "--workers", "1",
                        "--no-progress", "--json", "-", "--csv", str(csv)], capsys)
    data = json.loads(out)
    assert code == 0 and len(data["rows"]) == 4
    assert csv.read_text().count("\n") == 5


def test_predict_with_lambda_adds_finite_lambda_predictions(tmp_path, capsys):
    path = write(tmp_path, **GOOD)
    code, out, err = run(["predict", path, "--lam", "1e-16", "--json", "-"], capsys)
    finite = json.loads(out)["finite_lambda"]
    assert code == 0 and "Finite-λ predictions" in err
    two_phase = [1 / 1.25, 4 / np.sqrt(5)]
    assert [j["t_leading"] for j in finite["jumps"]] == pytest.approx([t * np.log(1e16) for t in two_phase])
    # neuron 1 loses datum 1 at τ = 0.8 with e = 1 − 1·0.8: μ = 0.2, resolved at 1e-16 (μ ln(1/λ) = 7.4)
    assert finite["resolved"] is True and finite["margin"] == pytest.approx(0.2)
    assert finite["asymptotic_rate"] > 0 and finite["rate"] > 0
    code, out, _ = run(["predict", path, "--lam", "1e-6", "--json", "-", "--quiet"], capsys)
    assert json.loads(out)["finite_lambda"]["resolved"] is False  # μ ln(1/λ) = 2.8 < 5
    code, out, _ = run(["predict", path, "--lam", "1e-6", "--finite", "off", "--json", "-", "--quiet"], capsys)
    assert "finite_lambda" not in json.loads(out)


def test_predict_plot_writes_an_image(tmp_path, capsys):
    path = write(tmp_path, **GOOD)
    image = tmp_path / "process.png"
    code, _, _ = run(["predict", path, "--lam", "1e-8", "--plot", str(image), "--quiet"], capsys)
    assert code == 0
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _, err = run(["predict", path, "--plot", str(tmp_path / "p.xyz")], capsys)
    assert code == 2 and "image format" in err and not (tmp_path / "p.xyz").exists()
