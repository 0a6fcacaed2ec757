"""Print the decided model modules: decisions → formatted lines → templates/model_module.py.j2."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mdschema.codegen.decide import (
    CheckArg,
    ColumnAttr,
    ExcludeArg,
    ForeignKeyArg,
    ImportBlock,
    IndexArg,
    ModelClass,
    Package,
    PrimaryKeyArg,
    RelationshipAttr,
    TableArg,
    TableOptions,
    UniqueArg,
)
from mdschema.codegen.outputs import FieldAttr, RelationshipField, SqlModelClass, SqlModelModule
from mdschema.codegen.source import (
    LINE_LENGTH,
    Call,
    Node,
    docstring_lines,
    docstring_text,
    flat,
    import_line,
    import_sections,
    py_str,
    statement,
)
from mdschema.util.sql_text import text_source

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True, slots=True)
class PrintedClass:
    """One model class as the template prints it; `decided` is the decision it was printed from."""

    decided: ModelClass
    name: str
    table: str  # the __tablename__ literal
    docstring: tuple[str, ...]  # whole lines, quotes included, indented 4
    table_args: tuple[str, ...]  # the whole `__table_args__ = ...` statement, or nothing
    columns: tuple[str, ...]  # formatted statements, indented 4
    relationships: tuple[str, ...]


def render_models(env: jinja2.Environment, package: Package) -> dict[str, str]:
    template = env.get_template("model_module.py.j2")
    return {
        f"{module.module}.py": template.render(
            module=module,
            doc=docstring_text(module.doc),
            imports=imports_lines(module.imports),
            type_checking=type_checking_lines(module.type_checking),
            classes=tuple(print_class(cls) for cls in module.classes),
        )
        for module in package.models
    }


def imports_lines(block: ImportBlock) -> tuple[str, ...]:
    return import_sections(block.modules, block.names)


def type_checking_lines(block: ImportBlock) -> tuple[str, ...]:
    """The imports under `if TYPE_CHECKING:` (all relative: one section), indented 4."""
    return tuple(
        "    " + line for module, names in block.names for line in import_line(module, list(names), 4)
    )


def print_class(cls: ModelClass) -> PrintedClass:
    nodes = [table_arg(arg) for arg in cls.table_args]
    args: list[str] = []
    # A one-element tuple's comma is not a magic trailing comma: ruff format joins it when it fits.
    inline = f"    __table_args__ = ({flat(nodes[0])},)" if len(nodes) == 1 else None
    if inline is not None and len(inline) <= LINE_LENGTH:
        args.append(inline)
    elif nodes:
        args.append("    __table_args__ = (")
        for node in nodes:
            args += statement("", node, 8, ",")
        args.append("    )")
    columns: list[str] = []
    for col in cls.columns:
        columns += statement(f"{col.attribute}: Mapped[{col.annotation}] = ", column_call(col), 4)
    relationships: list[str] = []
    for rel in cls.relationships:
        relationships += statement(f"{rel.attribute}: Mapped[{rel.annotation}] = ", relationship_call(rel), 4)
    return PrintedClass(
        decided=cls,
        name=cls.name,
        table=py_str(cls.table),
        docstring=docstring_lines(cls.docstring, 4),
        table_args=tuple(args),
        columns=tuple(columns),
        relationships=tuple(relationships),
    )


def column_call(col: ColumnAttr) -> Call:
    args: list[Node] = []
    if col.attribute != col.column:
        args.append(py_str(col.column))
    args.append(col.sql_type)
    if col.foreign_key is not None:
        args.append(foreign_key_call(col.foreign_key, inline=True))
    if col.identity:
        args.append("Identity(always=True)" if col.identity == "always" else "Identity()")
    if col.computed:
        args.append(Call("Computed", (sql_str(col.computed), "persisted=True")))
    if col.primary_key:
        args.append("primary_key=True")
    if col.autoincrement is not None:
        args.append(f"autoincrement={col.autoincrement}")
    if col.nullable is not None:
        args.append(f"nullable={col.nullable}")
    if col.unique:
        args.append("unique=True")
    if col.server_default is not None:
        args.append(f"server_default=text({sql_str(col.server_default)})")
    if col.comment:
        args.append(f"comment={py_str(col.comment)}")
    return Call("mapped_column", tuple(args))


def sql_str(sql: str) -> str:
    """A string literal of SQL for text(), CheckConstraint or Computed: SQLAlchemy compiles it back to
    exactly `sql` (a `:word` in it is no bind parameter)."""
    return py_str(text_source(sql))


def _list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(py_str(i) for i in items) + "]"


def foreign_key_call(fk: ForeignKeyArg, inline: bool) -> Call:
    """`ForeignKey("t.c", ...)` on a column (inline), else `ForeignKeyConstraint([...], [...], ...)`."""
    args: list[Node] = [py_str(fk.targets[0])] if inline else [_list(fk.columns), _list(fk.targets)]
    if fk.ondelete:
        args.append(f"ondelete={py_str(fk.ondelete)}")
    if fk.onupdate:
        args.append(f"onupdate={py_str(fk.onupdate)}")
    if fk.deferrable:
        args.append("deferrable=True")
    if fk.initially_deferred:
        args.append('initially="DEFERRED"')
    if fk.use_alter:
        args.append("use_alter=True")
    if fk.name is not None:
        args.append(f"name={py_str(fk.name)}")
    return Call("ForeignKey" if inline else "ForeignKeyConstraint", tuple(args))


def table_arg(arg: TableArg) -> Node:
    if isinstance(arg, PrimaryKeyArg):
        pk: list[Node] = [py_str(c) for c in arg.columns]
        if arg.name is not None:
            pk.append(f"name={py_str(arg.name)}")
        return Call("PrimaryKeyConstraint", tuple(pk))
    if isinstance(arg, UniqueArg):
        uq: list[Node] = [py_str(c) for c in arg.columns]
        if arg.name is not None:
            uq.append(f"name={py_str(arg.name)}")
        if arg.nulls_not_distinct:
            uq.append("postgresql_nulls_not_distinct=True")
        if arg.deferrable:
            uq.append("deferrable=True")
        if arg.initially_deferred:
            uq.append('initially="DEFERRED"')
        return Call("UniqueConstraint", tuple(uq))
    if isinstance(arg, ForeignKeyArg):
        return foreign_key_call(arg, inline=False)
    if isinstance(arg, CheckArg):
        return Call("CheckConstraint", (sql_str(arg.expression), f"name={py_str(arg.name)}"))
    if isinstance(arg, IndexArg):
        return index_call(arg)
    if isinstance(arg, ExcludeArg):
        return exclude_call(arg)
    assert isinstance(arg, TableOptions)
    items = [f'"comment": {py_str(arg.comment)}'] if arg.comment is not None else []
    items += [f'"schema": {py_str(arg.schema)}'] if arg.schema is not None else []
    return Call("{", tuple(items))


def index_call(index: IndexArg) -> Call:
    args: list[Node] = [py_str(index.name)]
    for part in index.parts:
        args.append(py_str(part.column) if part.column is not None else f"text({sql_str(part.text or '')})")
    if index.unique:
        args.append("unique=True")
    if index.using:
        args.append(f"postgresql_using={py_str(index.using)}")
    if index.ops:
        args.append("postgresql_ops={" + ", ".join(f"{py_str(c)}: {py_str(o)}" for c, o in index.ops) + "}")
    if index.with_options:
        values = (f"{py_str(k)}: {v if isinstance(v, int) else py_str(v)}" for k, v in index.with_options)
        args.append("postgresql_with={" + ", ".join(values) + "}")
    if index.where:
        args.append(f"postgresql_where=text({sql_str(index.where)})")
    if index.include:
        args.append("postgresql_include=" + _list(index.include))
    if index.nulls_not_distinct:
        args.append("postgresql_nulls_not_distinct=True")
    return Call("Index", tuple(args))


def exclude_call(ex: ExcludeArg) -> Call:
    args: list[Node] = []
    for part, operator in ex.elements:
        element = py_str(part.column) if part.column is not None else f"text({sql_str(part.text or '')})"
        args.append(f"({element}, {py_str(operator)})")
    args += [f"name={py_str(ex.name)}", f"using={py_str(ex.using)}"]
    if ex.ops:
        args.append("ops={" + ", ".join(f"{py_str(c)}: {py_str(o)}" for c, o in ex.ops) + "}")
    if ex.where:
        args.append(f"where=text({sql_str(ex.where)})")
    if ex.deferrable:
        args.append("deferrable=True")
    if ex.initially_deferred:
        args.append('initially="DEFERRED"')
    return Call("ExcludeConstraint", tuple(args))


def relationship_call(rel: RelationshipAttr) -> Call:
    args: list[Node] = [f"back_populates={py_str(rel.back_populates)}"]
    args += [f"{key}={value}" for key, value in relationship_kwargs(rel)]
    return Call("relationship", tuple(args))


def relationship_kwargs(rel: RelationshipAttr) -> list[tuple[str, str]]:
    """relationship()'s keywords besides back_populates, as (name, value source)."""
    out: list[tuple[str, str]] = []
    if rel.foreign_keys:
        out.append(("foreign_keys", py_str("[" + ", ".join(rel.foreign_keys) + "]")))
    if rel.remote_side:
        out.append(("remote_side", py_str("[" + ", ".join(rel.remote_side) + "]")))
    if rel.uselist is not None:
        out.append(("uselist", str(rel.uselist)))
    if rel.cascade is not None:
        out.append(("cascade", py_str(rel.cascade)))
    if rel.passive_deletes is not False:
        value = rel.passive_deletes
        out.append(("passive_deletes", py_str(value) if isinstance(value, str) else str(value)))
    return out


