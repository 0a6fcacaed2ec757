"""Decide the two other outputs of the same schema, as data: SQLModel classes (`models = "sqlmodel"`) and
Pydantic schemas (`schemas = true`).

Both are made from the SQLAlchemy decisions of decide.py (the same columns, types, table arguments and
relationships), so the SQLModel classes build exactly the catalog the declarative ones build, and the
schemas name the models' attributes. Nothing here is source text but the type expressions decide.py
already chose; models.py and schemas.py print these values.
"""

from __future__ import annotations

from dataclasses import dataclass

from mdschema.codegen.decide import (
    ColumnAttr,
    ForeignKeyArg,
    ImportBlock,
    ModelClass,
    ModelModule,
    Package,
    RelationshipAttr,
    _Imports,
)
from mdschema.codegen.py_names import enum_var
from mdschema.codegen.py_types import python_type
from mdschema.schema import Column, Schema, Table

# ---- SQLModel ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldAttr:
    """`attribute: annotation = Field(...)` of a SQLModel class, for the column `column` decides."""

    column: ColumnAttr  # the declarative decision: name, type, key, defaults, comment
    annotation: str  # the column's, with `| None` also when the database fills the value in
    sql_type: str  # the column's type; JSON types with none_as_null=True (see _sql_type)
    sa_column: bool  # sa_column=Column(...): what Field's own keywords cannot say
    default_none: bool  # default=None: may be left out when a row is made (NULL, or the database's value)
    nullable: bool | None  # nullable=False where the annotation (Field) or Column's default would say NULL


@dataclass(frozen=True, slots=True)
class RelationshipField:
    """`attribute: annotation = Relationship(back_populates=..., sa_relationship_kwargs={...})`."""

    decided: RelationshipAttr  # back_populates, foreign_keys, remote_side, uselist, cascade, passive_deletes
    annotation: str  # list["Target"], Optional["Target"] or "Target": SQLModel reads these at run time


@dataclass(frozen=True, slots=True)
class SqlModelClass:
    decided: ModelClass  # name, table, docstring, table_args: as the declarative class
    fields: tuple[FieldAttr, ...]  # in the doc's order
    relationships: tuple[RelationshipField, ...]  # by attribute


@dataclass(frozen=True, slots=True)
class SqlModelModule:
    module: str
    doc: str
    imports: ImportBlock
    type_checking: ImportBlock  # classes of other modules, imported under `if TYPE_CHECKING:`
    classes: tuple[SqlModelClass, ...]  # in the doc's order


def decide_sqlmodel(schema: Schema, models: tuple[ModelModule, ...]) -> tuple[SqlModelModule, ...]:
    """The declarative modules as SQLModel modules: same columns, table arguments and relationships.

    No `from __future__ import annotations`: SQLModel (Pydantic) evaluates the annotations when the class
    is made, and resolves a relationship's target from the quoted name in it.
    """
    tables = {t.name: t for t in schema.tables}
    out: list[SqlModelModule] = []
    for module in models:
        classes = tuple(_sqlmodel_class(cls, tables[cls.table]) for cls in module.classes)
        out.append(
            SqlModelModule(
                module.module,
                module.doc,
                _sqlmodel_imports(module.imports, classes),
                module.type_checking,
                classes,
            )
        )
    return tuple(out)


def _sqlmodel_class(cls: ModelClass, table: Table) -> SqlModelClass:
    fields = tuple(_field(attr, col) for attr, col in zip(cls.columns, table.columns, strict=True))
    relationships = tuple(
        RelationshipField(
            rel,
            f'list["{rel.target}"]'
            if rel.annotation.startswith("list[")
            else (f'Optional["{rel.target}"]' if rel.annotation.endswith(" | None") else f'"{rel.target}"'),
        )
        for rel in cls.relationships
    )
    return SqlModelClass(cls, fields, relationships)


