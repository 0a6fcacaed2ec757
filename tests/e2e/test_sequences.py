# ruff: noqa: E501
"""Sequences: the docs' own SQL and mdschema's models and migrations build the same catalog (pg_sequence's
parameters and the owning column, names included); `id serial` and its explicit spelling are one catalog
and nothing is made twice; revisions add, alter, re-own, rename and drop sequences, proven both ways on the
shadow; nextval works through the generated models; `mdschema check` reports a sequence that differs at
its doc line, and never its current value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.migrations.models import excluded_tables, load_package
from sqlalchemy import create_engine, insert, select
from support.fidelity import build_both_ways, docs_sql, read, run_script
from support.projects import execute, executed_sql, make_project, operations, query

# sequences before the table whose defaults call them (PostgreSQL resolves nextval's regclass then),
# OWNED BY once the table exists: the order a team's psql script needs
DOC = """
# Tickets

## ticket

A ticket at the desk.

```sql
CREATE SEQUENCE ticket_no AS integer START 1000 INCREMENT BY 10 CACHE 5;
CREATE SEQUENCE batch_seq MINVALUE 0 START 0;
CREATE TABLE ticket (
    id integer PRIMARY KEY DEFAULT nextval('ticket_no'),
    body text NOT NULL,
    batch bigint DEFAULT nextval('batch_seq'::regclass)
);
ALTER SEQUENCE ticket_no OWNED BY ticket.id;
COMMENT ON SEQUENCE ticket_no IS 'Ticket numbers, printed on the receipt.';
CREATE SEQUENCE countdown AS smallint INCREMENT -1 CYCLE;
```

## legacy

An old table, numbered the old way.

```sql
CREATE TABLE legacy (id serial PRIMARY KEY, note text);
```
"""

SERIAL = """
## counter

```sql
CREATE TABLE counter (id serial PRIMARY KEY, label text);
```
"""

EXPLICIT = """
## counter

