"""resolve: raw statements → the validated Schema (types as format_type prints them, keys, references,
config: class names, external and unmanaged tables, duplicates and `prefer`, modules)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from mdschema.config import load_config
from mdschema.errors import SpecError
from support.models import codes, errors_of, make_project, render_project, schema_of, sql_doc, table_of

# What the docs may write → what PostgreSQL's format_type() prints (checked against the server below).
TYPES: list[tuple[str, str]] = [
    ("uuid", "uuid"),
    ("text", "text"),
    ("varchar(20)", "character varying(20)"),
    ("character varying(30)", "character varying(30)"),
    ("varchar", "character varying"),
    ("char(3)", "character(3)"),
    ("character(2)", "character(2)"),
    ("char", "character(1)"),
    ("smallint", "smallint"),
    ("int2", "smallint"),
    ("integer", "integer"),
    ("int", "integer"),
    ("int4", "integer"),
    ("bigint", "bigint"),
    ("int8", "bigint"),
    ("serial", "integer"),
    ("bigserial", "bigint"),
    ("smallserial", "smallint"),
    ("boolean", "boolean"),
    ("bool", "boolean"),
    ("numeric", "numeric"),
    ("numeric(10, 2)", "numeric(10,2)"),
    ("numeric(5)", "numeric(5,0)"),
    ("decimal(5,1)", "numeric(5,1)"),
    ("real", "real"),
    ("float4", "real"),
    ("float(10)", "real"),
    ("double precision", "double precision"),
    ("float8", "double precision"),
    ("float", "double precision"),
    ("date", "date"),
    ("time", "time without time zone"),
    ("time(3)", "time(3) without time zone"),
    ("time with time zone", "time with time zone"),
    ("timetz", "time with time zone"),
    ("timestamp", "timestamp without time zone"),
    ("timestamp without time zone", "timestamp without time zone"),
    ("timestamp(3)", "timestamp(3) without time zone"),
    ("timestamp with time zone", "timestamp with time zone"),
    ("timestamptz", "timestamp with time zone"),
    ("timestamptz(0)", "timestamp(0) with time zone"),
    ("interval", "interval"),
    ("interval(3)", "interval(3)"),
    ("interval day to second", "interval day to second"),
    ("interval hour to minute", "interval hour to minute"),
    ("json", "json"),
    ("jsonb", "jsonb"),
    ("bytea", "bytea"),
    ("inet", "inet"),
    ("cidr", "cidr"),
    ("text[]", "text[]"),
    ("integer[]", "integer[]"),
    ("int[][]", "integer[]"),
    ("text ARRAY", "text[]"),
    ("varchar(10)[]", "character varying(10)[]"),
    ("numeric(3,2)[]", "numeric(3,2)[]"),
    ("uuid[]", "uuid[]"),
    ("vector(3)", "vector(3)"),
    ("mood", "mood"),
    ("mood[]", "mood[]"),
    ("public.mood", "mood"),
    ("pg_catalog.int4", "integer"),
]


def types_sql() -> str:
    cols = ",\n".join(f"    c{i} {written}" for i, (written, _) in enumerate(TYPES))
    enum = "CREATE TYPE mood AS ENUM ('a', 'b');\n"
    return f"{enum}CREATE TABLE every_type (\n    id int PRIMARY KEY,\n{cols}\n);"


@pytest.fixture(scope="module")
def every_type(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    table = table_of(tmp_path_factory.mktemp("types"), types_sql(), "every_type")
    return {c.name: c.type.sql for c in table.columns}


@pytest.mark.parametrize(
    ("index", "written", "expected"), [(i, w, e) for i, (w, e) in enumerate(TYPES)], ids=[w for w, _ in TYPES]
)
def test_type_sql_is_format_type(every_type: dict[str, str], index: int, written: str, expected: str) -> None:
    assert every_type[f"c{index}"] == expected


def test_type_table_matches_the_real_server(every_type: dict[str, str], pg_conn: psycopg.Connection) -> None:
    pg_conn.execute(types_sql())
    rows = pg_conn.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
        " WHERE attrelid = 'every_type'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
    ).fetchall()
    assert dict(rows) == every_type


def test_type_details(tmp_path: Path) -> None:
    t = table_of(tmp_path, types_sql(), "every_type")
    by = {c.name: c.type for c in t.columns}
    serial = by[f"c{[w for w, _ in TYPES].index('bigserial')}"]
    assert (serial.base, serial.serial) == ("bigint", True)
    arr = by[f"c{[w for w, _ in TYPES].index('varchar(10)[]')}"]
    assert (arr.base, arr.args, arr.array) == ("character varying", (10,), True)
    enum_arr = by[f"c{[w for w, _ in TYPES].index('mood[]')}"]
    assert (enum_arr.enum, enum_arr.array) == ("mood", True)
    vec = by[f"c{[w for w, _ in TYPES].index('vector(3)')}"]
    assert (vec.base, vec.args) == ("vector", (3,))


# ---- columns, defaults, keys -------------------------------------------------------------------


def test_nullability_and_defaults(tmp_path: Path) -> None:
    t = table_of(
        tmp_path,
        """
        CREATE TABLE t (
            id serial PRIMARY KEY,
            a int NOT NULL DEFAULT 0,
            b text DEFAULT 'it''s',
            c timestamptz DEFAULT now(),
            d jsonb DEFAULT '{}'::jsonb,
            e boolean DEFAULT false,
            f bigint GENERATED BY DEFAULT AS IDENTITY,
            g int GENERATED ALWAYS AS (a * 2) STORED,
            h int NULL,
            k text[] DEFAULT ARRAY['x', 'y'],
            n numeric(4,1) DEFAULT -1.5
        );
        """,
        "t",
    )
    got = {c.name: (c.nullable, c.default, c.identity, c.generated) for c in t.columns}
    assert got == {
        "id": (False, None, None, None),
        "a": (False, "0", None, None),
        "b": (True, "'it''s'", None, None),
        "c": (True, "now()", None, None),
        "d": (True, "CAST('{}' AS jsonb)", None, None),
        "e": (True, "FALSE", None, None),
        "f": (False, None, "by default", None),
        "g": (True, None, None, "a * 2"),
        "h": (True, None, None, None),
        "k": (True, "ARRAY['x', 'y']", None, None),
        "n": (True, "-1.5", None, None),
    }
    assert t.primary_key is not None and (t.primary_key.name, t.primary_key.columns) == ("t_pkey", ("id",))


def test_keys_references_checks_and_names(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "a.md": sql_doc(
                """
                CREATE TABLE child (
                    id int PRIMARY KEY,
                    parent_id int NOT NULL REFERENCES parent ON DELETE CASCADE ON UPDATE RESTRICT,
                    code text REFERENCES parent(code) ON DELETE SET NULL ON UPDATE SET DEFAULT,
                    a int,
                    b int,
                    n int CHECK (n > 0),
                    CONSTRAINT child_pair_fk FOREIGN KEY (a, b) REFERENCES parent (a, b)
                        ON DELETE SET DEFAULT,
                    UNIQUE (a, b),
                    CONSTRAINT child_code_unique UNIQUE (code),
                    CHECK (a < b),
                    CONSTRAINT small CHECK (a < 100)
                );
                ALTER TABLE child ADD CONSTRAINT child_n_uq UNIQUE (n);
                ALTER TABLE child ADD FOREIGN KEY (n) REFERENCES parent (id) ON DELETE NO ACTION;
                """
            ),
            # the referenced table comes in a later doc
            "b.md": sql_doc(
                """
                CREATE TABLE parent (
                    id int PRIMARY KEY,
                    code text UNIQUE,
                    a int,
                    b int,
                    UNIQUE (a, b)
                );
                """
            ),
        },
    )
    child = schema.table("child")
    assert child is not None
    assert [(u.name, u.columns, u.named) for u in child.uniques] == [
        ("child_a_b_key", ("a", "b"), False),
        ("child_code_unique", ("code",), True),
        ("child_n_uq", ("n",), True),
    ]
    assert [
        (f.name, f.columns, f.ref_table, f.ref_columns, f.on_delete, f.on_update) for f in child.foreign_keys
    ] == [
        ("child_parent_id_fkey", ("parent_id",), "parent", ("id",), "CASCADE", "RESTRICT"),
        ("child_code_fkey", ("code",), "parent", ("code",), "SET NULL", "SET DEFAULT"),
        ("child_pair_fk", ("a", "b"), "parent", ("a", "b"), "SET DEFAULT", "NO ACTION"),
        ("child_n_fkey", ("n",), "parent", ("id",), "NO ACTION", "NO ACTION"),
    ]
    assert [(c.name, c.expression) for c in child.checks] == [
        ("child_n_check", "n > 0"),
        ("child_check", "a < b"),
        ("small", "a < 100"),
    ]
    # referenced tables come first
    assert [t.name for t in schema.tables] == ["parent", "child"]
    assert child.doc == "spec/a.md"


def test_composite_primary_key_makes_columns_not_null(tmp_path: Path) -> None:
    t = table_of(tmp_path, "CREATE TABLE m (a int, b int, c int, PRIMARY KEY (a, b));", "m")
    assert t.primary_key is not None and t.primary_key.columns == ("a", "b")
    assert [(c.name, c.nullable) for c in t.columns] == [("a", False), ("b", False), ("c", True)]


def test_comment_on_overrides_trailing_comments_and_heading(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                """
                CREATE TABLE t (
                    id int PRIMARY KEY,  -- trailing
                    name text            -- trailing too
                );
                COMMENT ON TABLE t IS 'From COMMENT ON.';
                COMMENT ON COLUMN t.name IS 'Name, from COMMENT ON';
                """,
                heading="t",
                prose="From the heading.",
            )
        },
    )
    t = schema.table("t")
    assert t is not None
    assert t.description == "From COMMENT ON."
    assert {c.name: c.comment for c in t.columns} == {"id": "trailing", "name": "Name, from COMMENT ON"}


def test_indexes_resolved_with_postgres_names(tmp_path: Path) -> None:
    t = table_of(
        tmp_path,
        """
        CREATE TABLE t (id int PRIMARY KEY, a int, b text, v vector(3));
        CREATE INDEX ON t (a);
        CREATE INDEX ON t (a);
        CREATE UNIQUE INDEX ON t (a, b);
        CREATE INDEX ON t (lower(b));
        CREATE INDEX ON t ((a + 1));
        CREATE INDEX named_one ON t USING hnsw (v vector_cosine_ops) WITH (m = 16);
        CREATE INDEX ON t (b) WHERE a > 0;
        """,
        "t",
    )
    got = {i.name: (i.unique, i.method, i.where, i.with_options) for i in t.indexes}
    assert got == {
        "t_a_idx": (False, "btree", None, ()),
        "t_a_idx1": (False, "btree", None, ()),
        "t_a_b_idx": (True, "btree", None, ()),
        "t_lower_idx": (False, "btree", None, ()),
        "t_expr_idx": (False, "btree", None, ()),
        "named_one": (False, "hnsw", None, (("m", "16"),)),
        "t_b_idx": (False, "btree", "a > 0", ()),
    }


def test_trigger_before_its_table_and_function_after(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                """
                CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
                CREATE TABLE t (id int PRIMARY KEY, updated_at timestamptz);
                CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
                CREATE EXTENSION IF NOT EXISTS vector;
                CREATE EXTENSION IF NOT EXISTS vector;
                """
            )
        },
    )
    assert [(t.table, t.name) for t in schema.triggers] == [("t", "t_touch")]
    assert [f.signature for f in schema.functions] == ["touch()"]
    assert [e.name for e in schema.extensions] == ["vector"]


def test_fk_cycle_gets_use_alter_and_order_ignores_it(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                """
                CREATE TABLE a (id int PRIMARY KEY, b_id int REFERENCES b(id));
                CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id), self_id int REFERENCES b(id));
                CREATE TABLE c (id int PRIMARY KEY, a_id int REFERENCES a(id));
                """
            )
        },
    )
    alter = {(t.name, fk.name): fk.use_alter for t in schema.tables for fk in t.foreign_keys}
    assert alter == {
        ("a", "a_b_id_fkey"): True,
        ("b", "b_a_id_fkey"): True,
        ("b", "b_self_id_fkey"): False,
        ("c", "c_a_id_fkey"): False,
    }
    assert [t.name for t in schema.tables] == ["a", "b", "c"]


# ---- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "code", "needle"),
    [
        (
            "CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES parnt(id));\n"
            "CREATE TABLE parent (id int PRIMARY KEY);",
            "E104",
            'unknown table "parnt" (did you mean "parent"?)',
        ),
        (
            "CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES parent(idd));\n"
            "CREATE TABLE parent (id int PRIMARY KEY);",
            "E105",
            'unknown column parent.idd (did you mean "id"?)',
        ),
        ("CREATE TABLE c (id int PRIMARY KEY);\nCREATE INDEX ON c (nme);", "E106", "unknown column 'nme'"),
        ("CREATE TABLE c (id int PRIMARY KEY, UNIQUE (nope));", "E106", "unique constraint on c"),
        ("CREATE TABLE c (id int PRIMARY KEY, CHECK (nope > 0));", "E106", "CHECK on c"),
        ("CREATE TABLE c (id int PRIMARY KEY);\nCREATE INDEX ON d (id);", "E107", 'unknown table "d"'),
        (
            "CREATE TABLE c (id int PRIMARY KEY);\nCOMMENT ON TABLE cc IS 'x';",
            "E107",
            "COMMENT ON refers to unknown",
        ),
        ("CREATE TABLE c (id int PRIMARY KEY, id text);", "E108", "c.id is defined twice"),
        (
            "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));\n"
            "CREATE TABLE c (id int PRIMARY KEY, x int REFERENCES p);",
            "E109",
            "has 1 columns but references 2",
        ),
        (
            "CREATE TYPE s AS ENUM ('a');\nCREATE TABLE c (id int PRIMARY KEY, v s DEFAULT 'b');",
            "E110",
            "default 'b' is not a label of enum s",
        ),
        ("CREATE TYPE s AS ENUM ('a');\nCREATE TYPE s AS ENUM ('b');", "E111", "enum s is defined twice"),
        (
            "CREATE TABLE p (id int PRIMARY KEY, x int);\n"
            "CREATE TABLE c (id int PRIMARY KEY, x int REFERENCES p(x));",
            "E112",
            "not a primary key or unique constraint",
        ),
        (
            "CREATE TABLE c (id int PRIMARY KEY, name text);\n"
            "CREATE INDEX i ON c (id);\nCREATE INDEX i ON c (name);",
            "E102",
            "index name 'i' is already used",
        ),
        ("CREATE TABLE c (id int PRIMARY KEY, x int, PRIMARY KEY (x));", "E102", "more than one primary key"),
        (
            "CREATE TABLE c (id int PRIMARY KEY, t timestampz);",
            "E203",
            "unknown type 'timestampz' (did you mean",
        ),
        ("CREATE TABLE c (id int PRIMARY KEY, t other.thing);", "E203", "type other.thing is not known"),
        ("CREATE TABLE c (id int GENERATED ALWAYS AS IDENTITY DEFAULT 1 PRIMARY KEY);", "E204", "identity"),
        (
            "CREATE TABLE c (id text GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
            "E204",
            "identity columns must be smallint, integer or bigint",
        ),
        (
            "CREATE TABLE c (id int PRIMARY KEY);\nALTER TABLE cc ADD CHECK (id > 0);",
            "E107",
            "ALTER TABLE refers to unknown table 'cc' (did you mean \"c\"?)",
        ),
        (
            "CREATE TABLE c (id int PRIMARY KEY);\n"
            "CREATE TRIGGER tr BEFORE UPDATE ON d FOR EACH ROW EXECUTE FUNCTION f();",
            "E107",
            'trigger tr is on unknown table "d"',
        ),
    ],
)
def test_resolve_errors(tmp_path: Path, sql: str, code: str, needle: str) -> None:
    errors = errors_of(tmp_path, {"doc.md": sql_doc(sql)})
    assert code in codes(errors), [e.format() for e in errors]
    assert any(needle in e.message for e in errors if e.code == code), [e.format() for e in errors]


def test_errors_are_all_reported_together_with_places(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                "CREATE TABLE c (\n  id int PRIMARY KEY,\n  a int REFERENCES x(id),\n  b nope\n);\n"
                "CREATE INDEX ON c (zz);"
            )
        },
    )
    assert [(str(e.span), e.code) for e in errors] == [
        ("spec/doc.md:4", "E104"),
        ("spec/doc.md:5", "E203"),
        ("spec/doc.md:7", "E106"),
    ]


def test_missing_primary_key_is_a_warning_and_strict_makes_it_fail(tmp_path: Path) -> None:
    from mdschema.spec.load import load_schema

    make_project(tmp_path, {"doc.md": sql_doc("CREATE TABLE log (msg text);")})
    config = load_config(tmp_path)
    loaded = load_schema(config)
    assert [t.name for t in loaded.schema.tables] == ["log"]
    assert [(w.code, w.severity) for w in loaded.warnings] == [("W101", "warning")]
    # the warnings belong to the result: a second load of a clean project has none
    make_project(tmp_path / "clean", {"doc.md": sql_doc("CREATE TABLE log (id int PRIMARY KEY);")})
    assert load_schema(load_config(tmp_path / "clean")).warnings == ()
    with pytest.raises(SpecError) as exc:
        load_schema(config, strict=True)
    assert [d.code for d in exc.value.diagnostics] == ["W101"]


def test_later_checks_are_reported_with_the_docs_own_errors(tmp_path: Path) -> None:
    from mdschema.errors import Diagnostic, Span
    from mdschema.spec.load import load_schema

    make_project(
        tmp_path,
        {"doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY, b_id int REFERENCES b(id));")},
    )
    seen = []

    def check(schema: object) -> list[Diagnostic]:
        seen.append(schema)
        return [Diagnostic(Span("spec/doc.md", 1), "E999", "from a later stage")]

    with pytest.raises(SpecError) as exc:
        load_schema(load_config(tmp_path), checks=[check])
    assert sorted(d.code for d in exc.value.diagnostics) == ["E104", "E999"]
    assert len(seen) == 1


# ---- config ------------------------------------------------------------------------------------

DOCS = {
    "story.md": sql_doc(
        """
        CREATE TABLE story (
            id uuid PRIMARY KEY,
            owner_id uuid REFERENCES users(id) ON DELETE CASCADE,
            account_id uuid REFERENCES auth_accounts(id),
            event_id int REFERENCES events(id),
            session_id uuid REFERENCES session(id)
        );
        """
    ),
    "session.md": sql_doc("CREATE TABLE session (id uuid PRIMARY KEY);"),
}
TOOL = """
class_names = { session = "StorytellerSession" }
external_tables = { users = "keep_fk", auth_accounts = "column_only" }
unmanaged_tables = ["events"]

