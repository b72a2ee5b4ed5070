"""networkx graphs of the mask and of the interactions."""

import networkx as nx

from limitproc import limit_process
from limitproc.process.graphs import interaction_graph, process_graph, write_graphml

from ..cases import CASES


def test_interaction_graph_of_memory_case():
    process = limit_process(CASES[1].problem)
    g = interaction_graph(process)
    assert g.edges["k1", "n1"]["relation"] == "lowered_rate"
    assert g.edges["k1", "n1"]["new_rate"] == 1 / 3
    assert g.edges["k2", "n1"]["relation"] == "jumped"
    assert nx.is_directed_acyclic_graph(g)


def test_graphml_round_trip(tmp_path):
    process = limit_process(CASES[2].problem)
    path = write_graphml(process, tmp_path / "g.graphml")
    g = nx.read_graphml(path)
    assert set(process_graph(process).nodes) == set(g.nodes)
    assert g.nodes["k1"]["tau"] == 0.8


def test_graphml_refused_above_the_limit(tmp_path):
    import pytest

    from limitproc.errors import LimitprocError
    from limitproc.process.graphs import check_graphml_size, graphml_edges

    process = limit_process(CASES[2].problem)
    edges = graphml_edges(process)
    assert edges == process.mask.size + len(process.interactions) + process.K
    with pytest.raises(LimitprocError, match="GraphML limit"):
        write_graphml(process, tmp_path / "g.graphml", max_edges=edges - 1)
    assert not (tmp_path / "g.graphml").exists()
    check_graphml_size(edges, max_edges=edges)  # at the limit: fine
