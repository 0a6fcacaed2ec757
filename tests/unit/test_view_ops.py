# ruff: noqa: E501
"""Which views a revision drops and creates again, and when CREATE OR REPLACE VIEW does it: decided from
the snapshots' pg_depend records (`View.reads`), never from the SQL text."""

from __future__ import annotations

from dataclasses import replace

from mdschema.catalog.diff import ColumnTypeChanged, diff
from mdschema.catalog.snapshot import Snapshot, View
from mdschema.migrations.plan import plan_direction
from mdschema.migrations.view_ops import ViewRebuilt, replaceable, with_rebuilds


def view(
    name: str, reads: tuple[tuple[str, str], ...], kind: str = "v", cols: tuple[str, ...] = ("a",)
) -> View:
    return View(
        name,
        kind,
        f" SELECT {', '.join(cols)} FROM x;",
        tuple((c, "integer") for c in cols),
        (),
        True,
        None,
        (),
        reads,
    )


def snap(*views: View) -> Snapshot:
    return Snapshot((), (), (), (), (), views=views)


def test_a_column_type_change_rebuilds_the_views_reading_it_and_the_views_over_them() -> None:
    totals = view("totals", (("purchase", "amount"), ("purchase", "customer_id")))
    big = view("big", (("totals", "a"),))
    coded = view("coded", (("purchase", "code"),))  # reads purchase, not the column that changes
    current = snap(big, coded, totals)
    changes = with_rebuilds(
        [ColumnTypeChanged("purchase", "amount", "numeric(10,2)", "numeric(12,2)")], current, current
    )
    rebuilt = {c.view.name: c.because for c in changes if isinstance(c, ViewRebuilt)}
    assert rebuilt == {
        "totals": "column purchase.amount changes type",
        "big": "it reads view totals, which is dropped and created again",
    }
    # applied twice (plan() and plan_direction both ask), nothing is added twice
    assert with_rebuilds(changes, current, current) == changes
    sql = [
        op.sqltext.text if hasattr(op.sqltext, "text") else str(op.sqltext)
        for op in plan_direction(changes, current, current, None)
    ]
    assert [s.split("\n")[0] for s in sql if "VIEW" in s] == [
        "DROP VIEW big", "DROP VIEW totals", "CREATE VIEW totals AS", "CREATE VIEW big AS"
    ]  # fmt: skip


def test_replace_in_place_only_when_postgresql_allows_it() -> None:
    before = view("v", (), cols=("a", "b"))
    assert replaceable(before, view("v", (), cols=("a", "b", "c")))  # a column added at the end
    assert not replaceable(before, view("v", (), cols=("a",)))  # a column removed
    assert not replaceable(before, view("v", (), cols=("b", "a")))  # columns reordered
    assert not replaceable(before, replace(before, columns=(("a", "bigint"), ("b", "integer"))))  # retyped
    assert not replaceable(view("m", (), "m"), view("m", (), "m", ("a", "z")))  # materialized: never


def test_a_view_over_a_view_that_is_not_replaceable_goes_with_it() -> None:
    base, top = view("base", (("t", "a"),), cols=("a", "b")), view("top", (("base", "a"),))
    current, target = snap(base, top), snap(view("base", (("t", "a"),), cols=("a",)), top)
    changes = with_rebuilds(list(diff(current, target)), current, target)
    assert [c.view.name for c in changes if isinstance(c, ViewRebuilt)] == ["top"]