[tool.mdschema.modules]
story = "stories"
"""


def test_config_class_names_external_unmanaged_and_modules(tmp_path: Path) -> None:
    from mdschema.codegen.options import RenderOptions
    from mdschema.codegen.py_names import name_schema

    schema = schema_of(tmp_path, DOCS, TOOL)
    session, story = schema.table("session"), schema.table("story")
    assert session is not None and story is not None
    naming = name_schema(schema, RenderOptions.from_config(load_config(tmp_path)))
    assert naming.diagnostics == ()
    assert naming.names.classes == {"session": "StorytellerSession", "story": "Story"}
    assert naming.names.modules == {"spec/session.md": "session", "spec/story.md": "stories"}
    fks = {fk.ref_table: fk.external for fk in story.foreign_keys}
    # keep_fk keeps the FK (to a stand-in), column_only drops it and keeps the column
    assert fks == {"users": True, "events": True, "session": False}
    assert story.column("account_id") is not None
    assert [(e.name, e.mode, [(c, t.sql) for c, t in e.key_columns]) for e in schema.external] == [
        ("auth_accounts", "column_only", [("id", "uuid")]),
        ("users", "keep_fk", [("id", "uuid")]),
    ]
    assert schema.unmanaged == ("events",)
    assert schema.docs == ("spec/session.md", "spec/story.md")


def test_list_form_of_external_tables_means_keep_fk(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path, DOCS, 'external_tables = ["users", "auth_accounts"]\nunmanaged_tables = ["events"]\n'
    )
    assert [(e.name, e.mode) for e in schema.external] == [("auth_accounts", "keep_fk"), ("users", "keep_fk")]
    story = schema.table("story")
    assert story is not None and "auth_accounts" in {fk.ref_table for fk in story.foreign_keys}


def test_reference_to_unconfigured_table_suggests_external_tables(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, DOCS, 'external_tables = { users = "keep_fk" }\n')
    assert sorted(e.message.split(" references ")[1] for e in errors if e.code == "E104") == [
        'unknown table "auth_accounts"',
        'unknown table "events"',
    ]
    assert all("external_tables" in e.hint for e in errors if e.code == "E104")


def test_table_defined_in_two_docs_names_both_places(tmp_path: Path) -> None:
    docs = {
        "a.md": sql_doc("CREATE TABLE note (id int PRIMARY KEY);"),
        "b.md": "# B\n\n" + sql_doc("CREATE TABLE note (id int PRIMARY KEY, body text);"),
    }
    errors = errors_of(tmp_path / "dup", docs)
    assert [(str(e.span), e.code) for e in errors] == [("spec/b.md:4", "E101")]
    assert "spec/a.md:2, spec/b.md:4" in errors[0].message
    assert '[tool.mdschema.prefer] note = "spec/b.md"' in errors[0].hint
    # prefer picks one of them
    schema = schema_of(tmp_path / "pick", docs, '[tool.mdschema.prefer]\nnote = "spec/b.md"\n')
    note = schema.table("note")
    assert note is not None and note.doc == "spec/b.md" and [c.name for c in note.columns] == ["id", "body"]
    schema = schema_of(tmp_path / "pick_a", docs, '[tool.mdschema.prefer]\nnote = "spec/a.md"\n')
    note = schema.table("note")
    assert note is not None and note.doc == "spec/a.md" and [c.name for c in note.columns] == ["id"]


def test_table_in_docs_and_configured_external_is_an_error(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        DOCS,
        'external_tables = { session = "keep_fk", users = "keep_fk", '
        'auth_accounts = "keep_fk" }\nunmanaged_tables = ["events"]\n',
    )
    assert [(e.code, e.message) for e in errors] == [
        ("E101", "table session is defined in a doc but configured as external"),
    ]


def test_two_tables_one_class_name(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        {"doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY);")},
        'class_names = { b = "A" }\n',
    )
    assert [e.code for e in errors] == ["E101"] and "both become class A" in errors[0].message


@pytest.mark.parametrize(
    ("tool", "needle"),
    [
        ("colour = 1\n", "unknown key 'colour'"),
        ('external_tables = { users = "maybe" }\n', "external_tables.users = 'maybe'"),
        ('package = "not-a-package"\n', "package must be a dotted Python name"),
        ('class_names = { a = "not a class" }\n', "class_names.a = 'not a class'"),
        ('[tool.mdschema.modules]\ndoc = "not-a-module"\n', "modules.doc = 'not-a-module' is not a usable"),
        ('templates = "../elsewhere"\n', "templates = '../elsewhere' must be a folder inside the project"),
        ('templates = "missing"\n', "templates = 'missing' is not a folder"),
        ("unmanaged_tables = 3\n", "unmanaged_tables must be a list of strings"),
        ("docs = [\n", "pyproject.toml cannot be read"),
        ('external_functions = { "uid()" = "uuid" }\n', "key 'uid()' is not a schema-qualified signature"),
        ('external_functions = { "public.uid()" = "uuid" }\n', "is in public: only functions in another"),
        ('external_functions = { "auth.uid()" = "uuid; DROP" }\n', "= 'uuid; DROP' is not a return type"),
        ('external_functions = ["auth.uid()"]\n', "external_functions must be a table of strings"),
    ],
)
def test_config_errors_are_e302(tmp_path: Path, tool: str, needle: str) -> None:
    make_project(tmp_path, {"doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);")})
    (tmp_path / "pyproject.toml").write_text("[tool.mdschema]\n" + tool, encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_config(tmp_path)
    assert [d.code for d in exc.value.diagnostics] == ["E302"]
    assert needle in exc.value.diagnostics[0].message
    assert str(exc.value.diagnostics[0].span) == "pyproject.toml:1"


def test_modules_override_and_module_name_clash(tmp_path: Path) -> None:
    docs = {
        "My Doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);"),
        "my_doc.md": sql_doc("CREATE TABLE b (id int PRIMARY KEY);"),
    }
    errors = errors_of(tmp_path / "clash", docs)
    assert [e.code for e in errors] == ["E304"]
    assert "both render to module my_doc.py" in errors[0].message
    assert str(errors[0].span) == "spec/my_doc.md:1"
    ok = make_project(tmp_path / "ok", docs, '[tool.mdschema.modules]\n"My Doc" = "first"\n')
    files = render_project(ok)
    assert "class A(Base):" in files["first.py"] and "class B(Base):" in files["my_doc.py"]


def test_default_module_names_are_safe(tmp_path: Path) -> None:
    docs = {
        "2024 plan.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);"),
        "class.md": sql_doc("CREATE TABLE b (id int PRIMARY KEY);"),
        "base.md": sql_doc("CREATE TABLE c (id int PRIMARY KEY);"),
    }
    make_project(tmp_path, docs)
    modules = {name for name in render_project(tmp_path) if name.endswith(("_models.py", "_plan.py"))}
    assert modules == {"base_models.py", "class_models.py", "doc_2024_plan.py"}


def test_no_docs_is_e303(tmp_path: Path) -> None:
    from mdschema.spec.load import load_schema

    (tmp_path / "pyproject.toml").write_text('[tool.mdschema]\ndocs = ["nowhere/*.md"]\n', encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_schema(load_config(tmp_path))
    assert [(d.code, d.message) for d in exc.value.diagnostics] == [("E303", "no docs match nowhere/*.md")]


# type modifiers: what PostgreSQL refuses (or silently changes) is an E203 at the line, nothing else is
MODIFIED_TYPES = [
    "text(30)",
    "int4(11)",
    "int8(20)",
    "uuid(16)",
    "jsonb(1)",
    "bool(1)",
    "date(3)",
    "varchar(0)",
    "varchar(10485761)",
    "numeric(0)",
    "numeric(1001, 2)",
    "numeric(10, 1001)",
    "timestamp(7)",
    "timestamptz(7)",
    "time(9)",
    "vector(3, 4)",
    "bit(0)",
    "varbit(0)",
    "bit(3, 4)",
    "int4range(2)",
    "tsquery(1)",
    "varchar(30)",
    "char(2)",
    "numeric(5)",
    "numeric(12, 2)",
    "numeric(5, -2)",
    "timestamp(6)",
    "timestamptz(0)",
    "timetz(3)",
    "vector(3)",
    "interval day to second(3)",
    "bit(8)",
    "varbit(16)",
    "bit varying",
    "tstzrange",
    "datemultirange",
]


def test_type_modifiers_are_refused_exactly_where_postgresql_refuses_them(
    tmp_path: Path, pg_conn: psycopg.Connection
) -> None:
    """For each type: PostgreSQL's answer (an error, or a warning that it stored something else) and
    mdschema's (E203 at the column's line) agree."""
    sql = (
        "CREATE TABLE c (\n    id int PRIMARY KEY,\n"
        + ",\n".join(f"    c{i} {t}" for i, t in enumerate(MODIFIED_TYPES))
        + "\n);"
    )
    errors = errors_of(tmp_path, {"doc.md": sql_doc(sql)})
    refused_by_mdschema = {e.span.line - 4 for e in errors if e.code == "E203"}

    refused_by_postgresql = set()
    notices: list[str] = []
    pg_conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
    for i, written in enumerate(MODIFIED_TYPES):
        notices.clear()
        try:
            with pg_conn.transaction(force_rollback=True):
                pg_conn.execute(f"CREATE TABLE probe (c {written})")  # type: ignore[arg-type]
        except psycopg.Error:
            refused_by_postgresql.add(i)
            continue
        if notices:  # "TIMESTAMP(7) precision reduced to maximum allowed, 6"
            refused_by_postgresql.add(i)
    assert refused_by_postgresql == set(range(21)), "the list's first 21 are the refused ones"
    assert {MODIFIED_TYPES[i] for i in refused_by_mdschema} == {
        MODIFIED_TYPES[i] for i in refused_by_postgresql
    }
    text30 = next(e for e in errors if "text(30)" in e.message)
    assert str(text30.span) == "spec/doc.md:4"
    assert text30.message == "column c.c0: PostgreSQL refuses type text(30): text takes no modifier"
    assert text30.hint == "write text, or varchar(30) to limit the length"


def test_docs_without_sql_are_a_warning_naming_the_doc(tmp_path: Path) -> None:
    from mdschema.spec.load import load_schema

    make_project(
        tmp_path,
        {
            "a_tables.md": sql_doc("CREATE TABLE t (id int PRIMARY KEY);") + "\n```sql\n-- later\n;\n```\n",
            "b_overview.md": "# Overview\n\nHow it fits together.\n\n```python\nprint('not sql')\n```\n",
        },
    )
    loaded = load_schema(load_config(tmp_path))
    assert [t.name for t in loaded.schema.tables] == ["t"]
    assert [(str(w.span), w.code, w.severity) for w in loaded.warnings] == [
        ("spec/a_tables.md:5", "W301", "warning"),
        ("spec/b_overview.md:1", "W301", "warning"),
    ]
    assert loaded.warnings[0].message == "```sql block without a statement"
    assert (
        loaded.warnings[1].message == "spec/b_overview.md has no ```sql block: nothing in it becomes schema"
    )
    with pytest.raises(SpecError):
        load_schema(load_config(tmp_path), strict=True)


PREFERRED = """
## customer

