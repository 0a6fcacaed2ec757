"""Raw statements → the validated Schema. Every problem is collected, then reported together."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Mapping

import mdschema.spec.pg_names as naming
import mdschema.spec.pg_types as pgtypes
from mdschema.config import Config
from mdschema.errors import Collector, Span
from mdschema.schema import (
    Check,
    Column,
    Domain,
    Enum,
    Exclude,
    Extension,
    ExternalFunction,
    ExternalTable,
    ForeignKey,
    Function,
    Index,
    Namespace,
    PgType,
    PrimaryKey,
    Schema,
    Table,
    Trigger,
    Unique,
)
from mdschema.spec.domains import column_type as domain_column_type
from mdschema.spec.domains import resolve_domains
from mdschema.spec.pg_limits import check_limits
from mdschema.spec.prefer import SetAside, other_definition, without_set_aside
from mdschema.spec.raw import Parsed, RawColumn, RawComment, RawConstraint, RawIndex, RawTable
from mdschema.spec.rls import resolve_policies, resolve_row_security
from mdschema.spec.sequences import check_nextval, resolve_sequences
from mdschema.spec.views import resolve_views
from mdschema.spec.views import split_indexes as split_view_indexes
from mdschema.util.graph import cyclic_edges, topological_order
from mdschema.util.sql_text import DEFAULT_SCHEMA, object_key, split_key

_STRING_DEFAULT = re.compile(r"^'((?:[^']|'')*)'(?:::[\w\s\".]+)?$")


def resolve(parsed: Parsed, config: Config, docs: tuple[str, ...], diag: Collector) -> Schema:
    """The validated Schema of `parsed` (the statements of `docs`); problems go to `diag`. A schema is
    returned even when there are errors, so that later checks can report theirs alongside."""
    enums = _enums(parsed, diag)
    tables, aside = _pick_tables(parsed, config, diag)
    parsed = without_set_aside(parsed, tables, aside, diag)
    external = {_config_key(name): mode for name, mode in config.external_tables}
    unmanaged = {_config_key(name) for name in config.unmanaged_tables}
    namespaces = _namespaces(parsed, diag)
    for name in sorted(set(tables) & (set(external) | unmanaged)):
        diag.error(
            tables[name].span,
            "E101",
            f"table {name} is defined in a doc but configured as "
            f"{'external' if name in external else 'unmanaged'}",
            "remove it from [tool.mdschema] or from the docs",
        )
    alters: dict[str, list[RawConstraint]] = defaultdict(list)
    for alter in parsed.alters:
        if alter.table not in tables:
            diag.error(
                alter.constraint.span,
                "E107",
                f"ALTER TABLE refers to unknown table {alter.table!r}" + _did_you_mean(alter.table, tables),
            )
        else:
            alters[alter.table].append(alter.constraint)
    comments = {(c.table, c.column): c for c in parsed.comments}
    for c in parsed.comments:
        if c.table not in tables:
            diag.error(
                c.span,
                "E107",
                f"COMMENT ON refers to unknown table {c.table!r}" + _did_you_mean(c.table, tables),
            )

    # relation and constraint names are unique per schema: PostgreSQL chooses names within one
    relation_names: defaultdict[str, set[str]] = defaultdict(set)
    for key in [*tables, *external, *unmanaged]:
        schema_name, bare = split_key(key)
        relation_names[schema_name].add(bare)
    built: dict[str, _TableBuild] = {}
    schema_constraints: defaultdict[str, set[str]] = defaultdict(set)
    domains = resolve_domains(parsed, enums, set(tables), schema_constraints, diag)  # made before tables
    for name, raw in tables.items():
        in_schema = split_key(name)[0]
        built[name] = _build_table(
            raw,
            alters[name],
            enums,
            comments,
            relation_names[in_schema],
            diag,
            schema_constraints[in_schema],
            aside,
            domains,
        )
    table_indexes, view_indexes = split_view_indexes(parsed)
    indexes = _indexes(table_indexes, built, relation_names, diag)

    _check_foreign_keys(built, external, unmanaged, diag)
    ext_tables = _external_tables(built, external)
    final: dict[str, Table] = {}
    for name, b in built.items():
        fks = tuple(
            fk for fk in b.foreign_keys if not (fk.external and external.get(fk.ref_table) == "column_only")
        )
        raw = tables[name]
        final[name] = Table(
            name=name,
            doc=raw.doc.path,
            description=b.description,
            columns=tuple(b.columns.values()),
            primary_key=b.primary_key,
            uniques=tuple(b.uniques),
            foreign_keys=fks,
            checks=tuple(b.checks),
            excludes=tuple(b.excludes),
            indexes=tuple(sorted(indexes.get(name, ()), key=lambda i: i.name)),
            span=raw.span,
            renamed_from=raw.renamed_from,
            schema=split_key(name)[0],
        )
    final = _mark_cycles(final)
    named = _named(parsed, final, diag)
    row_security = resolve_row_security(parsed, set(final), diag)
    _check_schemas_created(namespaces, final, enums, named[1], diag)
    view_keys = {getattr(v, "name", "") for v in parsed.views}
    seqs = resolve_sequences(parsed.sequences, final, set(final) | view_keys, set(namespaces), diag)
    check_nextval(final, seqs, set(external) | unmanaged, diag)
    schema = Schema(
        tables=_dependency_order(final),
        enums=tuple(sorted(enums.values(), key=lambda e: e.name)),
        extensions=named[0],
        functions=named[1],
        triggers=named[2],
        external=ext_tables,
        unmanaged=tuple(sorted(unmanaged)),
        docs=tuple(sorted(docs)),
        namespaces=tuple(sorted(namespaces.values(), key=lambda n: n.name)),
        views=resolve_views(
            parsed,
            final,
            view_indexes,
            relation_names[DEFAULT_SCHEMA] | set(indexes_names(indexes)),  # views: public only
            set(final) | set(external) | unmanaged,
            diag,
        ),
        row_security=row_security,
        policies=resolve_policies(parsed, set(final), row_security, config.roles, diag),
        external_functions=tuple(ExternalFunction(*f) for f in config.external_functions),
        sequences=seqs,
        domains=tuple(sorted(domains.values(), key=lambda d: d.name)),
    )
    check_limits(schema, diag)
    _check_external_functions(schema, config, diag)
    return schema


def _check_external_functions(schema: Schema, config: Config, diag: Collector) -> None:
    """An external function lives in a schema the docs do not manage: a stand-in in one they do would
    be read back as a function the docs lack."""
    for f in schema.external_functions:
        if f.schema.lower() in schema.schemas:
            diag.error(
                config.span("external_functions"),
                "E302",
                f"[tool.mdschema] external_functions: {f.signature} is in schema {f.schema}, which the docs "
                "manage (they create it or put objects in it)",
                f"define the function in a doc with CREATE FUNCTION, or keep {f.schema} the platform's alone",
            )


def _config_key(name: str) -> str:
    """A table named in [tool.mdschema] ("auth.users", "public.users", "users") as a key."""
    schema_name, bare = split_key(name)
    return object_key(schema_name, bare)


def _namespaces(parsed: Parsed, diag: Collector) -> dict[str, Namespace]:
    out: dict[str, Namespace] = {}
    for raw in parsed.schemas:
        _ident(raw.name, "schema", raw.span, diag)
        if raw.name in out and not raw.if_not_exists:
            diag.error(
                raw.span,
                "E111",
                f"schema {raw.name} is created twice (first at {out[raw.name].span})",
                f"keep one, or write CREATE SCHEMA IF NOT EXISTS {raw.name}",
            )
            continue
        out.setdefault(raw.name, Namespace(raw.name, raw.span))
    return out


def _check_schemas_created(
    namespaces: dict[str, Namespace],
    tables: dict[str, Table],
    enums: dict[str, Enum],
    functions: tuple[Function, ...],
    diag: Collector,
) -> None:
    """Every object outside public is in a schema the docs create: mdschema builds nothing in a schema
    it does not manage (a table another system owns there is an external table)."""
    objects: list[tuple[str, str, str, Span]] = [("table", t.name, t.schema, t.span) for t in tables.values()]
    objects += [("enum", e.name, e.schema, e.span) for e in enums.values()]
    objects += [("function", f.signature, f.schema, f.span) for f in functions]
    for what, name, in_schema, span in objects:
        if in_schema != DEFAULT_SCHEMA and in_schema not in namespaces:
            diag.error(
                span,
                "E114",
                f"{what} {name} is in schema {in_schema}, which no doc creates"
                + _did_you_mean(in_schema, namespaces),
                f"add CREATE SCHEMA {in_schema}; to the docs (IF NOT EXISTS when the database may have it "
                "already), or, for a table another system owns, list it under external_tables",
            )


class _TableBuild:
    def __init__(self, raw: RawTable, aside: SetAside | None = None) -> None:
        self.raw = raw
        self.aside = aside or {}  # the definitions [tool.mdschema.prefer] set aside, of every table
        self.columns: dict[str, Column] = {}
        self.primary_key: PrimaryKey | None = None
        self.uniques: list[Unique] = []
        self.foreign_keys: list[ForeignKey] = []
        self.checks: list[Check] = []
        self.excludes: list[Exclude] = []
        self.description = raw.description


def _did_you_mean(name: str, options: object) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)  # type: ignore[call-overload]
    return f' (did you mean "{close[0]}"?)' if close else ""


def _ident(name: str, what: str, span: Span, diag: Collector) -> None:
    if naming.too_long(name):
        diag.error(
            span,
            "E103",
            f"{what} {name!r} is {len(name.encode())} bytes; PostgreSQL truncates identifiers to 63 bytes",
            "choose a shorter name",
        )


def _enums(parsed: Parsed, diag: Collector) -> dict[str, Enum]:
    enums: dict[str, Enum] = {}
    for raw in parsed.enums:
        _ident(raw.name, "enum", raw.span, diag)
        key = object_key(raw.schema, raw.name)
        if key in enums:
            diag.error(raw.span, "E111", f"enum {key} is defined twice (first at {enums[key].span})")
            continue
        if len(set(raw.labels)) != len(raw.labels):
            diag.error(raw.span, "E111", f"enum {key} repeats a label")
        enums[key] = Enum(key, raw.labels, raw.span, raw.renamed_labels, split_key(key)[0])
    return enums


def _pick_tables(parsed: Parsed, config: Config, diag: Collector) -> tuple[dict[str, RawTable], SetAside]:
    """The one definition of each table, and the definitions [tool.mdschema.prefer] set aside."""
    by_name: dict[str, list[RawTable]] = defaultdict(list)
    for raw in parsed.tables:
        by_name[raw.name].append(raw)
    prefer = dict(config.prefer)
    chosen: dict[str, RawTable] = {}
    aside: SetAside = {}
    for name, defs in by_name.items():
        _ident(split_key(name)[1], "table", defs[0].span, diag)
        if len(defs) == 1:
            chosen[name] = defs[0]
            continue
        wanted = prefer.get(name)
        match = [d for d in defs if wanted and d.doc.path == wanted]
        if len(match) == 1:
            chosen[name] = match[0]
            aside[name] = tuple(d for d in defs if d is not match[0])
            continue
        places = ", ".join(str(d.span) for d in defs)
        diag.error(
            defs[1].span,
            "E101",
            f"table {name} is defined more than once ({places})",
            f'keep one, or say which wins: [tool.mdschema.prefer] {name} = "{defs[-1].doc.path}"',
        )
        chosen[name] = defs[0]
    return chosen, aside


def _column_type(
    col: RawColumn,
    enums: dict[str, Enum],
    diag: Collector,
    table: str,
    domains: Mapping[str, Domain] | None = None,
) -> PgType | None:
    rt = col.type
    name = rt.names[-1]
    if rt.bad_args:
        diag.error(rt.span, "E203", f"column {table}.{col.name}: type modifiers of {name} must be integers")
        return None
    key = object_key(rt.names[0], name) if len(rt.names) == 2 and rt.names[0] != "pg_catalog" else name
    if key in enums:
        return pgtypes.make_type(key, (), rt.array, enum=key)
    if domains and key in domains:
        if rt.args:
            diag.error(
                rt.span,
                "E203",
                f"column {table}.{col.name}: domain {key} takes no type modifiers (PostgreSQL refuses them)",
                "put the modifiers on the domain's base type, in its CREATE DOMAIN",
            )
            return None
        return domain_column_type(domains[key], rt.array)
    if len(rt.names) == 2 and rt.names[0] not in ("pg_catalog", "public"):
        diag.error(
            rt.span,
            "E203",
            f"column {table}.{col.name}: type {'.'.join(rt.names)} is not known" + _did_you_mean(key, enums),
            "define the enum with CREATE TYPE … AS ENUM, in that schema",
        )
        return None
    if pgtypes.known_base(name) is None:
        options = list(enums) + ["text", "integer", "uuid", "varchar", "timestamptz", "jsonb", "boolean"]
        diag.error(
            rt.span,
            "E203",
            f"column {table}.{col.name}: unknown type {name!r}" + _did_you_mean(name, options),
            "use a PostgreSQL type, or define the enum with CREATE TYPE … AS ENUM",
        )
        return None
    problem = pgtypes.modifier_problem(name, rt.args)
    if problem is not None:
        diag.error(rt.span, "E203", f"column {table}.{col.name}: {problem[0]}", problem[1])
        return None
    t = pgtypes.make_type(name, rt.args, rt.array)
    if t.serial and rt.array:
        diag.error(rt.span, "E203", f"column {table}.{col.name}: serial cannot be an array")
    return t


def _build_table(
    raw: RawTable,
    alters: list[RawConstraint],
    enums: dict[str, Enum],
    comments: Mapping[tuple[str, str | None], RawComment],
    relation_names: set[str],
    diag: Collector,
    schema_constraints: set[str] | None = None,
    aside: SetAside | None = None,
    domains: Mapping[str, Domain] | None = None,
) -> _TableBuild:
    """`schema_constraints`: every constraint name in the schema so far (PostgreSQL chooses new
    automatic names that no constraint of the schema has). `aside`: definitions prefer set aside."""
    if schema_constraints is None:
        schema_constraints = set()
    b = _TableBuild(raw, aside or {})
    table = raw.name  # the key, in messages; PostgreSQL names constraints after the bare name
    table_constraints: list[RawConstraint] = list(raw.constraints)
    constraint_names: set[str] = set()  # this table's: explicit names must be unique here
    for col in raw.columns:
        _ident(col.name, "column", col.span, diag)
        if col.name in b.columns:
            diag.error(col.span, "E108", f"column {table}.{col.name} is defined twice")
            continue
        t = _column_type(col, enums, diag, table, domains)
        kinds = {c.kind for c in col.constraints}
        default = next((c.expression for c in col.constraints if c.kind == "default"), None)
        identity = next((c.identity for c in col.constraints if c.kind == "identity"), None)
        generated = next((c.expression for c in col.constraints if c.kind == "generated"), None)
        if t is not None and t.enum and default is not None:
            m = _STRING_DEFAULT.match(default)
            label = m.group(1).replace("''", "'") if m else None
            if label is not None and label not in enums[t.enum].labels:
                diag.error(
                    col.span,
                    "E110",
                    f"column {table}.{col.name}: default {default} is not a label of enum {t.enum}",
                    f"labels: {', '.join(enums[t.enum].labels)}",
                )
        if identity and (default or (t is not None and t.serial)):
            diag.error(
                col.span, "E204", f"column {table}.{col.name}: identity column cannot also have a default"
            )
        if identity and t is not None and t.base not in ("smallint", "integer", "bigint"):
            diag.error(
                col.span,
                "E204",
                f"column {table}.{col.name}: identity columns must be smallint, integer or bigint",
            )
        not_null = (
            "not_null" in kinds or "primary" in kinds or identity is not None or (t is not None and t.serial)
        )
        if "not_null" in kinds and "null" in kinds:
            diag.error(col.span, "E204", f"column {table}.{col.name}: both NULL and NOT NULL")
        comment_override = comments.get((table, col.name))
        comment = col.comment
        if comment_override is not None:
            comment = comment_override.text
        if t is None:
            t = PgType("text", "text")
        b.columns[col.name] = Column(
            name=col.name,
            type=t,
            nullable=not not_null,
            default=default,
            comment=comment,
            span=col.span,
            identity=identity,
            generated=generated,
            renamed_from=col.renamed_from,
            collation=_column_collation(col, t, table, diag)
            if t.domain is None
            else _no_collation(col, table, diag),
        )
        for c in col.constraints:
            if c.kind in ("primary", "unique", "foreign", "check", "exclude"):
                table_constraints.append(c)
    table_comment = comments.get((table, None))
    if table_comment is not None:
        b.description = table_comment.text
    table_constraints.sort(key=lambda c: c.span.line)  # PostgreSQL names them in order of appearance
    table_constraints.extend(alters)
    # PostgreSQL names index-backed constraints first (they are relations), then checks, then FKs.
    for c in table_constraints:
        if c.kind in ("primary", "unique"):
            _index_constraint(b, c, relation_names, constraint_names, diag)
            schema_constraints.update(constraint_names)
        elif c.kind == "exclude":
            _exclude(b, c, relation_names, constraint_names, diag)
            schema_constraints.update(constraint_names)
    for c in table_constraints:
        if c.kind == "check":
            _check(b, c, constraint_names, schema_constraints, diag)
    for c in table_constraints:
        if c.kind == "foreign":
            _foreign_key(b, c, constraint_names, schema_constraints, diag)
    if b.primary_key is None:
        diag.warning(
            raw.span,
            "W101",
            f"table {table} has no primary key",
            "SQLAlchemy's ORM needs one to map the table; add a PRIMARY KEY",
        )
    return b


def _known_columns(b: _TableBuild, cols: tuple[str, ...], what: str, span: Span, diag: Collector) -> bool:
    ok = True
    for col in cols:
        if col not in b.columns:
            diag.error(
                span,
                "E106",
                f"{what} on {b.raw.name} refers to unknown column {col!r}"
                + _did_you_mean(col, b.columns)
                + other_definition(b.aside, b.raw.name, col),
            )
            ok = False
    return ok


def _take(name: str, names: set[str], span: Span, diag: Collector, what: str) -> None:
    _ident(name, what, span, diag)
    if name in names:
        diag.error(span, "E102", f"{what} name {name!r} is already used")
    names.add(name)


def _index_constraint(
    b: _TableBuild, c: RawConstraint, relation_names: set[str], constraint_names: set[str], diag: Collector
) -> None:
    table = b.raw.name
    if c.include:
        diag.error(
            c.span,
            "E204",
            f"table {table}: INCLUDE on a {c.kind} constraint is not supported",
            "use a separate CREATE UNIQUE INDEX … INCLUDE (…)",
        )
    if not _known_columns(b, c.columns, f"{c.kind} constraint", c.span, diag):
        return
    if c.kind == "primary":
        if b.primary_key is not None:
            diag.error(c.span, "E102", f"table {table} has more than one primary key")
            return
        name = c.name or naming.choose_name(split_key(table)[1], None, "pkey", relation_names)
        if c.name:
            _take(name, relation_names, c.span, diag, "constraint")
        constraint_names.add(name)
        b.primary_key = PrimaryKey(name, c.columns, c.span)
        for col in c.columns:
            column = b.columns[col]
            if column.nullable:
                b.columns[col] = _replace(column, nullable=False)
        return
    name = c.name or naming.choose_name(split_key(table)[1], c.columns, "key", relation_names)
    if c.name:
        _take(name, relation_names, c.span, diag, "constraint")
    constraint_names.add(name)
    b.uniques.append(
        Unique(
            name,
            c.columns,
            c.span,
            named=bool(c.name),
            nulls_not_distinct=c.nulls_not_distinct,
            deferrable=c.deferrable,
            initially_deferred=c.initially_deferred,
        )
    )


# The types PostgreSQL gives a collation (typcollation <> 0) that the docs can write, arrays of them too.
COLLATABLE = frozenset({"text", "character varying", "character", "citext", "name"})
# The access methods that can enforce an exclusion constraint (amgettuple): GIN and BRIN cannot.
EXCLUDE_METHODS = ("gist", "spgist", "btree", "hash")


def _column_collation(col: RawColumn, t: PgType | None, table: str, diag: Collector) -> str | None:
    """The column's COLLATE, E121 on a type without collations (PostgreSQL refuses it)."""
    if col.collation is None or t is None:
        return col.collation
    if t.enum is not None or t.base not in COLLATABLE:
        diag.error(
            col.span,
            "E121",
            f'column {table}.{col.name}: COLLATE "{col.collation}" on type {t.sql}, which has no collation',
            "COLLATE applies to text, varchar, char and citext columns (and arrays of them); leave it out",
        )
        return None
    return col.collation


