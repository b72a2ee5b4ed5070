"""The mask of spec §2 and its structure: groups, zero rows/columns, components.

``A_ij = 1[<z_j, x_i> > 0 and s_j y_i > 0]``: neuron ``j`` is initially active
on datum ``i`` and its output sign agrees with the label's sign (seed 002
Assumption 4).  Only these pairs ever matter in Algorithm 1.
"""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

__all__ = ["Mask", "rounding_bound"]

_U = 2.0**-53


def rounding_bound(d):
    """``γ_d = d u / (1 - d u)``: bound on the relative rounding error of a
    length-``d`` dot product or sum of non-negative terms (Higham, Thm 3.1)."""
    return d * _U / (1.0 - d * _U)


class Mask:
    """The mask ``A`` of a :class:`~limitproc.problem.Problem` (spec §2).

    Attributes
    ----------
    by_neuron : scipy.sparse.csr_array, shape (m, n)
        ``A`` transposed: row ``j`` lists the data of neuron ``j`` (entries 1.0).
    by_datum : scipy.sparse.csc_array, shape (m, n)
        The same matrix, column ``i`` lists the neurons of datum ``i``.
    counts : ndarray, shape (m,)
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

    def __init__(self, problem):
        n, m = problem.n, problem.m
        positive = problem.y > 0
        negative = problem.y < 0
        G = problem.inner_products()
        active = np.empty((m, n), dtype=bool)
        pos_neurons = problem.signs > 0
        active[pos_neurons] = (G[pos_neurons] > 0) & positive
        active[~pos_neurons] = (G[~pos_neurons] > 0) & negative
        if problem.X is None:
            self.undecided = np.empty((0, 2), dtype=np.int64)
        else:
            agree = np.where(pos_neurons[:, None], positive[None, :], negative[None, :])
            bound = rounding_bound(problem.d) * (1.0 + problem.tol) * (1.0 + 1e-6)
            self.undecided = np.argwhere((np.abs(G) <= bound) & agree)[:, ::-1].copy()
        del G
        self.by_neuron = sp.csr_array(active, dtype=float)
        del active
        self.by_datum = self.by_neuron.tocsc()
        self.shape = (m, n)
        self.signs = problem.signs
        self.counts = np.diff(self.by_neuron.indptr)
        rows = np.diff(self.by_datum.indptr)
        self.zero_rows = np.flatnonzero((rows == 0) & (problem.y != 0))
        self.zero_columns = np.flatnonzero(self.counts == 0)
        self._group_equal_columns()
        self._find_components()

    @property
    def size(self):
        """Number of non-zero entries of ``A``."""
        return int(self.by_neuron.nnz)

    def data_of(self, j):
        """Indices of the data of neuron ``j`` (sorted)."""
        ptr = self.by_neuron.indptr
        return self.by_neuron.indices[ptr[j] : ptr[j + 1]]

    def dense(self):
        """``A`` as an (n, m) boolean array, ``A[i, j]`` as in spec §2."""
        return self.by_neuron.toarray().astype(bool).T

    def _group_equal_columns(self):
        m = self.shape[0]
        representative = np.arange(m)
        first = {}
        members = {}
        for j in np.flatnonzero(self.counts):
            key = (int(self.signs[j]), self.data_of(j).tobytes())
            head = first.setdefault(key, j)
            representative[j] = head
            members.setdefault(head, []).append(int(j))
        self.representative = representative
        self.groups = tuple(tuple(g) for g in members.values() if len(g) > 1)
        self.leaders = np.array(sorted(members), dtype=np.int64)

    def _find_components(self):
        """Components of the bipartite graph, via the neuron graph in which
        two neurons are joined when they share a datum (linear in the mask)."""
        m, n = self.shape
        ptr = self.by_datum.indptr
        nonempty = np.flatnonzero(np.diff(ptr))
        first = np.full(n, -1, dtype=np.int64)
        first[nonempty] = self.by_datum.indices[ptr[nonempty]]
        heads = np.repeat(first, np.diff(ptr))
        codes = heads * m + self.by_datum.indices
        codes = np.unique(codes) if m * m > 10**7 else np.flatnonzero(np.bincount(codes, minlength=m * m))
        graph = sp.coo_array((np.ones(codes.size), (codes // m, codes % m)), shape=(m, m))
        _, labels = connected_components(graph, directed=False)
        live = self.counts > 0
        _, compact = np.unique(labels[live], return_inverse=True)
        neuron_component = np.full(m, -1, dtype=np.int64)
        neuron_component[live] = compact
        datum_component = np.full(n, -1, dtype=np.int64)
        datum_component[nonempty] = neuron_component[first[nonempty]]
        self.neuron_component = neuron_component
        self.datum_component = datum_component
        self.n_components = int(compact.max() + 1) if compact.size else 0

    def __repr__(self):
        m, n = self.shape
        return (
            f"Mask({m}×{n}, {self.size} entries, {self.n_components} components, "
            f"{self.zero_rows.size} zero rows, {self.zero_columns.size} zero columns, "
            f"{len(self.groups)} groups of equal columns)"
        )
