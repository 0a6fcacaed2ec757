"""Decide what the generated package says, as data: modules, classes, column attributes, relationships,
table arguments, imports, enums, stand-ins and the DDL registry.

Every Python decision is made here once (sqlacodegen's generate_*); `models`, `package_files` and
`repositories` only print these values (render_*), and the templates print what those give them.
Nothing here is source text except SQL and type expressions that are printed as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from mdschema.codegen.inflection import plural
from mdschema.codegen.options import RenderOptions
from mdschema.codegen.py_names import Names, attr_name, enum_members, enum_var, fk_stem, name_schema
from mdschema.codegen.py_types import python_type
from mdschema.codegen.source import isort_names
from mdschema.errors import Diagnostic, Span, SpecError
from mdschema.schema import Exclude, ExcludeElement, ForeignKey, Index, IndexElement, PgType, Schema, Table
from mdschema.util.sql_text import DEFAULT_SCHEMA, always_quoted, split_key


def _outside_public(schema: str) -> str | None:
    """The `schema=` a model, enum or stand-in is given: none in public (SQLAlchemy's default)."""
    return None if schema == DEFAULT_SCHEMA else schema


# The naming convention in generated base.py; a name PostgreSQL would give that equals what the
# convention yields needs no name= in the model. No "ck" entry: a convention with
# %(constraint_name)s would rewrite the explicit name every generated CheckConstraint carries
# (product_price_check → product_product_price_check_check).
CONVENTION = (
    ("ix", "%(table_name)s_%(column_0_N_name)s_idx"),
    ("uq", "%(table_name)s_%(column_0_N_name)s_key"),
    ("fk", "%(table_name)s_%(column_0_N_name)s_fkey"),
    ("pk", "%(table_name)s_pkey"),
)


# ---- the decisions ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportBlock:
    modules: tuple[str, ...] = ()  # `import datetime`, sorted
    names: tuple[
        tuple[str, tuple[str, ...]], ...
    ] = ()  # `from m import a, b`: by module, names in isort order


@dataclass(frozen=True, slots=True)
class ForeignKeyArg:
    """A foreign key: `ForeignKey(...)` on its column when it has one column, else a
    `ForeignKeyConstraint(...)` in `__table_args__`."""

    columns: tuple[str, ...]
    targets: tuple[str, ...]  # "table.column", one per column
    ondelete: str | None = None  # None: NO ACTION
    onupdate: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    use_alter: bool = False  # on a cycle between tables: added after both tables exist
    name: str | None = None  # None: the naming convention yields PostgreSQL's name


@dataclass(frozen=True, slots=True)
class PrimaryKeyArg:
    columns: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True, slots=True)
class UniqueArg:
    columns: tuple[str, ...]
    name: str | None = None
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass(frozen=True, slots=True)
class CheckArg:
    expression: str  # SQL
    name: str


@dataclass(frozen=True, slots=True)
class IndexPart:
    """One element of an index: a plain column, or SQL text (an expression, a DESC, an operator class on a
    quoted column...)."""

    column: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class IndexArg:
    name: str
    parts: tuple[IndexPart, ...]
    unique: bool = False
    using: str | None = None  # None: btree
    ops: tuple[tuple[str, str], ...] = ()  # (column, operator class)
    with_options: tuple[tuple[str, int | str], ...] = ()
    where: str | None = None  # SQL
    include: tuple[str, ...] = ()
    nulls_not_distinct: bool = False


@dataclass(frozen=True, slots=True)
class ExcludeArg:
    """`ExcludeConstraint((element, operator), …, name=…, using=…)` of sqlalchemy.dialects.postgresql."""

    name: str
    elements: tuple[tuple[IndexPart, str], ...]  # (a column or SQL text, the operator)
    using: str
    ops: tuple[tuple[str, str], ...] = ()  # (column, operator class)
    where: str | None = None  # SQL
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass(frozen=True, slots=True)
class TableOptions:
    """The dict that ends `__table_args__`: the table's comment, its schema outside public."""

    comment: str | None = None
    schema: str | None = None


TableArg = PrimaryKeyArg | UniqueArg | ForeignKeyArg | CheckArg | ExcludeArg | IndexArg | TableOptions


