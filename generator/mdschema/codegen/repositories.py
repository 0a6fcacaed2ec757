"""Decide the generated repositories: one typed async class per table, and what each method is called.

Decisions only (names, signatures, which columns, the order of listings); templates/repositories.py.j2
prints them, and the runtime behaviour shared by every repository lives in that template's base class.

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

from dataclasses import dataclass

import mdschema.spec.pg_names as naming
from mdschema.codegen.decide import enum_var
from mdschema.codegen.source import Call, Node, import_line, isort_names, statement
from mdschema.schema import Column, Schema, Table
from mdschema.spec.pg_types import python_type

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
    docstring: str  # one line
    body: tuple[str, ...]  # formatted lines, indented 8


@dataclass(frozen=True, slots=True)
class RepositoryView:
    name: str
    model: str
    docstring: tuple[str, ...]
    attributes: tuple[str, ...]  # formatted class attribute lines, indented 4
    methods: tuple[MethodView, ...]


def singular(class_name: str) -> str:
    """Users → User, Categories → Category, Addresses → Address, Statuses → Status, Courses → Course."""
    lower = class_name.lower()
    if lower.endswith("ies") and len(class_name) > 3:
        return class_name[:-3] + "y"
    if lower.endswith(("sses", "xes", "zzes", "ches", "shes", "tuses", "buses", "puses", "ruses", "nuses")):
        return class_name[:-2]
    if lower.endswith(("ss", "us", "is")) or not lower.endswith("s") or len(class_name) < 3:
        return class_name
    return class_name[:-1]


def _stem(column: str) -> str:
    """user_id → user; a column without such a suffix stays as it is (tenant → tenant)."""
    for suffix in ("_id", "_uuid", "_fk", "_key"):
        if column.endswith(suffix) and len(column) > len(suffix):
            return column[: -len(suffix)]
    return column


def _annotation(col: Column) -> str:
    pt = python_type(col.type, enum_var(col.type.enum) if col.type.enum else None)
    return pt.annotation + (" | None" if col.nullable else "")


def _param(table: Table, column: str) -> Param:
    col = table.column(column)
    assert col is not None, (table.name, column)
    attr = naming.attr_name(col.name)
    name = attr + "_" if attr in _PARAM_NAMES else attr
    return Param(name=name, attr=attr, column=col.name, annotation=_annotation(col))


def _unique_keys(table: Table) -> list[tuple[tuple[str, ...], str]]:
    """(columns, source) of every unique constraint and plain unique index, in the doc's order."""
    keys: list[tuple[tuple[str, ...], str]] = [(u.columns, u.name) for u in table.uniques]
    for index in table.indexes:
        plain = all(e.column and not e.expression for e in index.elements)
        if index.unique and index.where is None and plain:
            keys.append((tuple(e.column or "" for e in index.elements), index.name))
    return keys


def plan_table(table: Table, model: str, name: str) -> RepositoryPlan:
    assert table.primary_key is not None
    pk_cols = table.primary_key.columns
    seen: set[frozenset[str]] = {frozenset(pk_cols)}
    get_by: list[Lookup] = []
    for columns, source in _unique_keys(table):
        if frozenset(columns) in seen:
            continue
        seen.add(frozenset(columns))
        params = tuple(_param(table, c) for c in columns)
        get_by.append(Lookup("get_by_" + "_and_".join(p.attr for p in params), params, source))

    fks: list[tuple[tuple[str, ...], str]] = []
    fk_seen: set[tuple[str, ...]] = set()
    for fk in table.foreign_keys:
        if fk.columns not in fk_seen:
            fk_seen.add(fk.columns)
            fks.append((fk.columns, fk.name))
    stems = ["_and_".join(naming.attr_name(_stem(c)) for c in cols) for cols, _ in fks]
    list_by: list[Lookup] = []
    for (columns, source), stem in zip(fks, stems, strict=True):
        if stems.count(stem) > 1:
            stem = "_and_".join(naming.attr_name(c) for c in columns)
        params = tuple(_param(table, c) for c in columns)
        list_by.append(Lookup("list_by_" + stem, params, source))

    names = [lk.method for lk in (*get_by, *list_by)]
    assert len(names) == len(set(names)), names
    order = tuple(naming.attr_name(c) for c in pk_cols)
    created = table.column(ORDER_COLUMN)
    if created is not None and ORDER_COLUMN not in pk_cols:
        order = (naming.attr_name(ORDER_COLUMN), *order)
    touched = table.column(TOUCH_COLUMN)
    touch = None
    if touched is not None and touched.type.base.startswith("timestamp") and not touched.type.array:
        touch = naming.attr_name(TOUCH_COLUMN)
    return RepositoryPlan(
        name=name,
        model=model,
        table=table.name,
        primary_key=tuple(_param(table, c) for c in pk_cols),
        get_by=tuple(get_by),
        list_by=tuple(list_by),
        order_by=order,
        touch=touch,
    )


