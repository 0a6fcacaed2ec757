"""Decide what the generated modules say: classes, columns, relationships, imports, order.

Everything here is a decision (sqlacodegen's generate_*); templates only print (render_*).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import mdschema.spec.pg_names as naming
from mdschema.codegen.source import LINE_LENGTH, Call, Node, flat, import_line, isort_names, statement
from mdschema.schema import ClassView, ForeignKey, Index, ModuleView, Schema, Table
from mdschema.spec.pg_names import py_str
from mdschema.spec.pg_types import python_type

# The naming convention in generated base.py; a name PostgreSQL would give that equals what the
# convention yields needs no name= in the model. No "ck" entry: a convention with
# %(constraint_name)s would rewrite the explicit name every generated CheckConstraint carries
# (product_price_check → product_product_price_check_check).
CONVENTION = {
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}


def _convention(table: str, columns: tuple[str, ...], label: str) -> str:
    return f"{table}_{'_'.join(columns)}_{label}" if columns else f"{table}_{label}"


def enum_var(name: str) -> str:
    return naming.class_name(name) + "Enum"


@dataclass(slots=True)
class _Imports:
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    modules: set[str] = field(default_factory=set)

    def add(self, module: str, name: str = "") -> None:
        if name:
            self.names[module].add(name)
        else:
            self.modules.add(module)

    def lines(self) -> tuple[str, ...]:
        """Sections the way ruff's isort sorts them: future, stdlib, third party, local."""
        stdlib = {"datetime", "decimal", "uuid", "typing", "enum"}
        sections: list[list[str]] = [[], [], [], []]
        for module in sorted(self.modules):
            sections[1 if module in stdlib else 2].append(f"import {module}")
        straight = {1: len(sections[1]), 2: len(sections[2])}
        del straight
        for module in sorted(self.names):
            names = isort_names(self.names[module])
            if module == "__future__":
                index = 0
            elif module.startswith("."):
                index = 3
            elif module.split(".")[0] in stdlib:
                index = 1
            else:
                index = 2
            sections[index].extend(import_line(module, names))
        out: list[str] = []
        for section in sections:
            if section:
                if out:
                    out.append("")
                out.extend(section)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Relationship:
    owner: str  # table that gets the attribute
    attr: str
    target: str  # table it points to
    many: bool  # list[...] side
    nullable: bool
    back_populates: str
    foreign_keys: tuple[str, ...]  # owner-or-target columns, "Class.attr" form, when ambiguous
    remote_side: str | None
    uselist_false: bool


def decide_relationships(schema: Schema) -> dict[str, list[Relationship]]:
    """Both sides of every FK between two mapped tables, with unique, collision-free names."""
    tables = {t.name: t for t in schema.tables}
    taken: dict[str, set[str]] = {
        t.name: {naming.attr_name(c.name) for c in t.columns} for t in schema.tables
    }
    pair_count: dict[frozenset[str], int] = defaultdict(int)
    for t in schema.tables:
        for fk in t.foreign_keys:
            if fk.ref_table in tables:
                pair_count[frozenset((t.name, fk.ref_table))] += 1
    out: dict[str, list[Relationship]] = defaultdict(list)
    for child in sorted(schema.tables, key=lambda t: t.name):
        for fk in sorted(child.foreign_keys, key=lambda f: f.name):
            parent = tables.get(fk.ref_table)
            if parent is None:
                continue
            self_ref = parent.name == child.name
            ambiguous = pair_count[frozenset((child.name, parent.name))] > 1 or self_ref
            one_to_one = _is_unique(child, fk.columns)
            stem = naming.fk_stem(fk.columns[0]) if len(fk.columns) == 1 else parent.name
            child_attr = _free(stem, taken[child.name])
            if self_ref:
                base = f"{stem}_{naming.plural(child.name)}" if not one_to_one else f"{stem}_{child.name}"
            elif ambiguous:
                base = f"{stem}_{child.name if one_to_one else naming.plural(child.name)}"
            else:
                base = child.name if one_to_one else naming.plural(child.name)
            parent_attr = _free(base, taken[parent.name])
            fk_cols = tuple(f"{child.class_name}.{naming.attr_name(c)}" for c in fk.columns)
            nullable = any(child.column(c).nullable for c in fk.columns)  # type: ignore[union-attr]
            remote = None
            if self_ref:
                remote = ", ".join(f"{parent.class_name}.{naming.attr_name(c)}" for c in fk.ref_columns)
            out[child.name].append(
                Relationship(
                    owner=child.name,
                    attr=child_attr,
                    target=parent.name,
                    many=False,
                    nullable=nullable,
                    back_populates=parent_attr,
                    foreign_keys=fk_cols if ambiguous else (),
                    remote_side=remote,
                    uselist_false=False,
                )
            )
            out[parent.name].append(
                Relationship(
                    owner=parent.name,
                    attr=parent_attr,
                    target=child.name,
                    many=not one_to_one,
                    nullable=True,
                    back_populates=child_attr,
                    foreign_keys=fk_cols if ambiguous else (),
                    remote_side=None,
                    uselist_false=one_to_one,
                )
            )
    return out


