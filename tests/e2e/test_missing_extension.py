"""A doc that creates an extension the shadow server does not have is refused before anything is built
there, at the doc line of its CREATE EXTENSION, with the way out (MDSCHEMA_SHADOW_URL) — not PostgreSQL's
"is not available" halfway through a proof."""

from __future__ import annotations

from pathlib import Path

from support.projects import make_project

DOC = "search.md"
SEARCH = """
# Search

```sql
CREATE EXTENSION IF NOT EXISTS mds_no_such_extension;
```

## page

A page we index.

```sql
CREATE TABLE page (
    id INTEGER PRIMARY KEY,  -- Key
    title TEXT NOT NULL      -- Title
);
```
"""


def test_revision_and_check_name_the_missing_extension_at_its_line(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {DOC: SEARCH}, shadow_url=pg_server)
    line = project.line_of(DOC, "CREATE EXTENSION")
    before = project.revisions()

    for command in (("revision", "-m", "initial"), ("check",)):
        result = project.run(*command)
        assert result.rc == 2, result.output
        assert (
            f"spec/{DOC}:{line}: extension mds_no_such_extension is not available on the shadow server "
            "MDSCHEMA_SHADOW_URL names" in result.err
        ), result.output
        assert "install mds_no_such_extension on that server" in result.err, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
    assert project.revisions() == before, "nothing was written to alembic/versions"
