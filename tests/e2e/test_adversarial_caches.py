"""Caches are data, verified before they are trusted: whatever bytes land in `.mdschema/cache/` — flipped,
truncated, swapped between entries, or crafted to run code — `mdschema check` gives the same verdict,
runs nothing, and never fails with an internal error."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from support.projects import LIBRARY, Project, make_project


class Boom:
    """Unpickling this creates a marker file: proof that a cache was executed."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def stale(tmp_path: Path, pg_server: str) -> Project:
    """A project whose docs changed after its last revision: check must say so (exit 1)."""
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    project.ok("generate")
    first = project.run("check")
    assert first.rc == 1 and "column author.subtitle: added" in first.out, first.output
    return project


def _caches(project: Project) -> dict[str, Path]:
    files = sorted((project.root / ".mdschema" / "cache").glob("*.json"))
    return {p.name.split("-", 1)[0]: p for p in files}


def _verdict_stands(project: Project) -> None:
    result = project.run("check")
    assert result.rc == 1, result.output
    assert "column author.subtitle: added" in result.out
    assert "internal error" not in result.err


def test_the_head_entry_copied_over_the_models_entry_is_no_false_clean(stale: Project) -> None:
    caches = _caches(stale)
    caches["desired"].write_bytes(caches["head"].read_bytes())
    _verdict_stands(stale)


@pytest.mark.parametrize(
    "damage",
    ["flip", "truncate", "empty", "random", "nul", "null", "list", "foreign record", "deep"],
)
def test_damaged_entries_are_rebuilt(stale: Project, damage: str) -> None:
    for path in _caches(stale).values():
        data = path.read_bytes()
        path.write_bytes(
            {
                "flip": data[:-40] + bytes([data[-40] ^ 0x01]) + data[-39:],
                "truncate": data[: len(data) // 2],
                "empty": b"",
                "random": os.urandom(4096),
                "nul": b"\0" * 100,
                "null": b"null\nnull",
                "list": b"[]\n[]",
                "foreign record": data.split(b"\n", 1)[0] + b'\n{"$": "Path", "x": 1}',
                "deep": data.split(b"\n", 1)[0] + b"\n" + b"[" * 100_000 + b"]" * 100_000,
            }[damage]
        )
    _verdict_stands(stale)


def test_a_crafted_pickle_never_runs(stale: Project, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for path in _caches(stale).values():
        path.write_bytes(pickle.dumps(Boom(str(marker))))
        path.with_suffix(".pickle").write_bytes(pickle.dumps(Boom(str(marker))))  # the old cache format
    _verdict_stands(stale)
    assert not marker.exists()


def test_entries_from_another_machine_are_not_trusted(stale: Project, tmp_path: Path) -> None:
    """The HMAC key lives outside the checkout: a committed cache made elsewhere is discarded."""
    other = {**stale.env(), "XDG_CACHE_HOME": str(tmp_path / "elsewhere")}
    from support.projects import run_cli

    result = run_cli(stale.root, ("check",), other)
    assert result.rc == 1 and "column author.subtitle: added" in result.out, result.output
