"""Print the package's other files: base.py, enums.py, external.py, ddl.py, __init__.py and db.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mdschema.codegen.decide import DdlModule, EnumsModule, ExternalModule, ImportBlock, Package
from mdschema.codegen.models import imports_lines
from mdschema.codegen.source import (
    LINE_LENGTH,
    Call,
    Node,
    docstring_lines,
    docstring_text,
    py_str,
    statement,
)

if TYPE_CHECKING:
    import jinja2


BASE_TEMPLATES = {"sqlalchemy": "base.py.j2", "sqlmodel": "sqlmodel_base.py.j2"}


def render_package_files(env: jinja2.Environment, package: Package) -> dict[str, str]:
    sources = docstring_text(package.sources)
    plain = env.get_template("plain_module.py.j2")
    files = {
        "base.py": env.get_template(BASE_TEMPLATES[package.flavor]).render(
            sources=sources, convention=[(py_str(k), py_str(v)) for k, v in package.naming_convention]
        ),
        "ddl.py": plain.render(
            title=docstring_text(
                f"Schema objects beyond tables, from {package.sources}: managed by mdschema's migrations."
            ),
            imports=imports_lines(_DDL_IMPORTS) if _has_objects(package.ddl) else (),
            body=ddl_lines(package.ddl),
        ),
        "__init__.py": env.get_template("init.py.j2").render(
            sources=sources,
            imports=imports_lines(package.init.imports),
            exports=[py_str(n) for n in package.init.exports],
        ),
    }
    if package.enums is not None:
        files["enums.py"] = plain.render(
            title=docstring_text(f"PostgreSQL enum types of {package.sources}."),
            imports=imports_lines(package.enums.imports),
            body=enum_lines(package.enums),
        )
    if package.external is not None:
        files["external.py"] = plain.render(
            title=docstring_text(
                f"Stand-ins for tables the docs reference but do not own ({package.sources})."
            ),
            imports=imports_lines(package.external.imports),
            body=external_lines(package.external),
        )
    if package.session_layer:  # not imported by __init__.py: importing the models never needs a database
        files["db.py"] = env.get_template("db.py.j2").render(sources=sources, package=package.name)
    return files


def enum_lines(enums: EnumsModule) -> tuple[str, ...]:
    """Per enum its Python type, then the ENUM of the doc's type name and labels. A StrEnum's ENUM maps
    its members by value (`values_callable`), so the labels in the database are the values, not the
    member names."""
    lines: list[str] = []
    if enums.style != "literal":
        lines += [
            "",
            "def _labels(enum_type: type[enum.StrEnum]) -> list[str]:",
            '    """The PostgreSQL labels of an enum: its members\' values."""',
            "    return [member.value for member in enum_type]",
        ]
    for e in enums.enums:
        if lines:
            lines += ["", ""]
        if enums.style == "literal":
            lines += _literal(f"{e.python} = ", tuple(py_str(x) for x in e.labels))
            args: list[Node] = [py_str(label) for label in e.labels]
            args += [f"name={py_str(e.type_name)}", *_schema_arg(e.schema), "metadata=Base.metadata"]
        else:
            lines.append(f"class {e.python}(enum.StrEnum):")
            lines += docstring_lines(f"PostgreSQL enum {e.name}.", 4)
            lines.append("")
            lines += [f"    {m} = {py_str(label)}" for m, label in zip(e.members, e.labels, strict=True)]
            lines.append("")
            lines.append("")
            args = [e.python, f"name={py_str(e.type_name)}", *_schema_arg(e.schema), "metadata=Base.metadata"]
            args.append("values_callable=_labels")
        lines += statement(f"{e.variable} = ", Call("ENUM", tuple(args)), 0)
    return tuple(lines)


def _literal(prefix: str, labels: tuple[str, ...]) -> list[str]:
    one = f"{prefix}Literal[{', '.join(labels)}]"
    if len(one) <= LINE_LENGTH:
        return [one]
    return [f"{prefix}Literal[", *(f"    {label}," for label in labels), "]"]


