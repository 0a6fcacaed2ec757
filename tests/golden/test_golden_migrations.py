"""Migration goldens, like migra's fixtures: tests/golden/migrations/<case>/ holds `before.sql`, `after.sql`
and `expected.txt`, the plan between them (summary, hazards, the upgrade and the downgrade as rendered
Alembic operations). Each case builds `before` and `after` in PostgreSQL, plans, compares with
expected.txt, and then proves the plan: the upgrade applied to `before` leaves exactly the catalog of
`after`, and the downgrade then leaves exactly the catalog of `before`.

A case may declare `renamed from:` renames in `renames.txt`, one `kind owner old new` a line (owner `-`
for a table), as the generated ddl.RENAMES lists them. The plan is made without models (every operation
from the catalog); the operations written from the models are covered by tests/e2e/test_scenarios.py.

Regenerate expected.txt after an intended change of the planner:

    MDSCHEMA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden/test_golden_migrations.py
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import Snapshot, snapshot
from mdschema.database import connect
from mdschema.migrations.plan import Plan, plan
from mdschema.migrations.preflight import checks_of
from mdschema.migrations.renames import applicable_renames, rename_sql
from mdschema.migrations.render import render_ops
from mdschema.migrations.summary import docstring_block, summarize
from support.models import UPDATE_ENV, updating

GOLDEN = Path(__file__).resolve().parent / "migrations"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "before.sql").is_file())
REGENERATE = f"{UPDATE_ENV}=1 .venv/bin/pytest tests/golden/test_golden_migrations.py"
OLDEST = 150000  # the oldest PostgreSQL the suite runs on (.ci/run: Debian's 15)


def test_the_cases_are_there() -> None:
    assert len(CASES) >= 14, CASES
    for case in CASES:
        assert (GOLDEN / case / "after.sql").is_file(), case


def build(make_database: Callable[..., str], sql: str) -> str:
    """A new plain database (template1: no extension but the ones `sql` creates) holding `sql`."""
    url = make_database(template=None)
    if sql.strip():
        with connect(url) as conn:
            conn.execute(sql)  # type: ignore[arg-type]
    return url


def read(url: str) -> Snapshot:
    with connect(url) as conn:
        return snapshot(conn)


def declared_renames(case: Path) -> list[tuple[str, str, str, str]]:
    path = case / "renames.txt"
    if not path.is_file():
        return []
    out = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            kind, owner, old, new = line.split()
            out.append((kind, "" if owner == "-" else owner, old, new))
    return out


def render(result: Plan, oldest: Plan, current: Snapshot, after: Snapshot) -> str:
    """The plan as expected.txt writes it: for the newest PostgreSQL; then, only where they differ, the
    summary and operations written for the oldest version tested (OLDEST). With the reviewer's summary
    the revision's docstring holds, and the pre-flight checks its literal holds (their queries)."""
    imports: set[str] = set()
    up, down = rendered(result.upgrade, imports), rendered(result.downgrade, imports)
    not_in_docs = lambda subject: "(not in the docs)"  # noqa: E731 - no docs here
    up_checks = checks_of(result.changes, current, after, not_in_docs)
    down_checks = checks_of(result.back, after, current, not_in_docs)
    sections = {
        "summary": "\n".join(result.summary),
        "hazards": "\n".join(f"{h.kind}: {h.subject}: {h.detail}" for h in result.hazards),
        "reviewer's summary": docstring_block(
            summarize(result, current, after, up, down, imports, up_checks, down_checks)
        ).rstrip("\n"),
        "pre-flight": "\n".join(
            f"{direction} {c.kind}: {c.subject}: {c.count}"
            for direction, checks in (("upgrade", up_checks), ("downgrade", down_checks))
            for c in checks
        ),
        "upgrade": up,
        "downgrade": down,
    }
    on_oldest = f" on PostgreSQL {OLDEST // 10000}"
    for name, text in (
        ("summary", "\n".join(oldest.summary)),
        ("upgrade", rendered(oldest.upgrade, imports)),
        ("downgrade", rendered(oldest.downgrade, imports)),
    ):
        if text != sections[name]:
            sections[name + on_oldest] = text
    return "".join(f"# {name}\n{text}\n\n" if text else f"# {name}\n\n" for name, text in sections.items())


