"""parse: SQL blocks → raw statements (pglast), column comments, spans pointing into the .md file."""

from __future__ import annotations

from pathlib import Path

import pytest
from mdschema.spec.raw import Parsed, RawIndex, RawTable
from support.models import codes, errors_of, parse_sql, parse_text, sql_doc


def only_table(parsed: Parsed, name: str | None = None) -> RawTable:
    tables = [t for t in parsed.tables if name is None or t.name == name]
    assert len(tables) == 1, [t.name for t in parsed.tables]
    return tables[0]


def elements(index: RawIndex) -> tuple[tuple[object, ...], ...]:
    return tuple((e.column, e.expression, e.opclass, e.descending, e.nulls) for e in index.elements)


def comments(sql: str, table: str | None = None) -> dict[str, str | None]:
    parsed, diag = parse_sql(sql)
    assert not diag.items, [d.format() for d in diag.items]
    return {c.name: c.comment for c in only_table(parsed, table).columns}


# ---- trailing comments -----------------------------------------------------------------------


def test_trailing_comments_keep_quotes_apostrophes_brackets_and_json() -> None:
    got = comments(
        """
        CREATE TABLE t (
            id UUID PRIMARY KEY,      -- The storyteller's "own" id [internal]
            flags JSONB,              -- e.g. {"min_events": 2, "tags": ["a", "b"]}
            rules TEXT[],             -- e.g. {'no questions about Dad'}
            plain TEXT
        );
        """
    )
    assert got == {
        "id": """The storyteller's "own" id [internal]""",
        "flags": 'e.g. {"min_events": 2, "tags": ["a", "b"]}',
        "rules": "e.g. {'no questions about Dad'}",
        "plain": None,
    }


def test_comment_with_semicolons_does_not_split_the_statement() -> None:
    parsed, diag = parse_sql(
        """
        CREATE TABLE t (
            a TEXT,  -- first; second; DROP TABLE t;
            b TEXT   /* block; comment */
        );
        CREATE TABLE u (id int PRIMARY KEY);  -- after the statement; not a column comment
        """
    )
    assert not diag.items
    assert [t.name for t in parsed.tables] == ["t", "u"]
    assert {c.name: c.comment for c in parsed.tables[0].columns} == {
        "a": "first; second; DROP TABLE t;",
        "b": "block; comment",
    }
    assert parsed.tables[1].columns[0].comment is None


def test_continuation_lines_join_the_comment() -> None:
    got = comments(
        """
        CREATE TABLE t (
            status VARCHAR(50) DEFAULT 'new',  -- Lifecycle state: new, running,
                                               -- done or failed
            next_col TEXT                      -- Its own comment
        );
        """
    )
    assert got == {"status": "Lifecycle state: new, running, done or failed", "next_col": "Its own comment"}


def test_section_label_at_column_indent_is_not_a_description() -> None:
    got = comments(
        """
        CREATE TABLE t (
            id INTEGER PRIMARY KEY,   -- Key
            -- Timing
            started_at TIMESTAMP,     -- Start
            -- Outcome
            -- (two label lines)
            summary TEXT
        );
        """
    )
    assert got == {"id": "Key", "started_at": "Start", "summary": None}


def test_comment_on_the_line_above_a_column_is_not_its_description() -> None:
    got = comments(
        """
        CREATE TABLE t (
            id INTEGER PRIMARY KEY,
                -- indented note with no column before it
            name TEXT
        );
        """
    )
    assert got == {"id": None, "name": None}


def test_leading_comma_style_and_block_comments() -> None:
    got = comments(
        """
        CREATE TABLE t (
              x INTEGER  -- x; with semicolon
            , y INTEGER  /* y
                            spans lines */
            , z INTEGER
        );
        """
    )
    assert got == {"x": "x; with semicolon", "y": "y spans lines", "z": None}


def test_comment_after_constraint_element_does_not_attach_to_a_column() -> None:
    got = comments(
        """
        CREATE TABLE t (
            a INTEGER,                -- A
            b INTEGER,
            UNIQUE (a, b)             -- one per pair
        );
        """
    )
    assert got == {"a": "A", "b": None}