```sql
CREATE TABLE customer (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL
);
CREATE INDEX idx_customer_email ON customer (email);
```
"""

SET_ASIDE = """
## customer

```sql
CREATE TABLE customer (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    segment TEXT
);
CREATE INDEX idx_customer_segment ON customer (segment);
COMMENT ON COLUMN customer.segment IS 'Marketing segment';
ALTER TABLE customer ADD CONSTRAINT customer_segment_check CHECK (segment <> '');
CREATE TRIGGER customer_touch BEFORE UPDATE ON customer FOR EACH ROW EXECUTE FUNCTION touch();
```

## visit

```sql
CREATE TABLE visit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id BIGINT REFERENCES customer(id)
);
CREATE INDEX idx_visit_customer ON visit (customer_id);
```
"""

PREFER = '[tool.mdschema.prefer]\ncustomer = "spec/billing.md"\n'


def test_prefer_sets_aside_the_other_definition_with_its_statements(tmp_path: Path) -> None:
    from mdschema.spec.load import load_schema

    make_project(tmp_path, {"billing.md": PREFERRED, "crm.md": SET_ASIDE}, PREFER)
    loaded = load_schema(load_config(tmp_path))
    customer = next(t for t in loaded.schema.tables if t.name == "customer")
    assert [c.name for c in customer.columns] == ["id", "email"]
    assert [i.name for i in customer.indexes] == ["idx_customer_email"]
    assert not customer.checks and all(c.comment is None for c in customer.columns)
    assert not loaded.schema.triggers
    # the other tables of the doc set aside stay, with their statements
    visit = next(t for t in loaded.schema.tables if t.name == "visit")
    assert [i.name for i in visit.indexes] == ["idx_visit_customer"]
    (note,) = loaded.warnings
    assert (str(note.span), note.code, note.severity) == ("spec/crm.md:4", "N101", "note")
    assert note.message == (
        "table customer: this definition is set aside for the one at spec/billing.md:4 "
        "([tool.mdschema.prefer]); this doc's 4 statements go with it: CREATE INDEX idx_customer_segment "
        "(line 8), COMMENT ON COLUMN customer.segment (line 9), ALTER TABLE … ADD customer_segment_check "
        "(line 10), CREATE TRIGGER customer_touch (line 11)"
    )


def test_an_error_only_the_other_definition_explains_names_prefer(tmp_path: Path) -> None:
    report = """
