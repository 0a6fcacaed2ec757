"""`mdschema import`: read a live database, group its tables into docs, write them, and read them back.

The docs are read back with mdschema's own reader before anything is written: every constraint must
resolve to the name it has in the database, every comment to its text. Where one does not (PostgreSQL
would pick another name, a paragraph cannot carry the comment), the doc says it explicitly
(`CONSTRAINT name`, `COMMENT ON`), and is read back again. So what `generate` makes of the docs is the
database, names and comments included.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mdschema.catalog.snapshot import Snapshot
from mdschema.config import Config
from mdschema.errors import Span, SpecError
from mdschema.importer.catalog_to_docs import Choices, first_guess, table_text
from mdschema.importer.doc_writer import DocText, Shared, render_doc
from mdschema.importer.grouping import Group, group_tables
from mdschema.importer.reader import Source, read_source
from mdschema.schema import Schema
from mdschema.util.sql_text import quote_ident, quote_literal

MAX_ROUNDS = 4  # read-backs before every name and comment is written out explicitly


@dataclass(frozen=True, slots=True)
class ImportOptions:
    database_url: str
    schemas: tuple[str, ...] = ("public",)
    out: str = "spec"  # folder of the docs, relative to the project
    group_by: str = "schema"
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedDocs:
    files: tuple[tuple[str, str], ...]  # (path relative to the project, text), sorted
    tables: int
    schema: Schema  # what mdschema reads in the docs
    notes: tuple[str, ...]  # what the docs leave out, and why
    hints: tuple[str, ...]  # configuration the project needs for the docs


class ImportFailure(Exception):
    """The database holds what the docs cannot describe; the message lists each object and why."""


def import_database(config: Config, options: ImportOptions) -> ImportedDocs:
    """The docs of `options.schemas` of the database; nothing is written (see `write_docs`)."""
    from mdschema.database import connect, normalize_url

    exclude = (
        frozenset(options.exclude)
        | frozenset(dict(config.external_tables))
        | frozenset(config.unmanaged_tables)
    )
    with connect(normalize_url(options.database_url)) as conn:
        sources = [read_source(conn, schema, exclude) for schema in options.schemas]
    problems = [f"table {t}: {why}" for s in sources for t, why in s.extras.unsupported]
    for s in sources:
        for table in s.snapshot.tables:
            for con in table.constraints:
                if con.kind == "x":
                    problems.append(f"table {table.name}: exclusion constraint {con.name} (EXCLUDE)")
    if problems:
        raise ImportFailure(
            "mdschema cannot describe these tables:\n"
            + "\n".join(f"  {p}" for p in problems)
            + "\n  leave them out with --exclude TABLE, and list them under unmanaged_tables "
            "in [tool.mdschema]"
        )
    plans = _plan_docs(sources, options)
    out = PurePosixPath(options.out.strip("/") or ".")
    choices = {id(s): first_guess(s) for s in sources}
    for _ in range(MAX_ROUNDS):
        docs = _render(plans, choices, out)
        schema = _read_back(config, out, docs)
        wrong = {id(s): _mismatches(s, schema, docs) for s in sources}
        if not any(w.explicit or w.comment_on for w in wrong.values()):
            break
        choices = {
            key: Choices(c.explicit | wrong[key].explicit, c.comment_on | wrong[key].comment_on)
            for key, c in choices.items()
        }
    else:  # still not exact: say everything explicitly, which always reads back as written
        choices = {id(s): _everything(s) for s in sources}
        docs = _render(plans, choices, out)
        schema = _read_back(config, out, docs)
        left = [w for s in sources if (w := _mismatches(s, schema, docs)).explicit or w.comment_on]
        if left:  # pragma: no cover - explicit names and COMMENT ON always read back
            raise ImportFailure(f"the docs do not read back as the database: {left}")
    docs = _render(plans, choices, out, schema)  # now with their ER diagrams
    files = tuple(sorted((path, doc.text) for path, doc in docs.items()))
    notes = tuple(
        f"{obj} (schema {s.schema}): not imported; mdschema does not manage it"
        for s in sources
        for obj in s.extras.not_imported
    )
    return ImportedDocs(files, sum(len(s.snapshot.tables) for s in sources), schema, notes, _hints(sources))


def _hints(sources: list[Source]) -> tuple[str, ...]:
    others = [s.schema for s in sources if s.schema != "public"]
    schemas = (
        (
            f"import writes unqualified names: the models of these docs create their tables in public, "
            f"not in {', '.join(others)} (to keep them there, qualify the names in the docs and add "
            f"CREATE SCHEMA {others[0]};)",
        )
        if others
        else ()
    )
    return schemas + _external_hints(sources)


def _external_hints(sources: list[Source]) -> tuple[str, ...]:
    outside = sorted(
        {
            con.ref_table
            for s in sources
            for t in s.snapshot.tables
            for con in t.constraints
            if con.kind == "f" and con.ref_table and "." in con.ref_table
        }
    )
    if not outside:
        return ()
    names = ", ".join(f'{name.split(".")[-1]} = "keep_fk"' for name in outside)
    return (
        f"foreign keys point at tables outside the imported schema ({', '.join(outside)}): "
        f"add `external_tables = {{ {names} }}` to [tool.mdschema]",
    )


@dataclass(frozen=True, slots=True)
class _DocPlan:
    source: Source
    group: Group
    path: str  # relative to the out folder


def _plan_docs(sources: list[Source], options: ImportOptions) -> list[_DocPlan]:
    plans: list[_DocPlan] = []
    taken: set[str] = set()
    for source in sources:
        groups = group_tables(source.snapshot, options.group_by, source.schema)
        if not groups:
            groups = (Group(source.schema, ()),)
        for group in groups:
            stem = (
                group.stem
                if len(sources) == 1 or options.group_by == "schema"
                else f"{source.schema}_{group.stem}"
            )
            name, n = f"{stem}.md", 1
            while name in taken:
                n += 1
                name = f"{stem}_{n}.md"
            taken.add(name)
            plans.append(_DocPlan(source, group, name))
    return plans


def _render(
    plans: list[_DocPlan], choices: dict[int, Choices], out: PurePosixPath, schema: Schema | None = None
) -> dict[str, DocText]:
    """The docs' text; with `schema` (what they read back as), their ER diagrams too."""
    from mdschema.diagrams.mermaid import er_diagram

    by_source: dict[int, list[_DocPlan]] = defaultdict(list)
    for plan in plans:
        by_source[id(plan.source)].append(plan)
    docs: dict[str, DocText] = {}
    for group_plans in by_source.values():
        source = group_plans[0].source
        shared = _shared(source, [p.group for p in group_plans])
        for plan in group_plans:
            tables = tuple(
                table_text(source, t, choices[id(source)])
                for name in plan.group.tables
                if (t := source.snapshot.table(name)) is not None
            )
            n = len(tables)
            plural = "s" if n != 1 else ""
            intro = f"Imported by `mdschema import` from schema `{source.schema}`: {n} table{plural}."
            title = plan.group.stem if plan.group.stem != source.schema else f"Schema {source.schema}"
            path = str(out / plan.path)
            diagram = er_diagram(schema, path) if schema is not None else None
            docs[path] = render_doc(title, intro, shared.get(plan.group.stem, Shared()), tables, diagram)
    return docs


