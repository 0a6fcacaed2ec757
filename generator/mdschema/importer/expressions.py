"""Expressions as PostgreSQL prints them, made to read back as the same expression.

PostgreSQL does not always store what it prints. `role IN ('user', 'admin')` on a varchar column is
stored with an implicit array coercion, printed as `(role)::text = ANY ((ARRAY['user'::character varying,
'admin'::character varying])::text[])`; parsed again, a cast written around an ARRAY[...] constructor is
pushed into its elements, and PostgreSQL stores (and prints) `ARRAY[('user'::character varying)::text, …]`
instead: a different definition. pg_dump has the same wart. Without the written cast PostgreSQL adds the
coercion itself, exactly as before, so `undo_array_coercion` removes it (on tokens from PostgreSQL's own
scanner, so string literals holding brackets are never touched).
"""

from __future__ import annotations

from typing import Any

_OPEN, _CLOSE, _LBRACKET, _RBRACKET = "ASCII_40", "ASCII_41", "ASCII_91", "ASCII_93"


def undo_array_coercion(sql: str) -> str:
    """`x = ANY ((ARRAY[…])::type[])` → `x = ANY (ARRAY[…])`, for every ANY / ALL / SOME in `sql`."""
    if "ARRAY[" not in sql:
        return sql
    from pglast import parser

    try:
        tokens = list(parser.scan(sql))
    except Exception:  # noqa: BLE001 - not SQL the scanner takes: leave it as PostgreSQL printed it
        return sql
    cuts: list[tuple[int, int, str]] = []
    for i, tok in enumerate(tokens):
        if tok.name not in ("ANY", "ALL", "SOME") or not _names(
            tokens, i + 1, _OPEN, _OPEN, "ARRAY", _LBRACKET
        ):
            continue
        close = _matching(tokens, i + 4, _LBRACKET, _RBRACKET)
        if close is None or not _names(tokens, close + 1, _CLOSE, "TYPECAST"):
            continue
        end = _array_type_end(tokens, close + 3)
        if end is None:
            continue
        array = sql[tokens[i + 3].start : tokens[close].end + 1]
        cuts.append((tokens[i + 2].start, tokens[end].end + 1, array))
    for start, stop, text in reversed(cuts):
        sql = sql[:start] + text + sql[stop:]
    return sql


def _names(tokens: list[Any], at: int, *names: str) -> bool:
    return at + len(names) <= len(tokens) and all(tokens[at + k].name == n for k, n in enumerate(names))


def _matching(tokens: list[Any], at: int, opening: str, closing: str) -> int | None:
    depth = 0
    for j in range(at, len(tokens)):
        if tokens[j].name == opening:
            depth += 1
        elif tokens[j].name == closing:
            depth -= 1
            if depth == 0:
                return j
    return None


def _array_type_end(tokens: list[Any], at: int) -> int | None:
    """The `]` of a type name ending in `[]` that starts at `at` and is followed by the ANY's `)`."""
    depth = 0
    for j in range(at, len(tokens) - 2):
        name = tokens[j].name
        if name == _OPEN:
            depth += 1
        elif name == _CLOSE:
            if depth == 0:
                return None
            depth -= 1
        elif depth == 0 and name == _LBRACKET:
            if tokens[j + 1].name == _RBRACKET and tokens[j + 2].name == _CLOSE:
                return j + 1
            return None
    return None