@dataclass(frozen=True, slots=True)
class ColumnAttr:
    """`attribute: Mapped[annotation] = mapped_column(...)`."""

    attribute: str
    column: str  # the column's name in the database
    annotation: str  # the Python type, `| None` included when nullable
    sql_type: str  # SQLAlchemy type expression, e.g. "String(200)"
    foreign_key: ForeignKeyArg | None = None
    identity: str | None = None  # "always" | "by default"
    computed: str | None = None  # SQL of a STORED generated column
    primary_key: bool = False  # primary_key=True (a one-column key)
    autoincrement: bool | None = None  # None: SQLAlchemy's default
    nullable: bool | None = None  # None: from the annotation (a composite key's columns say False)
    unique: bool = False
    server_default: str | None = None  # SQL
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class RelationshipAttr:
    """`attribute: Mapped[annotation] = relationship(...)`."""

    attribute: str
    target: str  # the related class
    annotation: str  # "list[Target]" or "Target | None"
    back_populates: str
    foreign_keys: tuple[str, ...] = ()  # "Class.attribute", when two foreign keys join the same tables
    remote_side: tuple[str, ...] = ()  # "Class.attribute", on a self-reference
    uselist: bool | None = None  # False on the parent side of a one-to-one
    cascade: str | None = None  # None: SQLAlchemy's default ("save-update, merge")
    passive_deletes: bool | str = False  # True | "all": on the parent side, from the FK's ON DELETE


@dataclass(frozen=True, slots=True)
class ModelClass:
    name: str
    table: str  # __tablename__: the name in its schema
    docstring: str  # the text; printing wraps and escapes it
    table_args: tuple[TableArg, ...]
    columns: tuple[ColumnAttr, ...]  # in the doc's order
    relationships: tuple[RelationshipAttr, ...]  # by attribute
    key: str = ""  # the table's key (schema.name outside public), as the IR names it


@dataclass(frozen=True, slots=True)
class ModelModule:
    module: str
    doc: str
    imports: ImportBlock
    type_checking: ImportBlock  # classes of other modules, imported under `if TYPE_CHECKING:`
    classes: tuple[ModelClass, ...]  # in the doc's order


@dataclass(frozen=True, slots=True)
class EnumType:
    variable: str  # MoodEnum: the SQLAlchemy ENUM columns are mapped with
    name: str  # mood, app.mood (the key)
    labels: tuple[str, ...]
    python: str = ""  # Mood: the Python type annotations name (a StrEnum class or a Literal alias)
    members: tuple[str, ...] = ()  # the StrEnum's member names, one per label
    type_name: str = ""  # the type's name in its schema
    schema: str | None = None  # outside public


@dataclass(frozen=True, slots=True)
class EnumsModule:
    imports: ImportBlock
    enums: tuple[EnumType, ...]
    style: str = "enum"  # "enum" | "literal" (options.enum_style)


@dataclass(frozen=True, slots=True)
class StandInColumn:
    name: str
    sql_type: str


@dataclass(frozen=True, slots=True)
class StandInTable:
    """A `Table(...)` for a table the docs reference but do not own, so that their foreign keys resolve."""

    variable: str
    name: str  # its key: "users", "auth.users"
    columns: tuple[StandInColumn, ...]  # its key columns the docs reference
    table: str = ""  # its name in its schema
    schema: str | None = None  # outside public
    create_schema: str | None = None  # CREATE SCHEMA IF NOT EXISTS …, run before the stand-in is created


@dataclass(frozen=True, slots=True)
class ExternalModule:
    imports: ImportBlock
    tables: tuple[StandInTable, ...]
    functions: tuple[str, ...] = ()  # stand-ins of external_functions: CREATE SCHEMA …, CREATE FUNCTION …


@dataclass(frozen=True, slots=True)
class DdlModule:
    """ddl.py: what the migrations manage beyond tables."""

    extensions: tuple[str, ...]
    functions: tuple[tuple[str, str], ...]  # (signature, CREATE OR REPLACE FUNCTION …)
    triggers: tuple[tuple[str, str, str], ...]  # (table, name, CREATE OR REPLACE TRIGGER …)
    unmanaged: tuple[str, ...]
    renames: tuple[tuple[str, str, str, str], ...]  # (kind, table or enum, old, new)
    external: tuple[tuple[str, str], ...]  # (table, keep_fk | column_only)
    schemas: tuple[str, ...] = ()  # CREATE SCHEMA of the docs
    managed_schemas: tuple[str, ...] = ("public",)  # public, those created, those used
    views: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (name, VIEW | MATERIALIZED VIEW, statements)
    row_security: tuple[tuple[str, str], ...] = ()  # (table, ALTER TABLE … ROW LEVEL SECURITY)
    policies: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (table, name, statements)
    external_functions: tuple[str, ...] = ()  # signatures of the functions the platform provides
    sequences: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (key, CREATE SEQUENCE, then OWNED BY, comment)
    domains: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (key, statements), before the tables


@dataclass(frozen=True, slots=True)
class InitModule:
    imports: ImportBlock
    exports: tuple[str, ...]  # __all__, sorted


@dataclass(frozen=True, slots=True)
class Package:
    """Everything the generated package says."""

    name: str  # the dotted package
    sources: str  # the docs it comes from, for headers: "spec/a.md, spec/b.md"
    naming_convention: tuple[tuple[str, str], ...]
    models: tuple[ModelModule, ...]  # by module name
    enums: EnumsModule | None  # None: no enums.py
    external: ExternalModule | None  # None: no external.py
    ddl: DdlModule
    init: InitModule
    session_layer: bool  # db.py
    repositories: bool  # repositories.py
    flavor: str = "sqlalchemy"  # the model classes: declarative, or SQLModel (codegen.outputs decides)
    schemas: bool = False  # schemas.py (codegen.outputs decides it)


