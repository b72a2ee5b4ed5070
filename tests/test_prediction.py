"""Tests of limitproc.prediction (and its rich rendering, limitproc.tables)
on a two-phase problem worked by hand.

y = (3, 4, −2), n = 3; neuron 0 (+) is active exactly on data {0, 1},
neuron 1 (−) exactly on datum {2} (seed 000 Assumption 3).  Rates
r_0 = ||(3, 4)||/3 = 5/3 and r_1 = 2/3, so τ_1 = 3/5 and τ_2 = 3/2 (spec §4);
losses (1/(2n)) Σ_unfitted y² = 29/6, 2/3, 0; squared norms 2·n·r summed:
0, 10, 14 = 2(||y_+|| + ||y_−||) = ||θ*||², ratio 1.  At the jump of neuron 0,
a = sqrt(n r) = sqrt(5) and w = a (3, 4)/5; neuron 1's exponent is then
1 − (3/5)(2/3) = 3/5.
"""

import json

import numpy as np
import pytest
from rich.console import Console

from limitproc import Problem
from limitproc.prediction import SCHEMA_VERSION, predict

LAM = 1e-8
LOG_INV_LAM = np.log(1e8)


@pytest.fixture(scope="module", params=[False, True], ids=["float", "exact"])
def result(request):
    problem = Problem(["3", "4", "-2"], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    return predict(problem, lam=LAM, exact=request.param)


def test_hand_computed_values(result):
    d = result.to_dict()
    assert d["schema_version"] == SCHEMA_VERSION
    saddles = d["saddles"]
    assert [s["neuron"] for s in saddles] == [None, 0, 1]
    assert [s["data"] for s in saddles] == [[], [0, 1], [2]]
    assert [s["tau"] for s in saddles] == pytest.approx([0.0, 0.6, 1.5], rel=1e-15)
    assert [s["t"] for s in saddles] == pytest.approx([0.0, 0.6 * LOG_INV_LAM, 1.5 * LOG_INV_LAM], rel=1e-15)
    assert [s["loss"] for s in saddles] == pytest.approx([29 / 6, 2 / 3, 0.0], rel=1e-15)
    assert [s["sq_norm"] for s in saddles] == pytest.approx([0.0, 10.0, 14.0], rel=1e-15)
    assert [s["a"] for s in saddles[1:]] == pytest.approx([np.sqrt(5), -np.sqrt(2)], rel=1e-15)
    assert d["final"] == {**d["final"], "K": 2, "loss": 0.0, "interpolates": True}
    assert d["final"]["min_sq_norm"] == pytest.approx(14.0) and d["final"]["ratio"] == pytest.approx(1.0)
    assert d["two_phase"]["condition"] is True
    assert d["two_phase"]["times"] == pytest.approx([0.6, 1.5])
    json.dumps(d, allow_nan=False)  # strict JSON


def test_exact_strings(result):
    d = result.to_dict()
    if result.process.backend != "exact":
        assert "exact" not in d["saddles"][1] and "exact" not in d["final"]
        return
    assert [s["exact"]["tau"] for s in d["saddles"]] == ["0", "3/5", "3/2"]
    assert [s["exact"]["loss"] for s in d["saddles"]] == ["29/6", "2/3", "0"]
    assert [s["exact"]["a"] for s in d["saddles"][1:]] == ["sqrt(5)", "-sqrt(2)"]
    assert d["final"]["exact"] == {"loss": "0", "sq_norm": "14", "min_sq_norm": "14", "ratio": "1"}


def test_npz_arrays(result, tmp_path):
    with np.load(result.save_npz(tmp_path / "r.npz")) as arrays:
        assert arrays["tau"] == pytest.approx([0.6, 1.5])
        assert arrays["neuron"].tolist() == [0, 1]
        assert arrays["data"].tolist() == [0, 1, 2] and arrays["data_offsets"].tolist() == [0, 2, 3]
        np.testing.assert_allclose(arrays["exponents_at_jumps"], [[1.0, 1.0], [0.0, 0.6], [0.0, 0.0]], atol=1e-15)
        assert arrays["final_a"] == pytest.approx([np.sqrt(5), -np.sqrt(2)])
        np.testing.assert_allclose(arrays["final_W"], [[3 / np.sqrt(5), 4 / np.sqrt(5), 0.0], [0.0, 0.0, np.sqrt(2)]],
                                   rtol=1e-15, atol=1e-15)


def test_rich_rendering(result):
    console = Console(record=True, width=160)
    console.print(result)
    text = console.export_text()
    assert "Saddles of the limit process" in text and f"{result.process.backend} backend" in text
    assert "0.6" in text and "1.5" in text and "27.63102" in text  # τ_2 ln(1/λ)
    if result.process.backend == "exact":  # the float, and the exact value on a line of its own
        lines = text.splitlines()
        assert any("0.6" in line for line in lines) and any("= 3/5" in line for line in lines)
        assert any("4.833333" in line for line in lines) and any("= 29/6" in line for line in lines)


def test_lambda_must_be_a_scale():
    problem = Problem([1.0], [[1.0]], signs=[1])
    for lam in (0.0, 1.0, 2.0, -1e-3):
        with pytest.raises(ValueError, match="lam must be in"):
            predict(problem, lam=lam)
    assert predict(problem).to_dict()["saddles"][1]["t"] is None


def test_print_and_notebook_html(result):
    """print(prediction) gives the tables the CLI prints, not a one-line repr;
    notebooks get HTML tables with their legends."""
    text = str(result)
    assert text.splitlines()[0].startswith("Saddles of the limit process")
    assert "Summary" in text and "Assumptions (spec §5)" in text and "27.63102" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    html = result._repr_html_()
    assert html.count("<table>") == 2 and "Saddles of the limit process" in html and "spec §5" in html