```sql
CREATE INDEX idx_customer_segment_report ON customer (segment);
CREATE TABLE report (
    id int PRIMARY KEY,
    segment TEXT,
    FOREIGN KEY (segment) REFERENCES customer (segment)
);
```
"""
    errors = errors_of(tmp_path, {"billing.md": PREFERRED, "crm.md": SET_ASIDE, "report.md": report}, PREFER)
    messages = {e.code: e.message for e in errors}
    suffix = (
        "; customer.segment is in its other definition at spec/crm.md:4, "
        "which [tool.mdschema.prefer] sets aside"
    )
    assert messages["E106"].endswith(suffix)
    assert messages["E105"].endswith(suffix)


# ---- schemas other than public ----------------------------------------------------------------------


def test_objects_carry_their_schema_and_are_named_by_key(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                """
                CREATE SCHEMA IF NOT EXISTS app;
                CREATE SCHEMA IF NOT EXISTS app;
                CREATE TYPE app.mood AS ENUM ('calm');
                CREATE TABLE public.t (id int PRIMARY KEY);
                CREATE TABLE app.t (id int PRIMARY KEY, m app.mood, t_id int REFERENCES t(id));
                CREATE INDEX ON app.t (m);
                CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'select 1';
                COMMENT ON TABLE app.t IS 'the app one';
                """
            )
        },
        'external_tables = { "public.users" = "keep_fk" }\n',
    )
    assert [(t.name, t.schema, t.bare) for t in schema.tables] == [
        ("t", "public", "t"),
        ("app.t", "app", "t"),
    ]
    app_t = schema.table("app.t")
    assert app_t is not None and app_t.description == "the app one"
    assert app_t.primary_key is not None and app_t.primary_key.name == "t_pkey"  # its own namespace
    assert [i.name for i in app_t.indexes] == ["t_m_idx"]
    assert app_t.foreign_keys[0].ref_table == "t"
    assert app_t.columns[1].type.enum == "app.mood"
    assert [(e.name, e.schema) for e in schema.enums] == [("app.mood", "app")]
    assert [(f.signature, f.schema) for f in schema.functions] == [("app.f()", "app")]
    assert [n.name for n in schema.namespaces] == ["app"]
    assert schema.schemas == ("app", "public")
    assert [e.name for e in schema.external] == ["users"]  # public. is the default: one key


@pytest.mark.parametrize(
    ("sql", "code", "message"),
    [
        ("CREATE SCHEMA app;\nCREATE SCHEMA app;", "E111", "schema app is created twice"),
        ("CREATE SCHEMA app AUTHORIZATION bob;", "E204", "CREATE SCHEMA … AUTHORIZATION is not supported"),
        ("CREATE SCHEMA app CREATE TABLE t (id int);", "E204", "with statements inside it is not supported"),
        ('CREATE TABLE "a.b" (id int PRIMARY KEY);', "E204", "a name with a dot in it is not supported"),
        ("CREATE TABLE pg_catalog.t (id int PRIMARY KEY);", "E204", "which is PostgreSQL's own"),
        ("CREATE SCHEMA public;", "E204", "CREATE SCHEMA public: that schema is PostgreSQL's own"),
        ("CREATE TABLE app.t (id int PRIMARY KEY);", "E114", "table app.t is in schema app, which no doc"),
    ],
)
def test_schema_mistakes_are_errors_at_their_line(tmp_path: Path, sql: str, code: str, message: str) -> None:
    errors = errors_of(tmp_path, {"doc.md": sql_doc(sql)})
    assert [(e.code, message in e.message) for e in errors][:1] == [(code, True)], errors


def test_the_schema_key_is_refused_unless_it_says_public(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path, {"doc.md": sql_doc("CREATE TABLE t (id int PRIMARY KEY);")}, 'schema = "app"\n'
    )
    assert [e.code for e in errors] == ["E302"]
    assert "no default schema can be set" in errors[0].message
    assert "CREATE SCHEMA app; CREATE TABLE app." in (errors[0].hint or "")
    assert schema_of(
        tmp_path, {"doc.md": sql_doc("CREATE TABLE t (id int PRIMARY KEY);")}, 'schema = "public"\n'
    )


def test_prefer_takes_a_qualified_key(tmp_path: Path) -> None:
    """A table of schema app defined in two docs: prefer names it as "app.t", and a same-named public
    table is another table (no clash)."""
    schema = schema_of(
        tmp_path,
        {
            "a.md": sql_doc("CREATE SCHEMA app;\nCREATE TABLE app.t (id int PRIMARY KEY, a int);"),
            "b.md": sql_doc(
                "CREATE TABLE app.t (id int PRIMARY KEY, b int);\nCREATE TABLE t (id int PRIMARY KEY);"
            ),
        },
        '[tool.mdschema.prefer]\n"app.t" = "spec/b.md"\n',
    )
    app_t = schema.table("app.t")
    assert app_t is not None and [c.name for c in app_t.columns] == ["id", "b"]
    assert schema.table("t") is not None


def test_external_functions_are_read_into_the_schema_and_their_stand_ins_into_external_py(
    tmp_path: Path,
) -> None:
    tool = 'external_functions = { "auth.uid()" = "uuid", "auth.has_role( text , int )" = "boolean" }\n'
    schema = schema_of(tmp_path, {"doc.md": sql_doc("CREATE TABLE t (id int PRIMARY KEY);")}, tool)
    assert [(f.signature, f.returns, f.schema) for f in schema.external_functions] == [
        ("auth.has_role(text, int)", "boolean", "auth"),
        ("auth.uid()", "uuid", "auth"),
    ]
    from mdschema.codegen.decide import decide_ddl, decide_external

    external = decide_external(schema)
    assert external is not None and external.tables == ()
    assert external.functions == (
        "CREATE SCHEMA IF NOT EXISTS auth",
        "CREATE OR REPLACE FUNCTION auth.has_role(text, int) RETURNS boolean LANGUAGE sql STABLE"
        " AS $$ SELECT NULL::boolean $$",
        "CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULL::uuid $$",
    )
    assert decide_ddl(schema).external_functions == ("auth.has_role(text, int)", "auth.uid()")
