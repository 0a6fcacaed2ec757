# ruff: noqa: E501
"""EXCLUDE constraints and COLLATE: the docs' own SQL and mdschema's models and migrations build the same
catalog (pg_constraint's EXCLUDE as pg_get_constraintdef prints it, attcollation, indexes' collations,
names included); revisions add, alter (drop + add) and drop exclusion constraints and change a column's
or an index's collation, proven both ways on the shadow; the upgraded database really rejects
overlapping rows; `mdschema check` reports an exclusion constraint that differs at its doc line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.database import connect
from support.fidelity import build_both_ways, docs_sql, read, run_script
from support.projects import execute, executed_sql, make_project, operations, query, revision_id

TABLES = """
# Bookings

## room

A room that can be booked.

```sql
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE room (
    id INTEGER PRIMARY KEY,
    code VARCHAR(20) COLLATE "C" NOT NULL,
    label TEXT NOT NULL
);
CREATE INDEX room_label_idx ON room (label COLLATE "POSIX");
```

## booking

Who has a room when.

```sql
CREATE TABLE booking (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES room (id),
    guest TEXT NOT NULL,
    during TSTZRANGE NOT NULL,
    cancelled BOOLEAN NOT NULL DEFAULT false
);
```
"""

EXCLUDES = """
## No double booking

