"""Graphs of a limit process (networkx), built on demand.

* The **mask graph**: bipartite, neurons ↔ the data they can fit (spec §2).
  Its connected components are independent sub-processes, its zero-degree
  nodes are the zero rows and columns, and neurons with equal neighbourhoods
  are the equal columns of seed 002 Assumption 4(i).
* The **interaction graph**: jump ``k`` → every unfitted neuron whose rate it
  lowered, with the old and new rate and the neuron's exponent at the jump.
  It shows the "memory across saddles" of spec §2.

The fast paths of :class:`~limitproc.process.mask.Mask` compute the same structure
without networkx; these graphs are for inspection and export.

Node names: ``"d{i}"`` for datum ``i``, ``"n{j}"`` for neuron ``j``,
``"k{k}"`` for jump ``k``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import networkx as nx
import numpy as np

from ..errors import LimitprocError

if TYPE_CHECKING:
    import os

    from numpy.typing import NDArray

    from .algorithm1 import LimitProcess
    from .mask import Mask

__all__ = [
    "GRAPHML_MAX_EDGES",
    "mask_graph",
    "interaction_graph",
    "process_graph",
    "write_graphml",
    "graphml_edges",
    "check_graphml_size",
    "equal_neighbourhoods",
]

#: Largest number of edges :func:`write_graphml` writes.  networkx holds a
#: graph as dicts (about 1 kB per edge with its attributes) and writes GraphML
#: at about 10 µs per edge: 10^6 edges take about 1 GB and 10 s; the mask of
#: n = 10^6 data and m = 64 neurons has 1.6·10^7.
GRAPHML_MAX_EDGES = 1_000_000


def mask_graph(mask: Mask, y: NDArray[np.float64]) -> nx.Graph:
    """Bipartite :class:`networkx.Graph` of the mask (data ``bipartite=0``).

    An edge ``n{j} – d{i}`` for every ``A_ij = 1`` (spec §2); its connected
    components are the independent sub-processes (spec §3).

    Parameters
    ----------
    mask : Mask
    y : ndarray of float, shape (n,)
        The labels (:attr:`~limitproc.problem.Problem.y`), stored as the
        ``label`` of each datum node.

    Returns
    -------
    networkx.Graph
        Nodes ``d{i}`` (``kind="datum"``, ``label``) and ``n{j}``
        (``kind="neuron"``, ``sign``).

    Examples
    --------
    >>> from limitproc import Problem, Mask
    >>> p = Problem([1.0, 2.0, -1.0], [[1, 1, 0], [1, 0, 1], [0, 1, 1]], signs=[1, 1, -1])
    >>> g = mask_graph(Mask(p), p.y)
    >>> sorted(g.edges())
    [('d0', 'n0'), ('d0', 'n1'), ('d1', 'n0'), ('d2', 'n2')]
    >>> nx.number_connected_components(g)
    2
    """
    n, m = mask.shape
    graph = nx.Graph()
    graph.add_nodes_from((f"d{i}", {"bipartite": 0, "kind": "datum", "label": float(y[i])}) for i in range(n))
    graph.add_nodes_from((f"n{j}", {"bipartite": 1, "kind": "neuron", "sign": int(mask.signs[j])}) for j in range(m))
    for j in range(m):
        graph.add_edges_from((f"n{j}", f"d{i}") for i in mask.data_of(j).tolist())
    return graph


def equal_neighbourhoods(graph: nx.Graph) -> list[list[str]]:
    """Groups of two or more neuron nodes with the same non-empty neighbourhood
    and sign (the equal columns of seed 002 Assumption 4(i)).

    The graph counterpart of :attr:`~limitproc.process.mask.Mask.groups`
    (spec §5).

    Parameters
    ----------
    graph : networkx.Graph
        A graph of :func:`mask_graph`.

    Returns
    -------
    list of list of str
        Neuron node names per group, in increasing neuron order.

    Examples
    --------
    >>> from limitproc import Problem, Mask
    >>> p = Problem([1.0, 2.0, -1.0], [[1, 1, 0], [1, 1, 0], [0, 1, 1]], signs=[1, 1, -1])
    >>> equal_neighbourhoods(mask_graph(Mask(p), p.y))
    [['n0', 'n1']]
    """
    found: dict[tuple[int, frozenset[str]], list[str]] = {}
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") == "neuron" and graph.degree(node):
            key = (attrs["sign"], frozenset(graph.neighbors(node)))
            found.setdefault(key, []).append(node)
    return [sorted(g, key=lambda s: int(s[1:])) for g in found.values() if len(g) > 1]


def interaction_graph(process: LimitProcess) -> nx.DiGraph:
    """Directed graph: jump ``k`` → each neuron whose rate it lowered.

    Edge attributes ``old_rate``, ``new_rate``, ``exponent`` (``e_j(τ_k)``);
    an edge with ``relation="jumped"`` links each jump to its own neuron.
    The "memory across saddles" of spec §2, from
    :attr:`~limitproc.process.algorithm1.LimitProcess.interactions`.

    Parameters
    ----------
    process : LimitProcess

    Returns
    -------
    networkx.DiGraph
        Nodes ``k{k}`` (``kind="jump"``, ``tau``, ``neuron``, ``fitted``)
        and ``n{j}`` (``kind="neuron"``).

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> process = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]))
    >>> sorted(interaction_graph(process).edges(data="relation"))
    [('k1', 'n0', 'jumped'), ('k1', 'n1', 'lowered_rate')]
    """
    graph = nx.DiGraph()
    for s in process.jumps:
        # a jump always has its neuron (only θ_0 has None)
        graph.add_node(f"k{s.k}", kind="jump", tau=float(s.tau), neuron=int(cast(int, s.neuron)), fitted=len(s.data))
        graph.add_node(f"n{s.neuron}", kind="neuron")
        graph.add_edge(f"k{s.k}", f"n{s.neuron}", relation="jumped")
    for step in process.interactions:
        graph.add_node(f"n{step.neuron}", kind="neuron")
        graph.add_edge(
            f"k{step.k}", f"n{step.neuron}", relation="lowered_rate",
            old_rate=float(step.old_rate), new_rate=float(step.new_rate), exponent=float(step.exponent),
        )
    return graph


def process_graph(process: LimitProcess) -> nx.DiGraph:
    """Both graphs in one directed graph (mask edges neuron → datum,
    ``relation="active"``), ready for GraphML.

    Parameters
    ----------
    process : LimitProcess

    Returns
    -------
    networkx.DiGraph
        The nodes and edges of :func:`mask_graph` (oriented neuron → datum)
        and of :func:`interaction_graph`.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> process = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]))
    >>> sorted(process_graph(process).edges(data="relation"))  # doctest: +NORMALIZE_WHITESPACE
    [('k1', 'n0', 'jumped'), ('k1', 'n1', 'lowered_rate'),
     ('n0', 'd0', 'active'), ('n0', 'd1', 'active'), ('n1', 'd0', 'active')]
    """
    graph = nx.DiGraph()
    mask = mask_graph(process.mask, process.problem.y)
    graph.add_nodes_from(mask.nodes(data=True))
    graph.add_edges_from(((u, v) if u[0] == "n" else (v, u) for u, v in mask.edges()), relation="active")
    interactions = interaction_graph(process)
    for node, attrs in interactions.nodes(data=True):
        if node in graph:
            graph.nodes[node].update({k: v for k, v in attrs.items() if k != "kind"})
        else:
            graph.add_node(node, **attrs)
    graph.add_edges_from(interactions.edges(data=True))
    for node, attrs in graph.nodes(data=True):
        attrs.pop("bipartite", None)
    return graph


def graphml_edges(process: LimitProcess) -> int:
    """Number of edges :func:`write_graphml` would write: the mask entries,
    the interactions and one edge per jump.

    Parameters
    ----------
    process : LimitProcess

    Returns
    -------
    int
        ``mask.size + len(interactions) + K``, without building the graph.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> graphml_edges(limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1])))
    5
    """
    return process.mask.size + len(process.interactions) + process.K


def check_graphml_size(edges: int, max_edges: int = GRAPHML_MAX_EDGES) -> None:
    """Raise :class:`~limitproc.errors.LimitprocError` when a GraphML file of
    ``edges`` edges is above ``max_edges`` (a CLI can call it before the run,
    with the mask size).

    Parameters
    ----------
    edges : int
        Number of edges of the graph (:func:`graphml_edges`).
    max_edges : int
        The limit (:data:`GRAPHML_MAX_EDGES`).

    Returns
    -------
    None

    Raises
    ------
    LimitprocError
        ``edges > max_edges``.

    Examples
    --------
    >>> check_graphml_size(10)
    >>> check_graphml_size(10, max_edges=5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    limitproc.errors.LimitprocError: the graph has 10 edges (...): above the GraphML limit of 5 ...
    """
    if edges > max_edges:
        raise LimitprocError(
            f"the graph has {edges} edges (mask entries, interactions and jumps): above the GraphML limit of "
            f"{max_edges} (about {edges / 1e6:.0f} GB and {edges / 1e5:.0f} s through networkx); "
            "drop --graph, or call limitproc.process.graphs.write_graphml(process, path, max_edges=...) to raise it"
        )


def write_graphml(
    process: LimitProcess, path: str | os.PathLike[str], max_edges: int = GRAPHML_MAX_EDGES
) -> str | os.PathLike[str]:
    """Write the mask and interaction graphs to one GraphML file.

    Parameters
    ----------
    process : LimitProcess
    path : str or path-like
        The file to write (:func:`process_graph`, numpy scalars as plain
        values).
    max_edges : int
        Refuse graphs with more edges (:data:`GRAPHML_MAX_EDGES`).

    Returns
    -------
    str or path-like
        ``path``.

    Raises
    ------
    LimitprocError
        When the graph has more than ``max_edges`` edges (:data:`GRAPHML_MAX_EDGES`).

    Examples
    --------
    >>> import os, tempfile
    >>> from limitproc import Problem, limit_process
    >>> process = limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_graphml(process, os.path.join(folder, "process.graphml"))
    ...     nx.read_graphml(path).number_of_edges()
    5
    """
    check_graphml_size(graphml_edges(process), max_edges)
    graph = process_graph(process)
    for _, attrs in graph.nodes(data=True):
        for key, value in list(attrs.items()):
            if isinstance(value, np.generic):
                attrs[key] = value.item()
    nx.write_graphml(graph, path)
    return path
