"""Sequences: CREATE SEQUENCE, ALTER SEQUENCE … OWNED BY and COMMENT ON SEQUENCE, read from pglast's tree
at the doc line and resolved as PostgreSQL resolves them (its sequence.c `init_params`): the IR holds the
values pg_sequence will hold (type, start, increment, min, max, cache, cycle), so a sequence written with
defaults and one written with every option spelled out are one sequence.

Checked without a server: the options PostgreSQL refuses (INCREMENT 0, MINVALUE not below MAXVALUE, a
bound outside the AS type, START outside MINVALUE..MAXVALUE, CACHE below 1, an AS type that is not an
integer type) and OWNED BY a table or column no doc defines, or a table in another schema (E124); a
sequence defined twice (E111); a `nextval('name')` default, an ALTER SEQUENCE or a COMMENT ON SEQUENCE of a
sequence no doc creates (E125). A serial column's own sequence (`t_id_seq`) is PostgreSQL's to make: a
`nextval` of it is fine, a CREATE SEQUENCE of that name is E124.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from mdschema.errors import Collector, Span
from mdschema.schema import Sequence, Table, split_key
from mdschema.spec.pg_types import known_base

TYPE_RANGES: Final = {
    "smallint": (-32768, 32767),
    "integer": (-2147483648, 2147483647),
    "bigint": (-9223372036854775808, 9223372036854775807),
}
_OPTIONS: Final = frozenset(
    {"as", "increment", "minvalue", "maxvalue", "start", "cache", "cycle", "owned_by"}
)
_NO: Final = "no"  # NO MINVALUE / NO MAXVALUE: the default for the direction

# nextval('s'), nextval('s'::regclass) as pglast deparses them: nextval(CAST('s' AS regclass))
NEXTVAL: Final = re.compile(r"nextval\(\s*(?:CAST\(\s*)?'((?:[^']|'')+)'")


@dataclass(frozen=True, slots=True)
class RawSequence:
    """A CREATE SEQUENCE as written: options not written are None (`_NO` for NO MINVALUE / NO MAXVALUE)."""

    name: str  # the key
    type: str | None  # as written (int4, integer, numeric, …)
    increment: int | None
    min_value: int | str | None
    max_value: int | str | None
    start: int | None
    cache: int | None
    cycle: bool | None
    owned_by: tuple[str, str] | str | None  # (table key, column), "none", or not written
    span: Span


@dataclass(frozen=True, slots=True)
class RawSequenceOwner:
    """ALTER SEQUENCE name OWNED BY t.c | NONE."""

    name: str
    owned_by: tuple[str, str] | str
    span: Span


@dataclass(frozen=True, slots=True)
class RawSequenceComment:
    name: str
    text: str | None
    span: Span


# --- reading the statements (hooked into spec.statements' handlers) -------------------------------


def _number(arg: Any) -> int:
    value = getattr(arg, "ival", None)
    if value is None:
        value = getattr(arg, "fval", None) or getattr(arg, "sval", None)
    return int(str(value))


def _owner(arg: Any, key: Any) -> tuple[str, str] | str:
    names = [str(getattr(n, "sval", n)) for n in arg or ()]
    if len(names) == 1 and names[0] == "none":
        return "none"
    *table, column = names
    schema = table[-2] if len(table) > 1 else None
    return key(schema, table[-1] if table else ""), column


def sequence_record(node: Any, name: str, key: Any, span: Span, diag: Collector) -> RawSequence | None:
    """The record of a CREATE SEQUENCE; None, with an error at the line, for what mdschema cannot build
    the same way (TEMPORARY / UNLOGGED, options a doc has no use for). `key(schema, name)`: object_key."""
    if node.sequence.relpersistence != "p":
        kind = "TEMPORARY" if node.sequence.relpersistence == "t" else "UNLOGGED"
        diag.error(span, "E204", f"sequence {name}: {kind} sequences are not supported", "remove the keyword")
        return None
    values: dict[str, Any] = {}
    for opt in node.options or ():
        what = str(opt.defname)
        if what not in _OPTIONS:
            diag.error(
                span,
                "E204",
                f"sequence {name}: option {what.upper().replace('_', ' ')} is not supported in a doc",
                "a doc says what the sequence is: AS, INCREMENT, MINVALUE, MAXVALUE, START, CACHE, CYCLE, "
                "OWNED BY",
            )
            return None
        if what == "as":
            values["type"] = str(opt.arg.names[-1].sval)
        elif what in ("minvalue", "maxvalue"):
            values[what] = _NO if opt.arg is None else _number(opt.arg)
        elif what == "cycle":
            values["cycle"] = bool(opt.arg.boolval)
        elif what == "owned_by":
            values["owned_by"] = _owner(opt.arg, key)
        else:
            values[what] = _number(opt.arg)
    return RawSequence(
        name=name,
        type=values.get("type"),
        increment=values.get("increment"),
        min_value=values.get("minvalue"),
        max_value=values.get("maxvalue"),
        start=values.get("start"),
        cache=values.get("cache"),
        cycle=values.get("cycle"),
        owned_by=values.get("owned_by"),
        span=span,
    )


def alter_record(node: Any, name: str, key: Any, span: Span, diag: Collector) -> RawSequenceOwner | None:
    """ALTER SEQUENCE … OWNED BY: the one ALTER SEQUENCE a doc may hold (pg_dump writes it so)."""
    options = list(node.options or ())
    if len(options) != 1 or str(options[0].defname) != "owned_by":
        written = ", ".join(str(o.defname).upper().replace("_", " ") for o in options)
        diag.error(
            span,
            "E202",
            f"unsupported statement ALTER SEQUENCE {name} ({written}): a doc says what the sequence is",
            "write the options in its CREATE SEQUENCE; only ALTER SEQUENCE … OWNED BY belongs in a doc",
        )
        return None
    return RawSequenceOwner(name, _owner(options[0].arg, key), span)


# --- resolving -------------------------------------------------------------------------------------


def serial_sequence_names(tables: dict[str, Table]) -> dict[str, str]:
    """The sequence PostgreSQL makes for each serial column (`t_id_seq`, in the table's schema): key →
    the column as `t.id`."""
    out = {}
    for t in tables.values():
        schema, bare = split_key(t.name)
        for c in t.columns:
            if c.type.serial:
                name = f"{bare}_{c.name}_seq"
                out[name if schema == "public" else f"{schema}.{name}"] = f"{t.name}.{c.name}"
    return out


def resolve_sequences(
    parsed_sequences: tuple[Any, ...],
    tables: dict[str, Table],
    relations: set[str],
    namespaces: set[str],
    diag: Collector,
) -> tuple[Sequence, ...]:
    """The docs' sequences, by key. `relations`: the keys of the docs' tables and views (a sequence is a
    relation: it cannot share a name with one); `namespaces`: the schemas the docs create."""
    serials = serial_sequence_names(tables)
    raws: dict[str, RawSequence] = {}
    for raw in parsed_sequences:
        if not isinstance(raw, RawSequence):
            continue
        first = raws.get(raw.name)
        if first is not None:
            diag.error(
                raw.span,
                "E111",
                f"sequence {raw.name} is defined twice (first at {first.span})",
                "keep one CREATE SEQUENCE per name: the docs say what the sequence is",
            )
            continue
        if raw.name in serials:
            diag.error(
                raw.span,
                "E124",
                f"sequence {raw.name} has the name PostgreSQL gives the sequence of serial column "
                f"{serials[raw.name]}",
                "write the column as integer DEFAULT nextval('…') with this sequence OWNED BY it, or drop "
                "the CREATE SEQUENCE and keep serial",
            )
            continue
        if raw.name in relations:
            diag.error(
                raw.span,
                "E124",
                f"sequence {raw.name} has the name of a table or view of the docs (PostgreSQL refuses two "
                "relations of one name in a schema)",
                "rename the sequence",
            )
            continue
        schema = split_key(raw.name)[0]
        if schema != "public" and schema not in namespaces:
            diag.error(
                raw.span,
                "E114",
                f"sequence {raw.name} is in schema {schema}, which no doc creates",
                f"add CREATE SCHEMA {schema}; to the docs",
            )
            continue
        raws[raw.name] = raw
    owners: dict[str, tuple[tuple[str, str] | str | None, Span]] = {
        name: (raw.owned_by, raw.span) for name, raw in raws.items()
    }
    comments: dict[str, str | None] = {}
    for raw in parsed_sequences:
        if isinstance(raw, RawSequenceOwner | RawSequenceComment) and raw.name not in raws:
            what = "ALTER SEQUENCE" if isinstance(raw, RawSequenceOwner) else "COMMENT ON SEQUENCE"
            _unknown(raw.span, f"{what} {raw.name}", raw.name, raws, diag)
        elif isinstance(raw, RawSequenceOwner):
            owners[raw.name] = (raw.owned_by, raw.span)
        elif isinstance(raw, RawSequenceComment):
            comments[raw.name] = raw.text
    out = []
    for name, raw in sorted(raws.items()):
        values = _resolved(raw, diag)
        owner, owner_span = owners[name]
        ok, owned_by = _owned_by(name, owner, owner_span, tables, diag)
        if values is None or not ok:
            continue
        out.append(
            Sequence(
                name=name,
                **values,
                owned_by=owned_by,
                description=comments.get(name),
                span=raw.span,
            )
        )
    return tuple(out)


def check_nextval(
    tables: dict[str, Table], sequences: tuple[Sequence, ...], others: set[str], diag: Collector
) -> None:
    """Every `nextval('name')` in a column default names a sequence the docs create (or a serial column's
    own); `others`: tables mdschema does not create (external, unmanaged), whose sequences may be used."""
    known = {s.name for s in sequences} | set(serial_sequence_names(tables))
    for t in tables.values():
        for c in t.columns:
            if c.default is None:
                continue
            for m in NEXTVAL.finditer(c.default):
                key = literal_key(m.group(1).replace("''", "'"))
                if key is None or key in known or any(key.startswith(f"{o}_") for o in others):
                    continue
                diag.error(
                    c.span,
                    "E125",
                    f"column {t.name}.{c.name}: default nextval('{m.group(1)}') names a sequence no doc "
                    "creates" + _did_you_mean(key, known),
                    f"add CREATE SEQUENCE {key} … OWNED BY {t.name}.{c.name}; to the docs, or write the "
                    "column as serial / GENERATED … AS IDENTITY",
                )


def literal_key(text: str) -> str | None:
    """The key of the relation a regclass literal names (`s`, `app.s`, `"My Seq"`), as PostgreSQL reads
    it on the default search_path; None when it is not a plain (schema.)name."""
    parts = re.findall(r'"((?:[^"]|"")*)"|([^."]+)', text.strip())
    names = [quoted.replace('""', '"') if quoted else plain.strip().lower() for quoted, plain in parts]
    if not 1 <= len(names) <= 2 or not all(names):
        return None
    return names[-1] if len(names) == 1 or names[0] == "public" else f"{names[0]}.{names[1]}"


def _resolved(raw: RawSequence, diag: Collector) -> dict[str, Any] | None:
    """The values pg_sequence will hold, PostgreSQL's defaults filled in; None, with E124 at the line, for
    options PostgreSQL refuses (each message is the one it would give)."""

    def refused(message: str, hint: str) -> None:
        diag.error(raw.span, "E124", f"sequence {raw.name}: {message} (PostgreSQL refuses it)", hint)

    written = (raw.type or "bigint").lower()  # a serial is no type (AS serial: PostgreSQL refuses it)
    type_ = None if "serial" in written else known_base(written)
    if type_ not in TYPE_RANGES:
        refused(
            f"AS {raw.type}: a sequence is smallint, integer or bigint",
            "write AS smallint, integer or bigint",
        )
        return None
    low, high = TYPE_RANGES[type_]
    increment = 1 if raw.increment is None else raw.increment
    if increment == 0:
        refused("INCREMENT must not be zero", "write INCREMENT 1 (or -1 for a descending sequence)")
        return None
    maxv = raw.max_value if isinstance(raw.max_value, int) else (high if increment > 0 else -1)
    minv = raw.min_value if isinstance(raw.min_value, int) else (1 if increment > 0 else low)
    for what, value in (("MAXVALUE", maxv), ("MINVALUE", minv)):
        if not low <= value <= high:
            refused(
                f"{what} {value} is out of range for sequence data type {type_}",
                f"keep it within {low}..{high}, or write AS bigint",
            )
            return None
    if minv >= maxv:
        refused(f"MINVALUE ({minv}) must be less than MAXVALUE ({maxv})", "swap or widen the bounds")
        return None
    start = raw.start if raw.start is not None else (minv if increment > 0 else maxv)
    if start < minv:
        refused(f"START value ({start}) cannot be less than MINVALUE ({minv})", "START within the bounds")
        return None
    if start > maxv:
        refused(f"START value ({start}) cannot be greater than MAXVALUE ({maxv})", "START within the bounds")
        return None
    cache = 1 if raw.cache is None else raw.cache
    if cache < 1:
        refused(f"CACHE ({cache}) must be greater than zero", "write CACHE 1 (the default) or more")
        return None
    return {
        "type": type_,
        "start": start,
        "increment": increment,
        "min_value": minv,
        "max_value": maxv,
        "cache": cache,
        "cycle": bool(raw.cycle),
    }


def _owned_by(
    name: str, owner: tuple[str, str] | str | None, span: Span, tables: dict[str, Table], diag: Collector
) -> tuple[bool, tuple[str, str] | None]:
    """(True, the (table, column) owning the sequence or None for none); (False, None), with E124
    reported, for a wrong one."""
    if owner is None or owner == "none":
        return True, None
    assert isinstance(owner, tuple)
    table_key, column = owner
    table = tables.get(table_key)
    if table is None:
        diag.error(
            span,
            "E124",
            f"sequence {name}: OWNED BY {table_key}.{column}: table {table_key} is not defined in the docs"
            + _did_you_mean(table_key, tables),
            "a sequence is owned by a column of the docs' own tables: define the table, or fix the name",
        )
        return False, None
    if column not in {c.name for c in table.columns}:
        diag.error(
            span,
            "E124",
            f"sequence {name}: OWNED BY {table_key}.{column}: table {table_key} has no column {column}"
            + _did_you_mean(column, {c.name for c in table.columns}),
            "name a column of the table",
        )
        return False, None
    if split_key(table_key)[0] != split_key(name)[0]:
        diag.error(
            span,
            "E124",
            f"sequence {name}: OWNED BY {table_key}.{column}: a sequence must be in the same schema as the "
            "table it is linked to (PostgreSQL refuses it)",
            "create the sequence in the table's schema",
        )
        return False, None
    return True, (table_key, column)


def _unknown(span: Span, what: str, name: str, known: dict[str, Any], diag: Collector) -> None:
    diag.error(
        span,
        "E125",
        f"{what}: no doc creates sequence {name}" + _did_you_mean(name, known),
        "create it with CREATE SEQUENCE in a doc, or fix the name",
    )


def _did_you_mean(name: str, options: Any) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(options), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""
