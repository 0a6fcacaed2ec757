"""Hostile names and hostile text.

Names: quotes, spaces, upper case, unicode, Python keywords, declarative reserved names, names the
generated module itself imports (`Text`, `text`, `mapped_column`, ...), SQLAlchemy's `_sa_*`, 63-byte
names: the generated package imports, maps, and builds exactly those names in PostgreSQL. 64-byte
names and names that would share one Python attribute are clear errors instead.

Text: descriptions and comments carrying docstring closers, quotes, backslashes, newlines and code
never become code; they round-trip exactly into Base.metadata and into PostgreSQL, through
`create_all` and through a migration (`'; DROP TABLE …; --` stays a comment).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mdschema.cli import main
from mdschema.database import connect
from mdschema.spec.markdown import read_doc
from support.projects import make_project, query

# --- a doc full of hostile names -------------------------------------------------------------------

LONG63 = "a" * 63
LONG63_UTF8 = "é" * 31 + "1"  # 31 × 2 + 1 = 63 bytes
assert len(LONG63_UTF8.encode()) == 63
TABLE63 = "t" * 63

NAMES_DOC = f'''
# Hostile names

## class

Python keyword as a table name.

```sql
CREATE TYPE mood AS ENUM ('ok', 'it''s "fine"', 'ünï');
CREATE TABLE class (
    id INTEGER PRIMARY KEY,            -- Key
    "from" DATE,                       -- Python keyword, SQL reserved word
    import TEXT,                       -- Python keyword
    "class" TEXT,                      -- Python keyword, quoted
    metadata JSONB,                    -- DeclarativeBase.metadata
    registry TEXT,                     -- DeclarativeBase.registry
    type TEXT,                         -- builtin and soft keyword
    "Mixed Case" TEXT,                 -- space and upper case
    "UPPER" INTEGER,                   -- upper case
    "quo""te" TEXT,                    -- a double quote in the name
    "it's" TEXT,                       -- a single quote in the name
    "ünïcødé" TEXT,                    -- unicode
    "表" TEXT,                         -- CJK
    "1st" TEXT,                        -- starts with a digit
    {LONG63} TEXT,                     -- 63 bytes
    "{LONG63_UTF8}" TEXT,              -- 63 bytes of UTF-8
    text TEXT DEFAULT 'x',             -- the module's text()
    "Text" TEXT,                       -- the module's Text type
    mapped_column TEXT,                -- the module's mapped_column()
    relationship TEXT,                 -- the module's relationship()
    "Mapped" TEXT,                     -- the module's Mapped
    datetime TIMESTAMP,                -- the module's datetime import
    "Integer" INTEGER,                 -- the module's Integer type
    "ForeignKey" TEXT,                 -- the module's ForeignKey
    "MoodEnum" TEXT,                   -- the enum's class in enums.py
    _sa_instance_state TEXT,           -- SQLAlchemy instrumentation
    later TEXT DEFAULT 'y',            -- a column after all of them: text() and Text still work
    feeling mood                       -- an enum column after "MoodEnum"
);
CREATE INDEX "Mixed idx" ON class ("Mixed Case", "UPPER" DESC);
CREATE UNIQUE INDEX {"i" * 63} ON class ("表");
```

## "Order Item"

```sql
CREATE TABLE "Order Item" (
    "ID" SERIAL PRIMARY KEY,                       -- upper-case key
    class_id INTEGER REFERENCES class(id),         -- FK to a keyword-named table
    "from" TEXT,                                   -- keyword
    metadata TEXT                                  -- reserved
);
```

## {TABLE63}

```sql
CREATE TABLE {TABLE63} (
    id INTEGER PRIMARY KEY,
    "Order Item_id" INTEGER REFERENCES "Order Item"("ID"),
    CONSTRAINT {"c" * 63} CHECK (id > 0)
);
```

## registry

```sql
CREATE TABLE registry (id INTEGER PRIMARY KEY, metadata TEXT);
CREATE TABLE metadata (id INTEGER PRIMARY KEY, registry_id INTEGER REFERENCES registry(id));
CREATE TABLE "Base" (id INTEGER PRIMARY KEY);
```
'''

# What the generated package's metadata says, read in a fresh interpreter (the package is mapped and
# created there; nothing is imported into this process).
INSPECT = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import sqlalchemy as sa
import generated
from sqlalchemy import inspect
generated.Base.registry.configure()
out = {"tables": {}, "classes": {}}
for t in generated.Base.metadata.sorted_tables:
    if t.info.get("mdschema") == "external":
        continue
    out["tables"][t.name] = {
        "comment": t.comment,
        "columns": {c.name: c.comment for c in t.columns},
        "indexes": sorted(i.name for i in t.indexes),
    }
for mapper in generated.Base.registry.mappers:
    out["classes"][mapper.local_table.name] = {
        "class": mapper.class_.__name__,
        "columns": sorted(c.name for c in mapper.columns),
        "attrs": sorted(mapper.column_attrs.keys()),
        "relationships": sorted(mapper.relationships.keys()),
    }
if len(sys.argv) > 2:
    engine = sa.create_engine(sys.argv[2])
    generated.Base.metadata.create_all(engine)
    engine.dispose()
print(json.dumps(out))
"""


