"""Broken revision chains and failing revisions get a clear error naming the revision and its file —
never an internal error, never Alembic's raw warning with a site-packages path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.projects import LIBRARY, Project, make_project

COMMANDS = [("history",), ("upgrade",), ("check",), ("revision", "-m", "next"), ("downgrade", "base")]


@pytest.fixture(scope="module")
def chain_template(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> Project:
    """Three revisions, written once per module (each test breaks a copy of it: three proven revisions
    per test were most of this module's time)."""
    project = make_project(tmp_path_factory.mktemp("chain"), {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "one")
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    two TEXT,")
    project.ok("revision", "-m", "two")
    project.edit("library.md", "    two TEXT,", "    two TEXT,\n    three TEXT,")
    project.ok("revision", "-m", "three")
    return project


@pytest.fixture
def chain(chain_template: Project, tmp_path: Path, pg_url: str) -> Project:
    """A copy of the three-revision project, with a database of its own."""
    root = tmp_path / "proj"
    shutil.copytree(chain_template.root, root, symlinks=True)
    return Project(root, chain_template.shadow_url, pg_url)


def _file(project: Project, slug: str) -> Path:
    (path,) = [p for p in project.revisions() if p.name.endswith(f"_{slug}.py")]
    return path


def _refused(project: Project, args: tuple[str, ...], *expected: str) -> None:
    result = project.run(*args)
    assert result.rc == 2, result.output
    for text in expected:
        assert text in result.err, result.output
    assert "internal error" not in result.err and "site-packages" not in result.output, result.output


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_deleted_middle_revision(chain: Project, args: tuple[str, ...]) -> None:
    middle = _file(chain, "two")
    revision = middle.name.split("_")[1]
    middle.unlink()
    _refused(chain, args, f"alembic/versions/{_file(chain, 'three').name}", f"down_revision {revision!r}")


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_revision_that_does_not_parse(chain: Project, args: tuple[str, ...]) -> None:
    middle = _file(chain, "two")
    lines = len(middle.read_text().splitlines())
    middle.write_text(middle.read_text() + "\nbroken = (\n")
    _refused(chain, args, f"alembic/versions/{middle.name}:{lines + 2}:", "does not parse")


def test_an_unknown_down_revision(chain: Project) -> None:
    last = _file(chain, "three")
    text = last.read_text()
    down = text.split("down_revision", 1)[1].split("\n", 1)[0].split("=", 1)[1].strip()
    last.write_text(
        text.replace(f"down_revision: str | Sequence[str] | None = {down}", "down_revision = 'feedfacecafe'")
    )
    _refused(chain, ("history",), last.name, "'feedfacecafe'")


def test_a_duplicate_revision_id(chain: Project) -> None:
    one, two = _file(chain, "one"), _file(chain, "two")
    first_id, second_id = one.name.split("_")[1], two.name.split("_")[1]
    two.write_text(two.read_text().replace(f"revision: str = {second_id!r}", f"revision: str = {first_id!r}"))
    _refused(chain, ("history",), f"revision id {first_id}", one.name)


def test_a_revision_that_fails_to_upgrade_is_named(chain: Project) -> None:
    failing = _file(chain, "three")
    failing.write_text(
        failing.read_text().replace(
            "def upgrade() -> None:\n", "def upgrade() -> None:\n    op.execute('SELECT 1/0')\n"
        )
    )
    revision = failing.name.split("_")[1]
    result = chain.run("upgrade")
    assert result.rc == 2, result.output
    assert f"in revision {revision} (alembic/versions/{failing.name})" in result.err
    assert "division by zero" in result.err
    # a transaction per revision (lock-safe steps commit on their own): the database stays at the last
    # revision that went through, and nothing of the failing one stayed
    two = _file(chain, "two").name.split("_")[1]
    assert chain.ok("current").out.startswith(f"{two} (")
