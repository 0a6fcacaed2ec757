"""Which doc each table goes in: one per schema, by table-name prefix, or by connected parts of the FK graph.

Every rule is deterministic (ties by name) and puts each table in exactly one doc. Enums, extensions and
functions go in the doc of the first table that uses them, or in the first doc when nothing does.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from mdschema.catalog.snapshot import Snapshot
from mdschema.util.graph import topological_order

RULES = ("schema", "prefix", "fk-components")
MISC = "misc"


@dataclass(frozen=True, slots=True)
class Group:
    stem: str  # the doc's file name without .md
    tables: tuple[str, ...]  # in reading order: referenced tables first, ties by name


def group_tables(snap: Snapshot, rule: str, schema: str) -> tuple[Group, ...]:
    names = [t.name for t in snap.tables]
    edges = _edges(snap)
    if rule == "schema" or len(names) <= 1:
        groups = {schema: names}
    elif rule == "prefix":
        groups = _by_prefix(names, edges)
    elif rule == "fk-components":
        groups = _by_components(names, edges)
    else:  # pragma: no cover - argparse offers RULES only
        raise ValueError(rule)
    if list(groups) == [MISC]:  # no grouping found: the schema's doc
        groups = {schema: groups[MISC]}
    elif len(groups.get(MISC, ())) == 1:  # one table without neighbours: a doc named after it
        (table,) = groups.pop(MISC)
        groups.setdefault(table, []).append(table)
    depends: dict[str, set[str]] = defaultdict(set)
    for child, parent in edges:
        depends[child].add(parent)
    out = []
    for stem in sorted(groups):
        members = set(groups[stem])
        graph = {t: {p for p in depends[t] if p in members and p != t} for t in sorted(members)}
        out.append(Group(_stem(stem), tuple(_order(graph))))
    return tuple(out)


def _order(graph: dict[str, set[str]]) -> list[str]:
    """Referenced tables first; a cycle is broken by leaving its FKs out of the order."""
    from mdschema.util.graph import cyclic_edges

    cycles = cyclic_edges(graph)
    acyclic = {t: {p for p in ps if (t, p) not in cycles} for t, ps in graph.items()}
    return topological_order(acyclic)


def _edges(snap: Snapshot) -> list[tuple[str, str]]:
    """(child, parent) of every foreign key between two tables of the snapshot, each pair once."""
    inside = {t.name for t in snap.tables}
    pairs = {
        (t.name, c.ref_table)
        for t in snap.tables
        for c in t.constraints
        if c.kind == "f" and c.ref_table in inside and c.ref_table != t.name
    }
    return sorted(pairs)


def _stem(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_").lower()
    return stem or MISC


def _by_prefix(names: list[str], edges: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The first word of the name (`story_chapter` → story). A table alone under its prefix joins the
    group it shares most foreign keys with, else `misc`."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[re.split(r"[_\W]", name, maxsplit=1)[0] or name].append(name)
    return _absorb_singletons(groups, edges)


def _by_components(names: list[str], edges: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Connected components of the FK graph without its hubs (tables many others point at, like `users`),
    so that one hub does not make the whole schema one component. Each hub heads a doc of its own; a
    table left alone joins the doc it shares most foreign keys with (ties: the longest common name
    prefix, then by name). A doc is named after its hub, or its most referenced table."""
    referenced = Counter(parent for _, parent in edges)
    threshold = max(4, len(names) // 8)
    hubs = {t for t, n in referenced.items() if n >= threshold}
    parent_of = {n: n for n in names}

    def find(x: str) -> str:
        while parent_of[x] != x:
            parent_of[x] = parent_of[parent_of[x]]
            x = parent_of[x]
        return x

    for child, parent in edges:
        if child in hubs or parent in hubs:
            continue
        a, b = find(child), find(parent)
        if a != b:
            parent_of[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = defaultdict(list)
    for name in names:
        members[name if name in hubs else find(name)].append(name)
    groups: dict[str, list[str]] = {}
    for root, tables in members.items():
        if root in hubs:
            groups[root] = tables
            continue
        inner = Counter(p for c, p in edges if p in tables and c in tables)
        groups[min(tables, key=lambda t: (-inner[t], len(t), t))] = tables
    out = _absorb_singletons(groups, edges, anchors=frozenset(hubs))
    still_alone = {k: v for k, v in out.items() if len(v) == 1}
    if still_alone and len(out) > len(still_alone):  # a hub nothing joined: it joins its neighbours
        out = _absorb_singletons(out, edges)
    # named after its most referenced table (a hub, when it holds one)
    return {
        MISC
        if key == MISC and len(tables) > 1
        else min(tables, key=lambda t: (-referenced[t], len(t), t)): tables
        for key, tables in out.items()
    }


def _absorb_singletons(
    groups: dict[str, list[str]], edges: list[tuple[str, str]], anchors: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """A group of one table (not one of `anchors`) joins the group it shares most foreign keys with; ties
    go to the group whose name shares the longest prefix with the table's, then to the first by name.
    Lone tables left: misc."""
    out: dict[str, list[str]] = {k: list(v) for k, v in groups.items() if len(v) > 1 or k in anchors}
    if not out:  # nothing but single tables: one doc
        return {MISC: sorted(t for v in groups.values() for t in v)}
    alone = sorted(k for k in groups if k not in out)
    for _ in range(2):  # a lone table may join a group another lone table just joined
        owner = {t: key for key, tables in out.items() for t in tables}
        left = []
        for key in alone:
            (table,) = groups[key]
            votes = Counter(
                owner[other]
                for child, parent in edges
                for other in ((parent,) if child == table else (child,) if parent == table else ())
                if other in owner
            )
            if not votes:
                left.append(key)
                continue
            best = min(votes, key=lambda k: (-votes[k], -len(_common_prefix(k, table)), k))
            out[best].append(table)
        alone = left
    for key in alone:
        out.setdefault(MISC, []).extend(groups[key])
    return out


def _common_prefix(a: str, b: str) -> str:
    import os.path

    return os.path.commonprefix([a, b])
