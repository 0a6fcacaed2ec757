"""Names: the ones PostgreSQL gives, and the Python ones we give."""

from __future__ import annotations

import keyword
import re

NAMEDATALEN = 64
MAX_IDENT = NAMEDATALEN - 1

# Attributes that declarative classes reserve; a column of that name gets another attribute name.
RESERVED_ATTRS = frozenset({"metadata", "registry", "query", "query_class", "mapper", "type_annotation_map"})


# Names a generated model module binds (its imports, enums.py's `<Name>Enum`s) and uses in class
# bodies: an attribute of the same name would shadow it for the rest of the class, e.g. a column
# `text` before `server_default=text(...)`, or `Text` before `mapped_column(Text)` (TypeError at import).
MODULE_NAMES = frozenset(
    {
        "annotations",
        "datetime",
        "uuid",
        "decimal",
        "Any",
        "TYPE_CHECKING",
        "Base",
        "Mapped",
        "mapped_column",
        "relationship",
        "text",
        "Column",
        "Table",
        "Index",
        "ForeignKey",
        "ForeignKeyConstraint",
        "PrimaryKeyConstraint",
        "UniqueConstraint",
        "CheckConstraint",
        "Identity",
        "Computed",
        "Uuid",
        "Text",
        "String",
        "CHAR",
        "SmallInteger",
        "Integer",
        "BigInteger",
        "Boolean",
        "REAL",
        "Double",
        "Numeric",
        "Date",
        "DateTime",
        "Time",
        "TIMESTAMP",
        "TIME",
        "INTERVAL",
        "JSON",
        "JSONB",
        "LargeBinary",
        "INET",
        "CIDR",
        "MACADDR",
        "MONEY",
        "TSVECTOR",
        "OID",
        "ARRAY",
        "CITEXT",
        "ENUM",
        "Vector",
        "HALFVEC",
        "SPARSEVEC",
    }
)


# Python 3.11's soft keywords, fixed here: keyword.softkwlist grows with the interpreter (3.12 adds
# "type"), and generated code must not depend on which Python ran the generator.
_SOFT_KEYWORDS = frozenset({"_", "case", "match"})


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
    return len(name.encode("utf-8")) > MAX_IDENT


def class_name(table: str) -> str:
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", table) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts) or "Table"
    if name[0].isdigit():
        name = "T" + name
    if keyword.iskeyword(name) or name in {"Base", "Any", "Mapped"}:
        name += "Model"
    return name


def attr_name(column: str) -> str:
    """A safe Python attribute for a column name."""
    name = re.sub(r"\W", "_", column, flags=re.ASCII)
    if not name or name[0].isdigit():
        name = "c_" + name
    if (
        keyword.iskeyword(name)
        or name in _SOFT_KEYWORDS
        or name in RESERVED_ATTRS
        or name in MODULE_NAMES
        or (name.endswith("Enum") and name[:1].isupper())
    ):
        name += "_"
    if name.startswith(("__", "_sa_")):  # dunders; `_sa_*` is skipped by declarative mapping
        name = "c" + name
    return name


def plural(word: str) -> str:
    """English plural of a table name; a name already plural (`messages`, `chunks`) stays as it is."""
    if word.endswith(("ss", "us", "is", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("s"):
        return word
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def fk_stem(column: str) -> str:
    for suffix in ("_id", "_uuid", "_fk", "_key"):
        if column.endswith(suffix) and len(column) > len(suffix):
            return column[: -len(suffix)]
    return column + "_ref"


def py_str(value: str) -> str:
    """A Python string literal the way ruff format prints it (double quotes preferred)."""
    body = value.replace("\\", "\\\\")
    if _NEEDS_ESCAPE.search(body):  # rare: only those characters go through _escape_char
        body = _NEEDS_ESCAPE.sub(lambda m: _escape_char(m.group()), body)
    if value.count('"') > value.count("'"):
        return "'" + body.replace("'", "\\'") + "'"
    return '"' + body.replace('"', '\\"') + '"'


# exactly the characters _escape_char changes
_NEEDS_ESCAPE = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def _escape_char(ch: str) -> str:
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if ord(ch) < 32 or ord(ch) == 127 or ch in "\u2028\u2029\x85":
        return f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
    return ch


def docstring_lines(text: str, width: int, indent: int) -> tuple[str, ...]:
    """Wrap prose for a docstring; escape what could close or break it."""
    import textwrap

    safe = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    safe = "".join(ch if ch >= " " or ch == "\n" else " " for ch in safe)
    if safe.endswith('"'):
        safe = safe[:-1] + '\\"'
    lines = textwrap.wrap(safe, width=max(20, width - indent), break_long_words=False, break_on_hyphens=False)
    return tuple(lines) or ("",)