# ---- deciding -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Imports:
    """Collects what a module uses while its contents are decided."""

    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    modules: set[str] = field(default_factory=set)

    def add(self, module: str, name: str = "") -> None:
        if name:
            self.names[module].add(name)
        else:
            self.modules.add(module)

    def block(self) -> ImportBlock:
        return ImportBlock(
            tuple(sorted(self.modules)),
            tuple((m, tuple(isort_names(self.names[m]))) for m in sorted(self.names)),
        )


def decide_package(schema: Schema, options: RenderOptions) -> Package:
    """Every decision for `schema`; SpecError when Python names clash (see py_names.name_schema)."""
    naming = name_schema(schema, options)
    errors = [d for d in naming.diagnostics if d.severity == "error"]
    if errors:
        raise SpecError(errors)
    names = naming.names
    models = decide_models(schema, names, options)
    enums = decide_enums(schema, names, options.enum_style)
    external = decide_external(schema)
    return Package(
        name=options.package,
        sources=", ".join(schema.docs) or "no docs",
        naming_convention=CONVENTION,
        models=models,
        enums=enums,
        external=external,
        ddl=decide_ddl(schema),
        init=decide_init(models, enums, external),
        session_layer=options.session_layer,
        repositories=options.repositories,
        flavor=options.models,
        schemas=options.schemas,
    )


def relationship_check(options: RenderOptions) -> Callable[[Schema], tuple[Diagnostic, ...]]:
    """The renames of `[tool.mdschema.relationship_names]` that cannot be made (E308), as a check
    `spec.load.load_schema(checks=...)` runs with the docs' own diagnostics."""

    def check(schema: Schema) -> tuple[Diagnostic, ...]:
        naming = name_schema(schema, options)
        if any(d.severity == "error" for d in naming.diagnostics):
            return ()  # name_schema's own check reports those
        return _decide_relationships(schema, naming.names, options)[1]

    return check


@dataclass(frozen=True, slots=True)
class _Relationship:
    owner: str  # table that gets the attribute
    attr: str
    target: str  # table it points to
    many: bool  # list[...] side
    nullable: bool
    back_populates: str
    foreign_keys: tuple[str, ...]  # "Class.attr" of the child's FK columns, when ambiguous
    remote_side: tuple[str, ...]
    uselist_false: bool
    cascade: str | None = None
    passive_deletes: bool | str = False


# What the parent side of a relationship does when the parent is deleted, so that the ORM deletes like
# the database the docs describe, whether or not the children are loaded in the session:
# - CASCADE: the loaded children are deleted by the ORM (their own relationships cascade in turn), the
#   others by the database (passive_deletes: they are not loaded first). When the key is NOT NULL a
#   child cannot outlive its parent, so one removed from the collection is deleted (delete-orphan)
#   instead of failing with a NotNullViolation; a nullable one keeps its row, its key nulled.
# - SET NULL: the ORM nulls the loaded children's key, as the database does the others'.
# - SET DEFAULT, RESTRICT, NO ACTION: the ORM leaves the children alone ("all": it never nulls their
#   key), so the database applies the default, or refuses the delete with its own error.
CASCADE_NOT_NULL = "all, delete-orphan"
CASCADE_NULLABLE = "save-update, merge, delete"
PASSIVE_DELETES: dict[str, bool | str] = {
    "CASCADE": True,
    "SET NULL": True,
    "SET DEFAULT": "all",
    "RESTRICT": "all",
    "NO ACTION": "all",
}


def _on_delete(fk: ForeignKey, nullable: bool) -> tuple[str | None, bool | str]:
    """(cascade=, passive_deletes=) of the parent side of `fk`'s relationship."""
    cascade = None
    if fk.on_delete == "CASCADE":
        cascade = CASCADE_NULLABLE if nullable else CASCADE_NOT_NULL
    return cascade, PASSIVE_DELETES[fk.on_delete]


_Relationships = tuple[dict[str, tuple[_Relationship, ...]], tuple[Diagnostic, ...]]
# The last answer, for the same (immutable) schema and names: `generate` asks twice, once for the
# load's E308 check and once to render (0.3 s each at 2,000 tables).
_LAST_RELATIONSHIPS: list[tuple[Schema, Names, RenderOptions, _Relationships]] = []