def _no_collation(col: RawColumn, table: str, diag: Collector) -> str | None:
    """A column typed by a domain takes its collation from the domain (the models cannot say another)."""
    if col.collation is not None:
        diag.error(
            col.span,
            "E122",
            f'column {table}.{col.name}: COLLATE "{col.collation}" on a column typed by a domain',
            "put COLLATE in the domain's CREATE DOMAIN (every column of the domain then has it)",
        )
    return None


def _element_collation(
    b: _TableBuild, column: str | None, collation: str | None, what: str, span: Span, diag: Collector
) -> bool:
    """False, with E121, for a COLLATE on an element that is a column of a type without collations."""
    col = b.columns.get(column) if column and collation else None
    if col is None or (col.type.enum is None and col.type.base in COLLATABLE):
        return True
    diag.error(
        span,
        "E121",
        f'{what} on {b.raw.name}: COLLATE "{collation}" on column {column} of type {col.type.sql}, '
        "which has no collation",
        "COLLATE applies to text, varchar, char and citext values; leave it out",
    )
    return False


def _exclude(
    b: _TableBuild, c: RawConstraint, relation_names: set[str], constraint_names: set[str], diag: Collector
) -> None:
    """An EXCLUDE constraint: its columns known (those its expressions and WHERE use too), an access
    method that can enforce it; named as PostgreSQL names it (<table>_<element names>_excl, a relation
    name like a unique constraint's index)."""
    table = b.raw.name
    ok = True
    for col in c.refs:
        if col not in b.columns:
            diag.error(
                c.span,
                "E120",
                f"EXCLUDE constraint on {table} refers to unknown column {col!r}"
                + _did_you_mean(col, b.columns),
                "name a column of the table in each element (and in WHERE)",
            )
            ok = False
    method = c.method or "btree"
    if method not in EXCLUDE_METHODS:
        diag.error(
            c.span,
            "E120",
            f"EXCLUDE constraint on {table}: access method {method!r} cannot enforce an exclusion constraint",
            "use USING gist (CREATE EXTENSION btree_gist for = on scalar columns), spgist, btree or hash",
        )
        ok = False
    for el in c.elements:
        if not el.operator:
            diag.error(
                c.span,
                "E120",
                f"EXCLUDE constraint on {table}: an element without an operator",
                "write each element as `column WITH operator`, e.g. `room_id WITH =, during WITH &&`",
            )
            ok = False
        ok = _element_collation(b, el.column, el.collation, "EXCLUDE constraint", c.span, diag) and ok
    if not ok:
        return
    name = c.name or naming.choose_name(split_key(table)[1], c.element_names, "excl", relation_names)
    if c.name:
        _take(name, relation_names, c.span, diag, "constraint")
    constraint_names.add(name)
    b.excludes.append(
        Exclude(
            name,
            method,
            c.elements,
            c.expression,
            c.span,
            named=bool(c.name),
            deferrable=c.deferrable,
            initially_deferred=c.initially_deferred,
        )
    )


