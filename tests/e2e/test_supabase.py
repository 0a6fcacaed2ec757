"""A Supabase-style doc set, the one issue 12's "done when" describes: tables in public referencing the
platform's `auth.users`, views over them, row-level security with policies for `authenticated` and
`anon` calling the platform's `auth.uid()` (an external function), a sequence, a domain, range columns,
citext and pg_trgm indexes, an EXCLUDE constraint over btree_gist (no room booked twice at once). Built
both ways (the docs' own SQL; mdschema's
migrations and models): the same catalog, names included; the revision proves itself on the shadow; a
second `mdschema check` after the upgrade reports nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from mdschema.migrations.models import load_package
from support.fidelity import build_both_ways
from support.projects import connect, execute, query

CONFIG = """\
external_tables = { "auth.users" = "keep_fk" }
external_functions = { "auth.uid()" = "uuid" }
roles = ["authenticated", "anon"]
"""
# what the platform has before the docs: its auth schema, users table and auth.uid() (the JWT's subject);
# mdschema's shadows get stand-ins for the table and the function
PLATFORM = """\
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
"""

PROFILES = """
# Profiles

Signing in is Supabase's: `auth.users` is theirs; a profile is ours.

```sql
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE DOMAIN public.email_address AS text CHECK (VALUE ~ '^[^@ ]+@[^@ ]+$');
COMMENT ON DOMAIN public.email_address IS 'an address with one @';

CREATE TABLE public.profiles (
    id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
    username citext UNIQUE,          -- case-insensitive handle
    full_name text,
    contact email_address,           -- where we write to
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profiles_full_name_trgm ON public.profiles USING gin (full_name gin_trgm_ops);

ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Profiles are visible to everyone" ON public.profiles FOR SELECT TO authenticated, anon
    USING (true);
CREATE POLICY "Users update their own profile" ON public.profiles FOR UPDATE TO authenticated
    USING (auth.uid() = id) WITH CHECK (auth.uid() = id);
```
"""

BOOKINGS = """
# Bookings

```sql
CREATE EXTENSION IF NOT EXISTS btree_gist;
```

## rooms

```sql
CREATE TABLE public.rooms (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    seats int4range NOT NULL DEFAULT '[1,10)'
);
```

## bookings

Who has which room when.

```sql
CREATE SEQUENCE public.booking_ref_seq AS integer START 1000;

CREATE TABLE public.bookings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref integer NOT NULL UNIQUE DEFAULT nextval('booking_ref_seq'),  -- what the customer quotes
    room_id bigint NOT NULL REFERENCES public.rooms (id),
    profile_id uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    during tstzrange NOT NULL,
    EXCLUDE USING gist (room_id WITH =, during WITH &&)
);
CREATE INDEX bookings_during ON public.bookings USING gist (during);
ALTER SEQUENCE public.booking_ref_seq OWNED BY public.bookings.ref;

ALTER TABLE public.bookings ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users see their own bookings" ON public.bookings FOR SELECT TO authenticated
    USING (profile_id = auth.uid());
CREATE POLICY "Users book for themselves" ON public.bookings FOR INSERT TO authenticated
    WITH CHECK (profile_id = auth.uid());
```

## my_bookings

A user's own bookings with the room's name.