# ---- SQLModel -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrintedSqlModel:
    """One SQLModel class as the template prints it; `decided` is the decision it was printed from."""

    decided: SqlModelClass
    name: str
    table: str  # the __tablename__ literal
    docstring: tuple[str, ...]
    table_args: tuple[str, ...]
    fields: tuple[str, ...]  # formatted statements, indented 4
    relationships: tuple[str, ...]


def render_sqlmodel(env: jinja2.Environment, modules: tuple[SqlModelModule, ...]) -> dict[str, str]:
    template = env.get_template("sqlmodel_module.py.j2")
    return {
        f"{module.module}.py": template.render(
            module=module,
            doc=docstring_text(module.doc),
            imports=imports_lines(module.imports),
            type_checking=type_checking_lines(module.type_checking),
            classes=tuple(print_sqlmodel(cls) for cls in module.classes),
        )
        for module in modules
    }


def print_sqlmodel(cls: SqlModelClass) -> PrintedSqlModel:
    declarative = print_class(cls.decided)
    fields: list[str] = []
    for f in cls.fields:
        fields += statement(f"{f.column.attribute}: {f.annotation} = ", field_call(f), 4)
    relationships: list[str] = []
    for rel in cls.relationships:
        prefix = f"{rel.decided.attribute}: {rel.annotation} = "
        relationships += statement(prefix, sqlmodel_relationship(rel), 4)
    return PrintedSqlModel(
        decided=cls,
        name=cls.decided.name,
        table=declarative.table,
        docstring=declarative.docstring,
        table_args=declarative.table_args,
        fields=tuple(fields),
        relationships=tuple(relationships),
    )