def _is_unique(table: Table, columns: tuple[str, ...]) -> bool:
    keys = [set(u.columns) for u in table.uniques] + [
        set(i.elements[j].column or "" for j in range(len(i.elements)))
        for i in table.indexes
        if i.unique and i.where is None and all(e.column for e in i.elements)
    ]
    if table.primary_key:
        keys.append(set(table.primary_key.columns))
    return set(columns) in keys


def _free(base: str, taken: set[str]) -> str:
    name = naming.attr_name(base)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}" if n > 2 or not name.endswith("_ref") else f"{name}{n}"
        if n == 2:
            candidate = f"{name}_rel"
    taken.add(candidate)
    return candidate


def _fk_call(fk: ForeignKey, single: bool, table: str, imports: _Imports) -> Call:
    imports.add("sqlalchemy", "ForeignKey" if single else "ForeignKeyConstraint")
    target = [f"{fk.ref_table}.{c}" for c in fk.ref_columns]
    if single:
        args: list[Node] = [py_str(target[0])]
    else:
        args = [_list(py_str(c) for c in fk.columns), _list(py_str(t) for t in target)]
    if fk.on_delete != "NO ACTION":
        args.append(f"ondelete={py_str(fk.on_delete)}")
    if fk.on_update != "NO ACTION":
        args.append(f"onupdate={py_str(fk.on_update)}")
    if fk.deferrable:
        args.append("deferrable=True")
    if fk.initially_deferred:
        args.append('initially="DEFERRED"')
    if fk.use_alter:
        args.append("use_alter=True")
    if fk.name != _convention(table, fk.columns, "fkey") or naming.too_long(
        _convention(table, fk.columns, "fkey")
    ):
        args.append(f"name={py_str(fk.name)}")
    return Call("ForeignKey" if single else "ForeignKeyConstraint", tuple(args))


def _list(items: object) -> str:
    return "[" + ", ".join(items) + "]"  # type: ignore[arg-type]


def _needs_name(name: str, table: str, columns: tuple[str, ...], label: str) -> bool:
    conv = _convention(table, columns, label)
    return name != conv or naming.too_long(conv)