```sql
CREATE SEQUENCE counter_id_seq AS integer;
CREATE TABLE counter (id integer PRIMARY KEY DEFAULT nextval('counter_id_seq'::regclass), label text);
ALTER SEQUENCE counter_id_seq OWNED BY counter.id;
```
"""


def _both(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str], after: str, before: str | None = None
):  # type: ignore[no-untyped-def]
    result = build_both_ways(
        tmp_path,
        {"tickets.md": after},
        pg_server,
        make_database,
        before=None if before is None else {"tickets.md": before},
    )
    assert result.migrated == [] and result.models == [], (result.migrated, result.models)
    return result


def _last_revision(result) -> Path:  # type: ignore[no-untyped-def]
    (path,) = [p for p in result.project.revisions() if p.name.endswith("_fidelity.py")]
    return path


def test_sequences_build_the_same_catalog_both_ways(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, DOC)
    seqs = {s.name: s for s in result.direct.sequences}
    assert set(seqs) == {"ticket_no", "batch_seq", "countdown", "legacy_id_seq"}
    ticket_no = seqs["ticket_no"]
    assert (ticket_no.type, ticket_no.start, ticket_no.increment, ticket_no.cache, ticket_no.max_value) == (
        "integer", 1000, 10, 5, 2147483647,
    )  # fmt: skip
    assert (
        ticket_no.owned_by == ("ticket", "id")
        and ticket_no.comment == "Ticket numbers, printed on the receipt."
    )
    assert seqs["batch_seq"].owned_by is None and seqs["batch_seq"].min_value == 0
    assert (seqs["countdown"].type, seqs["countdown"].min_value, seqs["countdown"].max_value) == (
        "smallint",
        -32768,
        -1,
    )
    assert seqs["countdown"].cycle is True
    assert seqs["legacy_id_seq"].owned_by == ("legacy", "id")  # the serial's, read like any other
    # the sequences come before the table whose defaults use them; OWNED BY after it
    upgrade = operations(_last_revision(result))
    create_seq = next(i for i, s in enumerate(upgrade) if "CREATE SEQUENCE IF NOT EXISTS ticket_no" in s)
    create_table = next(i for i, s in enumerate(upgrade) if s.startswith("op.create_table('ticket'"))
    owned = next(i for i, s in enumerate(upgrade) if "ALTER SEQUENCE ticket_no OWNED BY ticket.id" in s)
    assert create_seq < create_table < owned, upgrade
    assert "nextval" in upgrade[create_table] and "autoincrement=False" in upgrade[create_table]
    # the serial's sequence is made by its table's SERIAL, once
    assert not any("legacy_id_seq" in s for s in upgrade), upgrade
    project = result.project
    project.database_url = result.migrated_url
    assert "mdschema: clean" in project.ok("check").out


def test_nextval_works_through_the_models(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, DOC)
    models = load_package(result.project.root, "generated", fresh=True)
    assert [name for name, _ in models.ddl.SEQUENCES] == ["batch_seq", "countdown", "ticket_no"]
    url = make_database(None)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        models.Base.metadata.create_all(engine)  # sequences (DDL events) before the tables
        ticket = models.Base.metadata.tables["ticket"]
        with engine.begin() as conn:
            first = conn.execute(insert(ticket).values(body="a").returning(ticket.c.id, ticket.c.batch)).one()
            second = conn.execute(
                insert(ticket).values(body="b").returning(ticket.c.id, ticket.c.batch)
            ).one()
            assert (tuple(first), tuple(second)) == ((1000, 0), (1010, 1))
            assert conn.execute(select(ticket.c.id).order_by(ticket.c.id)).scalars().all() == [1000, 1010]
        with engine.begin() as conn:  # the ORM class too
            from sqlalchemy.orm import Session

            cls = next(m.class_ for m in models.Base.registry.mappers if m.local_table is ticket)
            with Session(conn) as session:
                row = cls(body="c")
                session.add(row)
                session.flush()
                assert row.id == 1020
        models.Base.metadata.drop_all(engine)
        assert query(url, "SELECT count(*) FROM pg_class WHERE relkind = 'S'") == [(0,)]
    finally:
        engine.dispose()


def test_serial_and_its_explicit_spelling_are_one_catalog(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    serial_url, explicit_url = make_database(None), make_database(None)
    run_script(serial_url, docs_sql_of(tmp_path / "a", SERIAL))
    run_script(explicit_url, docs_sql_of(tmp_path / "b", EXPLICIT))
    assert [describe(c) for c in diff(read(serial_url), read(explicit_url))] == []
    # both ways through mdschema too, and switching the docs from one to the other is no change at all
    _both(tmp_path / "explicit", pg_server, make_database, EXPLICIT)
    project = make_project(tmp_path / "switch", {"tickets.md": SERIAL}, pg_server)
    project.ok("generate")
    assert project.revise("serial")[1] is not None
    project.write_doc("tickets.md", EXPLICIT)
    project.ok("generate")
    result, written = project.revise("explicit")
    assert written is None, result.output
    url = make_database(None)
    project.ok("upgrade", database_url=url)
    project.database_url = url
    assert "mdschema: clean" in project.ok("check").out


def docs_sql_of(folder: Path, doc: str) -> str:
    (folder / "spec").mkdir(parents=True)
    (folder / "spec" / "doc.md").write_text(doc, encoding="utf-8")
    return docs_sql(folder / "spec")


ALTERED = DOC.replace(
    "AS integer START 1000 INCREMENT BY 10 CACHE 5", "AS bigint START 1000 INCREMENT BY 20 CACHE 1 CYCLE"
)
DISOWNED = DOC.replace("ALTER SEQUENCE ticket_no OWNED BY ticket.id;\n", "")
RENAMED = DOC.replace("batch_seq", "batch_number")
NO_SEQUENCES = """
# Tickets

## ticket

A ticket at the desk.

```sql
CREATE TABLE ticket (id integer PRIMARY KEY, body text NOT NULL, batch bigint);
```

## legacy

An old table, numbered the old way.