def field_call(f: FieldAttr) -> Call:
    """`Field(...)`: SQLModel's keywords and sa_type, or `sa_column=Column(...)` when those cannot say it."""
    col = f.column
    args: list[Node] = ["default=None"] if f.default_none else []
    nullable = f.nullable if f.nullable is not None else col.nullable
    if f.sa_column:
        column = column_call(replace(col, sql_type=f.sql_type, nullable=nullable))
        args.append(Call("sa_column=Column", column.args))
        return Call("Field", tuple(args))
    args.append(f"sa_type={f.sql_type}")
    if col.foreign_key is not None:
        args.append(f"foreign_key={py_str(col.foreign_key.targets[0])}")
        if col.foreign_key.ondelete:
            args.append(f"ondelete={py_str(col.foreign_key.ondelete)}")
    if col.primary_key:
        args.append("primary_key=True")
    if nullable is not None:
        args.append(f"nullable={nullable}")
    if col.unique:
        args.append("unique=True")
    extra: list[str] = []
    if col.autoincrement is not None:
        extra.append(f'"autoincrement": {col.autoincrement}')
    if col.server_default is not None:
        extra.append(f'"server_default": text({sql_str(col.server_default)})')
    if col.comment:
        extra.append(f'"comment": {py_str(col.comment)}')
    if extra:
        args.append(Call("sa_column_kwargs={", tuple(extra)))
    return Call("Field", tuple(args))


def sqlmodel_relationship(rel: RelationshipField) -> Call:
    """`Relationship(back_populates=..., sa_relationship_kwargs={...})`: the rest of what the declarative
    relationship() says, as its keywords."""
    args: list[Node] = [f"back_populates={py_str(rel.decided.back_populates)}"]
    kwargs = relationship_kwargs(rel.decided)
    if kwargs:
        args.append(Call("sa_relationship_kwargs={", tuple(f"{py_str(k)}: {v}" for k, v in kwargs)))
    return Call("Relationship", tuple(args))
