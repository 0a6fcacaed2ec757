"""Docs that use PostgreSQL's contrib extensions (citext, pg_trgm, btree_gist, unaccent) come through: the
embedded server's wheel ships them, so the proof runs on it, and the docs' own SQL and mdschema's models and
migrations build the same catalog, names included."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from support.fidelity import build_both_ways

PEOPLE = """
# People

## person

Someone with an account: the e-mail compares without case, the name is searched by trigrams.

```sql
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE person (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email CITEXT NOT NULL UNIQUE, -- compared without case
    handle CITEXT,
    name TEXT NOT NULL
);

CREATE INDEX idx_person_name_trgm ON person USING gin (name gin_trgm_ops);
CREATE INDEX idx_person_name_gist ON person USING gist (name gist_trgm_ops, id);
CREATE INDEX idx_person_handle ON person (handle) WHERE handle IS NOT NULL;
```
"""


def test_contrib_extensions_come_through(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = build_both_ways(tmp_path, {"people.md": PEOPLE}, pg_server, make_database)

    assert result.migrated == []
    assert result.models == []
    # the comparison is not empty: the extensions, the citext columns and the operator classes are there
    assert {e.name for e in result.direct.extensions} >= {"citext", "pg_trgm", "btree_gist", "unaccent"}
    person = result.direct.table("person")
    assert person is not None
    assert {c.name: c.type for c in person.columns}["email"] == "citext"
    indexes = {i.name: i.definition for i in person.indexes}
    assert "gin_trgm_ops" in indexes["idx_person_name_trgm"]
    assert "gist_trgm_ops" in indexes["idx_person_name_gist"]
