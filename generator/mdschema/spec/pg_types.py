"""PostgreSQL types: what the docs wrote → what format_type() prints.

The SQLAlchemy type and Python annotation of each are codegen's (`mdschema.codegen.py_types`).
"""

from __future__ import annotations

from mdschema.schema import PgType

# The built-in range types, by prefix (each has a multirange): int4range, int4multirange, …
RANGE_KINDS = ("int4", "int8", "num", "ts", "tstz", "date")

# Internal or alias name (lower case, as pglast gives it) → the name format_type() prints.
_ALIASES = {
    "int2": "smallint",
    "smallint": "smallint",
    "int4": "integer",
    "int": "integer",
    "integer": "integer",
    "int8": "bigint",
    "bigint": "bigint",
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
    "bool": "boolean",
    "boolean": "boolean",
    "float4": "real",
    "real": "real",
    "float8": "double precision",
    "double precision": "double precision",
    "numeric": "numeric",
    "decimal": "numeric",
    "varchar": "character varying",
    "character varying": "character varying",
    "bpchar": "character",
    "char": "character",
    "character": "character",
    "text": "text",
    "uuid": "uuid",
    "json": "json",
    "jsonb": "jsonb",
    "bytea": "bytea",
    "date": "date",
    "interval": "interval",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "time": "time without time zone",
    "timetz": "time with time zone",
    "inet": "inet",
    "cidr": "cidr",
    "macaddr": "macaddr",
    "money": "money",
    "xml": "xml",
    "citext": "citext",
    "tsvector": "tsvector",
    "oid": "oid",
    "vector": "vector",
    "halfvec": "halfvec",
    "sparsevec": "sparsevec",
    "hstore": "hstore",
    "macaddr8": "macaddr8",
    "tsquery": "tsquery",
    "regclass": "regclass",
    "regconfig": "regconfig",
    "bit": "bit",
    "varbit": "bit varying",
    "bit varying": "bit varying",
    **{f"{kind}{suffix}": f"{kind}{suffix}" for kind in RANGE_KINDS for suffix in ("range", "multirange")},
}
SERIALS = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})
_PRECISION_TYPES = {
    "timestamp without time zone": "timestamp({}) without time zone",
    "timestamp with time zone": "timestamp({}) with time zone",
    "time without time zone": "time({}) without time zone",
    "time with time zone": "time({}) with time zone",
}


# interval's typmods as the grammar gives them: (field mask[, precision]); 0x7FFF is "all fields".
_INTERVAL_FULL_RANGE = 0x7FFF
_YEAR, _MONTH, _DAY, _HOUR, _MINUTE, _SECOND = (1 << 2), (1 << 1), (1 << 3), (1 << 10), (1 << 11), (1 << 12)
_INTERVAL_FIELDS = {
    _YEAR: "year",
    _MONTH: "month",
    _DAY: "day",
    _HOUR: "hour",
    _MINUTE: "minute",
    _SECOND: "second",
    _YEAR | _MONTH: "year to month",
    _DAY | _HOUR: "day to hour",
    _DAY | _HOUR | _MINUTE: "day to minute",
    _DAY | _HOUR | _MINUTE | _SECOND: "day to second",
    _HOUR | _MINUTE: "hour to minute",
    _HOUR | _MINUTE | _SECOND: "hour to second",
    _MINUTE | _SECOND: "minute to second",
}


def interval_parts(args: tuple[int, ...]) -> tuple[str | None, int | None]:
    """(fields, precision) of an interval's typmods, e.g. (7176, 3) → ("day to second", 3)."""
    if not args:
        return None, None
    fields = None if args[0] == _INTERVAL_FULL_RANGE else _INTERVAL_FIELDS.get(args[0])
    return fields, (args[1] if len(args) > 1 else None)


def known_base(name: str) -> str | None:
    return _ALIASES.get(name.lower())