def _db_fills_in(attr: ColumnAttr, col: Column) -> bool:
    """The database gives the column its value when an INSERT leaves it out."""
    serial = col.type.serial or (attr.primary_key and attr.autoincrement is None and _integer(col))
    return bool(attr.server_default is not None or attr.identity or attr.computed or serial)


def _integer(col: Column) -> bool:
    return col.type.base in ("smallint", "integer", "bigint") and not col.type.array


def _field_fk(fk: ForeignKeyArg | None) -> bool:
    """Field(foreign_key=..., ondelete=...) says all of `fk`."""
    if fk is None:
        return True
    return not (fk.onupdate or fk.deferrable or fk.initially_deferred or fk.use_alter or fk.name)


def _sql_type(sql_type: str) -> str:
    """A SQLModel object sets every field it is made without to its default (None), where a declarative
    one leaves the attribute unset: a JSON type must then write SQL NULL (or leave the column to its
    server default), not the JSON value null, as the declarative model does."""
    return f"{sql_type}(none_as_null=True)" if sql_type in ("JSON", "JSONB") else sql_type


def _field(attr: ColumnAttr, col: Column) -> FieldAttr:
    filled = _db_fills_in(attr, col)
    nullable_db = col.nullable and not attr.primary_key and attr.nullable is not False
    annotation = attr.annotation
    if filled and not annotation.endswith(" | None"):
        annotation += " | None"  # None until the row is flushed
    sa_column = bool(attr.identity or attr.computed or attr.attribute != attr.column) or not _field_fk(
        attr.foreign_key
    )
    nullable: bool | None = None  # Field: NULL when annotated `| None`; Column: NULL unless told
    if attr.nullable is None and not attr.primary_key and not nullable_db:
        if sa_column or annotation.endswith(" | None"):
            nullable = False
    return FieldAttr(
        column=attr,
        annotation=annotation,
        sql_type=_sql_type(attr.sql_type),
        sa_column=sa_column,
        default_none=filled or nullable_db,
        nullable=nullable,
    )


def _sqlmodel_imports(block: ImportBlock, classes: tuple[SqlModelClass, ...]) -> ImportBlock:
    """The declarative module's imports, for the SQLModel module: Field and Relationship instead of
    mapped_column and relationship, Column where a field needs one, no `__future__`."""
    imports = _Imports()
    for module in block.modules:
        imports.add(module)
    fields = [f for cls in classes for f in cls.fields]
    inline_fk = any(f.sa_column and f.column.foreign_key is not None for f in fields)
    for module, names in block.names:
        if module in ("__future__", "sqlalchemy.orm"):
            continue
        for name in names:
            if module == "sqlalchemy" and name == "ForeignKey" and not inline_fk:
                continue
            imports.add(module, name)
    imports.add("sqlmodel", "Field")
    if any(f.sa_column for f in fields):
        imports.add("sqlalchemy", "Column")
    if any(cls.relationships for cls in classes):
        imports.add("sqlmodel", "Relationship")
    if any(r.annotation.startswith("Optional[") for cls in classes for r in cls.relationships):
        imports.add("typing", "Optional")
    return imports.block()


# ---- Pydantic schemas -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemaField:
    """`attribute: annotation` (`= Field(...)` when it has a default, a constraint or a description)."""

    attribute: str  # the model's attribute, so that `Model(**payload.model_dump())` works
    annotation: str
    required: bool  # no default; else the default is None
    max_length: int | None = None  # varchar(n) / char(n)
    max_digits: int | None = None  # numeric(p, s)
    decimal_places: int | None = None
    description: str | None = None  # the doc's column comment


@dataclass(frozen=True, slots=True)
class SchemaClass:
    name: str  # StoryRead, StoryCreate, StoryUpdate
    docstring: str  # the text (JSON schema's description); printing wraps and escapes it
    from_attributes: bool  # model_config = ConfigDict(from_attributes=True): read from an ORM object
    fields: tuple[SchemaField, ...]  # in the doc's order