def _replace(column: Column, **changes: object) -> Column:
    from dataclasses import replace

    return replace(column, **changes)  # type: ignore[arg-type]


def _constraint_name(
    table: str,
    c: RawConstraint,
    addition: tuple[str, ...] | None,
    label: str,
    constraint_names: set[str],
    schema_constraints: set[str],
    diag: Collector,
) -> str:
    """The written name (unique within the table), else the one PostgreSQL would choose: a name no
    constraint in the schema has yet (ChooseConstraintName)."""
    if c.name:
        _take(c.name, constraint_names, c.span, diag, "constraint")
        name = c.name
    else:
        name = naming.choose_name(split_key(table)[1], addition, label, schema_constraints | constraint_names)
    constraint_names.add(name)
    schema_constraints.add(name)
    return name


def _check(
    b: _TableBuild,
    c: RawConstraint,
    constraint_names: set[str],
    schema_constraints: set[str],
    diag: Collector,
) -> None:
    table = b.raw.name
    if not _known_columns(b, c.columns, "CHECK", c.span, diag):
        return
    addition = c.columns[:1] if len(c.columns) == 1 else None
    name = _constraint_name(table, c, addition, "check", constraint_names, schema_constraints, diag)
    assert c.expression is not None
    b.checks.append(Check(name, c.expression, c.span, named=bool(c.name)))


