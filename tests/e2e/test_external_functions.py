"""Functions the platform provides that the docs call (`external_functions`): Supabase's `auth.uid()` in
policies, a view and a default. mdschema makes stand-ins for them on its own databases (so the revision
proves itself there), never on the user's, and a user's database without them stops `upgrade` before
anything runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from support.fidelity import build_both_ways
from support.projects import connect, execute, make_project, query

CONFIG = """\
external_tables = { "auth.users" = "keep_fk" }
external_functions = { "auth.uid()" = "uuid" }
roles = ["authenticated"]
"""
# Supabase's own, as the platform has it: the JWT's subject
PLATFORM = """\
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
"""

NOTES = """
# Notes

A note belongs to the user who wrote it.

```sql
CREATE TABLE public.notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id),
    body text NOT NULL
);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Own notes" ON public.notes FOR ALL TO authenticated
    USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());

CREATE VIEW my_notes AS SELECT id, body FROM notes WHERE owner_id = auth.uid();
```
"""


def test_policies_views_and_defaults_calling_auth_uid_build_the_same_catalog_and_work(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = build_both_ways(
        tmp_path, {"notes.md": NOTES}, pg_server, make_database, config=CONFIG, platform_sql=PLATFORM
    )
    assert result.migrated == [] and result.models == [], (result.migrated, result.models)
    direct = result.direct
    assert [p.name for p in direct.policies] == ["Own notes"]
    assert [v.name for v in direct.views] == ["my_notes"]
    # the platform's schema is not the docs': its function is never read as one of theirs
    assert not any(f.name.startswith("auth.") for f in direct.functions)
    project = result.project
    project.database_url = result.migrated_url
    assert "mdschema: clean" in project.ok("check").out
    # the stand-in is the models' (external.py), not a function of the docs (ddl.py)
    external = (project.root / "generated" / "external.py").read_text()
    assert "CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid" in external
    # on the upgraded database the platform's own auth.uid() is what runs: the default and the policy use it
    url = result.migrated_url
    me, other = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"
    execute(
        url,
        f"INSERT INTO auth.users (id) VALUES ('{me}'), ('{other}')",
        f"INSERT INTO notes (owner_id, body) VALUES ('{other}', 'theirs')",
        "GRANT SELECT, INSERT ON notes, my_notes TO authenticated",
    )
    with connect(url) as conn:
        conn.execute("SET ROLE authenticated")
        conn.execute(f"SET request.jwt.claim.sub = '{me}'")
        conn.execute("INSERT INTO notes (body) VALUES ('mine')")  # owner_id from auth.uid()
        assert conn.execute("SELECT body FROM notes").fetchall() == [("mine",)]
        assert conn.execute("SELECT body FROM my_notes").fetchall() == [("mine",)]
    assert query(url, "SELECT owner_id::text, body FROM notes ORDER BY id") == [
        (other, "theirs"),
        (me, "mine"),
    ]
    execute(url, "REVOKE ALL ON notes, my_notes FROM authenticated")


def test_a_users_database_without_the_platforms_function_stops_upgrade_before_anything_runs(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = make_project(tmp_path, {"notes.md": NOTES}, pg_server, extra_config=CONFIG)
    project.ok("generate")
    project.ok("revision", "-m", "notes")  # proven on mdschema's shadow, where the stand-in is
    url = make_database(None)
    # the platform's table, but not its function
    execute(url, "CREATE SCHEMA auth", "CREATE TABLE auth.users (id uuid PRIMARY KEY)")
    out = project.run("upgrade", database_url=url)
    assert out.rc != 0
    assert "has no function auth.uid()" in out.output and "nothing was run" in out.output, out.output
    assert query(url, "SELECT count(*) FROM pg_proc WHERE proname = 'uid'") == [(0,)]
    assert query(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]


def test_a_stand_in_in_a_schema_the_docs_manage_is_refused_at_its_config_line(
    tmp_path: Path, pg_server: str
) -> None:
    config = 'external_functions = { "app.uid()" = "uuid" }\n'
    doc = "# App\n\n```sql\nCREATE SCHEMA app;\nCREATE TABLE app.t (id int PRIMARY KEY);\n```\n"
    project = make_project(tmp_path, {"app.md": doc}, pg_server, extra_config=config)
    out = project.run("generate")
    assert out.rc != 0
    line = next(
        n
        for n, text in enumerate((project.root / "pyproject.toml").read_text().splitlines(), 1)
        if text.startswith("external_functions")
    )
    assert (
        f"pyproject.toml:{line}: error[E302]" in out.output and "app.uid() is in schema app" in out.output
    ), out.output
    assert not (project.root / "generated").exists()


def test_without_the_key_the_revision_is_refused_with_what_to_add(tmp_path: Path, pg_server: str) -> None:
    config = 'external_tables = { "auth.users" = "keep_fk" }\nroles = ["authenticated"]\n'
    project = make_project(tmp_path, {"notes.md": NOTES}, pg_server, extra_config=config)
    project.ok("generate")
    out = project.run("revision", "-m", "notes")
    assert out.rc != 0
    assert "function auth.uid() does not exist" in out.output, out.output
    assert 'external_functions = { "auth.uid()" = "uuid" }' in out.output, out.output
    assert not project.revisions()