def make_type(name: str, args: tuple[int, ...], array: bool, enum: str | None = None) -> PgType:
    """Build the canonical type; `name` is a known alias or an enum name."""
    if enum is not None:
        return PgType(sql=enum + ("[]" if array else ""), base=enum, array=array, enum=enum)
    lowered = name.lower()
    base = _ALIASES[lowered]
    if base in ("character", "bit") and not args:  # char is char(1), bit is bit(1)
        args = (1,)
    if base == "numeric" and len(args) == 1:  # numeric(5) is numeric(5,0)
        args = (args[0], 0)
    fields, precision = interval_parts(args) if base == "interval" else (None, None)
    if base in _PRECISION_TYPES and args:
        precision = args[0]
        sql = _PRECISION_TYPES[base].format(precision)
    elif base == "interval" and args:  # format_type: interval(3), interval day to second(3)
        sql = base + (f" {fields}" if fields else "") + (f"({precision})" if precision is not None else "")
    elif args:
        sql = f"{base}({','.join(str(a) for a in args)})"
    else:
        sql = base
    return PgType(
        sql=sql + ("[]" if array else ""),
        base=base,
        args=args,
        array=array,
        serial=lowered in SERIALS,
        precision=precision,
        fields=fields,
    )


# How many type modifiers a type takes (its typmodin function); every other type takes none, and
# PostgreSQL refuses `text(30)` or `integer(11)` outright. interval's come from the grammar, not the doc.
_MAX_MODIFIERS = {
    "character varying": 1,
    "character": 1,
    "numeric": 2,
    "timestamp without time zone": 1,
    "timestamp with time zone": 1,
    "time without time zone": 1,
    "time with time zone": 1,
    "interval": 2,
    "vector": 1,
    "halfvec": 1,
    "sparsevec": 1,
    "bit": 1,
    "bit varying": 1,
}
_MAX_LENGTH = 10485760  # varchar/char: PostgreSQL's MaxAttrSize in characters
_MAX_BITS = 83886080  # bit/varbit: MaxAttrSize in bits


def modifier_problem(name: str, args: tuple[int, ...]) -> tuple[str, str] | None:
    """Why PostgreSQL would refuse `name(args)` (message, hint), or None when it takes them.

    Only what PostgreSQL refuses or silently changes: `timestamp(7)` is stored as `timestamp(6)`."""
    base = _ALIASES[name.lower()]
    written = f"{name}({', '.join(str(a) for a in args)})"
    most = _MAX_MODIFIERS.get(base, 0)
    if len(args) > most:
        if most == 0:
            hint = f"write {name}" + (
                f", or varchar({args[0]}) to limit the length" if base == "text" else ""
            )
            return f"PostgreSQL refuses type {written}: {name} takes no modifier", hint
        return (
            f"PostgreSQL refuses type {written}: {name} takes at most {most}",
            f"write {name}({', '.join(map(str, args[:most]))})",
        )
    if base in ("character varying", "character") and args and not 1 <= args[0] <= _MAX_LENGTH:
        return (
            f"PostgreSQL refuses type {written}: the length must be between 1 and {_MAX_LENGTH}",
            "choose another length",
        )
    if base in ("bit", "bit varying") and args and not 1 <= args[0] <= _MAX_BITS:
        return (
            f"PostgreSQL refuses type {written}: the length must be between 1 and {_MAX_BITS}",
            "choose another length",
        )
    if base == "numeric" and args:
        if not 1 <= args[0] <= 1000:
            return (
                f"PostgreSQL refuses type {written}: the precision must be between 1 and 1000",
                "choose another precision",
            )
        if len(args) == 2 and not -1000 <= args[1] <= 1000:
            return (
                f"PostgreSQL refuses type {written}: the scale must be between -1000 and 1000",
                "choose another scale",
            )
    if base in _PRECISION_TYPES and args and not 0 <= args[0] <= 6:
        stored = min(max(args[0], 0), 6)
        return (
            f"type {written}: the precision must be between 0 and 6 (PostgreSQL would store {stored})",
            f"write {name}({stored})",
        )
    return None