def external_lines(external: ExternalModule) -> tuple[str, ...]:
    lines: list[str] = []
    for table in external.tables:
        args: list[Node] = [py_str(table.table), "Base.metadata"]
        args += [Call("Column", (py_str(c.name), c.sql_type, "primary_key=True")) for c in table.columns]
        args += _schema_arg(table.schema)
        args.append('info={"mdschema": "external"}')
        lines += statement(f"{table.variable} = ", Call("Table", tuple(args)), 0)
        if table.create_schema:  # its schema, made with the stand-in (shadows, create_all): never dropped
            create = py_str(table.create_schema)
            ddl = f"{table.variable}_schema"
            untyped = "# type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped"
            lines.append(f"{ddl} = DDL({create})  {untyped}")
            lines.append(f'event.listen({table.variable}, "before_create", {ddl})')
    if external.functions:
        if lines:
            lines.append("")
        lines += [
            "# Functions the platform provides (external_functions): stand-ins, made on mdschema's own",
            "# databases before the tables (create_all; env.py on the embedded server), never on yours.",
        ]
        lines += statement(
            "STAND_IN_FUNCTIONS: tuple[str, ...] = ", _tuple([py_str(sql) for sql in external.functions]), 0
        )
        lines += [
            'Base.metadata.info["mdschema.stand_in_functions"] = STAND_IN_FUNCTIONS',
            "for _sql in STAND_IN_FUNCTIONS:",
            f'    _stand_in = DDL(_sql.replace("%", "%%"))  {_UNTYPED}',
            '    event.listen(Base.metadata, "before_create", _stand_in)',
        ]
    return tuple(lines)


_UNTYPED = "# type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped"


def _schema_arg(schema: str | None) -> list[Node]:
    return [f"schema={py_str(schema)}"] if schema else []


