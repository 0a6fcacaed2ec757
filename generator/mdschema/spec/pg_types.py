"""PostgreSQL types: what the docs wrote → what format_type() prints.

The SQLAlchemy type and Python annotation of each are codegen's (`mdschema.codegen.py_types`).
"""

from __future__ import annotations

from mdschema.schema import PgType

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
    if base == "character" and not args:
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
