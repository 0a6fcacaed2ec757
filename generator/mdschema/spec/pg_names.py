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


def index_column_names(exprs: list[object]) -> list[str]:
    """PostgreSQL's ChooseIndexColumnNames(): a name per index column (key columns, then INCLUDE ones),
    each either a column name or a pglast expression node, made unique by appending 1, 2…"""
    names: list[str] = []
    for item in exprs:
        orig = item if isinstance(item, str) else (figure_colname(item) or "expr")
        name, n = orig, 0
        while name in names:
            n += 1
            suffix = str(n)
            name = _clip(orig, MAX_IDENT - len(suffix)) + suffix
        names.append(name)
    return names


def figure_colname(node: object) -> str | None:
    """PostgreSQL's FigureIndexColname() (FigureColnameInternal in parse_target.c) on a pglast raw
    expression: the inner column of a cast, a function's name, None (→ "expr") for an operator."""
    return _figure(node)[1]


_SVF = {"CURRENT_TIME_N": "current_time", "CURRENT_TIMESTAMP_N": "current_timestamp",
        "LOCALTIME_N": "localtime", "LOCALTIMESTAMP_N": "localtimestamp"}  # fmt: skip
_FUNCTION_LIKE = {
    "GroupingFunc": "grouping",
    "A_ArrayExpr": "array",
    "RowExpr": "row",
    "CoalesceExpr": "coalesce",
    "XmlSerialize": "xmlserialize",
    "JsonParseExpr": "json",
    "JsonScalarExpr": "json_scalar",
    "JsonSerializeExpr": "json_serialize",
    "JsonObjectConstructor": "json_object",
    "JsonArrayConstructor": "json_array",
    "JsonArrayQueryConstructor": "json_array",
    "JsonObjectAgg": "json_objectagg",
    "JsonArrayAgg": "json_arrayagg",
}


def _figure(node: object) -> tuple[int, str | None]:  # noqa: PLR0911 - one case per node kind, as in C
    """(strength, name): 2 for a sure name, 1 for a type name or "case", 0 for none."""
    kind = type(node).__name__
    if kind == "ColumnRef":
        fields = [f.sval for f in node.fields if type(f).__name__ == "String"]  # type: ignore[attr-defined]
        return (2, str(fields[-1])) if fields else (0, None)
    if kind == "A_Indirection":
        fields = [f.sval for f in node.indirection if type(f).__name__ == "String"]  # type: ignore[attr-defined]
        return (2, str(fields[-1])) if fields else _figure(node.arg)  # type: ignore[attr-defined]
    if kind == "FuncCall":
        return 2, str(node.funcname[-1].sval)  # type: ignore[attr-defined]
    if kind == "A_Expr":
        return (2, "nullif") if node.kind.name == "AEXPR_NULLIF" else (0, None)  # type: ignore[attr-defined]
    if kind == "TypeCast":
        strength, name = _figure(node.arg)  # type: ignore[attr-defined]
        if strength <= 1 and node.typeName is not None:  # type: ignore[attr-defined]
            return 1, str(node.typeName.names[-1].sval)  # type: ignore[attr-defined]
        return strength, name
    if kind == "CollateClause":
        return _figure(node.arg)  # type: ignore[attr-defined]
    if kind == "SubLink":
        link = node.subLinkType.name  # type: ignore[attr-defined]
        if link == "EXISTS_SUBLINK":
            return 2, "exists"
        if link == "ARRAY_SUBLINK":
            return 2, "array"
        return 0, None  # a scalar subquery's target name: not allowed in an index anyway
    if kind == "CaseExpr":
        strength, name = _figure(node.defresult)  # type: ignore[attr-defined]
        return (1, "case") if strength <= 1 else (strength, name)
    if kind in _FUNCTION_LIKE:
        return 2, _FUNCTION_LIKE[kind]
    if kind == "MinMaxExpr":
        return 2, "greatest" if node.op.name == "IS_GREATEST" else "least"  # type: ignore[attr-defined]
    if kind == "SQLValueFunction":
        op = node.op.name.removeprefix("SVFOP_")  # type: ignore[attr-defined]
        return 2, _SVF.get(op, op.lower())
    if kind == "XmlExpr":
        op = node.op.name  # type: ignore[attr-defined]
        names = {"IS_XMLCONCAT": "xmlconcat", "IS_XMLELEMENT": "xmlelement", "IS_XMLFOREST": "xmlforest",
                 "IS_XMLPARSE": "xmlparse", "IS_XMLPI": "xmlpi", "IS_XMLROOT": "xmlroot",
                 "IS_XMLSERIALIZE": "xmlserialize", "IS_DOCUMENT": None}  # fmt: skip
        name = names.get(op)
        return (2, name) if name else (0, None)
    if kind == "JsonFuncExpr":
        op = node.op.name.removeprefix("JSON_").removesuffix("_OP").lower()  # type: ignore[attr-defined]
        return 2, f"json_{op}"
    return 0, None
