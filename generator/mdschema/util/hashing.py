"""Content hashes that follow the code: the whole package, recursively, files only."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# What the package's behaviour is made of; byte-code caches and editor droppings are not.
_SOURCE_SUFFIXES = frozenset({".py", ".j2", ".tmpl", ".mako", ".ini", ".json", ".typed"})


def tree_files(root: Path) -> list[Path]:
    """Every source file under `root`, sorted by relative path; never a directory or `__pycache__`."""
    files = [
        p
        for p in root.rglob("*")
        if p.suffix in _SOURCE_SUFFIXES and "__pycache__" not in p.parts and p.is_file()
    ]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


@cache
def package_hash() -> str:
    """sha256 over every source file of the installed mdschema package (path and bytes)."""
    h = hashlib.sha256()
    for path in tree_files(PACKAGE_DIR):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()