def _index_call(index: Index, imports: _Imports) -> Call:
    imports.add("sqlalchemy", "Index")
    args: list[Node] = [py_str(index.name)]
    ops: list[tuple[str, str]] = []
    for el in index.elements:
        if el.column and not el.descending and el.nulls is None:
            args.append(py_str(el.column))
            if el.opclass:
                ops.append((el.column, el.opclass))
            continue
        imports.add("sqlalchemy", "text")
        expr = el.column if el.column else el.expression or ""
        if el.column and not _plain_identifier(el.column):
            expr = '"' + el.column.replace('"', '""') + '"'
        if el.opclass:
            expr += f" {el.opclass}"
        if el.descending:
            expr += " DESC"
        if el.nulls:
            expr += f" NULLS {el.nulls.upper()}"
        args.append(f"text({py_str(expr)})")
    if index.unique:
        args.append("unique=True")
    if index.method != "btree":
        args.append(f"postgresql_using={py_str(index.method)}")
    if ops:
        args.append("postgresql_ops={" + ", ".join(f"{py_str(c)}: {py_str(o)}" for c, o in ops) + "}")
    if index.with_options:
        args.append(
            "postgresql_with={"
            + ", ".join(f"{py_str(k)}: {_with_value(v)}" for k, v in index.with_options)
            + "}"
        )
    if index.where:
        imports.add("sqlalchemy", "text")
        args.append(f"postgresql_where=text({py_str(index.where)})")
    if index.include:
        args.append("postgresql_include=" + _list(py_str(c) for c in index.include))
    if index.nulls_not_distinct:
        args.append("postgresql_nulls_not_distinct=True")
    return Call("Index", tuple(args))


def _with_value(value: str) -> str:
    return value if value.isdigit() else py_str(value)


def _plain_identifier(name: str) -> bool:
    return name.isidentifier() and name == name.lower() and name.isascii()


_BY_NAME: list[tuple[Schema, dict[str, Table]]] = []


def _tables_by_name(schema: Schema) -> dict[str, Table]:
    """{name: table} of `schema`, built once per schema, not once per class (quadratic in tables)."""
    if not _BY_NAME or _BY_NAME[0][0] is not schema:
        _BY_NAME[:] = [(schema, {t.name: t for t in schema.tables})]
    return _BY_NAME[0][1]