# ---- statements ------------------------------------------------------------------------------


def test_statements_that_are_not_schema_are_skipped_with_one_counted_note() -> None:
    parsed, diag = parse_sql(
        """
        CREATE TABLE t (id int PRIMARY KEY, name text);
        INSERT INTO t VALUES (1, 'a');
        INSERT INTO t VALUES (2, 'b');
        SELECT * FROM t WHERE id = 1;
        UPDATE t SET name = 'b';
        DELETE FROM t;
        BEGIN;
        COMMIT;
        SET search_path = public;
        SET statement_timeout = 0;
        GRANT SELECT ON t TO PUBLIC;
        REVOKE ALL ON t FROM PUBLIC;
        COPY t FROM STDIN;
        EXPLAIN SELECT 1;
        VACUUM t;
        ANALYZE t;
        MERGE INTO t USING t AS s ON t.id = s.id WHEN MATCHED THEN DO NOTHING;
        """
    )
    assert [t.name for t in parsed.tables] == ["t"]
    assert not (parsed.indexes or parsed.enums or parsed.named or parsed.alters or parsed.comments)
    (note,) = diag.items
    assert (str(note.span), note.code, note.severity) == ("spec/doc.md:3", "N201", "note")
    assert note.message == (
        "skipped 16 statements that are not schema: 2 INSERT, 2 SET, 1 ANALYZE, 1 BEGIN, 1 COMMIT, 1 COPY, "
        "1 DELETE, 1 EXPLAIN, 1 GRANT, 1 MERGE, 1 REVOKE, 1 SELECT, 1 UPDATE, 1 VACUUM"
    )
    assert note.hint.startswith("lines 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 6 more;")
    diag.raise_if_any(strict=True)  # a note is never an error


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        ("DO $$ BEGIN CREATE TYPE mood AS ENUM ('a'); END $$;", "unsupported statement DO"),
        ("SET search_path TO auth, public;", "SET search_path to auth"),
        ("SET standard_conforming_strings = off;", "SET standard_conforming_strings"),
    ],
)
def test_statements_that_would_change_what_is_built_are_errors(sql: str, says: str) -> None:
    _, diag = parse_sql(f"CREATE TABLE t (id int PRIMARY KEY);\n{sql}")
    (error,) = diag.items
    assert (str(error.span), error.code, error.severity) == ("spec/doc.md:3", "E202", "error")
    assert says in error.message and error.hint


def test_enums_extensions_functions_triggers() -> None:
    parsed, diag = parse_sql(
        """
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE TYPE mood AS ENUM ('happy', 'it''s ok', 'sad');
        CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.updated_at := now();  -- a comment; inside the body
            RETURN NEW;
        END
        $$;
        CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql AS 'SELECT a + b';
        """
    )
    assert not diag.items
    assert [(e.name, e.labels) for e in parsed.enums] == [("mood", ("happy", "it's ok", "sad"))]
    kinds = [(n.kind, n.name, n.table, n.signature) for n in parsed.named]
    assert kinds == [
        ("extension", "vector", None, None),
        ("trigger", "t_touch", "t", None),
        ("function", "touch", None, "touch()"),
        ("function", "add", None, "add(integer, integer)"),
    ]
    touch = parsed.named[2].sql
    assert touch.startswith("CREATE OR REPLACE FUNCTION touch()")
    assert "NEW.updated_at := now();  -- a comment; inside the body" in touch
    assert parsed.named[1].sql.startswith("CREATE OR REPLACE TRIGGER t_touch")


