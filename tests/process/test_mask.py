"""The mask of spec §2 and its structure, checked against networkx."""

import networkx as nx
import numpy as np
import pytest

from limitproc import Mask, Problem
from limitproc.process.graphs import equal_neighbourhoods, mask_graph

from ..reference import reference_mask


@pytest.mark.parametrize("seed", range(10))
def test_mask_and_structure_match_definitions(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 12)), int(rng.integers(1, 30))
    p = Problem(rng.standard_normal(n), rng.standard_normal((m, n)), signs=rng.choice([-1, 1], m))
    mask = Mask(p)
    A = reference_mask(p.y, p.directions, p.signs)
    assert np.array_equal(mask.dense(), A)
    assert mask.zero_rows.tolist() == np.flatnonzero(~A.any(axis=1)).tolist()
    assert mask.zero_columns.tolist() == np.flatnonzero(~A.any(axis=0)).tolist()
    graph = mask_graph(mask, p.y)
    live = [c for c in nx.connected_components(graph) if len(c) > 1]
    assert mask.n_components == len(live)
    for component in live:
        labels = {mask.neuron_component[int(v[1:])] if v[0] == "n" else mask.datum_component[int(v[1:])] for v in component}
        assert len(labels) == 1 and -1 not in labels
    groups = sorted(tuple(int(v[1:]) for v in g) for g in equal_neighbourhoods(graph))
    assert sorted(mask.groups) == groups
    for g in mask.groups:
        assert all(mask.representative[j] == g[0] for j in g)


def test_undecided_entries_are_flagged():
    """A neuron orthogonal to a datum up to rounding: the mask entry is undecided."""
    Q = np.linalg.qr(np.random.default_rng(0).standard_normal((3, 3)))[0]
    p = Problem([1.0, 1.0], Q[1:2], signs=[1], X=Q[:2])
    mask = Mask(p)
    assert [0, 0] in mask.undecided.tolist()
    assert [1, 0] not in mask.undecided.tolist()
    assert Mask(Problem([1.0, 1.0], [[0.0, 1.0]], signs=[1])).undecided.size == 0


@pytest.mark.parametrize("basis", [True, False])
def test_sign_blocks_and_sparse_views_agree(basis):
    rng = np.random.default_rng(21)
    n, m = 40, 25
    X = None if basis else np.linalg.qr(rng.standard_normal((n + 3, n)))[0].T
    p = Problem(rng.standard_normal(n), rng.standard_normal((m, n if basis else n + 3)), signs=rng.choice([-1, 1], m), X=X)
    mask = Mask(p)
    A = reference_mask(p.y, p.directions, p.signs, p.X)
    assert np.array_equal(mask.dense(), A)
    assert np.array_equal(mask.by_neuron.toarray().T, A) and np.array_equal(mask.by_datum.toarray().T, A)
    for j in range(m):
        assert mask.data_of(j).tolist() == np.flatnonzero(A[:, j]).tolist()
    for block in mask.blocks:
        assert np.array_equal(block.by_datum, block.active.T)
        assert np.all(p.signs[block.neurons] == block.sign) and np.all(np.sign(p.y[block.data]) == block.sign)
    assert mask.size == A.sum() and mask.counts.tolist() == A.sum(axis=0).tolist()
