"""pg_names: the names PostgreSQL gives, checked against the real server. (The Python names mdschema gives
are tested in test_py_names.py, their string literals in test_source.py.)"""

from __future__ import annotations

from pathlib import Path

import mdschema.spec.pg_names as naming
import psycopg
from mdschema.spec.pg_names import choose_name, make_object_name, name_addition
from support.models import schema_of, sql_doc

LONG_TABLE = "a_really_long_table_name_that_goes_on_and_on_and_on_forever_x"  # 62 bytes
LONG_COLUMN = "a_very_long_column_name_that_is_also_quite_long_indeed_yes_yes"  # 62 bytes
MB_TABLE = "Ünïcödé_tåble_with_multibyte_characters_abcdefghijklmnopqr"  # multibyte, 63 bytes


def test_make_object_name_short_names_are_joined() -> None:
    assert make_object_name("story", "author_id", "fkey") == "story_author_id_fkey"
    assert make_object_name("story", None, "pkey") == "story_pkey"
    assert make_object_name("story", None, "check") == "story_check"


def test_make_object_name_shortens_the_longer_part_first() -> None:
    # 62 + 62 bytes must fit in 63 - len("_key") - 1 = 58: both end up 29 bytes
    name = make_object_name(LONG_TABLE, LONG_COLUMN, "key")
    assert name == f"{LONG_TABLE[:29]}_{LONG_COLUMN[:29]}_key"
    assert len(name.encode()) == 63
    # a long table and a short column: only the table is cut
    name = make_object_name(LONG_TABLE, "other", "fkey")
    assert name == f"{LONG_TABLE[: 63 - len('_fkey') - len('_other')]}_other_fkey"
    assert len(name.encode()) == 63
    assert make_object_name(LONG_TABLE, None, "pkey") == LONG_TABLE[:58] + "_pkey"


def test_make_object_name_never_cuts_a_multibyte_character() -> None:
    name = make_object_name(MB_TABLE, "çolumn_ñame_ü", "key")
    assert len(name.encode()) <= 63
    name.encode().decode("utf-8")  # still valid UTF-8
    assert name == "Ünïcödé_tåble_with_multibyte_characte_çolumn_ñame_ü_key"


def test_name_addition_stops_past_63_bytes() -> None:
    assert name_addition(["a", "b", "c"]) == "a_b_c"
    cols = [f"column_number_{i:02d}" for i in range(10)]  # 16 bytes each
    assert name_addition(cols) == "_".join(cols[:4])  # 67 bytes: the fourth pushes it past 63


def test_choose_name_appends_a_number_on_clash() -> None:
    taken: set[str] = set()
    assert choose_name("s", ["a", "b"], "key", taken) == "s_a_b_key"
    assert choose_name("s", ["a_b"], "key", taken) == "s_a_b_key1"
    assert choose_name("s", ["a", "b"], "key", taken) == "s_a_b_key2"
    assert taken == {"s_a_b_key", "s_a_b_key1", "s_a_b_key2"}
    # the number goes into the label, so the label survives truncation
    long_taken = {make_object_name(LONG_TABLE, LONG_COLUMN, "key")}
    second = choose_name(LONG_TABLE, [LONG_COLUMN], "key", long_taken)
    assert second.endswith("_key1") and len(second.encode()) == 63


def test_too_long_counts_bytes() -> None:
    assert not naming.too_long("x" * 63)
    assert naming.too_long("x" * 64)
    assert naming.too_long("é" * 32)  # 64 bytes in 32 characters


