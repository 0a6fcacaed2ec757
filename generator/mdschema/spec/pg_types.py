"""PostgreSQL types: what the docs wrote → what format_type() prints → SQLAlchemy type + annotation."""

from __future__ import annotations

from dataclasses import dataclass

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
    if base in _PRECISION_TYPES and args:
        sql = _PRECISION_TYPES[base].format(args[0])
    elif base == "interval" and args:  # format_type: interval(3), interval day to second(3)
        fields, precision = interval_parts(args)
        sql = base + (f" {fields}" if fields else "") + (f"({precision})" if precision is not None else "")
    elif args:
        sql = f"{base}({','.join(str(a) for a in args)})"
    else:
        sql = base
    return PgType(
        sql=sql + ("[]" if array else ""), base=base, args=args, array=array, serial=lowered in SERIALS
    )


@dataclass(frozen=True, slots=True)
class PyType:
    sa: str  # SQLAlchemy type expression
    annotation: str  # Python type for Mapped[...]
    imports: tuple[tuple[str, str], ...]  # (module, name)


_SA = "sqlalchemy"
_PG = "sqlalchemy.dialects.postgresql"
_SIMPLE: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "uuid": ("Uuid", "uuid.UUID", ((_SA, "Uuid"), ("uuid", ""))),
    "text": ("Text", "str", ((_SA, "Text"),)),
    "smallint": ("SmallInteger", "int", ((_SA, "SmallInteger"),)),
    "integer": ("Integer", "int", ((_SA, "Integer"),)),
    "bigint": ("BigInteger", "int", ((_SA, "BigInteger"),)),
    "boolean": ("Boolean", "bool", ((_SA, "Boolean"),)),
    "real": ("REAL", "float", ((_SA, "REAL"),)),
    "double precision": ("Double", "float", ((_SA, "Double"),)),
    "date": ("Date", "datetime.date", ((_SA, "Date"), ("datetime", ""))),
    "interval": ("INTERVAL", "datetime.timedelta", ((_PG, "INTERVAL"), ("datetime", ""))),
    "json": ("JSON", "Any", ((_PG, "JSON"), ("typing", "Any"))),
    "jsonb": ("JSONB", "Any", ((_PG, "JSONB"), ("typing", "Any"))),
    "bytea": ("LargeBinary", "bytes", ((_SA, "LargeBinary"),)),
    "inet": ("INET", "str", ((_PG, "INET"),)),
    "cidr": ("CIDR", "str", ((_PG, "CIDR"),)),
    "macaddr": ("MACADDR", "str", ((_PG, "MACADDR"),)),
    "money": ("MONEY", "str", ((_PG, "MONEY"),)),
    "tsvector": ("TSVECTOR", "str", ((_PG, "TSVECTOR"),)),
    "oid": ("OID", "int", ((_PG, "OID"),)),
}


def python_type(t: PgType, enum_var: str | None = None) -> PyType:
    """SQLAlchemy type and Python annotation for one column type (arrays wrap the element)."""
    element = _element(t, enum_var)
    if not t.array:
        return element
    imports = element.imports + ((_PG, "ARRAY"),)
    return PyType(f"ARRAY({element.sa})", f"list[{element.annotation}]", imports)


def _element(t: PgType, enum_var: str | None) -> PyType:
    base, args = t.base, t.args
    if t.enum is not None:
        assert enum_var is not None
        return PyType(enum_var, "str", ())
    if base == "interval" and args:
        fields, precision = interval_parts(args)
        inner = ", ".join(
            ([f"fields={fields!r}".replace("'", '"')] if fields else [])
            + ([f"precision={precision}"] if precision is not None else [])
        )
        return PyType(f"INTERVAL({inner})", "datetime.timedelta", ((_PG, "INTERVAL"), ("datetime", "")))
    if base in _SIMPLE:
        sa, annotation, imports = _SIMPLE[base]
        return PyType(sa, annotation, imports)
    if base == "character varying":
        return PyType(f"String({args[0]})" if args else "String()", "str", ((_SA, "String"),))
    if base == "character":
        return PyType(f"CHAR({args[0]})", "str", ((_SA, "CHAR"),))
    if base == "numeric":
        inner = ", ".join(str(a) for a in args)
        return PyType(f"Numeric({inner})", "decimal.Decimal", ((_SA, "Numeric"), ("decimal", "")))
    if base.startswith("timestamp"):
        return _temporal("DateTime", "datetime.datetime", base, args)
    if base.startswith("time"):
        return _temporal("Time", "datetime.time", base, args)
    if base in ("vector", "halfvec", "sparsevec"):
        name = {"vector": "Vector", "halfvec": "HALFVEC", "sparsevec": "SPARSEVEC"}[base]
        inner = str(args[0]) if args else ""
        return PyType(f"{name}({inner})", "Any", (("pgvector.sqlalchemy", name), ("typing", "Any")))
    if base == "citext":
        return PyType("CITEXT", "str", ((_PG, "CITEXT"),))
    if base == "xml":
        return PyType("Text", "str", ((_SA, "Text"),))
    raise KeyError(base)


def _temporal(sa_name: str, annotation: str, base: str, args: tuple[int, ...]) -> PyType:
    tz = "with time zone" in base
    if args:
        pg = "TIMESTAMP" if sa_name == "DateTime" else "TIME"
        return PyType(f"{pg}(timezone={tz}, precision={args[0]})", annotation, ((_PG, pg), ("datetime", "")))
    return PyType(
        f"{sa_name}(timezone=True)" if tz else f"{sa_name}()", annotation, ((_SA, sa_name), ("datetime", ""))
    )