def decide_class(
    table: Table,
    rels: list[Relationship],
    schema: Schema,
    imports: _Imports,
    type_checking: dict[str, set[str]],
    module: str,
) -> ClassView:
    imports.add("sqlalchemy.orm", "Mapped")
    imports.add("sqlalchemy.orm", "mapped_column")
    arg_nodes: list[Node] = []  # the elements of __table_args__
    single_pk = table.primary_key is not None and len(table.primary_key.columns) == 1
    if table.primary_key and (
        len(table.primary_key.columns) > 1 or _needs_name(table.primary_key.name, table.name, (), "pkey")
    ):
        imports.add("sqlalchemy", "PrimaryKeyConstraint")
        pk_args: list[Node] = [py_str(c) for c in table.primary_key.columns]
        if _needs_name(table.primary_key.name, table.name, (), "pkey"):
            pk_args.append(f"name={py_str(table.primary_key.name)}")
        arg_nodes.append(Call("PrimaryKeyConstraint", tuple(pk_args)))
        single_pk = False
    fk_by_col = {fk.columns[0]: fk for fk in table.foreign_keys if len(fk.columns) == 1}
    inline_unique: set[str] = set()
    for u in table.uniques:
        if (
            len(u.columns) == 1
            and not u.named
            and not u.nulls_not_distinct
            and not u.deferrable
            and not _needs_name(u.name, table.name, u.columns, "key")
        ):
            inline_unique.add(u.columns[0])
            continue
        imports.add("sqlalchemy", "UniqueConstraint")
        u_args: list[Node] = [py_str(c) for c in u.columns]
        if _needs_name(u.name, table.name, u.columns, "key"):
            u_args.append(f"name={py_str(u.name)}")
        if u.nulls_not_distinct:
            u_args.append("postgresql_nulls_not_distinct=True")
        if u.deferrable:
            u_args.append("deferrable=True")
        if u.initially_deferred:
            u_args.append('initially="DEFERRED"')
        arg_nodes.append(Call("UniqueConstraint", tuple(u_args)))
    for fk in table.foreign_keys:
        if len(fk.columns) > 1:
            arg_nodes.append(_fk_call(fk, False, table.name, imports))
    for ck in table.checks:
        imports.add("sqlalchemy", "CheckConstraint")
        arg_nodes.append(Call("CheckConstraint", (py_str(ck.expression), f"name={py_str(ck.name)}")))
    for index in table.indexes:
        arg_nodes.append(_index_call(index, imports))
    if table.description:
        arg_nodes.append(Call("{", (f'"comment": {py_str(table.description)}',)))

    columns: list[str] = []
    enum_names = {e.name for e in schema.enums}
    for col in table.columns:
        attr = naming.attr_name(col.name)
        pt = python_type(col.type, enum_var(col.type.enum) if col.type.enum else None)
        for mod, name in pt.imports:
            imports.add(mod, name)
        if col.type.enum:
            imports.add(".enums", enum_var(col.type.enum))
        assert col.type.enum is None or col.type.enum in enum_names
        annotation = pt.annotation + (" | None" if col.nullable else "")
        margs: list[Node] = []
        if attr != col.name:
            margs.append(py_str(col.name))
        margs.append(pt.sa)
        col_fk = fk_by_col.get(col.name)
        if col_fk is not None:
            margs.append(_fk_call(col_fk, True, table.name, imports))
        if col.identity:
            imports.add("sqlalchemy", "Identity")
            margs.append("Identity(always=True)" if col.identity == "always" else "Identity()")
        if col.generated:
            imports.add("sqlalchemy", "Computed")
            margs.append(Call("Computed", (py_str(col.generated), "persisted=True")))
        is_pk = table.primary_key is not None and col.name in table.primary_key.columns
        if is_pk and single_pk:
            margs.append("primary_key=True")
        if (
            is_pk
            and col.type.base in ("smallint", "integer", "bigint")
            and not col.type.serial
            and not col.identity
        ):
            margs.append("autoincrement=False")
        if col.type.serial and not is_pk:
            margs.append("autoincrement=True")
        if is_pk and not single_pk:
            margs.append("nullable=False")
        if col.name in inline_unique:
            margs.append("unique=True")
        if col.default is not None:
            imports.add("sqlalchemy", "text")
            margs.append(f"server_default=text({py_str(col.default)})")
        if col.comment:
            margs.append(f"comment={py_str(col.comment)}")
        if "Any" in annotation:
            imports.add("typing", "Any")
        if "datetime." in annotation:
            imports.add("datetime")
        if "uuid." in annotation:
            imports.add("uuid")
        if "decimal." in annotation:
            imports.add("decimal")
        columns += statement(f"{attr}: Mapped[{annotation}] = ", Call("mapped_column", tuple(margs)), 4)

    relationships: list[str] = []
    classes = _tables_by_name(schema)
    for rel in sorted(rels, key=lambda r: r.attr):
        target = classes[rel.target]
        imports.add("sqlalchemy.orm", "relationship")
        if target.module != module:
            type_checking[f".{target.module}"].add(target.class_name)
        if rel.many:
            annotation = f"list[{target.class_name}]"
        else:
            annotation = target.class_name + (" | None" if rel.nullable else "")
        rargs: list[Node] = [f"back_populates={py_str(rel.back_populates)}"]
        if rel.foreign_keys:
            rargs.append(f"foreign_keys={py_str('[' + ', '.join(rel.foreign_keys) + ']')}")
        if rel.remote_side:
            rargs.append(f"remote_side={py_str('[' + rel.remote_side + ']')}")
        if rel.uselist_false:
            rargs.append("uselist=False")
        relationships += statement(
            f"{rel.attr}: Mapped[{annotation}] = ", Call("relationship", tuple(rargs)), 4
        )

    args_lines: list[str] = []
    for node in arg_nodes:
        args_lines += statement("", node, 8, ",")
    # A one-element tuple's comma is not a magic trailing comma: ruff format joins it when it fits.
    inline = f"    __table_args__ = ({flat(arg_nodes[0])},)" if len(arg_nodes) == 1 else None
    if inline is not None and len(inline) > LINE_LENGTH:
        inline = None
    doc = naming.docstring_lines(table.description or f"Table {table.name}.", 110, 4)
    return ClassView(
        name=table.class_name,
        table=py_str(table.name),
        docstring=doc,
        table_args=tuple(args_lines),
        table_args_inline=inline,
        columns=tuple(columns),
        relationships=tuple(relationships),
    )