```sql
ALTER TABLE booking ADD EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (NOT cancelled);
ALTER TABLE booking ADD CONSTRAINT one_stay_per_guest
    EXCLUDE USING gist (lower(guest) WITH =, during WITH &&) DEFERRABLE INITIALLY DEFERRED;
```
"""

BASE = TABLES + EXCLUDES

# in CREATE TABLE, with an expression, an operator class and a collation on its elements
INLINE = TABLES.replace(
    "    cancelled BOOLEAN NOT NULL DEFAULT false\n);",
    "    cancelled BOOLEAN NOT NULL DEFAULT false,\n"
    "    EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (NOT cancelled),\n"
    '    EXCLUDE USING gist ((room_id + 0) WITH =, guest COLLATE "C" gist_text_ops WITH =, during WITH OPERATOR(pg_catalog.&&))\n);',
)


def _both(
    tmp_path: Path,
    pg_server: str,
    make_database: Callable[..., str],
    after: str,
    before: str | None = None,
    allow: tuple[str, ...] = (),
):  # type: ignore[no-untyped-def]
    result = build_both_ways(
        tmp_path,
        {"bookings.md": after},
        pg_server,
        make_database,
        before=None if before is None else {"bookings.md": before},
        allow=allow,
    )
    assert result.migrated == [] and result.models == [], (result.migrated, result.models)
    return result


def _last_revision(result) -> Path:  # type: ignore[no-untyped-def]
    (path,) = [p for p in result.project.revisions() if p.name.endswith("_fidelity.py")]
    return path


def _constraints(result, table: str = "booking") -> dict[str, str]:  # type: ignore[no-untyped-def]
    found = result.direct.table(table)
    return {c.name: c.definition for c in found.constraints if c.kind == "x"}


@pytest.mark.parametrize("doc", [BASE, INLINE], ids=["alter table", "create table"])
def test_excludes_and_collations_build_the_same_catalog_both_ways(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str], doc: str
) -> None:
    result = _both(tmp_path, pg_server, make_database, doc)
    room = result.direct.table("room")
    assert room.column("code").type == 'character varying(20) COLLATE "C"'
    assert room.column("label").type == "text"
    (index,) = room.indexes
    assert 'label COLLATE "POSIX"' in index.definition
    if doc is BASE:
        assert _constraints(result) == {
            "booking_room_id_during_excl": "EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE ((NOT cancelled))",
            "one_stay_per_guest": "EXCLUDE USING gist (lower(guest) WITH =, during WITH &&) DEFERRABLE INITIALLY DEFERRED",
        }
    else:  # PostgreSQL's own names: <table>_<element names>_excl, "expr" for an expression
        assert _constraints(result) == {
            "booking_room_id_during_excl": "EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE ((NOT cancelled))",
            "booking_expr_guest_during_excl": 'EXCLUDE USING gist (((room_id + 0)) WITH =, guest COLLATE "C" WITH =, during WITH &&)',
        }
    project = result.project
    project.database_url = result.migrated_url
    assert "mdschema: clean" in project.ok("check").out


def test_the_upgraded_database_rejects_overlapping_bookings(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, BASE)
    url = result.migrated_url
    execute(
        url,
        "INSERT INTO room (id, code, label) VALUES (1, 'A', 'Attic'), (2, 'B', 'Basement')",
        "INSERT INTO booking (id, room_id, guest, during) VALUES (1, 1, 'Ada', '[2026-01-01, 2026-01-05)')",
        # another room, or the same room afterwards: allowed
        "INSERT INTO booking (id, room_id, guest, during) VALUES (2, 2, 'Bob', '[2026-01-02, 2026-01-04)')",
        "INSERT INTO booking (id, room_id, guest, during) VALUES (3, 1, 'Cy', '[2026-01-05, 2026-01-06)')",
        # a cancelled booking is outside the WHERE: it may overlap
        "INSERT INTO booking (id, room_id, guest, during, cancelled) VALUES (4, 1, 'Dee', '[2026-01-02, 2026-01-03)', true)",
    )
    with pytest.raises(psycopg.errors.ExclusionViolation, match="booking_room_id_during_excl"):
        execute(
            url,
            "INSERT INTO booking (id, room_id, guest, during) VALUES (5, 1, 'Eve', '[2026-01-04, 2026-01-08)')",
        )
    # deferred: the same guest twice at once fails at COMMIT, not at the INSERT
    with connect(url) as conn:
        with pytest.raises(psycopg.errors.ExclusionViolation, match="one_stay_per_guest"):
            with conn.transaction():
                conn.execute(
                    "INSERT INTO booking (id, room_id, guest, during) VALUES (6, 2, 'ADA', '[2026-01-04, 2026-01-05)')"
                )
                assert conn.execute("SELECT count(*) FROM booking").fetchone() == (5,)  # not yet checked
    assert query(url, "SELECT count(*) FROM booking") == [(4,)]


# --- changes, proven both ways ------------------------------------------------------------------------

CHANGED_COLUMNS = BASE.replace(
    "(room_id WITH =, during WITH &&) WHERE", "(room_id WITH =, guest WITH =, during WITH &&) WHERE"
)
CHANGED_OPERATOR = BASE.replace(
    "(lower(guest) WITH =, during WITH &&)", "(lower(guest) WITH =, during WITH -|-)"
)
CHANGED_WHERE = BASE.replace("WHERE (NOT cancelled)", "WHERE (NOT cancelled AND room_id > 0)")
RECOLLATED = BASE.replace(
    'code VARCHAR(20) COLLATE "C" NOT NULL', 'code VARCHAR(20) COLLATE "POSIX" NOT NULL'
).replace("label TEXT NOT NULL", 'label TEXT COLLATE "C" NOT NULL')


def _before_sql(tmp_path: Path, doc: str) -> str:
    spec = tmp_path / "before_spec"
    spec.mkdir(exist_ok=True)
    (spec / "bookings.md").write_text(doc)
    return docs_sql(spec)


@pytest.mark.parametrize(
    ("before", "after", "expect", "refuse", "allow"),
    [
        # an EXCLUDE added to a table that exists: the plain ADD CONSTRAINT (no lock-safe form), gated
        (TABLES, BASE, ["ALTER TABLE booking ADD CONSTRAINT booking_room_id_during_excl EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE ((NOT cancelled))",
                        "ALTER TABLE booking ADD CONSTRAINT one_stay_per_guest EXCLUDE USING gist (lower(guest) WITH =, during WITH &&) DEFERRABLE INITIALLY DEFERRED"],
         ["NOT VALID"], ("add_exclude",)),
        # dropped: not a hazard (no data lost, the lock is an instant's)
        (BASE, TABLES, [], ["EXCLUDE"], ()),
        # changed elements, operator, WHERE: dropped and added again under the same (or PostgreSQL's new) name
        (BASE, CHANGED_COLUMNS, ["ALTER TABLE booking ADD CONSTRAINT booking_room_id_guest_during_excl EXCLUDE USING gist (room_id WITH =, guest WITH =, during WITH &&) WHERE ((NOT cancelled))"],
         [], ("add_exclude",)),
        (BASE, CHANGED_OPERATOR, ["ALTER TABLE booking ADD CONSTRAINT one_stay_per_guest EXCLUDE USING gist (lower(guest) WITH =, during WITH -|-) DEFERRABLE INITIALLY DEFERRED"],
         ["booking_room_id_during_excl"], ("add_exclude",)),
        (BASE, CHANGED_WHERE, ["ALTER TABLE booking ADD CONSTRAINT booking_room_id_during_excl EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (((NOT cancelled) AND (room_id > 0)))"],
         ["one_stay_per_guest"], ("add_exclude",)),
        # a column's collation changed, set, and (on the downgrade) removed: ALTER COLUMN TYPE, gated as rewrite_table
        (BASE, RECOLLATED, [], ["EXCLUDE"], ("rewrite_table",)),
    ],
    ids=["add", "drop", "change elements", "change operator", "change where", "collate"],
)  # fmt: skip
def test_exclude_and_collation_changes_are_proven_both_ways(
    tmp_path: Path,
    pg_server: str,
    make_database: Callable[..., str],
    before: str,
    after: str,
    expect: list[str],
    refuse: list[str],
    allow: tuple[str, ...],
) -> None:
    # `revision` proved upgrade, downgrade, upgrade on its shadow; the upgraded database is the docs' SQL
    result = _both(tmp_path, pg_server, make_database, after, before, allow)
    path = _last_revision(result)
    upgrade = executed_sql(path)
    for piece in expect:
        assert piece in upgrade, (piece, upgrade)
    for piece in refuse:
        assert not any(piece in s for s in upgrade), (piece, upgrade)
    if before is BASE and after is not TABLES and after is not RECOLLATED:  # a change: drop, then add
        name = expect[0].split("ADD CONSTRAINT ")[1].split()[0]
        steps = operations(path)
        dropped = [i for i, s in enumerate(steps) if "drop_constraint(" in s]
        added = [i for i, s in enumerate(steps) if f"ADD CONSTRAINT {name} " in s]
        assert dropped and added and max(dropped) < min(added), steps
    if after is RECOLLATED:
        # no USING: the same type, another collation (PostgreSQL rebuilds the column's indexes, rewrites no row)
        assert operations(path) == [
            "op.alter_column('room', 'code', type_=sa.String(length=20, collation='POSIX'))",
            "op.alter_column('room', 'label', type_=sa.Text(collation='C'))",
        ]
        # the downgrade has no models to read: the catalog's type, its USING a relabelling (no rewrite)
        assert executed_sql(path, "downgrade") == [
            'ALTER TABLE room ALTER COLUMN code TYPE character varying(20) COLLATE "C" USING code::character varying(20) COLLATE "C"',
            "ALTER TABLE room ALTER COLUMN label TYPE text USING label::text",
        ]
    # and on a database: downgrade -1 gives the catalog of the docs before, upgrade again the docs' own
    project = result.project
    url = result.migrated_url
    earlier = make_database(None)
    run_script(earlier, _before_sql(tmp_path, before))
    files = "SELECT relname, relfilenode FROM pg_class WHERE relname IN ('room', 'booking') ORDER BY 1"
    stored = query(url, files)
    project.ok("downgrade", "-1", database_url=url)
    back = [describe(c) for c in diff(read(earlier), read(url))]
    assert back == [], back
    project.ok("upgrade", database_url=url)
    assert [describe(c) for c in diff(result.direct, read(url))] == []
    assert query(url, files) == stored  # neither direction rewrote a table (a collation rewrites no row)
    project.database_url = url
    assert "mdschema: clean" in project.ok("check").out


# --- on a populated database: the hazard at `revision`, the pre-flight at `upgrade` ---------------------

HAZARD_LINE = re.compile(
    r"^  (?P<where>\S+): (?P<subject>constraint \S+): (?P<detail>.+?)  \[--allow (?P<kind>\w+)\]$"
)
REFUSED = re.compile(
    r"^  (?P<where>\S+): (?P<subject>constraint \S+): (?P<rows>\d+) conflicting pair\(s\) \((?P<detail>.+)\) "
    r"would fail the upgrade in revision (?P<rev>\w+) \[add_exclude\]; keys: (?P<keys>.+)$"
)
BOOKINGS = [
    "INSERT INTO room (id, code, label) VALUES (1, 'A', 'Attic'), (2, 'B', 'Basement')",
    "INSERT INTO booking (id, room_id, guest, during, cancelled) VALUES"
    " (1, 1, 'Ada', '[2026-01-01, 2026-01-05)', false),"
    " (2, 1, 'Bob', '[2026-01-03, 2026-01-04)', false),"  # room 1 twice at once, with 1
    " (3, 1, 'Cy', '[2026-01-04, 2026-01-06)', false),"  # …and with 1 again (not with 2: they only touch)
    " (4, 1, 'Dee', '[2026-01-02, 2026-01-03)', true),"  # cancelled: outside the WHERE, may overlap
    " (5, 2, 'ADA', '[2026-01-04, 2026-01-05)', false),"  # lower(guest): Ada in two rooms at once, with 1
    " (6, 2, 'Eve', '[2026-01-10, 2026-01-11)', false)",
]


def _state(url: str) -> tuple[object, ...]:
    """What a refusal must leave as it was: the revision, the rows, the constraints, the indexes."""
    return (
        query(url, "SELECT version_num FROM alembic_version"),
        query(url, "SELECT id, room_id, guest, during::text, cancelled FROM booking ORDER BY id"),
        query(url, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint ORDER BY conname"),
        query(url, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"),
    )


def test_an_exclude_added_to_a_populated_table_is_gated_then_refused_by_the_preflight(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = make_project(tmp_path, {"bookings.md": TABLES}, pg_server, make_database(None))
    result, first = project.revise("initial")
    assert result.rc == 0 and first is not None, result.output
    project.ok("upgrade")
    url = project.database_url
    assert url
    execute(url, *BOOKINGS)
    project.write_doc("bookings.md", BASE)
    room_line = project.line_of("bookings.md", "ALTER TABLE booking ADD EXCLUDE")
    guest_line = project.line_of("bookings.md", "ADD CONSTRAINT one_stay_per_guest")
    before = project.revisions()

    # revision: no lock-safe form, so a hazard at the constraint's doc line until --allow add_exclude
    refused = project.run("revision", "-m", "no double booking")
    assert refused.rc == 1 and project.revisions() == before, refused.output
    hazards = [m.groupdict() for m in map(HAZARD_LINE.match, refused.out.splitlines()) if m]
    assert [(h["where"], h["subject"], h["kind"]) for h in hazards] == [
        (f"spec/bookings.md:{room_line}", "constraint booking.booking_room_id_during_excl", "add_exclude"),
        (f"spec/bookings.md:{guest_line}", "constraint booking.one_stay_per_guest", "add_exclude"),
    ], refused.out
    assert "ACCESS EXCLUSIVE lock on table booking" in hazards[0]["detail"]
    assert "no NOT VALID or USING INDEX for EXCLUDE" in hazards[0]["detail"]

    result, path = project.revise("no double booking", "--allow", "add_exclude")
    assert result.rc == 0 and path is not None, result.output
    text = path.read_text()
    assert "# DESTRUCTIVE (add_exclude): constraint booking.booking_room_id_during_excl:" in text, text
    assert (
        "ADD EXCLUDE booking_room_id_during_excl: ACCESS EXCLUSIVE on booking (blocks reads and writes); hazards: add_exclude"
        in text
    ), text
    # …and listed at its doc line as a step that can fail on rows already there, counted at upgrade
    listed = result.out[result.out.index("count them first and refuse:") :]
    assert (
        f"  spec/bookings.md:{room_line}: constraint booking.booking_room_id_during_excl: pairs of rows "
        "conflicting on (room_id WITH =, during WITH &&) among rows where (NOT cancelled) (counted at upgrade)  [add_exclude]"
    ) in listed, listed
    assert (
        f"  spec/bookings.md:{guest_line}: constraint booking.one_stay_per_guest: pairs of rows conflicting "
        "on ((lower(guest)) WITH =, during WITH &&) (counted at upgrade)  [add_exclude]"
    ) in listed, listed
    # squawk names what has no lock-safe form: it is the hazard above, not left out
    assert "[constraint-missing-not-valid]" in result.out, result.out

    # upgrade: the pre-flight counts the conflicting pairs and refuses before anything runs
    state = _state(url)
    upgrade = project.run("upgrade")
    assert upgrade.rc == 1 and "nothing was run" in upgrade.out, upgrade.output
    found = {m["subject"]: m.groupdict() for m in map(REFUSED.match, upgrade.out.splitlines()) if m}
    rev = revision_id(path)
    assert {s: (f["where"], f["rows"], f["keys"], f["rev"]) for s, f in found.items()} == {
        "constraint booking.booking_room_id_during_excl": (
            f"spec/bookings.md:{room_line}",
            "2",
            "id=1 / id=2, id=1 / id=3",
            rev,
        ),
        "constraint booking.one_stay_per_guest": (f"spec/bookings.md:{guest_line}", "1", "id=1 / id=5", rev),
    }, upgrade.out
    assert _state(url) == state  # untouched: the same revision, rows, constraints and indexes

    # PostgreSQL agrees: without the pre-flight the ADD CONSTRAINT fails, in the migration's transaction
    forced = project.run("upgrade", "--no-preflight")
    assert forced.rc == 2, forced.output
    assert 'could not create exclusion constraint "booking_room_id_during_excl"' in forced.err, forced.output
    assert _state(url) == state
    # a DEFERRABLE one is checked on the rows there when it is added too, as the pre-flight counted
    execute(url, "UPDATE booking SET cancelled = true WHERE id IN (2, 3)")
    upgrade = project.run("upgrade")
    assert upgrade.rc == 1 and [m["subject"] for m in map(REFUSED.match, upgrade.out.splitlines()) if m] == [
        "constraint booking.one_stay_per_guest"
    ], upgrade.output
    forced = project.run("upgrade", "--no-preflight")
    assert 'could not create exclusion constraint "one_stay_per_guest"' in forced.err, forced.output

    # the rows fixed, the same revision goes through, and the constraints hold from then on
    execute(url, "UPDATE booking SET guest = 'Ann' WHERE id = 5")
    project.ok("upgrade")
    assert query(url, "SELECT version_num FROM alembic_version") == [(rev,)]
    with pytest.raises(psycopg.errors.ExclusionViolation, match="booking_room_id_during_excl"):
        execute(
            url,
            "INSERT INTO booking (id, room_id, guest, during) VALUES (7, 1, 'Fay', '[2026-01-02, 2026-01-03)')",
        )
    assert "mdschema: clean" in project.ok("check").out


PAIRS_SETUP = [
    "CREATE EXTENSION btree_gist",
    "CREATE TABLE slot (id integer PRIMARY KEY, room integer, who text, during tstzrange, gone boolean NOT NULL DEFAULT false)",
    "CREATE TABLE plain (room integer, during tstzrange)",  # no primary key: ctid for the keys
    "INSERT INTO slot VALUES (1, 1, 'Ada', '[2026-01-01, 2026-01-05)', false),"
    " (2, 1, 'ada', '[2026-01-04, 2026-01-06)', false), (3, 1, 'Bob', '[2026-01-05, 2026-01-07)', false),"
    " (4, 2, 'Ada', '[2026-01-02, 2026-01-03)', true), (5, NULL, 'Cy', '[2026-01-01, 2026-01-09)', false),"
    " (6, NULL, 'Cy', '[2026-01-01, 2026-01-09)', false), (7, 3, 'Dee', NULL, false), (8, 3, 'Dee', NULL, false)",
    "INSERT INTO plain VALUES (1, '[2026-01-01, 2026-01-03)'), (1, '[2026-01-02, 2026-01-04)'), (2, '[2026-01-01, 2026-01-03)')",
]


@pytest.mark.parametrize(
    ("table", "definition", "pairs", "keys"),
    [
        # NULLs conflict with nothing (5 and 6, 7 and 8); 2 overlaps 1 and 3, 1 and 3 only touch
        ("slot", "EXCLUDE USING gist (room WITH =, during WITH &&)", 2, ["id=1 / id=2", "id=2 / id=3"]),
        ("slot", "EXCLUDE USING gist (room WITH =, during WITH &&) WHERE ((id <> 2))", 0, []),
        # an expression, a collation on an element, a schema-qualified operator; 4 is outside the WHERE
        ("slot", 'EXCLUDE USING gist (lower(who) WITH =, during WITH OPERATOR(pg_catalog.&&)) WHERE ((NOT gone))', 2, ["id=1 / id=2", "id=5 / id=6"]),
        ("slot", 'EXCLUDE USING gist (who COLLATE "C" WITH =, during WITH &&)', 2, ["id=1 / id=4", "id=5 / id=6"]),
        ("slot", "EXCLUDE USING gist (((room + 0)) WITH =, during WITH -|-)", 1, ["id=1 / id=3"]),
        ("slot", "EXCLUDE USING btree (who WITH =)", 3, ["id=1 / id=4", "id=5 / id=6", "id=7 / id=8"]),
        ("plain", "EXCLUDE USING gist (room WITH =, during WITH &&)", 1, ["(0,1) / (0,2)"]),
    ],
    ids=["columns", "where", "expression", "collate", "adjacent", "btree", "no primary key"],
)  # fmt: skip
def test_the_preflight_counts_exactly_the_pairs_postgresql_refuses(
    make_database: Callable[..., str], table: str, definition: str, pairs: int, keys: list[str]
) -> None:
    from mdschema.catalog.diff import ConstraintAdded
    from mdschema.catalog.snapshot import Constraint, snapshot
    from mdschema.migrations.preflight import checks_of

    url = make_database(None)
    execute(url, *PAIRS_SETUP)
    with connect(url) as conn:
        current = snapshot(conn)
    change = ConstraintAdded(table, Constraint("mds_x", "x", (), definition))
    (check,) = checks_of([change], current, current, lambda subject: "spec/x.md:1")
    assert check.kind == "add_exclude" and check.where == "spec/x.md:1"
    with connect(url) as conn:
        assert conn.execute(check.count.encode()).fetchone() == (pairs,)  # type: ignore[call-overload]
        got = [row[0] for row in conn.execute(check.sample.encode()).fetchall()]  # type: ignore[call-overload]
    assert got == keys, (check.count, got)
    # PostgreSQL refuses the constraint exactly when there is a pair
    with connect(url) as conn:
        if pairs:
            with pytest.raises(psycopg.errors.ExclusionViolation):
                conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT mds_x {definition}".encode())  # type: ignore[call-overload]
        else:
            conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT mds_x {definition}".encode())  # type: ignore[call-overload]


# --- drift ----------------------------------------------------------------------------------------------


def test_check_reports_an_exclude_or_a_collation_that_differs_at_its_doc_line(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, BASE)
    project = result.project
    project.database_url = url = result.migrated_url
    execute(
        url,
        # the same name, another definition (the WHERE lost); one dropped; a collation changed
        "ALTER TABLE booking DROP CONSTRAINT booking_room_id_during_excl",
        "ALTER TABLE booking ADD CONSTRAINT booking_room_id_during_excl EXCLUDE USING gist (room_id WITH =, during WITH &&)",
        "ALTER TABLE booking DROP CONSTRAINT one_stay_per_guest",
        'ALTER TABLE room ALTER COLUMN code TYPE varchar(20) COLLATE "POSIX"',
        "ALTER TABLE room ADD CONSTRAINT room_label_excl EXCLUDE USING btree (label WITH =)",
    )
    out = project.run("check")
    assert out.rc == 1, out.output
    at = {
        needle: f"spec/bookings.md:{project.line_of('bookings.md', needle)}: database: drift: "
        for needle in (
            "ALTER TABLE booking ADD EXCLUDE",
            "ADD CONSTRAINT one_stay_per_guest",
            'code VARCHAR(20) COLLATE "C"',
            "CREATE TABLE room",
        )
    }
    assert (
        at["ALTER TABLE booking ADD EXCLUDE"]
        + (
            "constraint booking.booking_room_id_during_excl: EXCLUDE USING gist (room_id WITH =, during WITH &&) → "
            "EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE ((NOT cancelled)) (database → docs)"
        )
        in out.out
    ), out.out
    assert (
        at["ADD CONSTRAINT one_stay_per_guest"]
        + (
            "constraint booking.one_stay_per_guest: EXCLUDE USING gist (lower(guest) WITH =, during WITH &&) "
            "DEFERRABLE INITIALLY DEFERRED is in the docs but not in the database"
        )
        in out.out
    ), out.out
    assert (
        at['code VARCHAR(20) COLLATE "C"']
        + (
            'room.code is character varying(20) COLLATE "POSIX" in the database, character varying(20) COLLATE "C" '
            "in the docs"
        )
        in out.out
    ), out.out
    # one the docs do not have: at its table's line
    assert (
        at["CREATE TABLE room"] + "constraint room.room_label_excl is in the database but not in the docs"
        in out.out
    )
    assert "4 difference(s)" in out.out, out.out
