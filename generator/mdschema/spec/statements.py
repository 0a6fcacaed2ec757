"""SQL blocks → raw statements (pglast, PostgreSQL's own grammar). No regexes on SQL.

One handler per statement kind; the raw records (`raw`) keep what was written, comments are read by
`comments`, and `resolve` turns the records into the validated IR.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mdschema.spec.domains as domains
import mdschema.spec.pg_names as naming
import mdschema.spec.pg_types as pg_types
import mdschema.spec.rls as rls
import mdschema.spec.sequences as sequences
import mdschema.spec.views as views
from mdschema.errors import Collector, Span
from mdschema.schema import ExcludeElement, IndexElement
from mdschema.spec.comments import BlockText, column_comment, label_renames, split_renamed
from mdschema.spec.dialects import foreign_dialect
from mdschema.spec.markdown import Doc, Heading, SqlBlock
from mdschema.spec.raw import (
    Parsed,
    RawAddConstraint,
    RawColumn,
    RawComment,
    RawConstraint,
    RawDomain,
    RawDomainCheck,
    RawDomainComment,
    RawDomainConstraint,
    RawEnum,
    RawIndex,
    RawNamed,
    RawSchema,
    RawTable,
    RawType,
)
from mdschema.util.sql_text import object_key

FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
MAX_SQL_CHARS = 5_000_000  # one block; beyond this the doc is refused, not parsed

_TRANSACTION = (
    "BEGIN",
    "START TRANSACTION",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK TO",
    "PREPARE TRANSACTION",
    "COMMIT PREPARED",
    "ROLLBACK PREPARED",
)

# Statements that are not schema, skipped with a note that counts them (docs/spec-format.md, "Statements"):
# sample data and example queries, transaction control, session settings, privileges, maintenance.
# kind → the name the note counts it under.
_SKIPPED: dict[str, Callable[[Any], str]] = {
    "InsertStmt": lambda n: "INSERT",
    "SelectStmt": lambda n: "SELECT",
    "UpdateStmt": lambda n: "UPDATE",
    "DeleteStmt": lambda n: "DELETE",
    "MergeStmt": lambda n: "MERGE",
    "CopyStmt": lambda n: "COPY",
    "ExplainStmt": lambda n: "EXPLAIN",
    "TransactionStmt": lambda n: _TRANSACTION[int(n.kind)] if int(n.kind) < len(_TRANSACTION) else "BEGIN",
    "VariableSetStmt": lambda n: "RESET" if int(n.kind) >= 4 else "SET",
    "VariableShowStmt": lambda n: "SHOW",
    "GrantStmt": lambda n: "GRANT" if n.is_grant else "REVOKE",
    "GrantRoleStmt": lambda n: "GRANT" if n.is_grant else "REVOKE",
    "AlterDefaultPrivilegesStmt": lambda n: "ALTER DEFAULT PRIVILEGES",
    "VacuumStmt": lambda n: "VACUUM" if n.is_vacuumcmd else "ANALYZE",
}
_CODE_TOKENS_IGNORED = frozenset({"SQL_COMMENT", "C_COMMENT", "ASCII_59"})  # comments and `;`


@dataclass(slots=True)
class Out:
    """The records of the docs being read, in the order written (frozen into Parsed at the end)."""

    tables: list[RawTable] = field(default_factory=list)
    indexes: list[RawIndex] = field(default_factory=list)
    enums: list[RawEnum] = field(default_factory=list)
    named: list[RawNamed] = field(default_factory=list)
    alters: list[RawAddConstraint] = field(default_factory=list)
    comments: list[RawComment] = field(default_factory=list)
    schemas: list[RawSchema] = field(default_factory=list)
    skipped: list[tuple[Span, str]] = field(default_factory=list)  # statements that are not schema
    views: list[Any] = field(default_factory=list)  # spec.views records
    rls: list[Any] = field(default_factory=list)  # row-level security and policies (spec.rls)
    sequences: list[Any] = field(default_factory=list)  # CREATE / ALTER SEQUENCE, COMMENT ON (spec.sequences)
    domains: list[Any] = field(default_factory=list)  # CREATE / ALTER DOMAIN, COMMENT ON DOMAIN
    foreign: list[tuple[Span, str, str]] = field(default_factory=list)  # MySQL/SQLite tokens, per block

    def parsed(self) -> Parsed:
        return Parsed(
            tables=tuple(self.tables),
            indexes=tuple(self.indexes),
            enums=tuple(self.enums),
            named=tuple(self.named),
            alters=tuple(self.alters),
            comments=tuple(self.comments),
            foreign=tuple(self.foreign),
            schemas=tuple(self.schemas),
            views=tuple(self.views),
            rls=tuple(self.rls),
            sequences=tuple(self.sequences),
            domains=tuple(self.domains),
        )


def parse_docs(docs: list[Doc], diag: Collector) -> Parsed:
    """Every statement of every doc's SQL blocks as raw records; problems go to `diag`."""
    out = Out()
    for doc in docs:
        parse_doc(doc, out, diag)
    return out.parsed()


def parse_doc(doc: Doc, out: Out, diag: Collector) -> None:
    """One doc's statements appended to `out`, its problems to `diag` (nothing read depends on another
    doc: `spec.parse_cache` replays what this appends)."""
    before = len(out.skipped)
    for block in doc.blocks:
        if _parse_block(doc, block, out, diag) is False:
            diag.warning(
                Span(doc.path, max(1, block.first_line - 1)),
                "W301",
                "```sql block without a statement",
                "write the statement in it, or remove the empty block",
            )
    if not doc.blocks:
        diag.warning(
            Span(doc.path, 1),
            "W301",
            f"{doc.path} has no ```sql block: nothing in it becomes schema",
            "mdschema reads the SQL of ```sql fences (also postgresql, pgsql, psql); label the block, "
            "or leave the doc out of docs = [...]",
        )
    _note_skipped(doc, out.skipped[before:], diag)