def ddl_lines(ddl: DdlModule) -> tuple[str, ...]:
    lines: list[str] = ["# Extensions, created before first use."]
    lines += statement("EXTENSIONS: tuple[str, ...] = ", _tuple([py_str(e) for e in ddl.extensions]), 0)
    lines += ["", "# Functions: (signature, CREATE OR REPLACE FUNCTION …)."]
    lines += statement(
        "FUNCTIONS: tuple[tuple[str, str], ...] = ",
        _tuple([Call("", (py_str(signature), py_str(sql))) for signature, sql in ddl.functions]),
        0,
    )
    lines += ["", "# Triggers: (table, name, CREATE OR REPLACE TRIGGER …)."]
    lines += statement(
        "TRIGGERS: tuple[tuple[str, str, str], ...] = ",
        _tuple([Call("", tuple(py_str(v) for v in trigger)) for trigger in ddl.triggers]),
        0,
    )
    lines += ["", "# Tables that exist in the database but are never created, altered or dropped."]
    lines += statement(
        "UNMANAGED_TABLES: frozenset[str] = ",
        Call("frozenset", ("{" + ", ".join(py_str(n) for n in ddl.unmanaged) + "}",))
        if ddl.unmanaged
        else "frozenset()",
        0,
    )
    lines += ["", "# Renames the docs declare (`renamed from: old`): (kind, table or enum, old, new)."]
    lines += statement(
        "RENAMES: tuple[tuple[str, str, str, str], ...] = ",
        _tuple([Call("", tuple(py_str(v) for v in rename)) for rename in ddl.renames]),
        0,
    )
    lines += ["", "# Schemas the docs create (CREATE SCHEMA), before anything in them."]
    lines += statement("SCHEMAS: tuple[str, ...] = ", _tuple([py_str(n) for n in ddl.schemas]), 0)
    lines += ["", "# Every schema the docs manage: public, the ones they create and the ones they use."]
    lines += statement(
        "MANAGED_SCHEMAS: tuple[str, ...] = ", _tuple([py_str(n) for n in ddl.managed_schemas]), 0
    )
    lines += ["", "# Tables the docs reference but do not own: {name: keep_fk | column_only}."]
    lines += statement(
        "EXTERNAL_TABLES: dict[str, str] = ",
        "{" + ", ".join(f"{py_str(name)}: {py_str(mode)}" for name, mode in ddl.external) + "}",
        0,
    )
    if ddl.external_functions:
        lines += [
            "",
            "# Functions the docs call that another system owns (external_functions), by signature.",
        ]
        lines += statement(
            "EXTERNAL_FUNCTIONS: tuple[str, ...] = ", _tuple([py_str(s) for s in ddl.external_functions]), 0
        )
    if ddl.views:
        lines += [
            "",
            "# Views, in creation order: (name, VIEW | MATERIALIZED VIEW, statements that build it).",
        ]
        lines += statement(
            "VIEWS: tuple[tuple[str, str, tuple[str, ...]], ...] = ",
            _tuple(
                [
                    Call("", (py_str(name), py_str(kind), _tuple([py_str(sql) for sql in sqls])))
                    for name, kind, sqls in ddl.views
                ]
            ),
            0,
        )
    if ddl.row_security or ddl.policies:
        lines += ["", "# Row-level security: (table, ALTER TABLE … ROW LEVEL SECURITY)."]
        lines += statement(
            "ROW_SECURITY: tuple[tuple[str, str], ...] = ",
            _tuple([Call("", (py_str(table), py_str(sql))) for table, sql in ddl.row_security]),
            0,
        )
        lines += ["", "# Policies: (table, name, statements that build it)."]
        lines += statement(
            "POLICIES: tuple[tuple[str, str, tuple[str, ...]], ...] = ",
            _tuple(
                [
                    Call("", (py_str(table), py_str(name), _tuple([py_str(sql) for sql in sqls])))
                    for table, name, sqls in ddl.policies
                ]
            ),
            0,
        )
    if ddl.sequences:
        lines += [
            "",
            "# Sequences: (name, CREATE SEQUENCE, then OWNED BY and COMMENT ON once the tables exist).",
        ]
        lines += statement(
            "SEQUENCES: tuple[tuple[str, tuple[str, ...]], ...] = ",
            _tuple(
                [
                    Call("", (py_str(name), _tuple([py_str(sql) for sql in sqls])))
                    for name, sqls in ddl.sequences
                ]
            ),
            0,
        )
    if ddl.domains:
        lines += ["", "# Domains: (name, statements that build it), created before the tables."]
        lines += statement(
            "DOMAINS: tuple[tuple[str, tuple[str, ...]], ...] = ",
            _tuple(
                [
                    Call("", (py_str(name), _tuple([py_str(sql) for sql in sqls])))
                    for name, sqls in ddl.domains
                ]
            ),
            0,
        )
    if _has_objects(ddl):
        lines += _DDL_EVENTS
        if ddl.sequences:
            lines += _SEQUENCE_EVENTS
        if ddl.domains:
            lines += _DOMAIN_EVENTS
        if ddl.views:
            lines += _VIEW_EVENTS
        if ddl.row_security or ddl.policies:
            lines += _POLICY_EVENTS
    return tuple(lines)


_DDL_IMPORTS = ImportBlock((), (("sqlalchemy", ("DDL", "event")), (".base", ("Base",))))

