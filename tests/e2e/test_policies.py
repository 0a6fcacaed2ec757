# ruff: noqa: E501
"""Row-level security and policies: the docs' own SQL and mdschema's models and migrations build the same
catalog (pg_policy as PostgreSQL prints it, names included); revisions add, alter, re-create and drop
policies and switch row-level security, proven both ways on the shadow; the policies the models create
really filter rows; `mdschema check` reports a policy that differs at its doc line; the roles the
policies name are made on mdschema's servers and only required on the user's."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from mdschema.database import connect
from mdschema.migrations.models import load_package
from sqlalchemy import create_engine, insert
from support.fidelity import build_both_ways
from support.projects import execute, executed_sql, make_project, operations, query

ROLES = 'roles = ["app_reader", "app_writer"]'

TABLES = """
# Notes

## account

Who writes notes.

```sql
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    is_admin BOOLEAN NOT NULL DEFAULT false
);
```

## note

What they write.

```sql
CREATE TABLE note (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES account (id),
    body VARCHAR(200) NOT NULL,
    shared BOOLEAN NOT NULL DEFAULT false
);
CREATE FUNCTION current_account() RETURNS integer LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('app.account', true), '')::integer $$;
```
"""

RLS = """
## Who sees what

```sql
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
ALTER TABLE note FORCE ROW LEVEL SECURITY;
ALTER TABLE account ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Owners read their notes" ON note FOR SELECT TO app_reader, app_writer
    USING (owner_id = current_account() OR shared);
CREATE POLICY note_insert ON note FOR INSERT TO app_writer
    WITH CHECK (owner_id = current_account() AND length(body) > 0);
CREATE POLICY note_update ON note FOR UPDATE TO app_writer
    USING (owner_id = current_account()) WITH CHECK (owner_id = current_account());
CREATE POLICY note_not_admin ON note AS RESTRICTIVE FOR DELETE
    USING (NOT EXISTS (SELECT 1 FROM account a WHERE a.id = note.owner_id AND a.is_admin));
CREATE POLICY account_self ON account USING (id = current_account());
COMMENT ON POLICY note_insert ON note IS 'Writers add notes of their own.';
```
"""


def _both(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str], after: str, before: str | None = None
):  # type: ignore[no-untyped-def]
    result = build_both_ways(
        tmp_path,
        {"notes.md": after},
        pg_server,
        make_database,
        config=ROLES,
        before=None if before is None else {"notes.md": before},
    )
    assert result.migrated == [] and result.models == [], (result.migrated, result.models)
    return result


def _last_revision(result) -> Path:  # type: ignore[no-untyped-def]
    (path,) = [p for p in result.project.revisions() if p.name.endswith("_fidelity.py")]
    return path


def test_policies_build_the_same_catalog_both_ways(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, TABLES + RLS)
    policies = {(p.table, p.name): p for p in result.direct.policies}
    assert set(policies) == {
        ("note", "Owners read their notes"), ("note", "note_insert"), ("note", "note_update"),
        ("note", "note_not_admin"), ("account", "account_self"),
    }  # fmt: skip
    assert policies["note", "Owners read their notes"].roles == ("app_reader", "app_writer")
    assert policies["note", "note_not_admin"].permissive is False
    assert policies["note", "note_not_admin"].roles == ("public",)
    assert policies["note", "note_insert"].using is None and policies["note", "note_insert"].check
    assert policies["note", "note_insert"].comment == "Writers add notes of their own."
    flags = {r.table: (r.enabled, r.forced) for r in result.direct.row_security}
    assert flags == {"note": (True, True), "account": (True, False)}
    # policies after the function they call and the tables they read
    upgrade = executed_sql(_last_revision(result))
    first_policy = next(i for i, s in enumerate(upgrade) if s.startswith("CREATE POLICY"))
    assert first_policy > next(i for i, s in enumerate(upgrade) if "FUNCTION" in s)
    # a second check after the upgrade reports nothing
    project = result.project
    project.database_url = result.migrated_url
    assert "mdschema: clean" in project.ok("check").out


def test_the_models_policies_filter_rows(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, TABLES + RLS)
    models = load_package(result.project.root, "generated", fresh=True)
    assert [name for _, name, _ in models.ddl.POLICIES] == [
        "account_self", "Owners read their notes", "note_insert", "note_not_admin", "note_update"
    ]  # fmt: skip
    url = make_database(None)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        models.Base.metadata.create_all(engine)  # the tables, then (DDL events) RLS and the policies
        assert query(url, "SELECT count(*) FROM pg_policy") == [(5,)]
        account, note = models.Base.metadata.tables["account"], models.Base.metadata.tables["note"]
        with engine.begin() as conn:  # as the owner, FORCE makes the policies apply: switch it off here
            conn.exec_driver_sql("ALTER TABLE note NO FORCE ROW LEVEL SECURITY")
            conn.execute(insert(account), [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Bob"}])
            conn.execute(
                insert(note),
                [
                    {"id": 1, "owner_id": 1, "body": "Ada's", "shared": False},
                    {"id": 2, "owner_id": 2, "body": "Bob's", "shared": False},
                    {"id": 3, "owner_id": 2, "body": "Bob's, shared", "shared": True},
                ],
            )
            conn.exec_driver_sql("GRANT SELECT, INSERT ON note, account TO app_writer")
        with connect(url) as raw:
            raw.execute("SET ROLE app_writer")
            raw.execute("SET app.account = '1'")
            seen = sorted(r[0] for r in raw.execute("SELECT id FROM note").fetchall())
            assert seen == [1, 3]  # own and shared, not Bob's
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                raw.execute("INSERT INTO note (id, owner_id, body) VALUES (9, 2, 'as Bob')")
            raw.execute("INSERT INTO note (id, owner_id, body) VALUES (9, 1, 'as Ada')")
            raw.execute("RESET ROLE")
            raw.execute("REVOKE ALL ON note, account FROM app_writer")
        models.Base.metadata.drop_all(engine)  # the policies first (one reads account), then the tables
        assert query(url, "SELECT count(*) FROM pg_policy") == [(0,)]
    finally:
        engine.dispose()


BASE = TABLES + RLS


@pytest.mark.parametrize(
    ("name", "before", "after", "expect", "refuse"),
    [
        ("add policies and RLS", TABLES, BASE, ["ALTER TABLE note ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY", "CREATE POLICY note_insert ON note"], []),
        ("drop them", BASE, TABLES, ["DROP POLICY IF EXISTS note_insert ON note", "ALTER TABLE note DISABLE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY"], ["CREATE POLICY"]),
        ("roles altered in place", BASE, BASE.replace("FOR INSERT TO app_writer", "FOR INSERT TO app_writer, app_reader"),
         ["ALTER POLICY note_insert ON note TO app_reader, app_writer WITH CHECK"], ["DROP POLICY", "CREATE POLICY"]),
        ("USING altered in place", BASE, BASE.replace("USING (id = current_account())", "USING (id = current_account() OR is_admin)"),
         ["ALTER POLICY account_self ON account TO PUBLIC USING"], ["DROP POLICY"]),
        ("command changed: re-created", BASE, BASE.replace("CREATE POLICY account_self ON account USING", "CREATE POLICY account_self ON account FOR SELECT USING"),
         ["DROP POLICY IF EXISTS account_self ON account", "CREATE POLICY account_self ON account AS PERMISSIVE FOR SELECT"], ["ALTER POLICY"]),
        ("a clause removed: re-created", BASE, BASE.replace("USING (owner_id = current_account()) WITH CHECK (owner_id = current_account());", "USING (owner_id = current_account());"),
         ["DROP POLICY IF EXISTS note_update ON note", "CREATE POLICY note_update ON note AS PERMISSIVE FOR UPDATE TO app_writer USING"], ["ALTER POLICY"]),
        ("FORCE switched off", BASE, BASE.replace("ALTER TABLE note FORCE ROW LEVEL SECURITY;\n", ""),
         ["ALTER TABLE note NO FORCE ROW LEVEL SECURITY"], ["ENABLE", "POLICY"]),
        ("comment changed", BASE, BASE.replace("Writers add notes of their own.", "Only your own."),
         ["COMMENT ON POLICY note_insert ON note IS 'Only your own.'"], ["DROP POLICY", "CREATE POLICY"]),
        ("a column a policy reads changes type", BASE, BASE.replace("body VARCHAR(200)", "body VARCHAR(300)"),
         ["DROP POLICY IF EXISTS note_insert ON note", "CREATE POLICY note_insert ON note"], ["note_update", "account_self"]),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "",
)  # fmt: skip
def test_policy_changes_are_proven_both_ways(
    tmp_path: Path,
    pg_server: str,
    make_database: Callable[..., str],
    name: str,
    before: str,
    after: str,
    expect: list[str],
    refuse: list[str],
) -> None:
    # revision proves upgrade, downgrade, upgrade on its shadow; then the upgraded database is the docs' SQL
    result = _both(tmp_path, pg_server, make_database, after, before)
    upgrade = executed_sql(_last_revision(result))
    for piece in expect:
        assert any(piece in s for s in upgrade), (piece, upgrade)
    for piece in refuse:
        assert not any(piece in s for s in upgrade), (piece, upgrade)
    if name == "a column a policy reads changes type":  # dropped before the column changes, created after
        steps = operations(_last_revision(result))
        at = [next(i for i, s in enumerate(steps) if p in s) for p in ("DROP POLICY IF EXISTS note_insert", "alter_column('note', 'body'", "CREATE POLICY note_insert")]  # fmt: skip
        assert at == sorted(at), steps


def test_check_reports_a_policy_that_differs_at_its_doc_line(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, TABLES + RLS)
    project = result.project
    project.database_url = result.migrated_url
    execute(project.database_url, "ALTER POLICY note_insert ON note TO app_reader")
    execute(project.database_url, "ALTER TABLE account DISABLE ROW LEVEL SECURITY")
    out = project.run("check")
    assert out.rc != 0
    policy_line = project.line_of("notes.md", "CREATE POLICY note_insert")
    rls_line = project.line_of("notes.md", "ALTER TABLE account ENABLE")
    assert (
        f"spec/notes.md:{policy_line}: database: drift: policy note_insert on note: TO app_reader → TO app_writer"
        in out.output
    ), out.output
    assert (
        f"spec/notes.md:{rls_line}: database: drift: row-level security of table account is off in the database, enabled in the docs"
        in out.output
    ), out.output


def test_a_role_the_users_database_lacks_stops_upgrade_and_is_never_created_there(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    ghost = f"mds_ghost_{uuid.uuid4().hex[:8]}"
    project = make_project(tmp_path, {"notes.md": TABLES}, pg_server, extra_config=f'roles = ["{ghost}"]')
    project.ok("generate")
    url = make_database(None)
    out = project.run("upgrade", database_url=url)
    assert out.rc != 0
    assert f"has no role {ghost}" in out.output and "nothing was run" in out.output, out.output
    assert query(url, "SELECT count(*) FROM pg_roles WHERE rolname = %s", (ghost,)) == [(0,)]
    assert query(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