```sql
CREATE VIEW my_bookings AS
SELECT b.id, r.name AS room, b.during
FROM bookings b JOIN rooms r ON r.id = b.room_id
WHERE b.profile_id = auth.uid();
```
"""


def test_a_supabase_style_doc_set_builds_the_same_catalog_and_checks_clean(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = build_both_ways(
        tmp_path,
        {"1_profiles.md": PROFILES, "2_bookings.md": BOOKINGS},
        pg_server,
        make_database,
        config=CONFIG,
        platform_sql=PLATFORM,
    )
    assert result.migrated == [] and result.models == [], (result.migrated, result.models)
    # the comparison is not empty: each kind the doc set holds is in the catalog both sides share
    direct = result.direct
    assert {t.name for t in direct.tables} == {"profiles", "rooms", "bookings"}
    assert {e.name for e in direct.extensions} >= {"citext", "pg_trgm", "btree_gist"}
    assert [v.name for v in direct.views] == ["my_bookings"]
    assert {(p.table, p.name, p.roles) for p in direct.policies} == {
        ("profiles", "Profiles are visible to everyone", ("anon", "authenticated")),
        ("profiles", "Users update their own profile", ("authenticated",)),
        ("bookings", "Users see their own bookings", ("authenticated",)),
        ("bookings", "Users book for themselves", ("authenticated",)),
    }
    assert {r.table for r in direct.row_security if r.enabled} == {"profiles", "bookings"}
    columns = {(t.name, c.name): c.type for t in direct.tables for c in t.columns}
    assert columns["profiles", "username"] == "citext" and columns["bookings", "during"] == "tstzrange"
    fks = {c.ref_table for t in direct.tables for c in t.constraints if c.kind == "f"}
    assert "auth.users" in fks
    assert [(d.name, d.base, d.checks) for d in direct.domains] == [
        ("email_address", "text", (("email_address_check", "CHECK ((VALUE ~ '^[^@ ]+@[^@ ]+$'::text))"),))
    ]
    assert columns["profiles", "contact"] == "email_address"
    assert [
        (q.name, q.type, q.start, q.owned_by) for q in direct.sequences if q.name == "booking_ref_seq"
    ] == [("booking_ref_seq", "integer", 1000, ("bookings", "ref"))]
    # the platform's function is not one of the docs': never read as theirs
    assert not any(f.name.startswith("auth.") for f in direct.functions)
    excludes = {c.name: c.definition for t in direct.tables for c in t.constraints if c.kind == "x"}
    assert excludes == {"bookings_room_id_during_excl": "EXCLUDE USING gist (room_id WITH =, during WITH &&)"}
    # the upgraded database checks clean: nothing differs from the docs, nothing to migrate
    project = result.project
    project.database_url = result.migrated_url
    assert "mdschema: clean" in project.ok("check").out
    # and the policies work there: an authenticated user sees only their own bookings
    models = load_package(project.root, "generated", fresh=True)
    assert {name for _, name, _ in models.ddl.POLICIES} == {p.name for p in direct.policies}
    url = result.migrated_url
    me, other = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"
    execute(
        url,
        f"INSERT INTO auth.users (id) VALUES ('{me}'), ('{other}')",
        f"INSERT INTO profiles (id, username) VALUES ('{me}', 'Me'), ('{other}', 'Other')",
        "INSERT INTO rooms (name) VALUES ('Blue'), ('Green')",
        # one room, one after the other (the ranges touch, they do not overlap)
        "INSERT INTO bookings (room_id, profile_id, during)"
        " SELECT r.id, p.id, CASE p.username WHEN 'Me' THEN '[2026-12-04 10:00, 2026-12-04 11:00)'"
        " ELSE '[2026-12-04 11:00, 2026-12-04 12:00)' END::tstzrange"
        " FROM rooms r, profiles p WHERE r.name = 'Blue'",
        "GRANT SELECT ON bookings, rooms, profiles, my_bookings TO authenticated",
    )
    with connect(url) as conn:
        conn.execute("SET ROLE authenticated")
        conn.execute(f"SET request.jwt.claim.sub = '{me}'")
        assert conn.execute("SELECT count(*) FROM bookings").fetchall() == [(1,)]
        assert conn.execute("SELECT count(*) FROM my_bookings").fetchall() == [(1,)]
        # the case-insensitive handle: citext compares without case
        assert conn.execute("SELECT count(*) FROM profiles WHERE username = 'ME'").fetchall() == [(1,)]
    assert query(url, "SELECT count(*) FROM bookings") == [(2,)]  # the owner is not subject to them
    # the sequence numbers the bookings from its START; the domain refuses an address without an @
    assert query(url, "SELECT ref FROM bookings ORDER BY ref") == [(1000,), (1001,)]
    with pytest.raises(psycopg.errors.CheckViolation, match="email_address_check"):
        execute(url, f"UPDATE profiles SET contact = 'nobody' WHERE id = '{me}'")
    execute(url, f"UPDATE profiles SET contact = 'me@example.org' WHERE id = '{me}'")
    # no double booking: the same room at an overlapping time is refused; another room is not
    overlapping = (
        "INSERT INTO bookings (room_id, profile_id, during) SELECT r.id, '{who}', "
        "'[2026-12-04 10:30, 2026-12-04 11:30)' FROM rooms r WHERE r.name = '{room}'"
    )
    with pytest.raises(psycopg.errors.ExclusionViolation, match="bookings_room_id_during_excl"):
        execute(url, overlapping.format(who=other, room="Blue"))
    execute(url, overlapping.format(who=other, room="Green"))
    assert query(url, "SELECT count(*) FROM bookings") == [(3,)]
    execute(url, "REVOKE ALL ON bookings, rooms, profiles, my_bookings FROM authenticated")
