"""Print Python the way `ruff format` does, for the few shapes generated code uses.

Generated files must pass `ruff format --check` without running ruff; this module reproduces its
line-splitting for calls, tuples and imports (right-hand split, then one item per line with a
magic trailing comma).

It is also the one place text from the docs becomes Python source: `py_str` for string literals,
`docstring_lines` / `docstring_text` for docstrings and `comment_line` for `#` comments. Nothing else
puts a doc's text into generated code.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

LINE_LENGTH = 110


@dataclass(frozen=True, slots=True)
class Call:
    func: str  # "name" prints name(...); a func ending in "{" ("{", "key={") prints a dict display
    args: tuple[Node, ...]


Node = Call | str


def _brackets(node: Call) -> tuple[str, str]:
    return (node.func, "}") if node.func.endswith("{") else (node.func + "(", ")")


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
    # A dict display that does not fit is one item per line (ruff format, as black: a collection
    # literal is never split onto one indented line); a call's arguments may share one.
    collection = node.func.endswith("{") and len(node.args) > 1
    if (not collection and len(" " * (indent + 4) + body) <= LINE_LENGTH) or (
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


def import_line(module: str, names: list[str], indent: int = 0) -> list[str]:
    """`from module import names`, split one name per line when it does not fit at `indent`."""
    one = f"from {module} import {', '.join(names)}"
    if indent + len(one) <= LINE_LENGTH:
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


def import_sections(
    modules: tuple[str, ...], names: tuple[tuple[str, tuple[str, ...]], ...]
) -> tuple[str, ...]:
    """An import block the way ruff's isort sorts it: future, stdlib, third party, local, a blank line
    between sections. `modules` are `import x` lines; `names` are (module, names in isort order)."""
    sections: list[list[str]] = [[], [], [], []]
    for module in sorted(modules):
        sections[1 if module.split(".")[0] in STDLIB else 2].append(f"import {module}")
    for module, imported in sorted(names):
        if module == "__future__":
            index = 0
        elif module.startswith("."):
            index = 3
        elif module.split(".")[0] in STDLIB:
            index = 1
        else:
            index = 2
        sections[index].extend(import_line(module, list(imported)))
    out: list[str] = []
    for section in sections:
        if section:
            if out:
                out.append("")
            out.extend(section)
    return tuple(out)


# The standard-library modules generated code imports (isort's "stdlib" section).
STDLIB = frozenset({"collections", "datetime", "decimal", "enum", "typing", "uuid"})


# ---- text from the docs, as Python source ---------------------------------------------------------


def py_str(value: str) -> str:
    """A Python string literal of exactly `value`, the way ruff format prints it (double quotes unless
    that needs more escapes). Backslashes, quotes and every character that is not printable (line breaks,
    control characters, U+2028, bidi overrides...) are escaped: the literal is one line and shows what is
    really there."""
    body = value.replace("\\", "\\\\")
    if not body.isprintable():  # rare: only those characters go through _escape_char
        body = "".join(ch if ch.isprintable() else _escape_char(ch) for ch in body)
    if value.count('"') > value.count("'"):
        return "'" + body.replace("'", "\\'") + "'"
    return '"' + body.replace('"', '\\"') + '"'


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def docstring_text(text: str) -> str:
    """`text` made safe inside a triple-quoted docstring, on one line.

    Docstrings are prose: characters that are not printable (line breaks, tabs, U+2028...) become
    spaces, and the ends are stripped as ruff format strips them. Backslashes are doubled; a `\"\"\"`
    and a quote at either end are escaped, so nothing can close the docstring early (ruff format would
    also pad a leading quote with a space).
    """
    words = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    safe = words.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if safe.startswith('"'):
        safe = "\\" + safe
    if safe.endswith('"') and (len(safe) - len(safe[:-1].rstrip("\\")) - 1) % 2 == 0:
        safe = safe[:-1] + '\\"'  # a quote not escaped yet (an even run of backslashes before it)
    return safe


def docstring_lines(text: str, indent: int, width: int | None = LINE_LENGTH) -> tuple[str, ...]:
    """The lines of a docstring at `indent`: `\"\"\"text\"\"\"` when it is one line, else wrapped at `width`
    (the text, not counting indent; None: never wrapped) with the closing quotes on a line of their own."""
    safe = docstring_text(text)
    pad = " " * indent
    if width is None:
        return (f'{pad}"""{safe}"""',)
    lines = textwrap.wrap(safe, width=max(20, width - indent), break_long_words=False, break_on_hyphens=False)
    if len(lines) <= 1:
        return (f'{pad}"""{lines[0] if lines else ""}"""',)
    return (f'{pad}"""{lines[0]}', *(f"{pad}{line}" for line in lines[1:]), f'{pad}"""')


def comment_line(text: str) -> str:
    """A `#` comment of `text`: one line whatever it holds (what is not printable shown escaped), its ends
    stripped as ruff format strips them."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else _escape_char(ch) for ch in text)
    text = text.strip()
    return f"# {text}" if text else "#"