def unversioned(text: str, after: Snapshot) -> str:
    """The text with each installed extension's version as `<installed>`: the server's build decides it
    (pgvector 0.8.6 in the embedded server, 0.8.0 from Debian's source for PostgreSQL 15)."""
    for ext in after.extensions:
        text = text.replace(
            f"{ext.name}: added (version {ext.version})", f"{ext.name}: added (version <installed>)"
        )
    return text


def rendered(operations: list[Any], imports: set[str]) -> str:
    """The body of upgrade()/downgrade() as a revision holds it, unindented."""
    return textwrap.dedent("    " + render_ops(operations, imports))


def apply(url: str, operations: list[Any]) -> None:
    """Run the rendered operations (what a revision's upgrade()/downgrade() holds) on the database."""
    import sqlalchemy as sa
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.dialects import postgresql

    from alembic import op

    code = rendered(operations, set())
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            with Operations.context(MigrationContext.configure(conn)):
                exec(compile(code, "<plan>", "exec"), {"op": op, "sa": sa, "postgresql": postgresql})
    finally:
        engine.dispose()


def differences(got: Snapshot, expected: Snapshot) -> list[str]:
    return [describe(c) for c in diff(got, expected)]


@pytest.mark.parametrize("case", CASES)
def test_plan_matches_expected_and_applies(case: str, make_database: Callable[..., str]) -> None:
    folder = GOLDEN / case
    before_url = build(make_database, (folder / "before.sql").read_text())
    after_url = build(make_database, (folder / "after.sql").read_text())
    before, after = read(before_url), read(after_url)

    renames = applicable_renames(declared_renames(folder), before)
    current = before
    if renames:  # as `mdschema revision` does: PostgreSQL carries the new names through every definition
        with connect(before_url) as conn:
            conn.execute(";\n".join(rename_sql(renames)).encode())
        current = read(before_url)
        with connect(before_url) as conn:
            conn.execute(";\n".join(rename_sql(renames, reverse=True)).encode())
        assert differences(read(before_url), before) == []
    result = plan(current, after, None, renames)
    oldest = plan(current, after, None, renames, server_version=OLDEST)

    got = unversioned(render(result, oldest, current, after), after)
    # every case carries the reviewer's summary a revision's docstring opens with, a lock on each line
    summary = got.split("# reviewer's summary\nSummary:\n", 1)[1].split("\n# ", 1)[0]
    steps = re.findall(r"^      \d+\. (.+)$", summary, re.M)
    assert steps and all(re.search(r": (no table lock|[A-Z ]+ on \w+)", s) for s in steps), summary
    expected_path = folder / "expected.txt"
    if updating():
        expected_path.write_text(got, encoding="utf-8")
    else:
        assert expected_path.is_file(), f"no {expected_path}; write it with: {REGENERATE}"
        assert got == expected_path.read_text(encoding="utf-8"), (
            f"the plan for tests/golden/migrations/{case} differs from expected.txt; "
            f"if the change is intended, regenerate with: {REGENERATE}"
        )

    assert result.upgrade and result.downgrade, "a case must change something"
    # what `revision` writes for this server; and, where it differs, what it writes for the oldest
    # version tested (that SQL runs on every later version too)
    proofs = [plan(current, after, None, renames, server_version=server_version(before_url))]
    if rendered(oldest.upgrade, set()) != rendered(proofs[0].upgrade, set()):
        proofs.append(oldest)
    for i, proof in enumerate(proofs):
        url = before_url if i == 0 else build(make_database, (folder / "before.sql").read_text())
        apply(url, proof.upgrade)
        assert differences(read(url), after) == [], f"after the upgrade (plan {i})"
        apply(url, proof.downgrade)
        assert differences(read(url), before) == [], f"after the downgrade (plan {i})"


def server_version(url: str) -> int:
    with connect(url) as conn:
        return conn.info.server_version