def _shared(source: Source, groups: list[Group]) -> dict[str, Shared]:
    """Enums, extensions and functions, each in the doc of the first table (in doc order) using it."""
    snap = source.snapshot
    order = [(g.stem, t) for g in groups for t in g.tables]
    first_doc = groups[0].stem if groups else source.schema

    def home(users: set[str]) -> str:
        return next((stem for stem, t in order if t in users), first_doc)

    ext_users: dict[str, set[str]] = defaultdict(set)
    for ext_name, user in source.extras.extension_users:
        ext_users[ext_name].add(user)
    enum_users: dict[str, set[str]] = defaultdict(set)
    # where a function is called: triggers, defaults, checks (a name followed by "(")
    calls: list[tuple[str, str]] = [(t, sql) for t, _, sql in source.extras.trigger_sql]
    for t in snap.tables:
        for col in t.columns:
            enum_users[col.type.removesuffix("[]")].add(t.name)
            if col.default:
                calls.append((t.name, col.default))
        calls += [(t.name, con.definition) for con in t.constraints if con.kind == "c"]
    fn_users: dict[str, set[str]] = defaultdict(set)
    for fn in snap.functions:
        called = quote_ident(fn.signature.split("(")[0]) + "("
        fn_users[fn.signature] = {user for user, sql in calls if called in sql}
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for ext in snap.extensions:
        out[home(ext_users[ext.name])]["extensions"].append(
            f"CREATE EXTENSION IF NOT EXISTS {quote_ident(ext.name)};"
        )
    for enum in snap.enums:
        labels = ", ".join(quote_literal(label) for label in enum.labels)
        out[home(enum_users[quote_ident(enum.name)])]["enums"].append(
            f"CREATE TYPE {quote_ident(enum.name)} AS ENUM ({labels});"
        )
    prefix = f"CREATE OR REPLACE FUNCTION {quote_ident(source.schema)}."
    for fn in snap.functions:
        sql = fn.definition.rstrip("\n")
        if sql.startswith(prefix):
            sql = "CREATE OR REPLACE FUNCTION " + sql[len(prefix) :]
        out[home(fn_users[fn.signature])]["functions"].append(sql + ";")
    return {
        stem: Shared(tuple(kinds["extensions"]), tuple(kinds["enums"]), tuple(kinds["functions"]))
        for stem, kinds in out.items()
    }