@pytest.mark.parametrize(
    ("clause", "on_delete", "on_update"),
    [
        ("", "NO ACTION", "NO ACTION"),
        ("ON DELETE CASCADE", "CASCADE", "NO ACTION"),
        ("ON DELETE SET NULL", "SET NULL", "NO ACTION"),
        ("ON DELETE SET DEFAULT", "SET DEFAULT", "NO ACTION"),
        ("ON DELETE RESTRICT", "RESTRICT", "NO ACTION"),
        ("ON DELETE NO ACTION ON UPDATE CASCADE", "NO ACTION", "CASCADE"),
        ("ON UPDATE SET NULL ON DELETE CASCADE", "CASCADE", "SET NULL"),
        ("ON UPDATE SET DEFAULT", "NO ACTION", "SET DEFAULT"),
        ("ON UPDATE RESTRICT", "NO ACTION", "RESTRICT"),
    ],
)
def test_foreign_key_actions(clause: str, on_delete: str, on_update: str) -> None:
    parsed, diag = parse_sql(f"CREATE TABLE c (p int REFERENCES parent(id) {clause});")
    assert not diag.items
    (fk,) = [c for c in only_table(parsed).columns[0].constraints if c.kind == "foreign"]
    assert (fk.ref_table, fk.ref_columns, fk.columns) == ("parent", ("id",), ("p",))
    assert (fk.on_delete, fk.on_update) == (on_delete, on_update)


def test_table_constraints_composite_and_named() -> None:
    parsed, diag = parse_sql(
        """
        CREATE TABLE c (
            a int,
            b int,
            n numeric CHECK (n > 0),
            CONSTRAINT c_pk PRIMARY KEY (a, b),
            UNIQUE (b, a),
            CONSTRAINT c_parent_fk FOREIGN KEY (a, b) REFERENCES parent (x, y) ON DELETE CASCADE,
            CHECK (a < b),
            CONSTRAINT a_small CHECK (a < 10)
        );
        """
    )
    assert not diag.items
    table = only_table(parsed)
    kinds = [(c.kind, c.name, c.columns) for c in table.constraints]
    assert kinds == [
        ("primary", "c_pk", ("a", "b")),
        ("unique", None, ("b", "a")),
        ("foreign", "c_parent_fk", ("a", "b")),
        ("check", None, ("a", "b")),
        ("check", "a_small", ("a",)),
    ]
    assert table.constraints[2].ref_columns == ("x", "y")
    (col_check,) = [c for c in table.columns[2].constraints if c.kind == "check"]
    assert (col_check.expression, col_check.columns) == ("n > 0", ("n",))


def test_column_check_is_named_after_the_columns_it_uses() -> None:
    parsed, _ = parse_sql(
        "CREATE TABLE t (a int CHECK (a < b), b int CHECK (true), c int CHECK (c > 0 AND c < 9));"
    )
    checks = {
        col.name: [c.columns for c in col.constraints if c.kind == "check"]
        for col in only_table(parsed).columns
    }
    assert checks == {"a": [("a", "b")], "b": [()], "c": [("c",)]}


def test_alter_table_add_constraint_and_comment_on() -> None:
    parsed, diag = parse_sql(
        """
        CREATE TABLE t (id int PRIMARY KEY, code text);
        ALTER TABLE t ADD CONSTRAINT t_code_uq UNIQUE (code);
        ALTER TABLE ONLY t ADD CHECK (id > 0);
        COMMENT ON TABLE t IS 'The table.';
        COMMENT ON COLUMN public.t.code IS 'It''s the code';
        COMMENT ON COLUMN t.id IS NULL;
        """
    )
    assert not diag.items
    assert [(a.table, a.constraint.kind, a.constraint.name) for a in parsed.alters] == [
        ("t", "unique", "t_code_uq"),
        ("t", "check", None),
    ]
    assert [(c.table, c.column, c.text) for c in parsed.comments] == [
        ("t", None, "The table."),
        ("t", "code", "It's the code"),
        ("t", "id", None),
    ]