def _foreign_key(
    b: _TableBuild,
    c: RawConstraint,
    constraint_names: set[str],
    schema_constraints: set[str],
    diag: Collector,
) -> None:
    table = b.raw.name
    if not _known_columns(b, c.columns, "foreign key", c.span, diag):
        return
    name = _constraint_name(table, c, c.columns, "fkey", constraint_names, schema_constraints, diag)
    assert c.ref_table is not None
    b.foreign_keys.append(
        ForeignKey(
            name=name,
            columns=c.columns,
            ref_table=c.ref_table,
            ref_columns=c.ref_columns,
            on_delete=c.on_delete,
            on_update=c.on_update,
            span=c.span,
            named=bool(c.name),
            deferrable=c.deferrable,
            initially_deferred=c.initially_deferred,
        )
    )


def _check_foreign_keys(
    built: dict[str, _TableBuild], external: dict[str, str], unmanaged: set[str], diag: Collector
) -> None:
    from dataclasses import replace

    for b in built.values():
        fixed: list[ForeignKey] = []
        for fk in b.foreign_keys:
            where = f"foreign key {b.raw.name}.{','.join(fk.columns)}"
            target = built.get(fk.ref_table)
            if target is None:
                if fk.ref_table in external or fk.ref_table in unmanaged:
                    ref_cols = fk.ref_columns or ("id",)
                    if len(ref_cols) != len(fk.columns):
                        diag.error(
                            fk.span,
                            "E109",
                            f"{where} has {len(fk.columns)} columns but references {len(ref_cols)}",
                        )
                    fixed.append(replace(fk, ref_columns=ref_cols, external=True))
                    continue
                close = _did_you_mean(fk.ref_table, list(built) + list(external))
                example = f' (external_tables = {{ "{fk.ref_table}" = "keep_fk" }})'
                diag.error(
                    fk.span,
                    "E104",
                    f'{where} references unknown table "{fk.ref_table}"' + close,
                    "define the table in a doc, or list it under external_tables in [tool.mdschema]"
                    + (example if "." in fk.ref_table and not close else ""),
                )
                continue
            ref_cols = fk.ref_columns or (target.primary_key.columns if target.primary_key else ())
            if not ref_cols:
                diag.error(fk.span, "E112", f"{where} references {fk.ref_table}, which has no primary key")
                continue
            missing = [col for col in ref_cols if col not in target.columns]
            for col in missing:
                diag.error(
                    fk.span,
                    "E105",
                    f"{where} references unknown column {fk.ref_table}.{col}"
                    + _did_you_mean(col, target.columns)
                    + other_definition(target.aside, fk.ref_table, col),
                )
            if missing:
                continue
            if len(ref_cols) != len(fk.columns):
                diag.error(
                    fk.span, "E109", f"{where} has {len(fk.columns)} columns but references {len(ref_cols)}"
                )
                continue
            keys = [set(u.columns) for u in target.uniques]
            if target.primary_key:
                keys.append(set(target.primary_key.columns))
            if set(ref_cols) not in keys:
                diag.error(
                    fk.span,
                    "E112",
                    f"{where} references {fk.ref_table}({', '.join(ref_cols)}), "
                    "which is not a primary key or unique constraint",
                    "PostgreSQL requires a unique constraint on the referenced columns",
                )
                continue
            for mine, theirs in zip(fk.columns, ref_cols, strict=True):
                a, t = b.columns[mine].type, target.columns[theirs].type
                if a.sql != t.sql and not (a.base == t.base) and not _compatible(a, t):
                    diag.error(
                        fk.span, "E109", f"{where}: {mine} is {a.sql} but {fk.ref_table}.{theirs} is {t.sql}"
                    )
            fixed.append(replace(fk, ref_columns=ref_cols))
        b.foreign_keys = fixed