def _decide_relationships(schema: Schema, names: Names, options: RenderOptions) -> _Relationships:
    """Both sides of every FK between two mapped tables, with unique, collision-free names, renamed as
    `[tool.mdschema.relationship_names]` says; each rename that cannot be made is a diagnostic (E308)."""
    for last_schema, last_names, last_options, answer in _LAST_RELATIONSHIPS:
        if last_schema is schema and last_names is names and last_options == options:
            return answer
    answer = _relationships(schema, names, options)
    _LAST_RELATIONSHIPS[:] = [(schema, names, options, answer)]
    return answer


def _relationships(schema: Schema, names: Names, options: RenderOptions) -> _Relationships:
    tables = {t.name: t for t in schema.tables}
    taken: dict[str, set[str]] = {t.name: {names.attribute(c.name) for c in t.columns} for t in schema.tables}
    pair_count: dict[frozenset[str], int] = defaultdict(int)
    for t in schema.tables:
        for fk in t.foreign_keys:
            if fk.ref_table in tables:
                pair_count[frozenset((t.name, fk.ref_table))] += 1
    pending: list[tuple[_Relationship, _Relationship]] = []  # (child side, parent side), default names
    for child in sorted(schema.tables, key=lambda t: t.name):
        for fk in sorted(child.foreign_keys, key=lambda f: f.name):
            parent = tables.get(fk.ref_table)
            if parent is None:
                continue
            self_ref = parent.name == child.name
            ambiguous = pair_count[frozenset((child.name, parent.name))] > 1 or self_ref
            one_to_one = _is_unique(child, fk.columns)
            stem = fk_stem(fk.columns[0]) if len(fk.columns) == 1 else parent.bare
            child_attr = _free(stem, taken[child.name], names.pydantic)
            if self_ref:
                base = f"{stem}_{plural(child.bare)}" if not one_to_one else f"{stem}_{child.bare}"
            elif ambiguous:
                base = f"{stem}_{child.bare if one_to_one else plural(child.bare)}"
            else:
                base = child.bare if one_to_one else plural(child.bare)
            parent_attr = _free(base, taken[parent.name], names.pydantic)
            fk_cols = tuple(f"{names.classes[child.name]}.{names.attribute(c)}" for c in fk.columns)
            nullable = any(child.column(c).nullable for c in fk.columns)  # type: ignore[union-attr]
            remote: tuple[str, ...] = ()
            if self_ref:
                remote = tuple(f"{names.classes[parent.name]}.{names.attribute(c)}" for c in fk.ref_columns)
            pending.append(
                (
                    _Relationship(
                        owner=child.name,
                        attr=child_attr,
                        target=parent.name,
                        many=False,
                        nullable=nullable,
                        back_populates=parent_attr,
                        foreign_keys=fk_cols if ambiguous else (),
                        remote_side=remote,
                        uselist_false=False,
                    ),
                    _Relationship(
                        owner=parent.name,
                        attr=parent_attr,
                        target=child.name,
                        many=not one_to_one,
                        nullable=True,
                        back_populates=child_attr,
                        foreign_keys=fk_cols if ambiguous else (),
                        remote_side=(),
                        uselist_false=one_to_one,
                        cascade=_on_delete(fk, nullable)[0],
                        passive_deletes=_on_delete(fk, nullable)[1],
                    ),
                )
            )
    renamed, problems = _renamed(pending, schema, options)
    out: dict[str, list[_Relationship]] = defaultdict(list)
    for child_side, parent_side in pending:
        child_attr = renamed.get((child_side.owner, child_side.attr), child_side.attr)
        parent_attr = renamed.get((parent_side.owner, parent_side.attr), parent_side.attr)
        out[child_side.owner].append(replace(child_side, attr=child_attr, back_populates=parent_attr))
        out[parent_side.owner].append(replace(parent_side, attr=parent_attr, back_populates=child_attr))
    return {owner: tuple(sides) for owner, sides in out.items()}, problems