def test_indexes_every_shape() -> None:
    parsed, diag = parse_sql(
        """
        CREATE TABLE t (id int PRIMARY KEY, a int, b text, v vector(3), j jsonb, tags text[]);
        CREATE UNIQUE INDEX t_a_uq ON t (a DESC NULLS FIRST, lower(b)) INCLUDE (id) WHERE a > 0;
        CREATE INDEX t_b ON t USING gist (b gist_trgm_ops);
        CREATE INDEX ON t USING brin (a) WITH (pages_per_range = 32);
        CREATE INDEX t_v ON t USING hnsw (v vector_l2_ops) WITH (m = 8, ef_construction = 32);
        CREATE INDEX ON t USING ivfflat (v vector_ip_ops) WITH (lists = 100);
        CREATE INDEX ON t USING GIN (j jsonb_path_ops);
        CREATE INDEX ON t USING hash (b);
        CREATE INDEX ON t (a NULLS LAST);
        CREATE INDEX ON t ((a + 1), (b || 'x'));
        CREATE INDEX t_ffu ON t USING gin (tags) WITH (fastupdate = off);
        CREATE UNIQUE INDEX ON t (b) NULLS NOT DISTINCT;
        """
    )
    assert not diag.items
    got = [
        (i.name, i.method, i.unique, elements(i), i.where, i.include, i.with_options, i.nulls_not_distinct)
        for i in parsed.indexes
    ]
    assert got == [
        (
            "t_a_uq",
            "btree",
            True,
            (("a", None, None, True, "first"), (None, "lower(b)", None, False, None)),
            "a > 0",
            ("id",),
            (),
            False,
        ),
        ("t_b", "gist", False, (("b", None, "gist_trgm_ops", False, None),), None, (), (), False),
        (
            None,
            "brin",
            False,
            (("a", None, None, False, None),),
            None,
            (),
            (("pages_per_range", "32"),),
            False,
        ),
        (
            "t_v",
            "hnsw",
            False,
            (("v", None, "vector_l2_ops", False, None),),
            None,
            (),
            (("m", "8"), ("ef_construction", "32")),
            False,
        ),
        (
            None,
            "ivfflat",
            False,
            (("v", None, "vector_ip_ops", False, None),),
            None,
            (),
            (("lists", "100"),),
            False,
        ),
        (None, "gin", False, (("j", None, "jsonb_path_ops", False, None),), None, (), (), False),
        (None, "hash", False, (("b", None, None, False, None),), None, (), (), False),
        (None, "btree", False, (("a", None, None, False, "last"),), None, (), (), False),
        (
            None,
            "btree",
            False,
            ((None, "(a + 1)", None, False, None), (None, "(b || 'x')", None, False, None)),
            None,
            (),
            (),
            False,
        ),
        (
            "t_ffu",
            "gin",
            False,
            (("tags", None, None, False, None),),
            None,
            (),
            (("fastupdate", "off"),),
            False,
        ),
        (None, "btree", True, (("b", None, None, False, None),), None, (), (), True),
    ]


def test_types_and_defaults_are_kept_as_written() -> None:
    parsed, diag = parse_sql(
        """
        CREATE TABLE t (
            a varchar(20)[] DEFAULT '{}',
            b numeric(10, 2) NOT NULL DEFAULT 0.5,
            c timestamptz DEFAULT now(),
            d jsonb DEFAULT '{}'::jsonb,
            e bigint GENERATED ALWAYS AS IDENTITY,
            f int GENERATED ALWAYS AS (e * 2) STORED,
            g text NULL
        );
        """
    )
    assert not diag.items
    cols = {c.name: c for c in only_table(parsed).columns}
    assert (cols["a"].type.names[-1], cols["a"].type.args, cols["a"].type.array) == ("varchar", (20,), True)
    assert (cols["b"].type.names[-1], cols["b"].type.args) == ("numeric", (10, 2))
    defaults = {
        n: next((k.expression for k in c.constraints if k.kind == "default"), None) for n, c in cols.items()
    }
    assert defaults == {
        "a": "'{}'",
        "b": "0.5",
        "c": "now()",
        "d": "CAST('{}' AS jsonb)",
        "e": None,
        "f": None,
        "g": None,
    }
    assert [k.identity for k in cols["e"].constraints if k.kind == "identity"] == ["always"]
    assert [k.expression for k in cols["f"].constraints if k.kind == "generated"] == ["e * 2"]
    assert [k.kind for k in cols["g"].constraints] == ["null"]