```sql
CREATE TABLE legacy (id serial PRIMARY KEY, note text);
```
"""


@pytest.mark.parametrize(
    ("name", "before", "after", "expect", "refuse"),
    [
        ("add", NO_SEQUENCES, DOC, ["CREATE SEQUENCE IF NOT EXISTS ticket_no AS integer INCREMENT BY 10 MINVALUE 1 MAXVALUE 2147483647 START WITH 1000 CACHE 5 NO CYCLE", "ALTER SEQUENCE ticket_no OWNED BY ticket.id", "COMMENT ON SEQUENCE ticket_no IS"], ["DROP SEQUENCE"]),
        ("alter in place", DOC, ALTERED, ["ALTER SEQUENCE ticket_no AS bigint INCREMENT BY 20 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 CYCLE"], ["DROP SEQUENCE", "CREATE SEQUENCE", "RESTART"]),
        ("owner released", DOC, DISOWNED, ["ALTER SEQUENCE ticket_no OWNED BY NONE"], ["DROP SEQUENCE", "CREATE SEQUENCE"]),
        ("renamed", DOC, RENAMED, ["ALTER SEQUENCE batch_seq RENAME TO batch_number"], ["DROP SEQUENCE", "CREATE SEQUENCE"]),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "",
)  # fmt: skip
def test_sequence_changes_are_proven_both_ways(
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
    if name == "add":  # made before the default that calls it
        steps = operations(_last_revision(result))
        at = [
            next(i for i, s in enumerate(steps) if p in s)
            for p in ("CREATE SEQUENCE IF NOT EXISTS ticket_no", "nextval(")
        ]
        assert at == sorted(at), steps
    downgrade = executed_sql(_last_revision(result), "downgrade")
    if name == "renamed":
        assert "ALTER SEQUENCE batch_number RENAME TO batch_seq" in downgrade, downgrade
    if name == "add":  # the serial's sequence is not touched; the others go
        assert "DROP SEQUENCE IF EXISTS batch_seq" in downgrade and not any(
            "legacy_id_seq" in s for s in downgrade
        )


def test_dropping_a_sequence_is_a_hazard_and_a_tables_own_is_not(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = make_project(tmp_path, {"tickets.md": DOC}, pg_server)
    project.ok("generate")
    assert project.revise("one")[1] is not None
    without = DOC.replace("CREATE SEQUENCE countdown AS smallint INCREMENT -1 CYCLE;\n", "")
    project.write_doc("tickets.md", without)
    project.ok("generate")
    refused, written = project.revise("drop countdown")
    assert written is None and refused.rc != 0
    assert "drop_sequence" in refused.output and "countdown" in refused.output, refused.output
    allowed, written = project.revise("drop countdown", "--allow", "drop_sequence")
    assert written is not None, allowed.output
    assert "DROP SEQUENCE IF EXISTS countdown" in executed_sql(written)
    # the downgrade creates it again as it was
    assert any(
        s.startswith("CREATE SEQUENCE IF NOT EXISTS countdown AS smallint INCREMENT BY -1")
        for s in executed_sql(written, "downgrade")
    )
    # a table dropped takes its serial's sequence and its owned one with it: drop_table only
    project.write_doc("tickets.md", without.split("## legacy")[0])
    project.ok("generate")
    refused, written = project.revise("drop legacy")
    assert written is None and "drop_table" in refused.output and "drop_sequence" not in refused.output, (
        refused.output
    )
    allowed, written = project.revise("drop legacy", "--allow", "drop_table")
    assert written is not None, allowed.output
    assert not any("SEQUENCE" in s for s in executed_sql(written)), executed_sql(written)
    url = make_database(None)
    project.ok("upgrade", database_url=url)
    direct = make_database(None)
    run_script(direct, docs_sql(project.root / "spec"))
    models = load_package(project.root, "generated", fresh=True)
    exclude = excluded_tables(models)
    assert [describe(c) for c in diff(read(direct, exclude), read(url, exclude))] == []


def test_check_reports_a_sequence_that_differs_at_its_doc_line_and_never_its_value(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, DOC)
    project = result.project
    project.database_url = result.migrated_url
    execute(project.database_url, "SELECT setval('ticket_no', 5000)", "SELECT nextval('batch_seq')")
    assert "mdschema: clean" in project.ok("check").out  # the current value is data, not schema
    execute(
        project.database_url,
        "ALTER SEQUENCE ticket_no INCREMENT BY 3",
        "ALTER SEQUENCE batch_seq OWNED BY ticket.batch",
    )
    out = project.run("check")
    assert out.rc != 0
    line = project.line_of("tickets.md", "CREATE SEQUENCE ticket_no")
    batch_line = project.line_of("tickets.md", "CREATE SEQUENCE batch_seq")
    assert (
        f"spec/tickets.md:{line}: database: drift: sequence ticket_no: INCREMENT BY 3 → 10 (database → docs)"
        in out.output
    ), out.output
    assert (
        f"spec/tickets.md:{batch_line}: database: drift: sequence batch_seq: OWNED BY ticket.batch → NONE (database → docs)"
        in out.output
    ), out.output