def _renamed(
    pending: list[tuple[_Relationship, _Relationship]], schema: Schema, options: RenderOptions
) -> tuple[dict[tuple[str, str], str], tuple[Diagnostic, ...]]:
    """(table, generated attribute) → the configured name, for each rename that can be made."""
    spans = dict(options.relationship_spans)
    generated: dict[str, set[str]] = defaultdict(set)
    for pair in pending:
        for side in pair:
            generated[side.owner].add(side.attr)
    pydantic = options.pydantic_fields
    columns = {t.name: {attr_name(c.name, pydantic) for c in t.columns} for t in schema.tables}
    problems: list[Diagnostic] = []
    renamed: dict[tuple[str, str], str] = {}
    for key, name in options.relationship_names:
        span = spans.get(key, Span("pyproject.toml", 1))
        table, _, attr = key.rpartition(".")
        if attr not in generated.get(table, set()):
            known = ", ".join(f"{table}.{a}" for a in sorted(generated.get(table, set()))) or "none"
            problems.append(
                Diagnostic(
                    span,
                    "E308",
                    f"[tool.mdschema] relationship_names: {key} is not a relationship mdschema generates",
                    f"name it as generated (TABLE.ATTRIBUTE); relationships of {table}: {known}",
                )
            )
            continue
        if attr_name(name, pydantic) != name:
            problems.append(
                Diagnostic(
                    span,
                    "E308",
                    f"[tool.mdschema] relationship_names.{key} = {name!r} is reserved in a model class",
                    f"choose another name, e.g. {attr_name(name, pydantic)!r}",
                )
            )
            continue
        renamed[(table, attr)] = name
    # Generated names never clash (see _free); a renamed one must not land on a column, a relationship
    # kept as generated, or another renamed one.
    final: dict[str, dict[str, str]] = {}  # table → attribute → what it is
    for table in sorted(generated):
        final[table] = {c: f"column {table}.{c}" for c in columns.get(table, set())}
        for attr in generated[table]:
            if (table, attr) not in renamed:
                final[table][attr] = f"relationship {table}.{attr}"
    for (table, attr), name in sorted(renamed.items()):
        if name in final[table]:
            problems.append(
                Diagnostic(
                    spans.get(f"{table}.{attr}", Span("pyproject.toml", 1)),
                    "E308",
                    f"[tool.mdschema] relationship_names: {table}.{attr} renamed to {name} would be the "
                    f"same attribute as {final[table][name]}",
                    "choose another name",
                )
            )
            del renamed[(table, attr)]
            continue
        final[table][name] = f"relationship {table}.{attr} (renamed)"
    return renamed, tuple(problems)


def _is_unique(table: Table, columns: tuple[str, ...]) -> bool:
    keys = [set(u.columns) for u in table.uniques] + [
        set(i.elements[j].column or "" for j in range(len(i.elements)))
        for i in table.indexes
        if i.unique and i.where is None and all(e.column for e in i.elements)
    ]
    if table.primary_key:
        keys.append(set(table.primary_key.columns))
    return set(columns) in keys


def _free(base: str, taken: set[str], pydantic: bool = False) -> str:
    name = attr_name(base, pydantic)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}" if n > 2 or not name.endswith("_ref") else f"{name}{n}"
        if n == 2:
            candidate = f"{name}_rel"
    taken.add(candidate)
    return candidate


def _convention(table: str, columns: tuple[str, ...], label: str) -> str:
    return f"{table}_{'_'.join(columns)}_{label}" if columns else f"{table}_{label}"


def _name_unless_conventional(name: str, table: str, columns: tuple[str, ...], label: str) -> str | None:
    """`name`, or None when base.py's naming convention gives exactly it (a name longer than PostgreSQL
    keeps never equals PostgreSQL's, which is clipped to 63 bytes)."""
    return None if name == _convention(table, columns, label) else name


def _foreign_key(fk: ForeignKey, table: str) -> ForeignKeyArg:
    return ForeignKeyArg(
        columns=fk.columns,
        targets=tuple(f"{fk.ref_table}.{c}" for c in fk.ref_columns),
        ondelete=fk.on_delete if fk.on_delete != "NO ACTION" else None,
        onupdate=fk.on_update if fk.on_update != "NO ACTION" else None,
        deferrable=fk.deferrable,
        initially_deferred=fk.initially_deferred,
        use_alter=fk.use_alter,
        name=_name_unless_conventional(fk.name, table, fk.columns, "fkey"),
    )


def _index(index: Index, imports: _Imports) -> IndexArg:
    imports.add("sqlalchemy", "Index")
    parts: list[IndexPart] = []
    ops: list[tuple[str, str]] = []
    for el in index.elements:
        if el.column and not el.descending and el.nulls is None and el.collation is None:
            parts.append(IndexPart(column=el.column))
            if el.opclass:
                ops.append((el.column, el.opclass))
            continue
        imports.add("sqlalchemy", "text")
        parts.append(IndexPart(text=element_sql(el)))
    if index.where:
        imports.add("sqlalchemy", "text")
    return IndexArg(
        name=index.name,
        parts=tuple(parts),
        unique=index.unique,
        using=index.method if index.method != "btree" else None,
        ops=tuple(ops),
        with_options=tuple((k, int(v) if v.isdigit() else v) for k, v in index.with_options),
        where=index.where,
        include=index.include,
        nulls_not_distinct=index.nulls_not_distinct,
    )


def _exclude(ex: Exclude, imports: _Imports) -> ExcludeArg:
    """An EXCLUDE constraint as PostgreSQL's ExcludeConstraint, named always (no naming convention
    covers it): plain columns by name (their operator class in ops=), the rest as SQL text."""
    imports.add("sqlalchemy.dialects.postgresql", "ExcludeConstraint")
    elements: list[tuple[IndexPart, str]] = []
    ops: list[tuple[str, str]] = []
    for el in ex.elements:
        if el.column and not el.descending and el.nulls is None and el.collation is None:
            elements.append((IndexPart(column=el.column), el.operator))
            if el.opclass:
                ops.append((el.column, el.opclass))
            continue
        imports.add("sqlalchemy", "text")
        elements.append((IndexPart(text=element_sql(el)), el.operator))
    if ex.where:
        imports.add("sqlalchemy", "text")
    return ExcludeArg(
        ex.name, tuple(elements), ex.method, tuple(ops), ex.where, ex.deferrable, ex.initially_deferred
    )