# ---- spans and errors ------------------------------------------------------------------------


def test_spans_point_at_lines_in_the_md_file() -> None:
    _, parsed, diag = parse_text(
        """
        # Title

        Prose.

        ```sql
        -- a leading comment line
        CREATE TABLE t (
            id int PRIMARY KEY,

            name text
        );

        CREATE INDEX t_name ON t (name);
        ```
        """
    )
    assert not diag.items
    table = only_table(parsed)
    assert str(table.span) == "spec/doc.md:7"  # the CREATE, not the comment above it
    assert [str(c.span) for c in table.columns] == ["spec/doc.md:8", "spec/doc.md:10"]
    assert str(parsed.indexes[0].span) == "spec/doc.md:13"


def test_syntax_error_reports_the_md_line() -> None:
    _, _, diag = parse_text(
        """
        # Broken

        ```sql
        CREATE TABLE t (
            id int PRIMARY KEY,
            name text NOT NULL
            label text
        );
        ```
        """
    )
    assert [(str(d.span), d.code, d.message) for d in diag.items] == [
        ("spec/doc.md:7", "E201", 'SQL syntax error: syntax error at or near "label"'),
    ]


def test_every_broken_statement_in_a_block_is_reported_and_the_rest_still_parsed() -> None:
    _, parsed, diag = parse_text(
        """
        ```sql
        CREATE TABLE a (id int,,);
        CREATE TABLE fine (id int PRIMARY KEY);
        CREATE TABLE b (
            id int PRIMARY KEY
            created timestamp
        );
        ```
        """
    )
    assert [(str(d.span), d.code) for d in diag.items] == [
        ("spec/doc.md:2", "E201"),
        ("spec/doc.md:6", "E201"),
    ]
    assert [t.name for t in parsed.tables] == ["fine"]


def test_unterminated_dollar_quote_is_one_line_message() -> None:
    _, _, diag = parse_text(
        "```sql\nCREATE TABLE t (id int);\n\nCREATE FUNCTION f() RETURNS int AS $$\nSELECT 1;\n```\n"
    )
    (d,) = diag.items
    assert (str(d.span), d.code) == ("spec/doc.md:4", "E201")
    assert "unterminated dollar-quoted string" in d.message and "\n" not in d.message


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "ALTER SEQUENCE s RESTART;",
            "unsupported statement ALTER SEQUENCE s (RESTART): a doc says what the sequence is",
        ),
        ("DROP TABLE t;", "unsupported statement DROP"),
        ("CREATE TABLE m AS SELECT 1;", "unsupported statement CREATE TABLE AS"),
        ("CREATE ROLE r;", "unsupported statement CREATE ROLE"),
        ("ALTER TABLE t ADD COLUMN x int;", "unsupported statement ALTER TABLE t (AddColumn)"),
        ("CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1';", "unsupported statement CREATE PROCEDURE"),
        (
            "COMMENT ON INDEX i IS 'x';",
            "unsupported statement COMMENT ON (only tables, columns, views, policies, sequences and domains)",
        ),
    ],
)
def test_unsupported_statements_are_named(sql: str, message: str) -> None:
    _, diag = parse_sql(sql)
    assert [(d.code, d.message) for d in diag.items] == [("E202", message)]


@pytest.mark.parametrize(
    ("sql", "needle"),
    [
        ("CREATE TABLE c (id int) INHERITS (p);", "INHERITS"),
        ("CREATE TABLE c (id int) PARTITION BY RANGE (id);", "PARTITION BY"),
        ("CREATE TEMPORARY TABLE c (id int);", "TEMPORARY"),
        ("CREATE UNLOGGED TABLE c (id int);", "UNLOGGED"),
        ("CREATE TABLE c (LIKE p);", "LIKE"),
        ("CREATE TABLE c (name text COLLATE public.mine);", "COLLATE public.mine"),
        ("CREATE TABLE c (r tstzrange, EXCLUDE USING gist (r WITH &&) INCLUDE (r));", "EXCLUDE … INCLUDE"),
        ("CREATE TABLE c (p int REFERENCES p MATCH FULL);", "MATCH FULL"),
    ],
)
def test_unsupported_table_features(sql: str, needle: str) -> None:
    _, diag = parse_sql(sql)
    assert [d.code for d in diag.items] == ["E204"]
    assert needle in diag.items[0].message