def _note_skipped(doc: Doc, skipped: list[tuple[Span, str]], diag: Collector) -> None:
    """One note per doc, at its first skipped statement: how many, of which kinds, on which lines."""
    if not skipped:
        return
    counts: dict[str, int] = {}
    for _, name in skipped:
        counts[name] = counts.get(name, 0) + 1
    kinds = ", ".join(f"{n} {name}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    lines = [str(span.line) for span, _ in skipped]
    shown = ", ".join(lines[:10]) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
    diag.note(
        skipped[0][0],
        "N201",
        f"skipped {len(skipped)} {'statements that are' if len(skipped) > 1 else 'statement that is'} "
        f"not schema: {kinds}",
        f"line{'s' if len(lines) > 1 else ''} {shown}; sample data, queries, grants and settings are "
        "not part of the models or migrations",
    )


class _Block(BlockText):
    """A block being read: its text and comments, where it sits in the .md file, and the statement now."""

    def __init__(self, doc: Doc, block: SqlBlock) -> None:
        super().__init__(block.text)
        self.doc, self.block = doc, block
        self.long_idents: list[tuple[int, str]] = []  # (offset, name) of identifiers over 63 bytes
        self.tokens: list[Any] = []  # pglast's scan of the block
        self.base = 0  # offset of the statement being read (node locations are relative to it)

    def span(self, offset: int) -> Span:
        return Span(self.doc.path, self.block.first_line + self.line_index(max(0, offset)))


def _parse_block(doc: Doc, block: SqlBlock, out: Out, diag: Collector) -> bool | None:
    """Read one block's statements into `out`: False when it holds none (only comments), None when
    it could not be read at all (the error is in `diag`)."""
    import pglast
    from pglast import parser

    b = _Block(doc, block)
    text = block.text
    if "\x00" in text:
        where = text.index("\x00")
        diag.error(b.span(where), "E201", "SQL block contains a NUL byte", "remove the control character")
        return None
    if len(text) > MAX_SQL_CHARS:
        diag.error(
            b.span(0),
            "E201",
            f"SQL block is larger than {MAX_SQL_CHARS:,} characters",
            "split the schema into smaller blocks or docs",
        )
        return None
    try:
        tokens = b.tokens = parser.scan(text)
        found = foreign_dialect(tokens, text)
        if found is not None:
            out.foreign.append((b.span(found.offset), found.dialect, found.token))
        b.comments = [(t.start, t.end + 1) for t in tokens if t.name in ("SQL_COMMENT", "C_COMMENT")]
        # The parser silently truncates identifiers to 63 bytes; the tokens still hold what was written.
        # (a token of n characters is at most 4n bytes: shorter ones need no look)
        b.long_idents = [
            (t.start, name)
            for t in tokens
            if (t.end - t.start + 1) * 4 > naming.MAX_IDENT
            and t.name in ("IDENT", "UIDENT")
            and naming.too_long(name := _ident_value(text[t.start : t.end + 1]))
        ]
    except pglast.parser.ParseError as exc:  # an unterminated string or dollar quote
        _syntax_error(b, exc, 0, diag)
        return None
    pieces: list[tuple[int, Any]] = []
    try:
        pieces = [(0, raw) for raw in _parse_sql(text)]
    except pglast.parser.ParseError:
        # Parse statement by statement so that every broken statement is reported, not just the first.
        for piece in parser.split(text, with_parser=False, only_slices=True):
            try:
                pieces += [(piece.start, raw) for raw in _parse_sql(text[piece])]
            except pglast.parser.ParseError as exc:
                _syntax_error(b, exc, piece.start, diag)
    except (RecursionError, MemoryError) as exc:  # pragma: no cover - defensive
        diag.error(b.span(0), "E201", f"SQL cannot be parsed: {type(exc).__name__}")
        return None
    for base, raw in pieces:
        location = base + (raw.stmt_location or 0)
        start = _first_code(b, location)
        end = location + (raw.stmt_len or len(text) - location)
        if type(raw.stmt).__name__ not in _SKIPPED:
            for offset, name in b.long_idents:
                if location <= offset < end:
                    diag.error(
                        b.span(offset),
                        "E103",
                        f"identifier {name!r} is {len(name.encode())} bytes; "
                        "PostgreSQL truncates identifiers to 63 bytes",
                        "choose a shorter name",
                    )
        try:
            b.base = base
            _statement(b, raw.stmt, start, end, out, diag)
        except RecursionError:
            diag.error(b.span(start), "E201", "statement is nested too deeply to read")
    return any(t.name not in _CODE_TOKENS_IGNORED for t in tokens)


def _ident_value(token: str) -> str:
    """An identifier token's name: quoted ones as written, unquoted ones folded to lower case."""
    if token.startswith('"') and token.endswith('"') and len(token) > 1:
        return token[1:-1].replace('""', '"')
    return token.lower()


def _syntax_error(b: _Block, exc: Exception, base: int, diag: Collector) -> None:
    location = exc.args[1] if len(exc.args) > 1 else None
    offset = base + max(0, int(location)) if isinstance(location, int) else base  # 0-based characters
    offset = min(offset, len(b.text))
    message = str(exc.args[0]) if exc.args else str(exc)
    near = re.search(r' at or near "(.*)"$', message, re.S)
    if near and ("\n" in near.group(1) or len(near.group(1)) > 40):  # e.g. the rest of an unterminated $$
        message = message[: near.start()] + f' at or near "{near.group(1).splitlines()[0][:40]}…"'
    # the doc's own text, quoted: control and line-separator characters shown escaped, one line always
    message = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in message)
    diag.error(b.span(offset), "E201", f"SQL syntax error: {message}", _syntax_hint(b, offset))