def element_sql(el: IndexElement | ExcludeElement) -> str:
    """An index (or EXCLUDE) element as SQL: the column or expression, then COLLATE, the operator class,
    DESC and NULLS as CREATE INDEX takes them (`name COLLATE "C" text_pattern_ops DESC`)."""
    expr = el.column if el.column else el.expression or ""
    if el.column and not _plain_identifier(el.column):
        expr = always_quoted(el.column)
    if el.collation:
        expr += f" COLLATE {always_quoted(el.collation)}"
    if el.opclass:
        expr += f" {el.opclass}"
    if el.descending:
        expr += " DESC"
    if el.nulls:
        expr += f" NULLS {el.nulls.upper()}"
    return expr


def _plain_identifier(name: str) -> bool:
    return name.isidentifier() and name == name.lower() and name.isascii()


def _add_type_imports(imports: _Imports, annotation: str) -> None:
    if "Any" in annotation:
        imports.add("typing", "Any")
    for module in ("datetime", "uuid", "decimal"):
        if f"{module}." in annotation:
            imports.add(module)


def _decide_class(
    table: Table,
    rels: tuple[_Relationship, ...],
    names: Names,
    tables: dict[str, Table],
    imports: _Imports,
    type_checking: dict[str, set[str]],
    module: str,
) -> ModelClass:
    imports.add("sqlalchemy.orm", "Mapped")
    imports.add("sqlalchemy.orm", "mapped_column")
    args: list[TableArg] = []  # the elements of __table_args__
    pk = table.primary_key
    single_pk = pk is not None and len(pk.columns) == 1
    if pk is not None:
        pk_name = _name_unless_conventional(pk.name, table.bare, (), "pkey")
        if len(pk.columns) > 1 or pk_name is not None:
            imports.add("sqlalchemy", "PrimaryKeyConstraint")
            args.append(PrimaryKeyArg(pk.columns, pk_name))
            single_pk = False
    fk_by_col = {fk.columns[0]: fk for fk in table.foreign_keys if len(fk.columns) == 1}
    inline_unique: set[str] = set()
    for u in table.uniques:
        u_name = _name_unless_conventional(u.name, table.bare, u.columns, "key")
        if (
            len(u.columns) == 1
            and not u.named
            and not u.nulls_not_distinct
            and not u.deferrable
            and not u_name
        ):
            inline_unique.add(u.columns[0])
            continue
        imports.add("sqlalchemy", "UniqueConstraint")
        args.append(UniqueArg(u.columns, u_name, u.nulls_not_distinct, u.deferrable, u.initially_deferred))
    for fk in table.foreign_keys:
        if len(fk.columns) > 1:
            imports.add("sqlalchemy", "ForeignKeyConstraint")
            args.append(_foreign_key(fk, table.bare))
    for ck in table.checks:
        imports.add("sqlalchemy", "CheckConstraint")
        args.append(CheckArg(ck.expression, ck.name))
    for ex in table.excludes:
        args.append(_exclude(ex, imports))
    for index in table.indexes:
        args.append(_index(index, imports))
    schema_name = _outside_public(table.schema)
    if table.description or schema_name:  # a dict, always the tuple's last element
        args.append(TableOptions(table.description or None, schema_name))

    columns: list[ColumnAttr] = []
    for col in table.columns:
        variable = enum_var(col.type.enum) if col.type.enum else None
        enum_type = names.enums[col.type.enum] if col.type.enum else "str"
        pt = python_type(col.type, variable, enum_type, col.collation)
        for mod, name in pt.imports:
            imports.add(mod, name)
        if variable:
            imports.add(".enums", variable)
            imports.add(".enums", enum_type)  # at run time: SQLAlchemy resolves the annotation
        annotation = pt.annotation + (" | None" if col.nullable else "")
        _add_type_imports(imports, annotation)
        col_fk = fk_by_col.get(col.name)
        if col_fk is not None:
            imports.add("sqlalchemy", "ForeignKey")
        if col.identity:
            imports.add("sqlalchemy", "Identity")
        if col.generated:
            imports.add("sqlalchemy", "Computed")
        if col.default is not None:
            imports.add("sqlalchemy", "text")
        is_pk = pk is not None and col.name in pk.columns
        integer = col.type.base in ("smallint", "integer", "bigint")
        autoincrement = None
        if is_pk and integer and not col.type.serial and not col.identity:
            autoincrement = False
        elif col.type.serial and not is_pk:
            autoincrement = True
        columns.append(
            ColumnAttr(
                attribute=names.attribute(col.name),
                column=col.name,
                annotation=annotation,
                sql_type=pt.sa,
                foreign_key=_foreign_key(col_fk, table.bare) if col_fk is not None else None,
                identity=col.identity,
                computed=col.generated,
                primary_key=is_pk and single_pk,
                autoincrement=autoincrement,
                nullable=False if is_pk and not single_pk else None,
                unique=col.name in inline_unique,
                server_default=col.default,
                comment=col.comment or None,
            )
        )

    relationships: list[RelationshipAttr] = []
    for rel in sorted(rels, key=lambda r: r.attr):
        imports.add("sqlalchemy.orm", "relationship")
        target = names.classes[rel.target]
        target_module = names.modules[tables[rel.target].doc]
        if target_module != module:
            type_checking[f".{target_module}"].add(target)
        relationships.append(
            RelationshipAttr(
                attribute=rel.attr,
                target=target,
                annotation=f"list[{target}]" if rel.many else target + (" | None" if rel.nullable else ""),
                back_populates=rel.back_populates,
                foreign_keys=rel.foreign_keys,
                remote_side=rel.remote_side,
                uselist=False if rel.uselist_false else None,
                cascade=rel.cascade,
                passive_deletes=rel.passive_deletes,
            )
        )
    return ModelClass(
        name=names.classes[table.name],
        table=table.bare,
        key=table.name,
        docstring=table.description or f"Table {table.name}.",
        table_args=tuple(args),
        columns=tuple(columns),
        relationships=tuple(relationships),
    )