@dataclass(frozen=True, slots=True)
class SchemasModule:
    imports: ImportBlock
    classes: tuple[SchemaClass, ...]  # per table in the package's order: Read, Create, Update
    exports: tuple[str, ...]  # __all__, sorted


READ, CREATE, UPDATE = "Read", "Create", "Update"


def decide_schemas(schema: Schema, package: Package) -> SchemasModule:
    """Per table `XRead` (every column, as the model holds it), `XCreate` (the columns an INSERT may
    write: required when NOT NULL and the database has no value for it) and `XUpdate` (the same, all
    optional). Generated columns and GENERATED ALWAYS identities are never written, so only XRead has
    them."""
    tables = {t.name: t for t in schema.tables}
    enums = {e.name: e.python for e in package.enums.enums} if package.enums else {}
    imports = _Imports()
    imports.add("pydantic", "BaseModel")
    imports.add("pydantic", "ConfigDict")
    classes: list[SchemaClass] = []
    for module in package.models:
        for cls in module.classes:
            table = tables[cls.table]
            read: list[SchemaField] = []
            create: list[SchemaField] = []
            update: list[SchemaField] = []
            for attr, col in zip(cls.columns, table.columns, strict=True):
                base = _base_annotation(col, enums, imports)
                optional = f"{base} | None"
                limits = _limits(col)
                description = attr.comment
                read.append(
                    SchemaField(
                        attr.attribute,
                        optional if col.nullable else base,
                        True,
                        *limits,
                        description=description,
                    )
                )
                if attr.computed or attr.identity == "always":
                    continue
                required = not col.nullable and not _db_fills_in(attr, col)
                create.append(
                    SchemaField(
                        attr.attribute,
                        base if required else optional,
                        required,
                        *limits,
                        description=description,
                    )
                )
                update.append(SchemaField(attr.attribute, optional, False, *limits, description=description))
            doc = table.description or f"Table {table.name}."
            classes += [
                SchemaClass(cls.name + READ, doc, True, tuple(read)),
                SchemaClass(cls.name + CREATE, f"New {cls.name}: {doc}", False, tuple(create)),
                SchemaClass(cls.name + UPDATE, f"{cls.name} changes: {doc}", False, tuple(update)),
            ]
    if any(f.max_length or f.max_digits or f.description for c in classes for f in c.fields):
        imports.add("pydantic", "Field")
    return SchemasModule(imports.block(), tuple(classes), tuple(sorted(c.name for c in classes)))


def _base_annotation(col: Column, enums: dict[str, str], imports: _Imports) -> str:
    """The column's Python type without `| None` (an enum: its Python type in enums.py), with what it
    needs imported."""
    variable = enum_var(col.type.enum) if col.type.enum else None
    enum_type = enums[col.type.enum] if col.type.enum else "str"
    pt = python_type(col.type, variable, enum_type)
    if col.type.enum:
        imports.add(".enums", enum_type)
    if "Range[" in pt.annotation:  # SQLAlchemy's Range is no Pydantic type: validated by PostgreSQL
        imports.add("typing", "Any")
        return "Any"
    if "Any" in pt.annotation:
        imports.add("typing", "Any")
    for module in ("datetime", "uuid", "decimal"):
        if f"{module}." in pt.annotation:
            imports.add(module)
    return pt.annotation


def _limits(col: Column) -> tuple[int | None, int | None, int | None]:
    """(max_length, max_digits, decimal_places) the column's type sets on a scalar value."""
    t = col.type
    if t.array or t.enum:
        return None, None, None
    if t.base in ("character varying", "character") and t.args:
        return int(t.args[0]), None, None
    if t.base == "numeric" and t.args:
        scale = int(t.args[1]) if len(t.args) > 1 else 0
        return None, int(t.args[0]), scale
    return None, None, None