NAMING_SQL = f"""
CREATE TABLE {LONG_TABLE} (
    id int PRIMARY KEY,
    {LONG_COLUMN} int UNIQUE,
    short int CHECK (short > 0),
    other int REFERENCES {LONG_TABLE}(id),
    UNIQUE (id, short, other),
    CHECK (short > other)
);
CREATE TABLE s (
    id int PRIMARY KEY,
    a int,
    b int,
    a_b int,
    UNIQUE (a, b),
    UNIQUE (a_b),
    CONSTRAINT s_named_key UNIQUE (b)
);
CREATE TABLE m (
    a int, b int, c int, d int, e int, f int, g int, h int, i int,
    UNIQUE (a, b, c, d, e, f, g, h, i),
    PRIMARY KEY (a, b)
);
CREATE TABLE "{MB_TABLE}" ("çolumn_ñame_ü" int UNIQUE);
CREATE TABLE ck (
    id int PRIMARY KEY,
    a int CHECK (a > 0),
    b int CHECK (b < a),
    c int CHECK (true),
    d int,
    CHECK (d > 0 AND d < 10),
    CHECK (a > d),
    CHECK (length(d::text) > 0)
);
CREATE TABLE q_a_idx (x int);
CREATE TABLE q (
    a int,
    b text,
    fk_a int REFERENCES s(id),
    fk_b int REFERENCES s(id)
);
CREATE INDEX ON q (a);
CREATE INDEX ON q (a);
CREATE UNIQUE INDEX ON q (a);
CREATE INDEX ON q (lower(b));
CREATE INDEX ON q ((a + 1));
CREATE INDEX ON q (a, b);
CREATE INDEX ON q USING gin (to_tsvector('english', b));
CREATE TABLE x (a int, b text, c int[], j jsonb);
CREATE INDEX ON x ((a::text));
CREATE INDEX ON x ((b::varchar(10)));
CREATE INDEX ON x (((a + 1)::text));
CREATE INDEX ON x ((coalesce(a, 0)));
CREATE INDEX ON x ((nullif(b, '')));
CREATE INDEX ON x ((CASE WHEN a > 0 THEN b END));
CREATE INDEX ON x ((CASE WHEN a > 0 THEN b ELSE b::text END));
CREATE INDEX ON x ((c[1]));
CREATE INDEX ON x ((j -> 'k'));
CREATE INDEX ON x ((greatest(a, 1)));
CREATE INDEX ON x ((ARRAY[a]));
CREATE INDEX ON x ((b COLLATE "C"));
CREATE INDEX ON x (lower(b), lower(b), a, (a::bigint));
CREATE INDEX ON x (a) INCLUDE (b);
CREATE INDEX ON x ((trim(b)));
ALTER TABLE q ADD FOREIGN KEY (fk_a) REFERENCES s(id);
ALTER TABLE q ADD CHECK (a > 0);
ALTER TABLE q ADD CHECK (a > 1);
"""


def test_names_match_what_postgres_gives(tmp_path: Path, pg_conn: psycopg.Connection) -> None:
    schema = schema_of(tmp_path, {"doc.md": sql_doc(NAMING_SQL)})
    ours: set[tuple[str, str, str]] = set()
    for t in schema.tables:
        if t.primary_key:
            ours.add((t.name, "p", t.primary_key.name))
        ours |= {(t.name, "u", u.name) for u in t.uniques}
        ours |= {(t.name, "f", f.name) for f in t.foreign_keys}
        ours |= {(t.name, "c", c.name) for c in t.checks}
        ours |= {(t.name, "i", i.name) for i in t.indexes}

    pg_conn.execute(NAMING_SQL)
    theirs = set(
        pg_conn.execute(
            "SELECT conrelid::regclass::text, contype::text, conname FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f', 'c')"
        ).fetchall()
    )
    theirs |= set(
        pg_conn.execute(
            "SELECT i.indrelid::regclass::text, 'i', c.relname"
            " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        ).fetchall()
    )
    # regclass::text quotes names that need it
    theirs = {(t.strip('"'), k, n) for t, k, n in theirs}
    assert ours == theirs
    # and a few spelled out, so that a wrong rule on both sides cannot hide
    assert ("s", "u", "s_a_b_key1") in ours
    assert (
        ("ck", "c", "ck_check") in ours
        and ("ck", "c", "ck_check1") in ours
        and ("ck", "c", "ck_d_check") in ours
    )
    assert ("q", "i", "q_a_idx1") in ours and ("q", "i", "q_a_idx3") in ours
    assert ("q", "f", "q_fk_a_fkey1") in ours
    # expressions: a cast is named after its inner column, a function after itself, an operator "expr"
    expression_names = ("x_a_idx", "x_b_idx", "x_text_idx", "x_coalesce_idx", "x_nullif_idx", "x_case_idx")
    expression_names += ("x_b_idx1", "x_c_idx", "x_expr_idx", "x_greatest_idx", "x_array_idx", "x_a_b_idx")
    assert {("x", "i", n) for n in expression_names} <= ours
    assert ("x", "i", "x_lower_lower1_a_a1_idx") in ours and ("x", "i", "x_btrim_idx") in ours
    assert (LONG_TABLE, "u", f"{LONG_TABLE[:29]}_{LONG_COLUMN[:29]}_key") in ours
    assert ("m", "u", "m_a_b_c_d_e_f_g_h_i_key") in ours