def decide_models(schema: Schema, names: Names, options: RenderOptions) -> tuple[ModelModule, ...]:
    """One module per doc (by module name), its classes in the doc's order."""
    rels, problems = _decide_relationships(schema, names, options)
    if problems:
        raise SpecError(list(problems))
    tables = {t.name: t for t in schema.tables}
    by_module: dict[str, list[Table]] = defaultdict(list)
    for t in schema.tables:
        by_module[names.modules[t.doc]].append(t)
    docs = {m: d for d, m in names.modules.items()}
    out: list[ModelModule] = []
    for module in sorted(docs):
        imports = _Imports()
        imports.add("__future__", "annotations")
        imports.add(".base", "Base")
        type_checking: dict[str, set[str]] = defaultdict(set)
        classes = tuple(
            _decide_class(t, rels.get(t.name, ()), names, tables, imports, type_checking, module)
            for t in sorted(by_module.get(module, []), key=lambda t: t.span.line)
        )
        tc = _Imports()
        for mod, classes_there in type_checking.items():
            for name in classes_there:
                tc.add(mod, name)
        if type_checking:
            imports.add("typing", "TYPE_CHECKING")
        out.append(ModelModule(module, docs[module], imports.block(), tc.block(), classes))
    return tuple(out)


def decide_enums(schema: Schema, names: Names, style: str = "enum") -> EnumsModule | None:
    """enums.py: per PostgreSQL enum its Python type (a StrEnum whose values are the labels, or a
    Literal of them) and the ENUM columns are mapped with, whose type name and labels are the doc's."""
    if not schema.enums:
        return None
    imports = _Imports()
    imports.add("sqlalchemy.dialects.postgresql", "ENUM")
    imports.add(".base", "Base")
    if style == "literal":
        imports.add("typing", "Literal")
    else:
        imports.add("enum")
    return EnumsModule(
        imports.block(),
        tuple(
            EnumType(
                enum_var(e.name),
                e.name,
                e.labels,
                python=names.enums[e.name],
                members=enum_members(e.labels) if style != "literal" else (),
                type_name=e.bare,
                schema=_outside_public(e.schema),
            )
            for e in schema.enums
        ),
        style,
    )