def plan(schema: Schema) -> tuple[list[RepositoryPlan], dict[str, dict[str, str]], list[str]]:
    """(plans in the schema's order, {module: {class: name in this module}}, tables without a key)."""
    model_names = {t.class_name for t in schema.tables}
    imports: dict[str, dict[str, str]] = {}
    taken = set(_MODULE_NAMES) | model_names
    plans: list[RepositoryPlan] = []
    skipped: list[str] = []
    for table in schema.tables:
        if table.primary_key is None:
            skipped.append(table.name)
            continue
        local = table.class_name if table.class_name not in _MODULE_NAMES else table.class_name + "Model"
        imports.setdefault(table.module, {})[table.class_name] = local
        name = _free(singular(table.class_name) + "Repository", table.class_name + "Repository", taken)
        plans.append(plan_table(table, local, name))
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


def _doc(text: str) -> str:
    """One docstring line: quotes and backslashes escaped, control characters blanked (names can hold any)."""
    safe = text.replace("\\", "\\\\").replace('"', '\\"')
    return "".join(ch if ch >= " " and ch not in "\u2028\u2029\x85\x7f" else " " for ch in safe)


def view(p: RepositoryPlan) -> RepositoryView:
    pk_params = [f"{k.name}: {k.annotation}" for k in p.primary_key]
    methods = [
        MethodView(
            signature=_signature("get", pk_params, f"{p.model} | None"),
            docstring="The row with this primary key, or None.",
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
            docstring=(
                "Set attributes of the row (given, or found by primary key); "
                "NotFoundError when there is none."
            ),
            body=_call("return await ", "self._update", ["obj_or_pk", "values"]),
        )
    )
    methods.append(
        MethodView(
            signature=_signature("delete", pk_params, "bool"),
            docstring="Delete the row with this primary key; True when there was one.",
            body=_call("return await ", "self._delete", _where(p, p.primary_key)),
        )
    )
    attributes = [f"    model = {p.model}"]
    attributes += statement("    order_by = ", Call("", tuple(f"{p.model}.{a}" for a in p.order_by)), 0)
    if p.touch:
        attributes.append(f"    touch = {naming.py_str(p.touch)}")
    order = ", ".join(p.order_by)
    doc = naming.docstring_lines(f"Rows of {p.table}, as {p.model}. Listings are ordered by {order}.", 110, 4)
    return RepositoryView(
        name=p.name, model=p.model, docstring=doc, attributes=tuple(attributes), methods=tuple(methods)
    )


def module_imports(plans: list[RepositoryPlan], models: dict[str, dict[str, str]]) -> tuple[str, ...]:
    """The import block, sectioned and sorted the way ruff's isort does."""
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
    local = import_line(".base", ["Base"])
    for module in sorted(models):
        plain = {cls for cls, local_name in models[module].items() if cls == local_name}
        if plain:
            local += import_line(f".{module}", isort_names(plain))
        # ruff's isort keeps `import X as Y` on a line of its own (combine-as-imports is off)
        for cls in sorted(set(models[module]) - plain):
            local.append(f"from .{module} import {cls} as {models[module][cls]}")
    return (*stdlib, "", *third, "", *local)


Lines = tuple[str, ...]


def decide(schema: Schema) -> tuple[Lines, tuple[RepositoryView, ...], Lines, Lines]:
    """(imports, repository views, __all__ names, tables without a repository) for repositories.py."""
    plans, models, skipped = plan(schema)
    views = tuple(view(p) for p in plans)
    all_names = sorted({"DuplicateError", "NotFoundError", "Repository", *(p.name for p in plans)})
    return module_imports(plans, models), views, tuple(naming.py_str(n) for n in all_names), tuple(skipped)