# a reserved word right after these is where a name was expected: `CREATE TABLE user`, `(order int`
_NAME_EXPECTED_AFTER = frozenset(
    {"TABLE", "REFERENCES", "ON", "INTO", "EXISTS", "TYPE", "INDEX", "(", ",", "."}
)


def _syntax_hint(b: _Block, offset: int) -> str:
    """What to do: for a reserved word where a name belongs, quote it or rename it."""
    i = bisect_left(b.tokens, offset, key=lambda t: t.start)
    if 0 < i < len(b.tokens) and b.tokens[i].start == offset:
        tok, previous = b.tokens[i], b.tokens[i - 1]
        if tok.kind in ("RESERVED_KEYWORD", "TYPE_FUNC_NAME_KEYWORD"):
            word = b.text[tok.start : tok.end + 1]
            if b.text[previous.start : previous.end + 1].upper() in _NAME_EXPECTED_AFTER:
                return f'{word} is a reserved word in PostgreSQL: quote it ("{word.lower()}") or rename it'
    return "fix the statement; the line points at the .md file"


def _first_code(b: _Block, offset: int) -> int:
    """Skip whitespace and comments to the statement's first real character."""
    text = b.text
    while offset < len(text):
        if text[offset].isspace():
            offset += 1
            continue
        for _, end in b.comments_in(offset, offset + 1):
            offset = end
            break
        else:
            return offset
    return offset


