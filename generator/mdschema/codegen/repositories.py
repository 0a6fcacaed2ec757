"""The generated repositories: one typed async class per table, what each method is called, and their lines.

`plan` decides (names, signatures, which columns, the order of listings) from the model decisions, so a
repository uses exactly the class, attribute and annotation its model has; `render_repositories` prints
the plans through templates/repositories.py.j2, whose base class holds the runtime behaviour that every
repository shares.

Per table with a primary key (a table without one gets no repository: no row can be addressed):
- ``get(pk...)`` → the row or None;
- ``get_by_<col>[_and_<col>...]`` for every unique constraint and every plain unique index (no WHERE, no
  expression) other than the primary key, e.g. ``get_by_email``;
- ``list_by_<stem>`` for every foreign key, named after the column without its ``_id`` (``user_id`` →
  ``list_by_user``; the column names when that is ambiguous), paginated with ``limit``/``offset``;
- ``update(obj_or_pk, **values)`` and ``delete(pk) -> bool``; ``create(**values)`` and ``list()`` are
  inherited from the generic base.

Order of every listing: ``created_at`` then the primary key when the table has a ``created_at`` column
(oldest first, ties broken by the key, so pages never overlap), else the primary key alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mdschema.codegen.decide import ColumnAttr, Package
from mdschema.codegen.inflection import singular
from mdschema.codegen.py_names import attr_name, column_stem
from mdschema.codegen.source import (
    Call,
    Node,
    comment_line,
    docstring_lines,
    docstring_text,
    import_line,
    isort_names,
    py_str,
    statement,
)
from mdschema.schema import Schema, Table

if TYPE_CHECKING:
    import jinja2

DEFAULT_LIMIT = 100
ORDER_COLUMN = "created_at"
TOUCH_COLUMN = "updated_at"

# Names the generated module defines or imports itself; a model class of the same name is aliased.
_MODULE_NAMES = frozenset(
    {
        "Any",
        "AsyncSession",
        "Base",
        "ClassVar",
        "ColumnElement",
        "CursorResult",
        "DuplicateError",
        "Generic",
        "IntegrityError",
        "ModelT",
        "NotFoundError",
        "Repository",
        "Sequence",
        "TypeVar",
        "UNIQUE_VIOLATION",
        "cast",
        "datetime",
        "decimal",
        "delete",
        "func",
        "inspect",
        "select",
        "uuid",
    }
)
# Parameter names the methods use themselves.
_PARAM_NAMES = frozenset({"self", "limit", "offset", "values", "obj_or_pk"})


@dataclass(frozen=True, slots=True)
class Param:
    name: str  # the parameter's name
    attr: str  # the model attribute it is compared with
    column: str  # the column in the database
    annotation: str  # its Python type, `| None` included for a nullable column


@dataclass(frozen=True, slots=True)
class Lookup:
    method: str  # get_by_email, list_by_user
    params: tuple[Param, ...]
    source: str  # the constraint, index or foreign key it comes from


@dataclass(frozen=True, slots=True)
class RepositoryPlan:
    name: str  # UserRepository
    model: str  # the model class as referred to in the module (aliased on a clash)
    table: str
    primary_key: tuple[Param, ...]
    get_by: tuple[Lookup, ...]
    list_by: tuple[Lookup, ...]
    order_by: tuple[str, ...]  # model attributes
    touch: str | None  # attribute set to now() by update() unless given


@dataclass(frozen=True, slots=True)
class MethodView:
    signature: tuple[str, ...]  # formatted `async def …:` lines, indented 4
    docstring: tuple[str, ...]  # whole lines, indented 8
    body: tuple[str, ...]  # formatted lines, indented 8


@dataclass(frozen=True, slots=True)
class RepositoryView:
    """One repository as the template prints it; `plan` is the decision it was printed from."""

    plan: RepositoryPlan
    name: str
    model: str
    docstring: tuple[str, ...]  # whole lines, indented 4
    attributes: tuple[str, ...]  # formatted class attribute lines, indented 4
    methods: tuple[MethodView, ...]


def _param(columns: dict[str, ColumnAttr], column: str) -> Param:
    col = columns[column]
    name = col.attribute + "_" if col.attribute in _PARAM_NAMES else col.attribute
    return Param(name=name, attr=col.attribute, column=col.column, annotation=col.annotation)


def _unique_keys(table: Table) -> list[tuple[tuple[str, ...], str]]:
    """(columns, source) of every unique constraint and plain unique index, in the doc's order."""
    keys: list[tuple[tuple[str, ...], str]] = [(u.columns, u.name) for u in table.uniques]
    for index in table.indexes:
        plain = all(e.column and not e.expression for e in index.elements)
        if index.unique and index.where is None and plain:
            keys.append((tuple(e.column or "" for e in index.elements), index.name))
    return keys


