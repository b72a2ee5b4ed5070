"""The mask of spec §2 and its structure: groups, zero rows/columns, components.

``A_ij = 1[<z_j, x_i> > 0 and s_j y_i > 0]``: neuron ``j`` is initially active
on datum ``i`` and its output sign agrees with the label's sign (seed 002
Assumption 4).  Only these pairs ever matter in Algorithm 1.

Storage.  A positive neuron is active on positive data only, a negative one
on negative data only, so ``A`` is two blocks: per sign ``σ``, the neurons of
output sign ``σ`` against the data of label sign ``σ``, as a dense boolean
matrix (:class:`SignBlock`), kept twice, a row per neuron and a row per
datum: two bytes per pair, at most ``1/8`` of the bytes of ``W0`` and no
larger than a sparse index of both orientations once a neuron is active on
a quarter of its sign's data, as under the initialization of spec §1.  Every
pass over it is one vectorized numpy operation.  The sparse views
(:attr:`Mask.by_neuron`, :attr:`Mask.by_datum`) are built on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from typing import Any
    from numpy.typing import NDArray
    from scipy.sparse import csc_array, csr_array

    from ..problem.problem import Problem

__all__ = ["Mask", "SignBlock", "rounding_bound"]

_U = 2.0**-53
#: Neurons per pass when the inner products are computed from ``X``.
_ROWS = 256


def rounding_bound(d: int) -> float:
    """``γ_d = d u / (1 - d u)``: bound on the relative rounding error of a
    length-``d`` dot product or sum of non-negative terms (Higham, Thm 3.1).

    :class:`Mask` calls an inner product ``<z_j, x_i>`` undecided when it is
    within this bound (times the norms) of 0 (spec §6).

    Parameters
    ----------
    d : int
        Length of the dot product (the input dimension), ``d u < 1``.

    Returns
    -------
    float
        ``γ_d`` with the unit roundoff ``u = 2^-53``.

    Examples
    --------
    >>> rounding_bound(1) == 2.0**-53 / (1 - 2.0**-53)
    True
    >>> f"{rounding_bound(1000):.3e}"
    '1.110e-13'
    """
    return d * _U / (1.0 - d * _U)


@dataclass(frozen=True, eq=False)
class SignBlock:
    """The part of the mask of one sign ``σ``.

    Attributes
    ----------
    sign : int
        ``+1`` or ``-1``.
    neurons : ndarray
        Neurons of output sign ``σ`` (increasing).
    data : ndarray
        Data of label sign ``σ`` (increasing).
    active : ndarray of bool, shape (len(neurons), len(data))
        ``active[a, b] = A[data[b], neurons[a]]``: a row per neuron.
    by_datum : ndarray of bool, shape (len(data), len(neurons))
        The same matrix with a row per datum (what a jump's fitted data gather).
    """

    sign: int
    neurons: NDArray[np.intp]
    data: NDArray[np.intp]
    active: NDArray[np.bool_]
    by_datum: NDArray[np.bool_]


class Mask:
    """The mask ``A`` of a :class:`~limitproc.problem.Problem` (spec §2).

    For inputs of any norms and unbalanced initializations
    (docs/general-inputs.md §2–§3) the mask is that of each neuron's
    effective sign and of its activity after the initial transient
    (:meth:`~limitproc.problem.Problem.effective_activity`); the norms of the
    inputs do not change it.

    Parameters
    ----------
    problem : Problem
        The problem whose mask is built (its inner products ``<z_j, x_i>``,
        label signs and output signs).

    Attributes
    ----------
    blocks : tuple of SignBlock
        ``A`` per sign (module docstring): positive, then negative.
    shape : (int, int)
        ``(n, m)``, the shape of ``A`` as :meth:`dense` returns it; ``n`` and
        ``m`` are attributes too.
    n, m : int
        Number of data and of neurons.
    signs : ndarray of int8, shape (m,)
        The (effective) output sign of each neuron.
    neuron_block, neuron_position : ndarray, shape (m,)
        The block of each neuron (0 positive, 1 negative) and its row in
        that block's ``active``.
    datum_block, datum_position : ndarray, shape (n,)
        The block of each datum (``-1`` for a zero label) and its row in
        that block's ``by_datum`` (``-1`` for a zero label).
    counts : ndarray of int64, shape (m,)
        Column sizes ``|{i : A_ij = 1}|``.
    zero_rows : ndarray
        Data with a non-zero label and no active neuron of its sign: never
        fitted (seed 002 Assumption 4(i), spec §5).
    zero_columns : ndarray
        Neurons active on no datum of their sign: they never move.
    groups : tuple of tuple of int
        Groups of two or more neurons with equal non-zero columns (same sign,
        same active data); each acts as one neuron (spec §5).
    representative : ndarray, shape (m,)
        The smallest neuron of ``j``'s group (``j`` itself when alone).
    leaders : ndarray of int64
        The neurons that are alone or first in their group, with a non-zero
        column (the neurons Algorithm 1 runs on, spec §5).
    neuron_component, datum_component : ndarray
        Connected component of each neuron / datum in the bipartite graph of
        the mask (``-1`` for zero columns / rows): independent sub-processes.
    n_components : int
        Number of components with at least one edge.
    undecided : ndarray, shape (u, 2)
        Pairs ``(i, j)`` of same sign whose inner product ``<z_j, x_i>`` is
        within rounding of 0, where the mask itself is undecided.

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([1.0, 2.0, -1.0], [[1, 1, 0], [1, 0, 1], [0, 1, 1]], signs=[1, 1, -1])
    >>> mask = Mask(p)
    >>> mask.dense().astype(int).tolist()
    [[1, 1, 0], [1, 0, 0], [0, 0, 1]]
    >>> mask.n_components, mask.zero_rows.tolist(), mask.zero_columns.tolist()
    (2, [], [])
    """

    n: int
    m: int
    shape: tuple[int, int]
    signs: NDArray[np.int8]
    neuron_block: NDArray[np.int8]
    neuron_position: NDArray[np.int64]
    datum_block: NDArray[np.int8]
    datum_position: NDArray[np.int64]
    blocks: tuple[SignBlock, ...]
    undecided: NDArray[np.int64]
    counts: NDArray[np.int64]
    zero_rows: NDArray[np.intp]
    zero_columns: NDArray[np.intp]
    groups: tuple[tuple[int, ...], ...]
    representative: NDArray[np.intp]
    leaders: NDArray[np.int64]
    neuron_component: NDArray[np.int64]
    datum_component: NDArray[np.int64]
    n_components: int
    _activity: NDArray[np.bool_] | None
    _by_neuron: csr_array | None
    _by_datum: csc_array | None

    def __init__(self, problem: Problem) -> None:
        n, m = problem.n, problem.m
        # inputs of any norms and unbalanced neurons (docs/general-inputs.md §2–§3): the mask of the
        # effective signs and of the activity after the initial transient; spec §1's setting otherwise
        general = bool(problem.extensions)
        y, signs = problem.y, (problem.effective_signs if general else problem.signs)
        self._activity = problem.effective_activity() if general else None
        self.n, self.m = n, m
        self.shape = (n, m)  # the shape of A (spec §2): data × neurons, as dense() returns it
        self.signs = signs
        # block of each neuron / datum (0 positive, 1 negative; -1 for a zero label)
        # and its position inside the block
        self.neuron_block = np.where(signs > 0, 0, 1).astype(np.int8)
        self.neuron_position = np.empty(m, dtype=np.int64)
        self.datum_block = np.full(n, -1, dtype=np.int8)
        self.datum_position = np.full(n, -1, dtype=np.int64)
        undecided: list[NDArray[np.int64]] = []
        blocks = []
        for b, sign in enumerate((1, -1)):
            neurons = np.flatnonzero(signs == sign)
            data = np.flatnonzero(y > 0 if sign > 0 else y < 0)
            self.neuron_position[neurons] = np.arange(neurons.size)
            self.datum_block[data] = b
            self.datum_position[data] = np.arange(data.size)
            active = (self._activity[np.ix_(neurons, data)] if self._activity is not None
                      else self._active(problem, neurons, data, undecided))
            blocks.append(SignBlock(sign, neurons, data, active, np.ascontiguousarray(active.T)))
        self.blocks = tuple(blocks)
        pairs = np.concatenate(undecided) if undecided else np.empty((0, 2), dtype=np.int64)
        self.undecided = pairs[np.lexsort((pairs[:, 0], pairs[:, 1]))]  # by neuron, then datum
        self.counts = np.zeros(m, dtype=np.int64)
        covered = np.zeros(n, dtype=bool)
        for block in self.blocks:
            if block.active.size:
                self.counts[block.neurons] = np.count_nonzero(block.active, axis=1)
                covered[block.data] = block.by_datum.any(axis=1)
        self.zero_rows = np.flatnonzero(~covered & (y != 0))
        self.zero_columns = np.flatnonzero(self.counts == 0)
        self._by_neuron = self._by_datum = self._activity = None
        self._group_equal_columns()
        self._find_components()

    @staticmethod
    def _active(problem, neurons, data, undecided):
        """``A`` on ``neurons × data`` (same sign), neuron-major; records the
        pairs whose inner product is within rounding of 0 (``X`` given)."""
        active = np.empty((neurons.size, data.size), dtype=bool)
        if not active.size:
            return active
        if problem.X is None:  # <z_j, e_i> = z_ji: the signs of the directions, no product
            # the signs of W0 itself where the problem keeps it (no normalized copy needed)
            rows = getattr(problem, "weights", None)
            rows = problem.directions if rows is None else rows
            positive = np.empty(problem.n, dtype=bool)
            for a, j in enumerate(neurons):
                np.greater(rows[j], 0.0, out=positive)
                np.take(positive, data, out=active[a])
            return active
        bound = rounding_bound(problem.d) * (1.0 + problem.tol) * (1.0 + 1e-6)
        # <z_j, x_i> as the problem already holds them (for unit norms: the data-basis coordinates)
        held = problem.data_coordinates() if hasattr(problem, "data_coordinates") else None
        for a in range(0, neurons.size, _ROWS):
            rows = neurons[a : a + _ROWS]
            G = (held[rows] if held is not None else problem.directions[rows] @ problem.X.T)[:, data]
            np.greater(G, 0.0, out=active[a : a + _ROWS])
            close = np.argwhere(np.abs(G) <= bound)
            if close.size:
                undecided.append(np.column_stack([data[close[:, 1]], neurons[a + close[:, 0]]]))
        return active

    @property
    def size(self) -> int:
        """Number of non-zero entries of ``A``."""
        return int(self.counts.sum())

    def data_of(self, j: int | np.integer[Any]) -> NDArray[np.intp]:
        """Indices of the data of neuron ``j`` (sorted).

        Column ``j`` of ``A`` (spec §2): the data of ``j``'s sign on which it
        is initially active, ``I_j^0``.

        Parameters
        ----------
        j : int
            Neuron index, ``0 ≤ j < m``.

        Returns
        -------
        ndarray of int
            ``{i : A_ij = 1}`` in increasing order (empty for a zero column).

        Examples
        --------
        >>> from limitproc import Problem
        >>> mask = Mask(Problem([1.0, 2.0, -1.0], [[1, 1, 0], [1, 0, 1], [0, 1, 1]], signs=[1, 1, -1]))
        >>> mask.data_of(0).tolist(), mask.data_of(1).tolist(), mask.data_of(2).tolist()
        ([0, 1], [0], [2])
        """
        block = self.blocks[self.neuron_block[j]]
        return block.data[np.flatnonzero(block.active[self.neuron_position[j]])]

    def dense(self) -> NDArray[np.bool_]:
        """``A`` as an (n, m) boolean array, ``A[i, j]`` as in spec §2.

        Returns
        -------
        ndarray of bool, shape (n, m)
            ``A[i, j] = 1[<z_j, x_i> > 0 and s_j y_i > 0]`` (a new array).

        Examples
        --------
        >>> from limitproc import Problem
        >>> Mask(Problem([1.0, -2.0], [[1, 1], [1, -1]], signs=[1, -1])).dense().tolist()
        [[True, False], [False, False]]
        """
        m, n = self.m, self.n
        out = np.zeros((n, m), dtype=bool)
        for block in self.blocks:
            out[np.ix_(block.data, block.neurons)] = block.active.T
        return out

    def _csr(self) -> tuple[NDArray[np.int64], NDArray[Any]]:
        """``A`` transposed as CSR arrays ``(indptr, indices)`` (row ``j``: data of neuron ``j``)."""
        m, n = self.m, self.n
        indptr = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(self.counts, out=indptr[1:])
        indices = np.empty(indptr[-1], dtype=np.int32 if n < 2**31 else np.int64)
        for j in range(m):
            if self.counts[j]:
                indices[indptr[j] : indptr[j + 1]] = self.data_of(j)
        return indptr, indices

    @property
    def by_neuron(self) -> csr_array:
        """``A`` transposed, scipy ``csr_array`` of shape (m, n): row ``j`` lists
        the data of neuron ``j`` (entries ``True``).  Built on first use."""
        if self._by_neuron is None:
            import scipy.sparse as sp

            indptr, indices = self._csr()
            self._by_neuron = sp.csr_array((np.ones(indices.size, dtype=bool), indices, indptr), shape=(self.m, self.n))
        return self._by_neuron

    @property
    def by_datum(self) -> csc_array:
        """The same matrix as :attr:`by_neuron`, scipy ``csc_array``: column
        ``i`` lists the neurons of datum ``i``.  Built on first use."""
        if self._by_datum is None:
            self._by_datum = self.by_neuron.tocsc()
        return self._by_datum

    def _group_equal_columns(self) -> None:
        m = self.m
        representative = np.arange(m)
        members: dict[int, list[int]] = {}
        for block in self.blocks:
            seen: dict[tuple[int, int], list[np.intp]] = {}
            for a in np.flatnonzero(self.counts[block.neurons]):
                row = block.active[a]
                key = (int(self.counts[block.neurons[a]]), hash(row.tobytes()))
                for head in seen.setdefault(key, []):
                    if np.array_equal(block.active[head], row):
                        representative[block.neurons[a]] = block.neurons[head]
                        members[int(block.neurons[head])].append(int(block.neurons[a]))
                        break
                else:
                    seen[key].append(a)
                    members[int(block.neurons[a])] = [int(block.neurons[a])]
        self.representative = representative
        self.groups = tuple(tuple(g) for _, g in sorted(members.items()) if len(g) > 1)
        self.leaders = np.array(sorted(members), dtype=np.int64)

    def _find_components(self) -> None:
        """Components of the bipartite graph: two neurons are joined when they
        share a datum, which is when both are joined to the datum's first
        neuron (linear in the mask)."""
        m, n = self.m, self.n
        edges, firsts = [], []
        for block in self.blocks:
            if not block.active.size:
                continue
            covered = block.by_datum.any(axis=1)
            first = np.argmax(block.by_datum, axis=1)  # first active neuron of each covered datum
            firsts.append((block, first, covered))
            # every neuron active on a datum is joined to that datum's first neuron
            key = first[covered].astype(np.int16 if block.neurons.size < 2**15 else np.int64)
            order = np.flatnonzero(covered)[np.argsort(key, kind="stable")]  # counting sort for int16
            heads, starts = np.unique(first[order], return_index=True)
            linked = np.logical_or.reduceat(block.by_datum[order], starts, axis=0)  # rows of data: contiguous
            for h, row in zip(heads, linked):
                joined = np.flatnonzero(row)
                edges.append(np.column_stack([np.full(joined.size, block.neurons[h]), block.neurons[joined]]))
        root = _union_find(m, np.concatenate(edges) if edges else np.empty((0, 2), dtype=np.int64))
        live = self.counts > 0
        _, compact = np.unique(root[live], return_inverse=True)
        neuron_component = np.full(m, -1, dtype=np.int64)
        neuron_component[live] = compact.ravel()
        datum_component = np.full(n, -1, dtype=np.int64)
        for block, first, covered in firsts:
            datum_component[block.data[covered]] = neuron_component[block.neurons[first[covered]]]
        self.neuron_component = neuron_component
        self.datum_component = datum_component
        self.n_components = int(compact.max() + 1) if compact.size else 0

    def __repr__(self) -> str:
        return (
            f"Mask({self.n} data × {self.m} neurons, {self.size} entries, {self.n_components} components, "
            f"{self.zero_rows.size} zero rows, {self.zero_columns.size} zero columns, "
            f"{len(self.groups)} groups of equal columns)"
        )


def _union_find(size, edges):
    """The smallest node of each node's connected component (undirected
    ``edges``, shape (e, 2)): hooking of roots onto smaller roots and pointer
    jumping, vectorized; every round merges along some edge, so it ends."""
    parent = np.arange(size)
    u, v = edges[:, 0], edges[:, 1]
    while True:
        pu, pv = parent[u], parent[v]
        split = pu != pv
        if not split.any():
            return parent
        low, high = np.minimum(pu[split], pv[split]), np.maximum(pu[split], pv[split])
        np.minimum.at(parent, high, low)  # a root hooks onto a smaller root: no cycles
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
