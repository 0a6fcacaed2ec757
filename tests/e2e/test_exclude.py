# ruff: noqa: E501
"""EXCLUDE constraints and COLLATE: the docs' own SQL and mdschema's models and migrations build the same
catalog (pg_constraint's EXCLUDE as pg_get_constraintdef prints it, attcollation, indexes' collations,
names included); revisions add, alter (drop + add) and drop exclusion constraints and change a column's
or an index's collation, proven both ways on the shadow; the upgraded database really rejects
overlapping rows; `mdschema check` reports an exclusion constraint that differs at its doc line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.database import connect
from support.fidelity import build_both_ways, docs_sql, read, run_script
from support.projects import execute, executed_sql, operations, query

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