def plan_table(table: Table, decided: tuple[ColumnAttr, ...], model: str, name: str) -> RepositoryPlan:
    """The repository of `table`, whose model's column attributes were decided as `decided`."""
    assert table.primary_key is not None
    attrs = {c.column: c for c in decided}
    pk_cols = table.primary_key.columns
    seen: set[frozenset[str]] = {frozenset(pk_cols)}
    get_by: list[Lookup] = []
    for columns, source in _unique_keys(table):
        if frozenset(columns) in seen:
            continue
        seen.add(frozenset(columns))
        params = tuple(_param(attrs, c) for c in columns)
        get_by.append(Lookup("get_by_" + "_and_".join(p.attr for p in params), params, source))

    fks: list[tuple[tuple[str, ...], str]] = []
    fk_seen: set[tuple[str, ...]] = set()
    for fk in table.foreign_keys:
        if fk.columns not in fk_seen:
            fk_seen.add(fk.columns)
            fks.append((fk.columns, fk.name))
    stems = ["_and_".join(attr_name(column_stem(c)) for c in cols) for cols, _ in fks]
    list_by: list[Lookup] = []
    for (columns, source), stem in zip(fks, stems, strict=True):
        if stems.count(stem) > 1:
            stem = "_and_".join(attrs[c].attribute for c in columns)
        params = tuple(_param(attrs, c) for c in columns)
        list_by.append(Lookup("list_by_" + stem, params, source))

    names = [lk.method for lk in (*get_by, *list_by)]
    assert len(names) == len(set(names)), names
    order = tuple(attrs[c].attribute for c in pk_cols)
    created = table.column(ORDER_COLUMN)
    if created is not None and ORDER_COLUMN not in pk_cols:
        order = (attrs[ORDER_COLUMN].attribute, *order)
    touched = table.column(TOUCH_COLUMN)
    touch = None
    if touched is not None and touched.type.base.startswith("timestamp") and not touched.type.array:
        touch = attrs[TOUCH_COLUMN].attribute
    return RepositoryPlan(
        name=name,
        model=model,
        table=table.name,
        primary_key=tuple(_param(attrs, c) for c in pk_cols),
        get_by=tuple(get_by),
        list_by=tuple(list_by),
        order_by=order,
        touch=touch,
    )


def plan(
    schema: Schema, package: Package
) -> tuple[list[RepositoryPlan], dict[str, dict[str, str]], list[str]]:
    """(plans in the schema's order, {module: {class: name in this module}}, tables without a key), from the
    classes `package` decided for `schema`."""
    decided = {cls.key: (module.module, cls) for module in package.models for cls in module.classes}
    model_names = {cls.name for _, cls in decided.values()}
    imports: dict[str, dict[str, str]] = {}
    taken = set(_MODULE_NAMES) | model_names
    plans: list[RepositoryPlan] = []
    skipped: list[str] = []
    for table in schema.tables:
        if table.primary_key is None:
            skipped.append(table.name)
            continue
        module, cls = decided[table.name]
        local = cls.name if cls.name not in _MODULE_NAMES else cls.name + "Model"
        imports.setdefault(module, {})[cls.name] = local
        name = _free(singular(cls.name) + "Repository", cls.name + "Repository", taken)
        plans.append(plan_table(table, cls.columns, local, name))
    return plans, imports, skipped


def _free(first: str, second: str, taken: set[str]) -> str:
    for candidate in (first, second):
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    n = 2
    while f"{second}{n}" in taken:
        n += 1
    taken.add(f"{second}{n}")
    return f"{second}{n}"


# --- printing decisions as formatted lines ------------------------------------------------------------


def _signature(method: str, params: list[str], returns: str) -> tuple[str, ...]:
    return tuple(statement("async def ", Call(method, ("self", *params)), 4, f" -> {returns}:"))


def _call(prefix: str, func: str, args: list[Node]) -> tuple[str, ...]:
    return tuple(statement(prefix, Call(func, tuple(args)), 8))


def _pk_value(p: RepositoryPlan) -> str:
    if len(p.primary_key) == 1:
        return p.primary_key[0].name
    return "(" + ", ".join(k.name for k in p.primary_key) + ")"


def _pk_type(p: RepositoryPlan) -> str:
    if len(p.primary_key) == 1:
        return p.primary_key[0].annotation
    return "tuple[" + ", ".join(k.annotation for k in p.primary_key) + "]"


def _where(p: RepositoryPlan, params: tuple[Param, ...]) -> list[Node]:
    return [f"{p.model}.{k.attr} == {k.name}" for k in params]


def _columns_text(params: tuple[Param, ...]) -> str:
    return ", ".join(k.column for k in params)


def _doc(text: str) -> tuple[str, ...]:
    """A method's docstring: one line, whatever the names in it hold."""
    return docstring_lines(text, 8, width=None)


