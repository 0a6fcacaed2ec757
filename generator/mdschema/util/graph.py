"""Dependency order and cycles, on the standard library's graphlib: one implementation for every stage.

A graph is `{node: {nodes it depends on}}`. Orders are deterministic: among nodes that are ready at the
same time, the smallest (by sort key) comes first.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Mapping
from graphlib import CycleError, TopologicalSorter
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def topological_order(graph: Mapping[N, Iterable[N]], key: Callable[[N], object] | None = None) -> list[N]:
    """Every node after the nodes it depends on (dependencies outside the graph are ignored); ties by
    `key` (default: the node itself). Raises graphlib.CycleError on a cycle."""
    nodes = set(graph)
    sorter: TopologicalSorter[N] = TopologicalSorter()
    for node, deps in graph.items():
        sorter.add(node, *(d for d in deps if d in nodes and d != node))
    sorter.prepare()
    sort_key = key or (lambda n: n)
    ready: list[tuple[object, int, N]] = []
    counter = 0
    order: list[N] = []
    while sorter.is_active():
        for node in sorter.get_ready():
            heapq.heappush(ready, (sort_key(node), counter, node))
            counter += 1
        if not ready:  # pragma: no cover - graphlib raised CycleError in prepare()
            break
        _, _, node = heapq.heappop(ready)
        order.append(node)
        sorter.done(node)
    return order


def strongly_connected(graph: Mapping[N, Iterable[N]]) -> dict[N, int]:
    """{node: component id}: nodes on one cycle share an id (Tarjan's algorithm, iterative)."""
    edges = {n: [d for d in graph[n] if d in graph] for n in graph}
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    on_stack: set[N] = set()
    stack: list[N] = []
    component: dict[N, int] = {}
    counter, components = 0, 0
    for root in edges:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(edges[root]))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component[member] = components
                        if member == node:
                            break
                    components += 1
    return component


def cyclic_edges(graph: Mapping[N, Iterable[N]]) -> set[tuple[N, N]]:
    """The edges (node, dependency) that lie on a cycle between two different nodes."""
    component = strongly_connected(graph)
    return {
        (n, d)
        for n, deps in graph.items()
        for d in deps
        if d in component and d != n and component[d] == component[n]
    }


__all__ = ["CycleError", "cyclic_edges", "strongly_connected", "topological_order"]