def decide_external(schema: Schema) -> ExternalModule | None:
    """Stand-ins for external tables, so FKs to them resolve in the metadata (never created by us)."""
    imports = _Imports()
    tables: list[StandInTable] = []

    def column(name: str, t: PgType) -> StandInColumn:
        variable = enum_var(t.enum) if t.enum else None
        pt = python_type(t, variable)
        for mod, imp in pt.imports:
            if mod not in ("uuid", "datetime", "decimal", "typing"):
                imports.add(mod, imp)
        if variable:
            imports.add(".enums", variable)
        return StandInColumn(name, pt.sa)

    for ext in schema.external:
        if ext.mode != "keep_fk" or not ext.key_columns:
            continue
        variable = attr_name("_".join(ext.name.split(".")) + "_table")
        in_schema, bare = split_key(ext.name)
        create = None
        if in_schema != DEFAULT_SCHEMA:
            create = f"CREATE SCHEMA IF NOT EXISTS {always_quoted(in_schema)}"
            imports.add("sqlalchemy", "DDL")
            imports.add("sqlalchemy", "event")
        columns = tuple(column(n, t) for n, t in ext.key_columns)
        tables.append(StandInTable(variable, ext.name, columns, bare, _outside_public(in_schema), create))
    # Unmanaged tables that the docs' foreign keys point at need a stand-in too, or the metadata
    # cannot resolve ForeignKey("events.id") (NoReferencedTableError in create_all/sorted_tables).
    unmanaged: dict[str, dict[str, PgType]] = defaultdict(dict)
    for table in schema.tables:
        for fk in table.foreign_keys:
            if fk.ref_table in schema.unmanaged:
                for mine, theirs in zip(fk.columns, fk.ref_columns, strict=False):
                    col = table.column(mine)
                    if col is not None:
                        unmanaged[fk.ref_table].setdefault(theirs, col.type)
    for name in sorted(unmanaged):
        columns = tuple(column(n, t) for n, t in sorted(unmanaged[name].items()))
        in_schema, bare = split_key(name)
        variable = attr_name("_".join(name.split(".")) + "_table")
        tables.append(StandInTable(variable, name, columns, bare, _outside_public(in_schema)))
    functions = stand_in_functions(schema)
    if not tables and not functions:
        return None
    if tables:
        imports.add("sqlalchemy", "Column")
        imports.add("sqlalchemy", "Table")
    if functions:
        imports.add("sqlalchemy", "DDL")
        imports.add("sqlalchemy", "event")
    imports.add(".base", "Base")
    return ExternalModule(imports.block(), tuple(tables), functions)


def stand_in_functions(schema: Schema) -> tuple[str, ...]:
    """What stands in for each external function on mdschema's own databases: its schema, then a
    function of its signature returning NULL of its type (a policy or a view that calls it can be created,
    and is compared as written; what it returns on the user's platform is the platform's)."""
    out: list[str] = []
    for schema_name in sorted({f.schema for f in schema.external_functions}):
        out.append(f"CREATE SCHEMA IF NOT EXISTS {schema_name}")
    for f in schema.external_functions:
        out.append(
            f"CREATE OR REPLACE FUNCTION {f.signature} RETURNS {f.returns} LANGUAGE sql STABLE "
            f"AS $$ SELECT NULL::{f.returns} $$"
        )
    return tuple(out)


def decide_views(schema: Schema) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    from mdschema.codegen.view_sql import view_statements

    return tuple(
        (v.name, "MATERIALIZED VIEW" if v.materialized else "VIEW", view_statements(v)) for v in schema.views
    )


def decide_ddl(schema: Schema) -> DdlModule:
    from mdschema.codegen.domain_sql import domain_statements
    from mdschema.codegen.policy_sql import policy_statements, row_security_statement
    from mdschema.codegen.sequence_sql import sequence_statements

    renames: list[tuple[str, str, str, str]] = []
    for t in schema.tables:
        if t.renamed_from:
            renames.append(("table", "", t.renamed_from, t.name))
        for c in t.columns:
            if c.renamed_from:
                renames.append(("column", t.name, c.renamed_from, c.name))
    for e in schema.enums:
        for old, new in e.renamed_labels:
            renames.append(("enum_label", e.name, old, new))
    return DdlModule(
        extensions=tuple(e.name for e in schema.extensions),
        functions=tuple((f.signature, f.sql) for f in schema.functions),
        triggers=tuple((t.table, t.name, t.sql) for t in schema.triggers),
        unmanaged=schema.unmanaged,
        renames=tuple(renames),
        external=tuple((e.name, e.mode) for e in schema.external),
        schemas=tuple(n.name for n in schema.namespaces),
        managed_schemas=schema.schemas,
        views=decide_views(schema),
        row_security=tuple((r.table, row_security_statement(r)) for r in schema.row_security),
        policies=tuple((p.table, p.name, policy_statements(p)) for p in schema.policies),
        external_functions=tuple(f.signature for f in schema.external_functions),
        sequences=tuple((q.name, sequence_statements(q)) for q in schema.sequences),
        domains=tuple((d.name, domain_statements(d)) for d in schema.domains),
    )


def decide_init(
    models: tuple[ModelModule, ...], enums: EnumsModule | None, external: ExternalModule | None
) -> InitModule:
    """__init__.py imports every model (so that `Base.metadata` is complete), never db or repositories:
    importing the models never needs a database."""
    imports = _Imports()
    exports: list[str] = []
    for enum in enums.enums if enums else ():
        imports.add(".enums", enum.variable)
        imports.add(".enums", enum.python)
        exports += [enum.variable, enum.python]
    if external is not None:
        imports.add(".", "external")
        exports.append("external")
    imports.add(".", "ddl")
    imports.add(".base", "Base")
    exports += ["ddl", "Base"]
    for module in models:
        for cls in module.classes:
            imports.add(f".{module.module}", cls.name)
            exports.append(cls.name)
    return InitModule(imports.block(), tuple(sorted(exports)))
