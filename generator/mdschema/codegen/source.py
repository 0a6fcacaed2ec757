"""Print Python the way `ruff format` does, for the few shapes generated code uses.

Generated files must pass `ruff format --check` without running ruff; this module reproduces its
line-splitting for calls, tuples and imports (right-hand split, then one item per line with a
magic trailing comma).
"""

from __future__ import annotations

from dataclasses import dataclass

LINE_LENGTH = 110


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Node, ...]


Node = Call | str


def _brackets(node: Call) -> tuple[str, str]:
    return ("{", "}") if node.func == "{" else (node.func + "(", ")")


def flat(node: Node) -> str:
    if isinstance(node, str):
        return node
    open_, close = _brackets(node)
    return f"{open_}{_body(node)}{close}"


def _body(node: Call) -> str:
    body = ", ".join(flat(a) for a in node.args)
    return body + "," if node.func == "" and len(node.args) == 1 else body


def statement(prefix: str, node: Node, indent: int, suffix: str = "") -> list[str]:
    """Lines for `prefix + node + suffix` at `indent` spaces."""
    pad = " " * indent
    one = f"{pad}{prefix}{flat(node)}{suffix}"
    if len(one) <= LINE_LENGTH or isinstance(node, str) or not node.args:
        return [one]
    open_, close = _brackets(node)
    head = f"{pad}{prefix}{open_}"
    body = _body(node)
    if len(" " * (indent + 4) + body) <= LINE_LENGTH or (
        len(node.args) == 1 and isinstance(node.args[0], str)
    ):
        return [head, " " * (indent + 4) + body, f"{pad}{close}{suffix}"]
    lines = [head]
    if len(node.args) == 1:
        lines.extend(statement("", node.args[0], indent + 4, "," if node.func == "" else ""))
    else:
        for arg in node.args:
            lines.extend(statement("", arg, indent + 4, ","))
    lines.append(f"{pad}{close}{suffix}")
    return lines


def import_line(module: str, names: list[str]) -> list[str]:
    one = f"from {module} import {', '.join(names)}"
    if len(one) <= LINE_LENGTH:
        return [one]
    return [f"from {module} import ("] + [f"    {n}," for n in names] + [")"]


def isort_names(names: set[str]) -> list[str]:
    """ruff's isort order-by-type: CONSTANTS, then Classes, then functions."""

    def key(name: str) -> tuple[int, str]:
        if name.isupper() and len(name) > 1:
            return (0, name)
        if name[:1].isupper():
            return (1, name)
        return (2, name)

    return sorted(names, key=key)
