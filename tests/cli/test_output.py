"""strict_json's fast paths and the compact JSON of large documents
(limitproc.cli.output; issue 16): the same values as the item-by-item
conversion, whatever the size."""

import json
import math

import numpy as np
import pytest

from limitproc.cli.output import COMPACT_ABOVE, json_text, strict_json


def reference(value):
    """strict_json item by item, as it was before its fast paths."""
    if isinstance(value, dict):
        return {str(k): reference(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [reference(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return reference(value.tolist())
    return value


CASES = [
    list(range(100)),
    [1.0] * 70 + [float("nan")],
    [1.0] * 70 + [np.float64(2.0)],
    [None, "a", True, 1, 2.5] * 20,
    (7,) * 100,
    [[1, 2]] * 100,
    {"a": [np.int64(3)] * 100, 5: np.arange(3)},
    np.arange(100),
    np.arange(100, dtype=np.uint64) * np.uint64(2**62),
    np.array([True, False] * 50),
    np.array([1.0, np.inf] * 50),
    np.array([[1.0, np.nan]] * 50),
    np.ones(100, dtype=np.float32) / 3,
    np.ones(100, dtype=np.longdouble),
    np.array(3.0),
]


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_strict_json_fast_paths_give_the_same_values(value):
    fast, slow = strict_json(value), reference(value)
    assert json.dumps(fast, allow_nan=False) == json.dumps(slow, allow_nan=False)
    flat = fast if isinstance(fast, list) else [fast]
    assert [type(v) for v in flat] == [type(v) for v in (slow if isinstance(slow, list) else [slow])]


def test_large_documents_are_compact_small_ones_indented():
    small = {"a": [1, 2], "b": None}
    assert json_text(small) == json.dumps(small, indent=1) + "\n"
    large = {"data": list(range(COMPACT_ABOVE // 4)), "x": [0.5, None]}
    text = json_text(large)
    assert "\n" not in text[:-1] and text.endswith("\n") and len(text) > COMPACT_ABOVE
    assert json.loads(text) == large


def test_a_large_json_file_is_written_whole(tmp_path):
    from limitproc.cli.output import Session

    path = str(tmp_path / "big.json")
    large = {"data": list(range(COMPACT_ABOVE // 3)), "name": "é"}
    session = Session()
    session.reserve(path, "--json")
    session.write_json(large, path)
    session.finish()
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert text == json_text(large) and json.loads(text) == large
