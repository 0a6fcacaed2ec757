"""views.py of the generated package: a read-only `Table` per view of the docs, for queries.

The Tables live in their own MetaData (`VIEWS_METADATA`), never in `Base.metadata`: `create_all()` must
not create a view as a table, and Alembic's autogenerate (which compares `Base.metadata`) must not see
them as tables to create or drop. The views themselves are created by ddl.py's DDL events.
"""

from __future__ import annotations

import keyword
import re

from mdschema.codegen.decide import ImportBlock
from mdschema.codegen.models import imports_lines
from mdschema.codegen.py_types import python_type
from mdschema.codegen.source import Call, Node, docstring_text, isort_names, py_str, statement
from mdschema.schema import Schema, ViewColumn

_SA = "sqlalchemy"


def render_views(env: object, schema: Schema, sources: str) -> dict[str, str]:
    """{"views.py": text} when the docs have views, else {}."""
    if not schema.views:
        return {}
    names: dict[str, set[str]] = {_SA: {"Column", "MetaData", "Table"}}
    body: list[str] = [
        "# Not Base.metadata: create_all() and Alembic's autogenerate leave views alone (ddl.py makes them).",
        "VIEWS_METADATA = MetaData()",
    ]
    taken = {"VIEWS_METADATA", "Column", "MetaData", "Table"}
    for view in schema.views:
        args: list[Node] = [py_str(view.name), "VIEWS_METADATA"]
        args += [_column(c, names) for c in view.columns]
        kind = "materialized view" if view.materialized else "view"
        args.append("info={" + f'"is_view": True, "mdschema": {py_str(kind)}' + "}")
        if view.description:
            args.append(f"comment={py_str(view.description)}")
        body += ["", ""]
        body.append(f"# {kind} {view.name} ({view.span}), read-only")
        body += statement(f"{_variable(view.name, taken)} = ", Call("Table", tuple(args)), 0)
    imports = ImportBlock(
        tuple(sorted(m for m, found in names.items() if "" in found)),
        tuple(
            (m, tuple(isort_names({n for n in found if n})))
            for m, found in sorted(names.items())
            if found - {""}
        ),
    )
    plain = env.get_template("plain_module.py.j2")  # type: ignore[attr-defined]
    text = plain.render(
        title=docstring_text(f"Views of {sources}: read-only Tables for queries (ddl.py creates the views)."),
        imports=imports_lines(imports),
        body=tuple(body),
    )
    return {"views.py": text}


def _column(c: ViewColumn, names: dict[str, set[str]]) -> Node:
    if c.type is None or c.type.enum is not None:
        names.setdefault("sqlalchemy.types", set()).add("NullType")
        return Call("Column", (py_str(c.name), "NullType()"))
    t = python_type(c.type)
    for module, name in t.imports:
        names.setdefault(module, set()).add(name)
    return Call("Column", (py_str(c.name), t.sa))


def _variable(name: str, taken: set[str]) -> str:
    var = re.sub(r"\W", "_", name)
    if not var or var[0].isdigit() or keyword.iskeyword(var) or var in taken:
        var += "_view"
    taken.add(var)
    return var