def test_identifier_over_63_bytes_is_an_error_even_though_the_parser_truncates() -> None:
    long_col = "the_preferred_contact_channel_for_marketing_messages_and_newsletters"  # 68 bytes
    quoted = "Ünïcödé name that is long enough to pass the limit in bytes!!"  # 61 characters, 65 bytes
    assert len(quoted) < 63 < len(quoted.encode())
    parsed, diag = parse_sql(
        f"""
        CREATE TABLE t (
            id int PRIMARY KEY,
            {long_col} text,
            "{quoted}" text
        );
        INSERT INTO t ({long_col}) VALUES ('skipped statements are not checked');
        """
    )
    assert [(str(d.span), d.code) for d in diag.items if d.severity != "note"] == [
        ("spec/doc.md:4", "E103"),
        ("spec/doc.md:5", "E103"),
    ]
    assert long_col in diag.items[0].message and "68 bytes" in diag.items[0].message
    assert f"{len(quoted.encode())} bytes" in diag.items[1].message
    # an identifier of exactly 63 bytes is fine
    _, ok = parse_sql(f"CREATE TABLE t ({'x' * 63} int);")
    assert not ok.items


def test_syntax_error_message_escapes_control_characters() -> None:
    _, _, diag = parse_text("```sql\nCREATE TABLE t (\n  id int,\n  \x1e name text\n);\n```\n")
    (d,) = diag.items
    assert (str(d.span), d.code) == ("spec/doc.md:4", "E201")
    assert d.message == 'SQL syntax error: syntax error at or near "\\x1e"'
    assert len(d.format().splitlines()) == 2  # the diagnostic and its hint: nothing splits the line


def test_postgresql_that_mentions_mysql_words_is_not_called_mysql(tmp_path: Path) -> None:
    """E205 only where the doc failed and a token only MySQL/SQLite accept is there: not for
    `AS ENUM (`, a column named engine, or AUTO_INCREMENT inside a string or a comment."""
    sql = """
        CREATE TYPE mood AS ENUM ('happy', 'sad');
        CREATE TABLE t (
            id int PRIMARY KEY,
            engine text DEFAULT 'AUTO_INCREMENT',  -- UNSIGNED, `quoted`
            m mood,
            broken text NOT NULL NOT
        );
        """
    assert codes(errors_of(tmp_path, {"doc.md": sql_doc(sql)})) == ["E201"]


@pytest.mark.parametrize(
    ("sql", "dialect", "token"),
    [
        ("CREATE TABLE t (id int UNSIGNED PRIMARY KEY);", "MySQL", "UNSIGNED"),
        ("CREATE TABLE t (id int PRIMARY KEY, s ENUM('a', 'b'));", "MySQL", "ENUM(…)"),
        ("CREATE TABLE t (id int(11) PRIMARY KEY);", "MySQL", "int(…)"),
        ("CREATE TABLE t (id int PRIMARY KEY) ENGINE=InnoDB;", "MySQL", "ENGINE="),
        ("CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT);", "SQLite", "AUTOINCREMENT"),
    ],
)
def test_mysql_and_sqlite_are_named_once_at_their_first_token(
    tmp_path: Path, sql: str, dialect: str, token: str
) -> None:
    errors = errors_of(tmp_path, {"doc.md": sql_doc(sql + "\n" + sql.replace("t (", "u ("))})
    (said,) = [d for d in errors if d.code == "E205"]
    assert str(said.span) == "spec/doc.md:2"
    assert said.message == f"this looks like {dialect} SQL ({token}); mdschema reads PostgreSQL"
    assert len([d for d in errors if d.code != "E205"]) >= 2  # the errors themselves are still there
