"""PostgreSQL types → SQLAlchemy type expressions and Python annotations (for `Mapped[...]`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mdschema.codegen.source import py_str
from mdschema.schema import PgType, split_key


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
    "hstore": ("HSTORE", "dict[str, str | None]", ((_PG, "HSTORE"),)),
    "macaddr8": ("MACADDR8", "str", ((_PG, "MACADDR8"),)),
    "tsquery": ("TSQUERY", "str", ((_PG, "TSQUERY"),)),
    "regclass": ("REGCLASS", "str", ((_PG, "REGCLASS"),)),
    "regconfig": ("REGCONFIG", "str", ((_PG, "REGCONFIG"),)),
}
# Range types: the bound's Python type (and its import); psycopg gives Range, a multirange a list of them.
_RANGE_BOUNDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "int4": ("int", ()),
    "int8": ("int", ()),
    "num": ("decimal.Decimal", (("decimal", ""),)),
    "ts": ("datetime.datetime", (("datetime", ""),)),
    "tstz": ("datetime.datetime", (("datetime", ""),)),
    "date": ("datetime.date", (("datetime", ""),)),
}


# A type without arguments is written as its class (`DateTime`, `String`, like `Integer`), one with
# arguments as the call (`DateTime(timezone=True)`): SQLAlchemy takes either, and the code reads alike.


def python_type(
    t: PgType, enum_var: str | None = None, enum_type: str = "str", collation: str | None = None
) -> PyType:
    """SQLAlchemy type and Python annotation for one column type (arrays wrap the element); an enum is
    `enum_var` (enums.py's ENUM) annotated as `enum_type` (its Python type there). A `collation` goes on
    the element's type (`Text(collation="C")`; SQLAlchemy prints `TEXT[] COLLATE "C"` for an array)."""
    element = _element(t, enum_var, enum_type)
    if collation is not None:
        element = PyType(_collated(element.sa, collation), element.annotation, element.imports)
    if not t.array:
        return element
    imports = element.imports + ((_PG, "ARRAY"),)
    return PyType(f"ARRAY({element.sa})", f"list[{element.annotation}]", imports)


def _collated(sa: str, collation: str) -> str:
    """`Text` → `Text(collation="C")`, `String(200)` → `String(200, collation="C")`."""
    keyword = f"collation={py_str(collation)}"
    if not sa.endswith(")"):
        return f"{sa}({keyword})"
    return f"{sa[:-1]}{', ' if not sa.endswith('()') else ''}{keyword})"


def _element(t: PgType, enum_var: str | None, enum_type: str) -> PyType:
    if t.domain is not None:
        return _domain(t)
    base, args = t.base, t.args
    if t.enum is not None:
        assert enum_var is not None
        return PyType(enum_var, enum_type, ())
    if base == "interval" and (t.fields or t.precision is not None):
        inner = ", ".join(
            ([f"fields={py_str(t.fields)}"] if t.fields else [])
            + ([f"precision={t.precision}"] if t.precision is not None else [])
        )
        return PyType(f"INTERVAL({inner})", "datetime.timedelta", ((_PG, "INTERVAL"), ("datetime", "")))
    if base in _SIMPLE:
        sa, annotation, imports = _SIMPLE[base]
        return PyType(sa, annotation, imports)
    if base == "character varying":
        return PyType(f"String({args[0]})" if args else "String", "str", ((_SA, "String"),))
    if base == "character":
        return PyType(f"CHAR({args[0]})", "str", ((_SA, "CHAR"),))
    if base == "numeric":
        inner = ", ".join(str(a) for a in args)
        return PyType(
            f"Numeric({inner})" if inner else "Numeric",
            "decimal.Decimal",
            ((_SA, "Numeric"), ("decimal", "")),
        )
    if base.startswith("timestamp"):
        return _temporal("DateTime", "datetime.datetime", base, t.precision)
    if base.startswith("time"):
        return _temporal("Time", "datetime.time", base, t.precision)
    if base in ("vector", "halfvec", "sparsevec"):
        name = {"vector": "Vector", "halfvec": "HALFVEC", "sparsevec": "SPARSEVEC"}[base]
        inner = str(args[0]) if args else ""
        sa = f"{name}({inner})" if inner else name
        return PyType(sa, "Any", (("pgvector.sqlalchemy", name), ("typing", "Any")))
    if base in ("bit", "bit varying"):
        length = [str(args[0])] if args else []
        inner = ", ".join(length + (["varying=True"] if base == "bit varying" else []))
        return PyType(f"BIT({inner})", "str", ((_PG, "BIT"),))
    for kind, (bound, bound_imports) in _RANGE_BOUNDS.items():
        if base in (f"{kind}range", f"{kind}multirange"):
            sa = base.upper()
            annotation = f"list[Range[{bound}]]" if base.endswith("multirange") else f"Range[{bound}]"
            return PyType(sa, annotation, ((_PG, sa), (_PG, "Range"), *bound_imports))
    if base == "citext":
        return PyType("CITEXT", "str", ((_PG, "CITEXT"),))
    if base == "xml":
        return PyType("Text", "str", ((_SA, "Text"),))
    raise KeyError(base)


def _domain(t: PgType) -> PyType:
    """A column typed by a domain: SQLAlchemy's DOMAIN names it in the column's DDL and is typed by its
    base type. `create_type=False`: ddl.py creates the domain (DOMAIN holds one CHECK; a doc's domain may
    have several) before the tables, and drops it after them."""
    base = _element(replace(t, domain=None, array=False, sql=t.base), None, "str")
    schema, name = split_key(t.domain or "")
    args = [py_str(name), base.sa, "create_type=False"] + (
        [f"schema={py_str(schema)}"] if "." in (t.domain or "") else []
    )
    return PyType(f"DOMAIN({', '.join(args)})", base.annotation, ((_PG, "DOMAIN"), *base.imports))


def _temporal(sa_name: str, annotation: str, base: str, precision: int | None) -> PyType:
    tz = "with time zone" in base
    if precision is not None:
        pg = "TIMESTAMP" if sa_name == "DateTime" else "TIME"
        return PyType(
            f"{pg}(timezone={tz}, precision={precision})", annotation, ((_PG, pg), ("datetime", ""))
        )
    return PyType(
        f"{sa_name}(timezone=True)" if tz else sa_name, annotation, ((_SA, sa_name), ("datetime", ""))
    )