def _compatible(a: PgType, b: PgType) -> bool:
    ints = {"smallint", "integer", "bigint"}
    texts = {"text", "character varying", "character"}
    return (a.base in ints and b.base in ints) or (a.base in texts and b.base in texts)


def _external_tables(built: dict[str, _TableBuild], external: dict[str, str]) -> tuple[ExternalTable, ...]:
    keys: dict[str, dict[str, PgType]] = defaultdict(dict)
    for b in built.values():
        for fk in b.foreign_keys:
            if fk.ref_table in external:
                for mine, theirs in zip(fk.columns, fk.ref_columns, strict=False):
                    keys[fk.ref_table].setdefault(theirs, b.columns[mine].type)
    return tuple(
        ExternalTable(name, mode, tuple(sorted(keys.get(name, {}).items())))
        for name, mode in sorted(external.items())
    )


def _indexes(
    raws: tuple[RawIndex, ...],
    built: dict[str, _TableBuild],
    relation_names: Mapping[str, set[str]],
    diag: Collector,
) -> dict[str, list[Index]]:
    out: dict[str, list[Index]] = defaultdict(list)
    for raw in raws:
        b = built.get(raw.table)
        if b is None:
            diag.error(
                raw.span,
                "E107",
                f'index {raw.name or ""} is on unknown table "{raw.table}"' + _did_you_mean(raw.table, built),
            )
            continue
        elements = raw.elements
        plain = tuple(el.column for el in elements if el.column)
        ok = _known_columns(b, plain + raw.include, f"index {raw.name or ''}".strip(), raw.span, diag)
        for el in elements if ok else ():
            what = f"index {raw.name or ''}".strip()
            ok = _element_collation(b, el.column, el.collation, what, raw.span, diag) and ok
        if raw.method not in ("btree", "hash", "gin", "gist", "brin", "spgist", "hnsw", "ivfflat"):
            diag.error(raw.span, "E204", f"index method {raw.method!r} is not supported")
        if not ok:
            continue
        in_schema, bare = split_key(raw.table)
        if raw.name:
            _take(raw.name, relation_names[in_schema], raw.span, diag, "index")
            name = raw.name
        else:
            # CREATE UNIQUE INDEX is not a constraint: PostgreSQL labels it _idx like any index.
            name = naming.choose_name(bare, raw.column_names, "idx", relation_names[in_schema])
        out[raw.table].append(
            Index(
                name=name,
                table=raw.table,
                elements=elements,
                unique=raw.unique,
                method=raw.method,
                where=raw.where,
                include=raw.include,
                with_options=raw.with_options,
                span=raw.span,
                nulls_not_distinct=raw.nulls_not_distinct,
            )
        )
    return out


