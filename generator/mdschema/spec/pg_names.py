"""The names PostgreSQL itself gives: makeObjectName, ChooseConstraintName, clipping at 63 bytes.

Checked against a real server in tests/unit/test_naming.py. The Python names mdschema gives are
codegen's (`mdschema.codegen.py_names`).
"""

from __future__ import annotations

NAMEDATALEN = 64
MAX_IDENT = NAMEDATALEN - 1


def _clip(name: str, limit: int) -> str:
    """First `limit` bytes of name, never cutting a multibyte character (pg_mbcliplen)."""
    raw = name.encode("utf-8")
    if len(raw) <= limit:
        return name
    return raw[:limit].decode("utf-8", errors="ignore")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's makeObjectName(): shorten the longer part until the name fits in 63 bytes."""
    overhead = (len(label.encode()) + 1 if label else 0) + (1 if name2 else 0)
    avail = MAX_IDENT - overhead
    n1, n2 = len(name1.encode()), len(name2.encode()) if name2 else 0
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    result = _clip(name1, n1)
    if name2:
        result += "_" + _clip(name2, n2)
    if label:
        result += "_" + label
    return result


def name_addition(columns: list[str] | tuple[str, ...]) -> str:
    """PostgreSQL's ChooseIndexNameAddition(): column names joined by '_', stopping past 63 bytes."""
    buf = ""
    for col in columns:
        if buf:
            buf += "_"
        buf += _clip(col, MAX_IDENT)
        if len(buf.encode()) >= NAMEDATALEN:
            break
    return buf


def choose_name(table: str, columns: list[str] | tuple[str, ...] | None, label: str, taken: set[str]) -> str:
    """PostgreSQL's ChooseConstraintName()/ChooseRelationName(): append 1, 2… on a clash."""
    addition = name_addition(columns) if columns else None
    name = make_object_name(table, addition, label)
    n = 0
    while name in taken:
        n += 1
        name = make_object_name(table, addition, f"{label}{n}")
    taken.add(name)
    return name


def too_long(name: str) -> bool:
    """Longer than PostgreSQL keeps (it truncates identifiers to 63 bytes)."""
    return len(name.encode("utf-8")) > MAX_IDENT
