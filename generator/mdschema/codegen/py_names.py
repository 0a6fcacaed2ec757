"""The Python names mdschema gives: modules per doc, classes per table, attributes per column (plurals
are inflection.py's).

Every rule lives here once, and so does the check that two things do not end up with one name (E101 for
classes, E108 for attributes, E304 for modules): `name_schema` decides the names and reports the clashes
as diagnostics at the doc (or pyproject.toml) line.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from mdschema.codegen.options import RenderOptions
from mdschema.errors import Diagnostic, Span
from mdschema.schema import Schema

# The files the generated package holds besides one module per doc: a doc module of the same name would
# overwrite (or be overwritten by) one of them. The one list; `default_module` steers clear of it, and a
# configured module on it is error E304.
RESERVED_MODULES = frozenset(
    {"__init__", "base", "db", "ddl", "enums", "external", "repositories", "schemas", "views"}
)

# Attributes that declarative classes reserve; a column of that name gets another attribute name.
RESERVED_ATTRS = frozenset({"metadata", "registry", "query", "query_class", "mapper", "type_annotation_map"})

# What a Pydantic model (a SQLModel class, a schemas.py class) has itself: a field of the same name breaks
# the class (`model_config`) or shadows a method (`json`, `copy`, `validate`). Only when the package has
# Pydantic classes (models = "sqlmodel" or schemas = true) does a column of that name get another attribute.
PYDANTIC_ATTRS = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "sqlmodel_update",
        "update_forward_refs",
        "validate",
    }
)
PYDANTIC_PREFIXES = ("model_validate", "model_dump")  # Pydantic's protected namespaces

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


def class_name(table: str) -> str:
    """The model class of a table: `life_event` → `LifeEvent`."""
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", table) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts) or "Table"
    if name[0].isdigit():
        name = "T" + name
    if keyword.iskeyword(name) or name in {"Base", "Any", "Mapped"}:
        name += "Model"
    return name


def enum_var(name: str) -> str:
    """The variable enums.py binds a PostgreSQL enum type to: `mood` → `MoodEnum`."""
    return class_name(name) + "Enum"


def enum_members(labels: tuple[str, ...]) -> tuple[str, ...]:
    """The member names of a PostgreSQL enum's Python class, one per label, in order: the label in upper
    case with every run of other characters an underscore (`in progress` → `IN_PROGRESS`), so that no
    member shadows a str method (`title`, `count`) or is a keyword; `V_` before a digit, `EMPTY` for
    '', `_2`, `_3` after a name already taken (`a` and `A`)."""
    taken: set[str] = set()
    out: list[str] = []
    for label in labels:
        name = re.sub(r"[^0-9A-Za-z]+", "_", label).strip("_").upper() or "EMPTY"
        if name[0].isdigit():
            name = "V_" + name
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}_{n}"
        taken.add(candidate)
        out.append(candidate)
    return tuple(out)


def attr_name(column: str, pydantic: bool = False) -> str:
    """A safe Python attribute for a column name; `pydantic`: also as a field of a Pydantic model (not
    one of BaseModel's own names, no leading underscore: Pydantic keeps those as private attributes)."""
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
    if pydantic and name.startswith(PYDANTIC_PREFIXES):  # a suffix would not leave the namespace
        name = "c_" + name
    elif pydantic and name in PYDANTIC_ATTRS:
        name += "_"
    if name.startswith(("__", "_sa_")) or (pydantic and name.startswith("_")):
        name = "c" + name  # dunders; `_sa_*` is skipped by declarative mapping
    return name


def default_module(stem: str) -> str:
    """The module a doc renders into when none is configured: a safe form of its file name."""
    name = re.sub(r"\W", "_", stem.lower(), flags=re.ASCII).strip("_") or "doc"
    if name[0].isdigit():
        name = "doc_" + name
    if keyword.iskeyword(name) or name in RESERVED_MODULES:
        name += "_models"
    return name


def column_stem(column: str) -> str:
    """A foreign key column without its key suffix: `user_id` → `user`; `tenant` stays `tenant`."""
    for suffix in ("_id", "_uuid", "_fk", "_key"):
        if column.endswith(suffix) and len(column) > len(suffix):
            return column[: -len(suffix)]
    return column


def fk_stem(column: str) -> str:
    """A relationship's name from its foreign key column: `author_id` → `author`, `mentor` → `mentor_ref`."""
    stem = column_stem(column)
    return stem if stem != column else column + "_ref"


@dataclass(frozen=True, slots=True)
class Names:
    """The module of every doc and the class of every table (read-only lookups)."""

    modules: dict[str, str]  # doc (as in Schema.docs) → module
    classes: dict[str, str]  # table → class
    enums: dict[str, str]  # PostgreSQL enum → its Python type (a StrEnum class or a Literal alias)
    pydantic: bool = False  # attributes are also Pydantic fields (RenderOptions.pydantic_fields)

    def attribute(self, column: str) -> str:
        """The attribute of a column (py_names.attr_name, Pydantic-safe when the package needs it)."""
        return attr_name(column, self.pydantic)


@dataclass(frozen=True, slots=True)
class Naming:
    names: Names
    diagnostics: tuple[Diagnostic, ...]  # clashes; the names are not usable when there is one


def _toml_key(name: str) -> str:
    """A table's key as a TOML key: `app.users` is quoted, or TOML would read two nested keys."""
    return f'"{name}"' if "." in name else name


# The last answer, for the same (immutable) schema: `generate` asks three times (two load checks, render).
_LAST_NAMING: list[tuple[Schema, RenderOptions, Naming]] = []


def name_schema(schema: Schema, options: RenderOptions) -> Naming:
    """Module, class and attribute names for `schema`, and every clash between them."""
    for last_schema, last_options, answer in _LAST_NAMING:
        if last_schema is schema and last_options == options:
            return answer
    answer = _name_schema(schema, options)
    _LAST_NAMING[:] = [(schema, options, answer)]
    return answer


def _name_schema(schema: Schema, options: RenderOptions) -> Naming:
    problems: list[Diagnostic] = []
    configured = dict(options.modules)
    spans = dict(options.module_spans)
    for stem, module in options.modules:
        reason = (
            f"mdschema writes {module}.py itself"
            if module in RESERVED_MODULES
            else "it is a Python keyword"
            if keyword.iskeyword(module)
            else None
        )
        if reason:
            problems.append(
                Diagnostic(
                    spans.get(stem, Span("pyproject.toml", 1)),
                    "E304",
                    f"[tool.mdschema] modules.{stem} = {module!r} is not a usable module name: {reason}",
                    f"choose another name; reserved: {', '.join(sorted(RESERVED_MODULES))}",
                )
            )

    modules: dict[str, str] = {}
    owners: dict[str, str] = {}
    for doc in schema.docs:
        stem = PurePosixPath(doc).stem
        module = configured.get(stem) or default_module(stem)
        if module in owners:
            problems.append(
                Diagnostic(
                    Span(doc, 1),
                    "E304",
                    f"docs {owners[module]} and {doc} both render to module {module}.py",
                    "rename one, or set [tool.mdschema.modules]",
                )
            )
        owners[module] = doc
        modules[doc] = module

    chosen = dict(options.class_names)
    classes = {t.name: chosen.get(t.name) or class_name(t.name) for t in schema.tables}
    seen: dict[str, str] = {}
    for table in sorted(schema.tables, key=lambda t: t.name):
        name = classes[table.name]
        if name in seen:
            problems.append(
                Diagnostic(
                    table.span,
                    "E101",
                    f"tables {seen[name]} and {table.name} both become class {name}",
                    f"set [tool.mdschema.class_names] {_toml_key(table.name)} = " + '"OtherName"',
                )
            )
        if keyword.iskeyword(name):
            problems.append(Diagnostic(table.span, "E101", f"class name {name} is a Python keyword"))
        seen[name] = table.name

    for table in schema.tables:
        attrs: dict[str, str] = {}  # attribute → column: two columns on one attribute lose one
        for col in table.columns:
            attr = attr_name(col.name, options.pydantic_fields)
            if attr in attrs:
                problems.append(
                    Diagnostic(
                        col.span,
                        "E108",
                        f"columns {table.name}.{attrs[attr]} and {table.name}.{col.name} would both be "
                        f"the Python attribute {attr}",
                        "rename one of the two columns",
                    )
                )
            attrs.setdefault(attr, col.name)
    # An enum's Python type beside the model classes: `session_status` → SessionStatus, or
    # SessionStatusType when a class (or a name the modules bind) already has that name.
    enums: dict[str, str] = {}
    used = set(classes.values()) | MODULE_NAMES | {enum_var(e.name) for e in schema.enums}
    for enum in schema.enums:
        name = class_name(enum.name)
        candidate, n = (name if name not in used else name + "Type"), 1
        while candidate in used:
            n += 1
            candidate = f"{name}Type{n}"
        used.add(candidate)
        enums[enum.name] = candidate
    return Naming(Names(modules, classes, enums, options.pydantic_fields), tuple(problems))


def naming_check(options: RenderOptions) -> Callable[[Schema], tuple[Diagnostic, ...]]:
    """`name_schema`'s clashes, as a check `spec.load.load_schema(checks=...)` runs with the docs' own."""

    def check(schema: Schema) -> tuple[Diagnostic, ...]:
        return name_schema(schema, options).diagnostics

    return check