def decide_modules(schema: Schema) -> list[ModuleView]:
    rels = decide_relationships(schema)
    by_module: dict[str, list[Table]] = defaultdict(list)
    for t in schema.tables:
        by_module[t.module].append(t)
    docs = dict((m, d) for d, m in schema.docs)
    views: list[ModuleView] = []
    for module in sorted(set(m for _, m in schema.docs)):
        tables = sorted(by_module.get(module, []), key=lambda t: t.span.line)
        imports = _Imports()
        imports.add("__future__", "annotations")
        imports.add(".base", "Base")
        type_checking: dict[str, set[str]] = defaultdict(set)
        classes = tuple(
            decide_class(t, rels.get(t.name, []), schema, imports, type_checking, module) for t in tables
        )
        tc_lines: list[str] = []
        if type_checking:
            imports.add("typing", "TYPE_CHECKING")
            for mod in sorted(type_checking):
                tc_lines += ["    " + line for line in import_line(mod, isort_names(type_checking[mod]))]
        views.append(
            ModuleView(
                module=module,
                doc=docs[module],
                imports=imports.lines(),
                type_checking_imports=tuple(tc_lines),
                classes=classes,
                all_names=tuple(sorted(c.name for c in classes)),
            )
        )
    return views


def decide_enums(schema: Schema) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(import lines, assignment lines) for generated enums.py."""
    imports = _Imports()
    imports.add("sqlalchemy.dialects.postgresql", "ENUM")
    imports.add(".base", "Base")
    lines: list[str] = []
    for e in schema.enums:
        args: list[Node] = [py_str(label) for label in e.labels]
        args += [f"name={py_str(e.name)}", "metadata=Base.metadata"]
        lines += statement(f"{enum_var(e.name)} = ", Call("ENUM", tuple(args)), 0)
    return imports.lines(), tuple(lines)


def decide_external(schema: Schema) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Stand-ins for external tables, so FKs to them resolve in the metadata (never created by us)."""
    from dataclasses import replace

    from mdschema.schema import PgType
    from mdschema.spec.pg_types import make_type
    from mdschema.spec.pg_types import python_type as pyt

    imports = _Imports()
    imports.add("sqlalchemy", "Column")
    imports.add("sqlalchemy", "Table")
    imports.add(".base", "Base")
    lines: list[str] = []
    for ext in schema.external:
        if ext.mode != "keep_fk" or not ext.key_columns:
            continue
        cols: list[Node] = [py_str(ext.name), "Base.metadata"]
        for name, sql in ext.key_columns:
            base = sql.split("(")[0]
            t = make_type(
                base if base != "character varying" else "varchar",
                tuple(int(x) for x in sql[len(base) + 1 : -1].split(",")) if "(" in sql else (),
                False,
            )
            pt = pyt(t)
            for mod, imp in pt.imports:
                if mod not in ("uuid", "datetime", "decimal", "typing"):
                    imports.add(mod, imp)
            cols.append(Call("Column", (py_str(name), pt.sa, "primary_key=True")))
        cols.append('info={"mdschema": "external"}')
        var = "_".join(p for p in ext.name.split(".")) + "_table"
        lines += statement(f"{naming.attr_name(var)} = ", Call("Table", tuple(cols)), 0)
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
        cols = [py_str(name), "Base.metadata"]
        for col_name, pg_type in sorted(unmanaged[name].items()):
            pt = pyt(replace(pg_type, serial=False))
            for mod, imp in pt.imports:
                if mod not in ("uuid", "datetime", "decimal", "typing"):
                    imports.add(mod, imp)
            cols.append(Call("Column", (py_str(col_name), pt.sa, "primary_key=True")))
        cols.append('info={"mdschema": "external"}')
        lines += statement(f"{naming.attr_name(name + '_table')} = ", Call("Table", tuple(cols)), 0)
    return imports.lines(), tuple(lines)