def inspect_package(root: Path, url: str | None = None) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", INSPECT, str(root), *([url] if url else [])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def db_catalog(url: str) -> dict[str, Any]:
    """Tables → column names and comments, index and constraint names, as PostgreSQL stores them."""
    out: dict[str, Any] = {}
    for table, comment in query(
        url,
        "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
        "'public' AND c.relkind = 'r' AND c.relname <> 'alembic_version'",
    ):
        cols = query(
            url,
            "SELECT attname, col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = "
            "format('public.%%I', %s::text)::regclass AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum",
            (table,),
        )
        indexes = query(
            url, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s", (table,)
        )
        cons = query(
            url,
            "SELECT conname FROM pg_constraint WHERE conrelid = format('public.%%I', %s::text)::regclass",
            (table,),
        )
        out[table] = {
            "comment": comment,
            "columns": dict(cols),
            "indexes": sorted(r[0] for r in indexes),
            "constraints": sorted(r[0] for r in cons),
        }
    return out


def generate(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(["-C", str(root), "generate"])
    captured = capsys.readouterr()
    return rc, captured.out + captured.err


def build_from_docs(url: str, doc: Path) -> None:
    """Run the doc's ```sql blocks, as written, straight into PostgreSQL."""
    with connect(url) as conn:
        for block in read_doc(doc, doc.name).blocks:
            conn.execute(block.text.encode())


def test_hostile_names_import_map_and_build_exactly(
    tmp_path: Path,
    pg_server: str,
    pg_url: str,
    make_database: Callable[..., str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = make_project(tmp_path, {"names.md": NAMES_DOC}, shadow_url=pg_server, database_url=pg_url)
    rc, output = generate(project.root, capsys)
    assert rc == 0, output
    for path in (project.root / "generated").glob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"))
    meta = inspect_package(project.root, pg_url)
    db = db_catalog(pg_url)

    # every table and column exactly as written: not truncated, not case-folded, not lost
    expected_class_columns = [
        "id",
        "from",
        "import",
        "class",
        "metadata",
        "registry",
        "type",
        "Mixed Case",
        "UPPER",
        'quo"te',
        "it's",
        "ünïcødé",
        "表",
        "1st",
        LONG63,
        LONG63_UTF8,
        "text",
        "Text",
        "mapped_column",
        "relationship",
        "Mapped",
        "datetime",
        "Integer",
        "ForeignKey",
        "MoodEnum",
        "_sa_instance_state",
        "later",
        "feeling",
    ]
    assert list(db["class"]["columns"]) == expected_class_columns
    assert set(meta["tables"]) == set(db) == {"class", "Order Item", TABLE63, "registry", "metadata", "Base"}
    for table, info in meta["tables"].items():
        assert list(db[table]["columns"]) == list(info["columns"]), table
        assert sorted(info["indexes"]) == sorted(
            i for i in db[table]["indexes"] if not i.endswith("_pkey")
        ), table
        # the mapper maps every column (a shadowed or `_sa_` attribute would silently drop one)
        mapped = meta["classes"][table]
        assert mapped["columns"] == sorted(info["columns"]), table
        assert len(mapped["attrs"]) == len(info["columns"]), table
        assert all(a.isidentifier() for a in mapped["attrs"] + mapped["relationships"]), mapped
    assert "Mixed idx" in db["class"]["indexes"] and "i" * 63 in db["class"]["indexes"]
    assert "c" * 63 in db[TABLE63]["constraints"]
    # and every name exactly what PostgreSQL itself gives when it runs the docs' SQL
    direct = make_database()
    build_from_docs(direct, project.doc("names.md"))
    names = {t: {k: v for k, v in info.items() if k != "comment"} for t, info in db_catalog(direct).items()}
    assert {t: {k: v for k, v in info.items() if k != "comment"} for t, info in db.items()} == {
        t: {**info, "columns": {c: db[t]["columns"].get(c) for c in info["columns"]}}
        for t, info in names.items()
    }
    # class names are identifiers and never shadow the module's own Base
    assert meta["classes"]["Base"]["class"] != "Base"
    assert meta["classes"]["Order Item"]["relationships"] and meta["classes"]["class"]["relationships"]
    # the enum with quotes in a label
    (labels,) = query(pg_url, "SELECT enum_range(NULL::mood)::text[]")[0]
    assert labels == ["ok", 'it\'s "fine"', "ünï"]


@pytest.mark.parametrize("where", ["table", "column", "index", "constraint", "enum", "utf8_column"])
def test_64_byte_identifier_is_a_clear_error(
    tmp_path: Path, pg_server: str, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    n64 = "n" * 64
    sql = {
        "table": f"CREATE TABLE {n64} (id INTEGER PRIMARY KEY);",
        "column": f"CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    {n64} TEXT\n);",
        "index": f"CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT);\nCREATE INDEX {n64} ON t (x);",
        "constraint": (
            f"CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    CONSTRAINT {n64} CHECK (id > 0)\n);"
        ),
        "enum": f"CREATE TYPE {n64} AS ENUM ('a');\nCREATE TABLE t (id INTEGER PRIMARY KEY);",
        "utf8_column": 'CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    "' + "é" * 32 + '" TEXT\n);',
    }[where]
    doc = "# Long\n\n## t\n\nA table.\n\n```sql\n" + sql + "\n```\n"
    project = make_project(tmp_path, {"long.md": doc}, shadow_url=pg_server)
    rc, output = generate(project.root, capsys)
    long_name = "é" * 32 if where == "utf8_column" else n64
    line = project.line_of("long.md", long_name)
    assert rc == 2, output
    assert f"spec/long.md:{line}: error[E103]:" in output, output
    assert "64 bytes" in output and "63" in output, output
    assert "Traceback" not in output
    assert not (project.root / "generated").exists(), "nothing is written on an error"


def test_two_columns_on_one_attribute_are_a_clear_error(
    tmp_path: Path, pg_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "Mixed Case" and Mixed_Case (or metadata and metadata_) would be one Python attribute: the
    second silently replaced the first, so the model (and every migration) lost a column."""
    doc = textwrap.dedent("""
        ## t

        ```sql
        CREATE TABLE t (
            id INTEGER PRIMARY KEY,
            "Mixed Case" TEXT,
            "Mixed_Case" TEXT,
            metadata TEXT,
            metadata_ TEXT
        );
        ```
    """)
    project = make_project(tmp_path, {"clash.md": doc}, shadow_url=pg_server)
    rc, output = generate(project.root, capsys)
    assert rc == 2, output
    mixed, meta = project.line_of("clash.md", '"Mixed_Case"'), project.line_of("clash.md", "metadata_ TEXT")
    assert f"spec/clash.md:{mixed}: error[E108]:" in output, output
    assert f"spec/clash.md:{meta}: error[E108]:" in output, output
    assert "Mixed_Case" in output and "metadata_" in output
    assert not (project.root / "generated").exists()


# --- hostile text ------------------------------------------------------------------------------------

DESCRIPTION = (
    'A widget """ with \'\'\' quotes \\ a backslash \\n and ); import os; os.system("echo pwned"); '
    'x = (" then a quote at the end "'
)
COMMENTS = {
    "id": 'Key """ docstring closer',
    "a": "'''); import os; os.system('echo pwned'); x = ('''",
    "b": '"); import os; os.system("echo pwned"); x = ("',
    "c": '\\"""\\\\ backslashes and quotes \\',
    "d": "'; DROP TABLE widget; --",
    "e": "{{ jinja }} {% raw %} ${shell} `backticks` %s %(x)s",
    "f": "ends in a backslash \\",
}
# COMMENT ON may carry what a `--` comment cannot: newlines, tabs, any character.
MULTILINE = "line one\nline two\ttab \\ backslash 'quote' \"\"\" end\r\n'; DROP TABLE widget; --\n"
TABLE_COMMENT = "first line\n''' second line \"\"\"\n); import os; os.system('x')"


def _sql_literal(text: str) -> str:
    return (
        "E'"
        + text.replace("\\", "\\\\")
        .replace("'", "\\'")
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        + "'"
    )


def _text_doc() -> str:
    lines = [f"    id INTEGER PRIMARY KEY,  -- {COMMENTS['id']}"]
    cols = [c for c in COMMENTS if c != "id"]
    for col in cols:
        lines.append(f"    {col} TEXT,  -- {COMMENTS[col]}")
    lines.append("    multi TEXT,  -- replaced by COMMENT ON")
    lines.append("    note TEXT  -- plain")
    return (
        "# Hostile text\n\n## widget\n\n"
        + DESCRIPTION
        + "\n\n```sql\nCREATE TABLE widget (\n"
        + "\n".join(lines)
        + "\n);\n"
        + f"COMMENT ON COLUMN widget.multi IS {_sql_literal(MULTILINE)};\n```\n\n"
        + "## gadget\n\nReplaced by COMMENT ON.\n\n```sql\nCREATE TABLE gadget (id INTEGER PRIMARY KEY);\n"
        + f"COMMENT ON TABLE gadget IS {_sql_literal(TABLE_COMMENT)};\n```\n"
    )


EXPECTED_COLUMN_COMMENTS = {**COMMENTS, "multi": MULTILINE, "note": "plain"}


def _no_injected_code(root: Path) -> None:
    for path in sorted((root / "generated").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] not in ("os", "subprocess") for a in node.names), path.name
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] not in ("os", "subprocess"), path.name
            if isinstance(node, ast.Call):
                func = ast.unparse(node.func)
                assert func not in ("os.system", "eval", "exec", "__import__", "system"), (path.name, func)
            if isinstance(node, ast.Name):
                assert node.id != "os", (path.name, ast.unparse(node))


def test_doc_text_never_becomes_code_and_round_trips(
    tmp_path: Path, pg_server: str, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, {}, shadow_url=pg_server, database_url=pg_url)
    project.doc("text.md").write_text(_text_doc(), encoding="utf-8")
    rc, output = generate(project.root, capsys)
    assert rc == 0, output
    _no_injected_code(project.root)
    meta = inspect_package(project.root, pg_url)
    # exactly the original text in Base.metadata ...
    assert meta["tables"]["widget"]["comment"] == DESCRIPTION
    assert meta["tables"]["widget"]["columns"] == EXPECTED_COLUMN_COMMENTS
    assert meta["tables"]["gadget"]["comment"] == TABLE_COMMENT
    # ... and in PostgreSQL after create_all
    db = db_catalog(pg_url)
    assert db["widget"]["comment"] == DESCRIPTION
    assert db["widget"]["columns"] == EXPECTED_COLUMN_COMMENTS
    assert db["gadget"]["comment"] == TABLE_COMMENT


def test_comments_round_trip_through_migrations(tmp_path: Path, pg_server: str, pg_url: str) -> None:
    """The comments reach the database through a revision and an upgrade as text, never as SQL;
    changing a comment to another hostile text migrates up and down exactly."""
    project = make_project(tmp_path, {}, shadow_url=pg_server, database_url=pg_url)
    project.doc("text.md").write_text(_text_doc(), encoding="utf-8")
    result, path = project.revise("hostile comments")
    assert result.rc == 0 and path is not None, result.output
    ast.parse(path.read_text())
    project.ok("upgrade")
    db = db_catalog(pg_url)
    assert set(db) == {"widget", "gadget"}, "the table survived '; DROP TABLE widget; --"
    assert db["widget"]["comment"] == DESCRIPTION
    assert db["widget"]["columns"] == EXPECTED_COLUMN_COMMENTS
    assert db["gadget"]["comment"] == TABLE_COMMENT
    _no_injected_code(project.root)

    # a changed comment: migrates up to the new text, down to the old, exactly
    new = "'); DROP TABLE gadget; -- \\ \"\"\" '''"
    project.edit("text.md", f"  -- {COMMENTS['e']}", f"  -- {new}")
    result, path = project.revise("comment change")
    assert result.rc == 0 and path is not None, result.output
    project.ok("upgrade")
    db = db_catalog(pg_url)
    assert db["widget"]["columns"]["e"] == new and set(db) == {"widget", "gadget"}
    project.ok("downgrade", "-1")
    db = db_catalog(pg_url)
    assert db["widget"]["columns"] == EXPECTED_COLUMN_COMMENTS and set(db) == {"widget", "gadget"}
    check = project.run("check")
    assert check.rc == 1 and "database is at" in check.output, check.output  # one revision behind