def _read_back(config: Config, out: PurePosixPath, docs: dict[str, DocText]) -> Schema:
    """The Schema mdschema reads in `docs`, with the project's configuration, from a scratch folder."""
    from mdschema.spec.load import load_schema

    with tempfile.TemporaryDirectory(prefix="mdschema-import-") as tmp:
        root = Path(tmp)
        for path, doc in docs.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(doc.text, encoding="utf-8")
        scratch = dataclasses.replace(config, root=root, docs=(str(out / "*.md"),), pyproject=None, prefer=())
        try:
            return load_schema(scratch).schema
        except SpecError as exc:
            raise ImportFailure(
                "the database holds what mdschema cannot describe (lines are those of the docs import "
                "would write; nothing was written):\n" + exc.format()
            ) from None


def _mismatches(source: Source, schema: Schema, docs: dict[str, DocText]) -> Choices:
    """What reads back differently from the database: constraint names, comments, descriptions."""
    marks: dict[tuple[str, int], list[tuple[str, str, str]]] = {}
    for path, doc in docs.items():
        for line, on_line in doc.marks:
            marks[path, line] = list(on_line)
    explicit: set[tuple[str, str]] = set()
    comment_on: set[tuple[str, str | None]] = set()
    for table in source.snapshot.tables:
        mine = schema.table(table.name)
        if mine is None:  # pragma: no cover - every table is written
            continue
        ir: list[tuple[str, str, Span]] = []
        if mine.primary_key:
            ir.append(("p", mine.primary_key.name, mine.primary_key.span))
        ir += [("u", u.name, u.span) for u in mine.uniques]
        ir += [("f", f.name, f.span) for f in mine.foreign_keys]
        ir += [("c", c.name, c.span) for c in mine.checks]
        for kind, name, span in ir:
            written = [
                m for m in marks.get((span.file, span.line), []) if m[0] == table.name and m[1] == kind
            ]
            if len(written) != 1:
                explicit |= {(table.name, c.name) for c in table.constraints}
            elif written[0][2] != name:
                explicit.add((table.name, written[0][2]))
        if (table.comment or None) != (mine.description or None):
            comment_on.add((table.name, None))
        for col in table.columns:
            read = mine.column(col.name)
            if read is not None and (col.comment or None) != (read.comment or None):
                comment_on.add((table.name, col.name))
    return Choices(frozenset(explicit), frozenset(comment_on))


def _everything(source: Source) -> Choices:
    snap: Snapshot = source.snapshot
    return Choices(
        frozenset((t.name, c.name) for t in snap.tables for c in t.constraints),
        frozenset(
            [(t.name, None) for t in snap.tables if t.comment]
            + [(t.name, c.name) for t in snap.tables for c in t.columns if c.comment]
        ),
    )


# --- writing --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conflict:
    """Docs an import would overwrite or join; written only with --force."""

    existing: tuple[str, ...]


def conflicts(config: Config, docs: ImportedDocs) -> Conflict | None:
    targets = {config.root / path for path, _ in docs.files}
    existing = sorted(
        {config.rel(p) for p in targets if p.exists()} | {config.rel(p) for p in config.doc_paths()}
    )
    return Conflict(tuple(existing)) if existing else None


def write_docs(config: Config, docs: ImportedDocs) -> list[str]:
    """Write the docs (atomically, each); the paths written, relative to the project."""
    from mdschema.util.atomic import write_text

    written = []
    for path, text in docs.files:
        if write_text(config.root / path, text):
            written.append(path)
    return written


def docs_covered(config: Config, docs: ImportedDocs) -> bool:
    """Do the project's `docs` globs match every imported doc?"""
    return all(any(PurePosixPath(path).match(pattern) for pattern in config.docs) for path, _ in docs.files)


__all__ = [
    "Conflict",
    "ImportFailure",
    "ImportOptions",
    "ImportedDocs",
    "conflicts",
    "docs_covered",
    "import_database",
    "write_docs",
]