def indexes_names(indexes: dict[str, list[Index]]) -> list[str]:
    return [i.name for found in indexes.values() for i in found]


def _mark_cycles(tables: dict[str, Table]) -> dict[str, Table]:
    """FKs between tables that reference each other (directly or around a loop) get use_alter."""
    from dataclasses import replace

    graph = {n: {fk.ref_table for fk in t.foreign_keys if fk.ref_table in tables} for n, t in tables.items()}
    on_cycle = cyclic_edges(graph)
    return {
        name: replace(
            t,
            foreign_keys=tuple(
                replace(fk, use_alter=True) if (name, fk.ref_table) in on_cycle else fk
                for fk in t.foreign_keys
            ),
        )
        for name, t in tables.items()
    }


def _dependency_order(tables: dict[str, Table]) -> tuple[Table, ...]:
    """Referenced tables first; FKs marked use_alter don't order; ties broken by name."""
    deps = {n: {fk.ref_table for fk in t.foreign_keys if not fk.use_alter} for n, t in tables.items()}
    return tuple(tables[n] for n in topological_order(deps))


def _named(
    parsed: Parsed, tables: dict[str, Table], diag: Collector
) -> tuple[tuple[Extension, ...], tuple[Function, ...], tuple[Trigger, ...]]:
    extensions: dict[str, Extension] = {}
    functions: dict[str, Function] = {}
    triggers: dict[tuple[str, str], Trigger] = {}
    for raw in parsed.named:
        if raw.kind == "extension":
            extensions.setdefault(raw.name, Extension(raw.name, raw.span))
        elif raw.kind == "function":
            assert raw.signature is not None
            if raw.signature in functions:
                diag.error(
                    raw.span,
                    "E111",
                    f"function {raw.signature} is defined twice (first at {functions[raw.signature].span})",
                )
                continue
            functions[raw.signature] = Function(
                raw.name, raw.signature, raw.sql, raw.span, raw.schema or DEFAULT_SCHEMA
            )
        elif raw.kind == "trigger":
            assert raw.table is not None
            if raw.table not in tables:
                diag.error(
                    raw.span,
                    "E107",
                    f'trigger {raw.name} is on unknown table "{raw.table}"'
                    + _did_you_mean(raw.table, tables),
                )
                continue
            key = (raw.table, raw.name)
            if key in triggers:
                diag.error(raw.span, "E111", f"trigger {raw.name} on {raw.table} is defined twice")
                continue
            triggers[key] = Trigger(raw.name, raw.table, raw.sql, raw.span)
    return (
        tuple(sorted(extensions.values(), key=lambda e: e.name)),
        tuple(sorted(functions.values(), key=lambda f: f.signature)),
        tuple(sorted(triggers.values(), key=lambda t: (t.table, t.name))),
    )