def _statement(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    kind = type(node).__name__
    refused = _refused(kind, node)
    if refused is not None:
        diag.error(b.span(start), "E202", *refused)
        return
    skipped = _SKIPPED.get(kind)
    if skipped is not None:
        out.skipped.append((b.span(start), skipped(node)))
        return
    handler = _HANDLERS.get(kind)
    if handler is not None:
        handler(b, node, start, end, out, diag)
        return
    diag.error(
        b.span(start),
        "E202",
        f"unsupported statement {_statement_name(kind)}",
        "mdschema manages tables, views, indexes, enums, sequences, domains, extensions, functions, "
        "triggers and policies; move other SQL out of ```sql blocks or into a ```text block",
    )


# Settings that change what the statements after them mean: skipping them would build something else.
_PUBLIC_PATH = frozenset({"public", "pg_catalog", "$user"})


def _refused(kind: str, node: Any) -> tuple[str, str] | None:
    """(message, hint) for a statement mdschema cannot skip without building something else."""
    if kind == "DoStmt":
        return (
            "unsupported statement DO: mdschema cannot know what an anonymous block creates",
            "write the statements it runs as plain SQL (CREATE TYPE …, CREATE TABLE …); "
            "the migrations need no IF NOT EXISTS guards",
        )
    if kind == "DefineStmt" and getattr(node.kind, "name", "") == "OBJECT_COLLATION":
        return (
            "unsupported statement CREATE COLLATION: mdschema creates no collation; a COLLATE names one "
            "PostgreSQL has (pg_catalog's)",
            'use one of pg_catalog\'s in COLLATE ("C", "POSIX", ICU ones such as "und-x-icu"; SELECT '
            "collname FROM pg_collation lists them) and leave CREATE COLLATION out of the docs",
        )
    if kind == "AlterPolicyStmt":
        return (
            f"unsupported statement ALTER POLICY {node.policy_name}: a doc says what the policy is",
            "write the policy as it should be in its CREATE POLICY; revisions alter it when it changes",
        )
    if kind == "VariableSetStmt" and node.name == "search_path":
        values = {str(getattr(getattr(a, "val", None), "sval", "")) for a in node.args or ()}
        if values - _PUBLIC_PATH:
            return (
                f"SET search_path to {', '.join(sorted(values - _PUBLIC_PATH))}: mdschema reads an "
                "unqualified name as schema public's, not where this SET would put it",
                "remove the SET and qualify the names instead (CREATE TABLE app.orders …)",
            )
    if kind == "VariableSetStmt" and node.name == "standard_conforming_strings":
        return (
            "SET standard_conforming_strings: mdschema reads string literals as PostgreSQL does by "
            "default (backslashes are plain characters)",
            "remove the SET, and write the literals in the default form (E'…' for escapes)",
        )
    return None


def _statement_name(kind: str) -> str:
    names = {
        "CreateSeqStmt": "CREATE SEQUENCE",
        "DropStmt": "DROP",
        "CreateSchemaStmt": "CREATE SCHEMA",
        "CreateTableAsStmt": "CREATE TABLE AS",
        "CompositeTypeStmt": "CREATE TYPE (composite)",
        "CreateDomainStmt": "CREATE DOMAIN",
        "RuleStmt": "CREATE RULE",
        "CreatePolicyStmt": "CREATE POLICY",
        "RenameStmt": "ALTER … RENAME",
        "AlterEnumStmt": "ALTER TYPE",
        "CreateRoleStmt": "CREATE ROLE",
        "TruncateStmt": "TRUNCATE",
    }
    return names.get(kind, kind.removesuffix("Stmt"))


def _last(names: Any) -> str:
    return str(names[-1].sval)


def _named_ok(span: Span, what: str, schema: str | None, name: str, diag: Collector) -> bool:
    """False, with E204 at the line, for a name mdschema cannot key (a dot in it: `"a.b"` would read as
    schema a, table b) or a schema that is PostgreSQL's own."""
    if "." in name or (schema is not None and "." in schema):
        diag.error(
            span,
            "E204",
            f"{what} {'.'.join(filter(None, (schema, name)))!r}: a name with a dot in it is not supported "
            "(mdschema writes other schemas' objects as schema.name)",
            "rename it without the dot",
        )
        return False
    if schema is not None and (schema.startswith("pg_") or schema == "information_schema"):
        diag.error(
            span,
            "E204",
            f"{what} {name} is in schema {schema}, which is PostgreSQL's own",
            "build it in public or in a schema of the docs (CREATE SCHEMA app; CREATE TABLE app.…)",
        )
        return False
    return True


def _in_public(span: Span, what: str, schema: str | None, diag: Collector) -> bool:
    """Views are read in public only for now: another schema is E204 at the line (tables, enums and
    functions take any schema; views do not yet)."""
    if schema is None or schema == "public":
        return True
    diag.error(
        span,
        "E204",
        f"{what} is in schema {schema}: views in a schema other than public are not supported yet",
        "build the view in public (qualify what it reads)",
    )
    return False


def _schema_of(names: Any) -> str | None:
    return str(names[-2].sval) if names is not None and len(names) > 1 else None


def _parse_sql(text: str) -> tuple[Any, ...]:
    """pglast.parse_sql, minus pglast's per-attribute validation while it builds the tree.

    The values the C parser hands over already have their final types, so Node.__setattr__'s checks and
    coercions change nothing (except Boolean.boolval, left 0/1 instead of False/True); skipping them
    makes parsing ~3x faster on large docs. The tree is validated as usual everywhere else.
    """
    import pglast
    from pglast import ast

    validating = ast.Node.__dict__.get("__setattr__")
    if validating is None:  # a pglast without the Python-level validation: nothing to skip
        return tuple(pglast.parse_sql(text))
    ast.Node.__setattr__ = object.__setattr__  # type: ignore[assignment,method-assign]
    try:
        return tuple(pglast.parse_sql(text))
    finally:
        ast.Node.__setattr__ = validating  # type: ignore[method-assign]


_DEPARSED: dict[Any, str] = {}


def deparse(node: Any) -> str:
    """SQL text of a node; memoised by the node's shape (the same DEFAULT now() is printed once)."""
    from pglast import ast
    from pglast.stream import RawStream

    key = _shape(node, ast.Node)
    text = _DEPARSED.get(key)
    if text is None:
        if len(_DEPARSED) >= 100_000:  # a long-lived process (a test suite) parses a lot of SQL
            _DEPARSED.clear()
        # SQL-syntax functions as written (trim(x), not pg_catalog.btrim(x)), so that PostgreSQL
        # stores the same expression as for the docs' own SQL
        text = _DEPARSED[key] = str(RawStream(special_functions=True)(node))
    return text


def _shape(value: Any, node: type) -> Any:
    """A hashable key of everything a printer can see in a tree, source locations left out."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is tuple or kind is list:
        return (kind, *[_shape(v, node) for v in value])
    if isinstance(value, node):
        return (kind, *[_shape(getattr(value, a), node) for a in value if a != "location"])  # type: ignore[attr-defined]
    return (kind, value)


def _create_table(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    from pglast import ast

    span = b.span(start)
    rel = node.relation
    name = rel.relname
    if not _named_ok(span, "table", rel.schemaname, name, diag):
        return
    for attr, what in (
        ("inhRelations", "INHERITS"),
        ("partspec", "PARTITION BY"),
        ("partbound", "PARTITION OF"),
        ("ofTypename", "OF type"),
    ):
        if getattr(node, attr, None):
            diag.error(span, "E204", f"table {name}: {what} is not supported")
    if rel.relpersistence in ("t", "u"):
        diag.error(span, "E204", f"table {name}: TEMPORARY and UNLOGGED tables are not supported")
    elements = list(node.tableElts or ())
    bounds = [b.base + getattr(e, "location", start - b.base) for e in elements] + [end]
    columns: list[RawColumn] = []
    constraints: list[RawConstraint] = []
    for i, element in enumerate(elements):
        if isinstance(element, ast.ColumnDef):
            loc = b.base + (element.location or 0)
            comment = column_comment(b, loc, bounds[i + 1])
            columns.append(_column(b, element, comment, name, diag))
        elif isinstance(element, ast.Constraint):
            c = _constraint(b, element, name, None, diag)
            if c is not None:
                constraints.append(c)
        else:
            diag.error(
                b.span(bounds[i]),
                "E204",
                f"table {name}: LIKE clauses are not supported",
                "write the columns out",
            )
    heading = _heading_for(b.block.headings, name)
    description, table_renamed = split_renamed((heading.description or None) if heading else None)
    out.tables.append(
        RawTable(
            name=object_key(rel.schemaname, name),
            schema=rel.schemaname,
            columns=tuple(columns),
            constraints=tuple(constraints),
            span=span,
            doc=b.doc,
            description=description,
            if_not_exists=bool(node.if_not_exists),
            renamed_from=table_renamed,
        )
    )


def _heading_for(headings: tuple[Heading, ...], table: str) -> Heading | None:
    """The heading right above the block, when it names the table; a heading further up (the doc's
    title, a neighbour's section) never describes it."""
    if headings and headings[-1].names(table):
        return headings[-1]
    return None


def _type(b: _Block, tn: Any, loc: int) -> RawType:
    names = tuple(str(n.sval) for n in tn.names)
    args: list[int] = []
    bad = False
    for mod in tn.typmods or ():
        val = getattr(mod, "val", None)
        ival = getattr(val, "ival", None)
        if isinstance(ival, int):
            args.append(ival)
        else:
            bad = True
    array = bool(tn.arrayBounds)
    if tn.pct_type or tn.setof:
        bad = True
    return RawType(names, tuple(args), array, b.span(loc), bad)


def _column(b: _Block, node: Any, comment: str | None, table: str, diag: Collector) -> RawColumn:
    span = b.span(b.base + node.location)
    constraints: list[RawConstraint] = []
    collation = _collation(node.collClause, span, f"column {table}.{node.colname}", diag)
    for c in node.constraints or ():
        rc = _constraint(b, c, table, node.colname, diag)
        if rc is not None:
            constraints.append(rc)
    comment, renamed = split_renamed(comment)
    return RawColumn(
        node.colname,
        _type(b, node.typeName, b.base + node.location),
        tuple(constraints),
        comment,
        span,
        renamed,
        collation,
    )


def _collation(clause: Any, span: Span, what: str, diag: Collector) -> str | None:
    """The collation a COLLATE clause names (or an index element's `collation` names), None for none; a
    collation in a schema other than pg_catalog is E204 (mdschema writes the name alone)."""
    names = _names(getattr(clause, "collname", clause)) if clause else ()
    if not names:
        return None
    if len(names) > 1 and names[-2] != "pg_catalog":
        diag.error(
            span,
            "E204",
            f"{what}: COLLATE {'.'.join(names)}: a collation outside pg_catalog is not supported",
            'use a collation of pg_catalog ("C", "POSIX", "und-x-icu", …), written without a schema',
        )
        return None
    return names[-1]


def _names(items: Any) -> tuple[str, ...]:
    return tuple(str(getattr(i, "sval", i)) for i in items or ())


def _constraint(b: _Block, c: Any, table: str, column: str | None, diag: Collector) -> RawConstraint | None:
    from pglast.enums import ConstrType as T

    loc = b.base + (c.location if c.location is not None and c.location >= 0 else 0)
    span = b.span(loc)
    ct = c.contype
    common: dict[str, Any] = {
        "span": span,
        "name": c.conname,
        "deferrable": bool(c.deferrable),
        "initially_deferred": bool(c.initdeferred),
    }
    if ct == T.CONSTR_NOTNULL:
        return RawConstraint("not_null", span)
    if ct == T.CONSTR_NULL:
        return RawConstraint("null", span)
    if ct == T.CONSTR_DEFAULT:
        return RawConstraint("default", span, expression=deparse(c.raw_expr))
    if ct == T.CONSTR_IDENTITY:
        return RawConstraint("identity", span, identity="always" if c.generated_when == "a" else "by default")
    if ct == T.CONSTR_GENERATED:
        return RawConstraint("generated", span, expression=deparse(c.raw_expr))
    if ct == T.CONSTR_PRIMARY:
        return RawConstraint(
            "primary",
            columns=_names(c.keys) or ((column,) if column else ()),
            include=_names(c.including),
            **common,
        )
    if ct == T.CONSTR_UNIQUE:
        return RawConstraint(
            "unique",
            columns=_names(c.keys) or ((column,) if column else ()),
            nulls_not_distinct=bool(c.nulls_not_distinct),
            include=_names(c.including),
            **common,
        )
    if ct == T.CONSTR_FOREIGN:
        if c.fk_matchtype not in ("s", "\x00", None) or c.fk_del_set_cols:
            diag.error(
                span, "E204", f"table {table}: MATCH FULL/PARTIAL and SET NULL (columns) are not supported"
            )
        if not _named_ok(span, "referenced table", c.pktable.schemaname, c.pktable.relname, diag):
            return None
        return RawConstraint(
            "foreign",
            columns=_names(c.fk_attrs) or ((column,) if column else ()),
            ref_table=object_key(c.pktable.schemaname, c.pktable.relname),
            ref_schema=c.pktable.schemaname,
            ref_columns=_names(c.pk_attrs),
            on_delete=FK_ACTIONS.get(c.fk_del_action, "NO ACTION"),
            on_update=FK_ACTIONS.get(c.fk_upd_action, "NO ACTION"),
            **common,
        )
    if ct == T.CONSTR_CHECK:
        if c.is_no_inherit:
            diag.error(span, "E204", f"table {table}: CHECK … NO INHERIT is not supported")
        refs = column_refs(c.raw_expr)
        # PostgreSQL names a check after the columns its expression uses (one → tab_col_check, else
        # tab_check), whether it was written on a column or on the table.
        return RawConstraint("check", expression=deparse(c.raw_expr), columns=refs, **common)
    if ct == T.CONSTR_EXCLUSION:
        return _exclusion(b, c, table, common, diag)
    what = {
        T.CONSTR_ATTR_DEFERRABLE: "DEFERRABLE here",
        T.CONSTR_ATTR_NOT_DEFERRABLE: "NOT DEFERRABLE here",
        T.CONSTR_ATTR_DEFERRED: "INITIALLY DEFERRED here",
        T.CONSTR_ATTR_IMMEDIATE: "INITIALLY IMMEDIATE here",
    }.get(ct, str(ct))
    if ct in (T.CONSTR_ATTR_NOT_DEFERRABLE, T.CONSTR_ATTR_IMMEDIATE):
        return None  # the defaults: nothing to record
    diag.error(span, "E204", f"table {table}: {what} is not supported")
    return None


def _exclusion(b: _Block, c: Any, table: str, common: dict[str, Any], diag: Collector) -> RawConstraint:
    """EXCLUDE [USING method] (element WITH operator, …) [WHERE (predicate)] [DEFERRABLE …]."""
    from pglast.enums import SortByDir, SortByNulls

    span = common["span"]
    if c.including:
        diag.error(span, "E204", f"table {table}: EXCLUDE … INCLUDE is not supported", "leave INCLUDE out")
    elements: list[ExcludeElement] = []
    exprs: list[Any] = []
    refs: dict[str, None] = {}
    for el, operator in c.exclusions or ():
        names = _names(operator)
        op = names[-1] if len(names) == 1 else f"OPERATOR({'.'.join(names)})"
        expression = _index_expression(el.expr) if el.expr is not None else None
        if el.expr is not None:
            refs.update(dict.fromkeys(column_refs(el.expr)))
        elif el.name:
            refs[el.name] = None
        nulls = {SortByNulls.SORTBY_NULLS_FIRST: "first", SortByNulls.SORTBY_NULLS_LAST: "last"}.get(
            el.nulls_ordering
        )
        elements.append(
            ExcludeElement(
                el.name,
                expression,
                op,
                opclass=".".join(_names(el.opclass)) if el.opclass else None,
                collation=_collation(el.collation, span, f"table {table}: EXCLUDE element", diag),
                descending=el.ordering == SortByDir.SORTBY_DESC,
                nulls=nulls,
            )
        )
        exprs.append(el.indexcolname or el.name or el.expr)
    if c.where_clause is not None:
        refs.update(dict.fromkeys(column_refs(c.where_clause)))
    return RawConstraint(
        "exclude",
        columns=tuple(e.column for e in elements if e.column),
        expression=deparse(c.where_clause) if c.where_clause is not None else None,
        elements=tuple(elements),
        method=(c.access_method or "btree").lower(),
        element_names=tuple(naming.index_column_names(exprs)),
        refs=tuple(refs),
        **common,
    )


def column_refs(node: Any) -> tuple[str, ...]:
    """Distinct column names an expression refers to, in order of appearance."""
    from pglast import ast

    found: dict[str, None] = {}
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.ColumnRef):
            last = item.fields[-1] if item.fields else None
            if last is not None and hasattr(last, "sval"):
                found.setdefault(str(last.sval), None)
        elif isinstance(item, ast.Node):
            for attr in reversed(item.__slots__):  # type: ignore[attr-defined]
                value = getattr(item, attr, None)
                if isinstance(value, (ast.Node, tuple, list)):
                    stack.append(value)
        elif isinstance(item, (tuple, list)):
            stack.extend(reversed(item))
    return tuple(found)


def _index_expression(expr: Any) -> str:
    """An index key expression as CREATE INDEX takes it: a function call as is, anything else in
    parentheses (`(a || b)`; without them the statement is a syntax error)."""
    from pglast import ast

    text = deparse(expr)
    return text if isinstance(expr, ast.FuncCall) else f"({text})"


def _create_index(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    from pglast.enums import SortByDir, SortByNulls

    if not _named_ok(b.span(start), "index on table", node.relation.schemaname, node.relation.relname, diag):
        return
    elements = []
    for el in node.indexParams or ():
        column = el.name
        expression = _index_expression(el.expr) if el.expr is not None else None
        opclass = ".".join(_names(el.opclass)) if el.opclass else None
        desc = el.ordering == SortByDir.SORTBY_DESC
        nulls = {SortByNulls.SORTBY_NULLS_FIRST: "first", SortByNulls.SORTBY_NULLS_LAST: "last"}.get(
            el.nulls_ordering
        )
        collation = _collation(el.collation, b.span(start), f"index on {node.relation.relname}", diag)
        elements.append(IndexElement(column, expression, opclass, desc, nulls, collation))
    options = tuple((str(o.defname), _option_value(o.arg)) for o in node.options or ())
    params = [*(node.indexParams or ()), *(node.indexIncludingParams or ())]
    column_names = naming.index_column_names([p.indexcolname or p.name or p.expr for p in params])
    out.indexes.append(
        RawIndex(
            name=node.idxname,
            table=object_key(node.relation.schemaname, node.relation.relname),
            schema=node.relation.schemaname,
            elements=tuple(elements),
            unique=bool(node.unique),
            method=(node.accessMethod or "btree").lower(),
            where=deparse(node.whereClause) if node.whereClause is not None else None,
            include=tuple(str(getattr(p, "name", "")) for p in node.indexIncludingParams or ()),
            with_options=options,
            span=b.span(start),
            nulls_not_distinct=bool(node.nulls_not_distinct),
            column_names=tuple(column_names),
        )
    )


def _option_value(arg: Any) -> str:
    for attr in ("ival", "fval", "sval", "boolval"):
        if hasattr(arg, attr):
            value = getattr(arg, attr)
            return str(value).lower() if isinstance(value, bool) else str(value)
    return deparse(arg)


def _create_enum(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    schema = _schema_of(node.typeName)
    if not _named_ok(b.span(start), "enum", schema, _last(node.typeName), diag):
        return
    labels = tuple(v.sval for v in node.vals or ())
    out.enums.append(
        RawEnum(_last(node.typeName), labels, b.span(start), label_renames(b, start, end, labels), schema)
    )


def _create_extension(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    out.named.append(RawNamed("extension", node.extname, "", b.span(start)))


def _create_function(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    span = b.span(start)
    if node.is_procedure:
        diag.error(span, "E202", "unsupported statement CREATE PROCEDURE")
        return
    name = _last(node.funcname)
    schema = _schema_of(node.funcname)
    if not _named_ok(span, "function", schema, name, diag):
        return
    node.replace = True
    argtypes = []
    for p in node.parameters or ():
        if str(p.mode) in ("FunctionParameterMode.FUNC_PARAM_OUT", "FunctionParameterMode.FUNC_PARAM_TABLE"):
            continue
        argtypes.append(deparse(p.argType))
    key = object_key(schema, name)
    out.named.append(
        RawNamed(
            "function", name, deparse(node), span, signature=f"{key}({', '.join(argtypes)})", schema=schema
        )
    )


def _create_trigger(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    if not _named_ok(
        b.span(start), "trigger on table", node.relation.schemaname, node.relation.relname, diag
    ):
        return
    node.replace = True
    out.named.append(
        RawNamed(
            "trigger",
            node.trigname,
            deparse(node),
            b.span(start),
            table=object_key(node.relation.schemaname, node.relation.relname),
            schema=node.relation.schemaname,
        )
    )


def _alter_table(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    from pglast.enums import AlterTableType

    span = b.span(start)
    table = node.relation.relname
    if not _named_ok(span, "table", node.relation.schemaname, table, diag):
        return
    key = object_key(node.relation.schemaname, table)
    for cmd in node.cmds or ():
        if cmd.subtype == AlterTableType.AT_AddConstraint:
            c = _constraint(b, cmd.def_, table, None, diag)
            if c is not None:
                out.alters.append(RawAddConstraint(key, c, node.relation.schemaname))
        elif cmd.subtype.name in rls.ROW_SECURITY_COMMANDS:
            out.rls.append(rls.row_security_record(key, cmd.subtype.name, span))
        else:
            diag.error(
                span,
                "E202",
                f"unsupported statement ALTER TABLE {table} ({cmd.subtype.name[3:]})",
                "only ALTER TABLE … ADD CONSTRAINT and … ROW LEVEL SECURITY belong in a schema doc; "
                "write the final table instead",
            )


def _comment(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    from pglast.enums import ObjectType

    span = b.span(start)
    obj = node.object  # a table or column is a plain sequence of String nodes: (schema.)table(.column)
    items = obj if isinstance(obj, (list, tuple)) else getattr(obj, "items", None) or ()
    names = [str(getattr(n, "sval", n)) for n in items]
    depth = {ObjectType.OBJECT_TABLE: 1, ObjectType.OBJECT_COLUMN: 2}.get(node.objtype, 0)
    schema = names[-depth - 1] if depth and len(names) > depth else None
    if depth and len(names) >= depth and not _named_ok(span, "table", schema, names[-depth], diag):
        return
    if node.objtype in (ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW):
        if names and (len(names) == 1 or _in_public(span, f"view {names[-1]}", names[-2], diag)):
            materialized = node.objtype == ObjectType.OBJECT_MATVIEW
            out.views.append(views.RawViewComment(names[-1], materialized, node.comment, span))
        return
    if node.objtype == ObjectType.OBJECT_POLICY and len(names) >= 2:
        if _named_ok(span, "table", names[-3] if len(names) > 2 else None, names[-2], diag):
            key = object_key(names[-3] if len(names) > 2 else None, names[-2])
            out.rls.append(rls.RawPolicyComment(key, names[-1], node.comment, span))
        return
    if node.objtype == ObjectType.OBJECT_SEQUENCE and names:
        seq_schema = names[-2] if len(names) > 1 else None
        if _named_ok(span, "sequence", seq_schema, names[-1], diag):
            key = object_key(seq_schema, names[-1])
            out.sequences.append(sequences.RawSequenceComment(key, node.comment, span))
        return
    if node.objtype == ObjectType.OBJECT_DOMAIN:
        names = [str(n.sval) for n in obj.names]
        if _named_ok(span, "domain", names[-2] if len(names) > 1 else None, names[-1], diag):
            key = object_key(names[-2] if len(names) > 1 else None, names[-1])
            out.domains.append(RawDomainComment(key, node.comment, span))
        return
    if node.objtype == ObjectType.OBJECT_TABLE and names:
        out.comments.append(RawComment(object_key(schema, names[-1]), None, node.comment, span, schema))
    elif node.objtype == ObjectType.OBJECT_COLUMN and len(names) >= 2:
        key = object_key(schema, names[-2])
        out.comments.append(RawComment(key, names[-1], node.comment, span, schema))
    else:
        diag.error(
            span,
            "E202",
            "unsupported statement COMMENT ON (only tables, columns, views, policies, sequences and domains)",
        )


def _create_policy(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    span = b.span(start)
    rel = node.table
    if not _named_ok(span, "table", rel.schemaname, rel.relname, diag):
        return
    using = deparse(node.qual) if node.qual is not None else None
    check = deparse(node.with_check) if node.with_check is not None else None
    record = rls.policy_record(
        node, object_key(rel.schemaname, rel.relname), deparse(node), using, check, span, diag
    )
    if record is not None:
        out.rls.append(record)


def _create_view(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    span = b.span(start)
    rel = node.view
    if not _in_public(span, f"view {rel.relname}", rel.schemaname, diag):
        return
    if rel.relpersistence == "t":
        diag.error(span, "E204", f"view {rel.relname}: TEMPORARY views are not supported")
        return
    node.replace = False  # the docs say what the view is; CREATE OR REPLACE is the migrations' choice
    aliases = views.names_of(node.aliases)
    description = _description(b, rel.relname)
    out.views.append(
        views.record(b, node.query, rel.relname, False, deparse(node), aliases, span, description)
    )


def _create_matview(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    """CREATE MATERIALIZED VIEW … AS … [WITH [NO] DATA]; CREATE TABLE AS is refused."""
    from pglast.enums import ObjectType

    span = b.span(start)
    if node.objtype != ObjectType.OBJECT_MATVIEW or node.is_select_into:
        diag.error(
            span,
            "E202",
            f"unsupported statement {_statement_name('CreateTableAsStmt')}",
            "write the table with CREATE TABLE (CREATE MATERIALIZED VIEW … AS is supported)",
        )
        return
    rel = node.into.rel
    if not _in_public(span, f"materialized view {rel.relname}", rel.schemaname, diag):
        return
    node.if_not_exists = False
    aliases = views.names_of(node.into.colNames)
    description = _description(b, rel.relname)
    out.views.append(
        views.record(b, node.query, rel.relname, True, deparse(node), aliases, span, description)
    )


def _description(b: _Block, name: str) -> str | None:
    heading = _heading_for(b.block.headings, name)
    return split_renamed((heading.description or None) if heading else None)[0]


def _create_schema(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    span = b.span(start)
    name = node.schemaname
    if name is None or node.authrole is not None:
        diag.error(
            span,
            "E204",
            "CREATE SCHEMA … AUTHORIZATION is not supported: mdschema creates schemas as the migrating role",
            f"write CREATE SCHEMA {name or 'name'};"
            + (" and set the owner outside the docs" if name else ""),
        )
        return
    if not _named_ok(span, "schema", None, name, diag):
        return
    if name == "public" or name.startswith("pg_") or name == "information_schema":
        diag.error(
            span,
            "E204",
            f"CREATE SCHEMA {name}: that schema is PostgreSQL's own",
            "remove the statement: public is in every database"
            if name == "public"
            else "choose another name (pg_ names are PostgreSQL's)",
        )
        return
    if node.schemaElts:
        diag.error(
            span,
            "E204",
            f"CREATE SCHEMA {name} with statements inside it is not supported",
            f"end it after the name (CREATE SCHEMA {name};) and write the statements after it, qualified",
        )
    out.schemas.append(RawSchema(name, span, bool(node.if_not_exists)))


def _create_sequence(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    span = b.span(start)
    rel = node.sequence
    if not _named_ok(span, "sequence", rel.schemaname, rel.relname, diag):
        return
    key = object_key(rel.schemaname, rel.relname)
    record = sequences.sequence_record(node, key, object_key, span, diag)
    if record is not None:
        out.sequences.append(record)


def _alter_sequence(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    span = b.span(start)
    rel = node.sequence
    if not _named_ok(span, "sequence", rel.schemaname, rel.relname, diag):
        return
    record = sequences.alter_record(node, object_key(rel.schemaname, rel.relname), object_key, span, diag)
    if record is not None:
        out.sequences.append(record)


def _create_domain(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    """CREATE DOMAIN: the parts as written; spec.domains resolves them."""
    from pglast.enums import ConstrType

    span = b.span(start)
    schema, name = _schema_of(node.domainname), _last(node.domainname)
    if not _named_ok(span, "domain", schema, name, diag):
        return
    at = node.typeName.location
    base = _type(b, node.typeName, b.base + at if isinstance(at, int) and at >= 0 else start)
    problems: list[tuple[str, str, str]] = []
    default_node, not_null, null = None, False, False
    checks: list[RawDomainCheck] = []
    for c in node.constraints or ():
        if c.contype == ConstrType.CONSTR_DEFAULT:
            default_node = c.raw_expr
        elif c.contype == ConstrType.CONSTR_NOTNULL:
            not_null = True
        elif c.contype == ConstrType.CONSTR_NULL:
            null = True
        elif c.contype == ConstrType.CONSTR_CHECK:
            problems += domains.check_problems(c.raw_expr)
            checks.append(RawDomainCheck(c.conname, deparse(c.raw_expr), span))
        else:  # pragma: no cover - the grammar has no other domain constraint
            problems.append(("E122", f"{c.contype.name} is not a domain constraint", "leave it out"))
    if not_null and null:
        problems.append(("E122", "both NULL and NOT NULL", "keep one (NULL is the default: leave it out)"))
    known = pg_types.known_base(base.names[-1]) is not None and not base.bad_args
    if known and default_node is not None and pg_types.modifier_problem(base.names[-1], base.args) is None:
        made = pg_types.make_type(base.names[-1], base.args, base.array)
        wrong = domains.default_problem(made, default_node)
        if wrong is not None:
            problems.append(("E122", *wrong))
    collation = _collation(node.collClause, span, f"domain {name}", diag)
    default = deparse(default_node) if default_node is not None else None
    out.domains.append(
        RawDomain(name, schema, base, collation, default, not_null, tuple(checks), span, tuple(problems))
    )


def _alter_domain(b: _Block, node: Any, start: int, end: int, out: Out, diag: Collector) -> None:
    """ALTER DOMAIN … ADD [CONSTRAINT name] CHECK (…): added to the domain; any other ALTER DOMAIN is E202
    (the doc says what the domain is; revisions alter it)."""
    span = b.span(start)
    schema, name = _schema_of(node.typeName), _last(node.typeName)
    if not _named_ok(span, "domain", schema, name, diag):
        return
    c = node.def_
    if node.subtype != "C" or c is None or type(c).__name__ != "Constraint":
        diag.error(
            span,
            "E202",
            f"unsupported statement ALTER DOMAIN {name}: a doc says what the domain is",
            "write the domain as it should be in its CREATE DOMAIN (ALTER DOMAIN … ADD CONSTRAINT … CHECK "
            "is read too); revisions alter it when it changes",
        )
        return
    for code, message, hint in domains.check_problems(c.raw_expr):
        diag.error(span, code, f"domain {object_key(schema, name)}: {message}", hint)
        return
    if c.skip_validation:
        diag.error(
            span,
            "E122",
            f"domain {object_key(schema, name)}: ADD CONSTRAINT … NOT VALID in a doc",
            "write the CHECK without NOT VALID: the docs say what the domain is; the lock-safe revisions "
            "add it NOT VALID and validate it themselves",
        )
        return
    check = RawDomainCheck(c.conname, deparse(c.raw_expr), span)
    out.domains.append(RawDomainConstraint(object_key(schema, name), check))


_Handler = Callable[[_Block, Any, int, int, Out, Collector], None]
# One handler per statement kind: (block, node, start and end offset in the block, records, diagnostics).
_HANDLERS: dict[str, _Handler] = {
    "CreateStmt": _create_table,
    "IndexStmt": _create_index,
    "CreateEnumStmt": _create_enum,
    "CreateExtensionStmt": _create_extension,
    "CreateFunctionStmt": _create_function,
    "CreateTrigStmt": _create_trigger,
    "AlterTableStmt": _alter_table,
    "CommentStmt": _comment,
    "CreateSchemaStmt": _create_schema,
    "ViewStmt": _create_view,
    "CreateTableAsStmt": _create_matview,
    "CreatePolicyStmt": _create_policy,
    "CreateSeqStmt": _create_sequence,
    "AlterSeqStmt": _alter_sequence,
    "CreateDomainStmt": _create_domain,
    "AlterDomainStmt": _alter_domain,
}