# `Base.metadata.create_all()` builds the whole schema and `drop_all()` removes it: the statements above,
# attached to the metadata's DDL events. DDL() formats its text with `%` (a literal `%` is `%%`) and takes
# no bind parameters (a `:word` stays as it is). migrations/models.py sees the marker in `info` and does
# not add these statements a second time.
_DDL_EVENTS = (
    "",
    "",
    "def _quoted(name: str) -> str:",
    "    return '\"' + name.replace('\"', '\"\"') + '\"'",
    "",
    "",
    "def _quoted_key(key: str) -> str:",
    '    """A table as mdschema names it (`t`, `app.t`) as SQL."""',
    '    schema, dot, name = key.partition(".")',
    '    return f"{_quoted(schema)}.{_quoted(name)}" if dot else _quoted(key)',
    "",
    "",
    "def _on(event_name: str, sql: str) -> None:",
    '    """Run `sql` when `Base.metadata.create_all()` / `drop_all()` reaches `event_name`."""',
    '    ddl = DDL(sql.replace("%", "%%"))  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped',
    "    event.listen(Base.metadata, event_name, ddl)",
    "",
    "",
    "# Schemas and extensions before the tables; functions, then triggers, after them; dropped in reverse",
    "# (the schemas are left: drop_all removes what is in them).",
    "for _schema in SCHEMAS:",
    '    _on("before_create", f"CREATE SCHEMA IF NOT EXISTS {_quoted(_schema)}")',
    "for _extension in EXTENSIONS:",
    '    _on("before_create", f"CREATE EXTENSION IF NOT EXISTS {_quoted(_extension)}")',
    "for _signature, _sql in FUNCTIONS:",
    '    _on("after_create", _sql)',
    "for _table, _trigger, _sql in TRIGGERS:",
    '    _on("after_create", _sql)',
    '    _on("before_drop", f"DROP TRIGGER IF EXISTS {_quoted(_trigger)} ON {_quoted_key(_table)}")',
    "for _signature, _sql in reversed(FUNCTIONS):",
    '    _on("after_drop", f"DROP FUNCTION IF EXISTS {_signature}")',
    "for _extension in reversed(EXTENSIONS):",
    '    _on("after_drop", f"DROP EXTENSION IF EXISTS {_quoted(_extension)}")',
    'Base.metadata.info["mdschema.ddl_events"] = True',
)


# Views after every table, function and trigger (a view reads them); dropped before the tables.
_VIEW_EVENTS = (
    "for _view, _kind, _statements in VIEWS:",
    "    for _sql in _statements:",
    '        _on("after_create", _sql)',
    "for _view, _kind, _statements in reversed(VIEWS):",
    '    _on("before_drop", f"DROP {_kind} IF EXISTS {_quoted(_view)}")',
)


# Row-level security and policies last (a policy may call a function or read a view); policies dropped
# before the tables (one may read another table, which then cannot be dropped first).
_POLICY_EVENTS = (
    "for _table, _sql in ROW_SECURITY:",
    '    _on("after_create", _sql)',
    "for _table, _policy, _statements in POLICIES:",
    "    for _sql in _statements:",
    '        _on("after_create", _sql)',
    "for _table, _policy, _statements in reversed(POLICIES):",
    '    _on("before_drop", f"DROP POLICY IF EXISTS {_quoted(_policy)} ON {_quoted_key(_table)}")',
)


# Sequences after the schemas, before the tables (a column default calls nextval); owned and commented
# once the tables exist; dropped after them (a sequence a table owns went with it: IF EXISTS).
_SEQUENCE_EVENTS = (
    "for _sequence, _statements in SEQUENCES:",
    '    _on("before_create", _statements[0])',
    "    for _sql in _statements[1:]:",
    '        _on("after_create", _sql)',
    "for _sequence, _statements in reversed(SEQUENCES):",
    '    _on("after_drop", f"DROP SEQUENCE IF EXISTS {_quoted_key(_sequence)}")',
)


# Domains after the schemas and extensions (a domain may be over an extension's type), before the tables
# that use them; dropped after the tables, before the functions and extensions (`insert=True`: ahead of
# the after_drop listeners above).
_DOMAIN_EVENTS = (
    "for _domain, _statements in DOMAINS:",
    "    for _sql in _statements:",
    '        _on("before_create", _sql)',
    "for _domain, _statements in DOMAINS:",
    "    event.listen(",
    "        Base.metadata,",
    '        "after_drop",',
    '        DDL(f"DROP DOMAIN IF EXISTS {_quoted_key(_domain)}"),  # type: ignore[no-untyped-call]',
    "        insert=True,",
    "    )",
)


def _has_objects(ddl: DdlModule) -> bool:
    return bool(
        ddl.sequences
        or ddl.domains
        or ddl.extensions
        or ddl.functions
        or ddl.triggers
        or ddl.schemas
        or ddl.views
        or ddl.row_security
        or ddl.policies
    )


def _tuple(items: list[Node]) -> Node:
    return Call("", tuple(items)) if items else "()"