def view(p: RepositoryPlan) -> RepositoryView:
    pk_params = [f"{k.name}: {k.annotation}" for k in p.primary_key]
    methods = [
        MethodView(
            signature=_signature("get", pk_params, f"{p.model} | None"),
            docstring=_doc("The row with this primary key, or None."),
            body=_call("return await ", "self.session.get", [p.model, _pk_value(p)]),
        )
    ]
    for lk in p.get_by:
        params = [f"{k.name}: {k.annotation}" for k in lk.params]
        methods.append(
            MethodView(
                signature=_signature(lk.method, params, f"{p.model} | None"),
                docstring=_doc(
                    f"The row with this {_columns_text(lk.params)} (unique: {lk.source}), or None."
                ),
                body=_call("return await ", "self._first", _where(p, lk.params)),
            )
        )
    for lk in p.list_by:
        args = [f"{k.name}: {k.annotation}" for k in lk.params]
        args += [f"limit: int = {DEFAULT_LIMIT}", "offset: int = 0"]
        methods.append(
            MethodView(
                signature=_signature(lk.method, args, f"Sequence[{p.model}]"),
                docstring=_doc(
                    f"One page of the rows with this {_columns_text(lk.params)} (foreign key {lk.source})."
                ),
                body=_call(
                    "return await ", "self._list", [*_where(p, lk.params), "limit=limit", "offset=offset"]
                ),
            )
        )
    methods.append(
        MethodView(
            signature=_signature(
                "update", [f"obj_or_pk: {p.model} | {_pk_type(p)}", "**values: Any"], p.model
            ),
            docstring=_doc(
                "Set attributes of the row (given, or found by primary key); "
                "NotFoundError when there is none."
            ),
            body=_call("return await ", "self._update", ["obj_or_pk", "values"]),
        )
    )
    methods.append(
        MethodView(
            signature=_signature("delete", pk_params, "bool"),
            docstring=_doc("Delete the row with this primary key; True when there was one."),
            body=_call("return await ", "self._delete", _where(p, p.primary_key)),
        )
    )
    attributes = [f"    model = {p.model}"]
    attributes += statement("    order_by = ", Call("", tuple(f"{p.model}.{a}" for a in p.order_by)), 0)
    if p.touch:
        attributes.append(f"    touch = {py_str(p.touch)}")
    order = ", ".join(p.order_by)
    doc = docstring_lines(f"Rows of {p.table}, as {p.model}. Listings are ordered by {order}.", 4)
    return RepositoryView(
        plan=p,
        name=p.name,
        model=p.model,
        docstring=doc,
        attributes=tuple(attributes),
        methods=tuple(methods),
    )


def module_imports(
    plans: list[RepositoryPlan], models: dict[str, dict[str, str]], enum_types: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The import block, sectioned and sorted the way ruff's isort does; `enum_types` are enums.py's
    Python types, imported when a parameter is annotated with one."""
    params = [k for p in plans for k in p.primary_key]
    params += [k for p in plans for lk in (*p.get_by, *p.list_by) for k in lk.params]
    texts = " ".join(k.annotation for k in params)
    straight = sorted(m for m in ("datetime", "decimal", "uuid") if f"{m}." in texts)
    stdlib = [f"import {m}" for m in straight]
    stdlib += import_line("collections.abc", ["Sequence"])
    stdlib += import_line("typing", isort_names({"Any", "ClassVar", "Generic", "TypeVar", "cast"}))
    third = [
        *import_line(
            "sqlalchemy",
            isort_names({"ColumnElement", "CursorResult", "delete", "func", "inspect", "select"}),
        ),
        *import_line("sqlalchemy.exc", ["IntegrityError"]),
        *import_line("sqlalchemy.ext.asyncio", ["AsyncSession"]),
    ]
    blocks: dict[str, list[str]] = {".base": import_line(".base", ["Base"])}
    used_enums = enum_types & set(re.findall(r"\w+", texts))
    if used_enums:
        blocks[".enums"] = import_line(".enums", isort_names(set(used_enums)))
    for module in sorted(models):
        lines: list[str] = []
        plain = {cls for cls, local_name in models[module].items() if cls == local_name}
        if plain:
            lines += import_line(f".{module}", isort_names(plain))
        # ruff's isort keeps `import X as Y` on a line of its own (combine-as-imports is off)
        for cls in sorted(set(models[module]) - plain):
            lines.append(f"from .{module} import {cls} as {models[module][cls]}")
        blocks[f".{module}"] = lines
    local = [line for module in sorted(blocks, key=str.lower) for line in blocks[module]]
    return (*stdlib, "", *third, "", *local)


def render_repositories(env: jinja2.Environment, schema: Schema, package: Package) -> str:
    """repositories.py for the models `package` decided for `schema`."""
    plans, models, skipped = plan(schema, package)
    all_names = sorted({"DuplicateError", "NotFoundError", "Repository", *(p.name for p in plans)})
    return env.get_template("repositories.py.j2").render(
        sources=docstring_text(package.sources),
        imports=module_imports(
            plans, models, frozenset(e.python for e in package.enums.enums) if package.enums else frozenset()
        ),
        repositories=tuple(view(p) for p in plans),
        exports=tuple(py_str(n) for n in all_names),
        skipped=comment_line(", ".join(skipped)) if skipped else "",
    )
