"""`[tool.mdschema]` in pyproject.toml → a frozen Config."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdschema.errors import Diagnostic, Span, SpecError

EXTERNAL_MODES = ("keep_fk", "column_only")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    docs: tuple[str, ...] = ("spec/*.md",)
    package: str = "generated"
    migrations: str = "alembic"
    schema: str = "public"
    modules: tuple[tuple[str, str], ...] = ()
    class_names: tuple[tuple[str, str], ...] = ()
    external_tables: tuple[tuple[str, str], ...] = ()
    unmanaged_tables: tuple[str, ...] = ()
    prefer: tuple[tuple[str, str], ...] = ()
    repositories: bool = False  # <package>/repositories.py: a typed async repository per table
    session_layer: bool = False  # <package>/db.py: async engine, sessions, get_db() dependency
    require_descriptions: bool = False  # check: every table and column has a description
    diagram_files: tuple[str, ...] = ()  # globs of files (besides the docs) holding diagram markers
    pyproject: Path | None = field(default=None, compare=False)

    @property
    def package_dir(self) -> Path:
        return self.root / Path(*self.package.split("."))

    def external_mode(self, table: str) -> str | None:
        return dict(self.external_tables).get(table)

    def doc_paths(self) -> list[Path]:
        """Docs matched by the globs, sorted, each once."""
        seen: dict[Path, None] = {}
        for pattern in self.docs:
            for path in sorted(self.root.glob(pattern)):
                if path.is_file():
                    seen.setdefault(path, None)
        return list(seen)

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` whose pyproject.toml has [tool.mdschema]."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "[tool.mdschema" in candidate.read_text(
            encoding="utf-8", errors="replace"
        ):
            return folder
    return start


def load_config(root: Path) -> Config:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return Config(root=root)
    where = Span(pyproject.name, 1)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError([Diagnostic(where, "E302", f"pyproject.toml cannot be read: {exc}")]) from None
    raw = data.get("tool", {}).get("mdschema", {})
    problems: list[Diagnostic] = []

    def bad(message: str, hint: str = "") -> None:
        problems.append(Diagnostic(where, "E302", f"[tool.mdschema] {message}", hint))

    known = {
        "docs",
        "package",
        "migrations",
        "schema",
        "modules",
        "class_names",
        "external_tables",
        "unmanaged_tables",
        "prefer",
        "repositories",
        "session_layer",
        "require_descriptions",
        "diagram_files",
    }
    for key in sorted(set(raw) - known):
        bad(f"unknown key {key!r}", f"known keys: {', '.join(sorted(known))}")

    docs = _str_list(raw.get("docs", ["spec/*.md"]), "docs", bad)
    package = raw.get("package", "generated")
    if not isinstance(package, str) or not all(_IDENT.match(p) for p in package.split(".")):
        bad(f"package must be a dotted Python name, got {package!r}")
        package = "generated"
    modules = _str_map(raw.get("modules", {}), "modules", bad)
    for stem, module in modules:
        if not _IDENT.match(module) or module in {"base", "enums", "ddl"}:
            bad(f"modules.{stem} = {module!r} is not a usable module name")
    class_names = _str_map(raw.get("class_names", {}), "class_names", bad)
    for table, name in class_names:
        if not _IDENT.match(name):
            bad(f"class_names.{table} = {name!r} is not a Python class name")
    external_raw = raw.get("external_tables", {})
    if isinstance(external_raw, list):
        external_raw = {name: "keep_fk" for name in external_raw}
    external = _str_map(external_raw, "external_tables", bad)
    for table, mode in external:
        if mode not in EXTERNAL_MODES:
            bad(f"external_tables.{table} = {mode!r}", f"use one of {', '.join(EXTERNAL_MODES)}")
    migrations = str(raw.get("migrations", "alembic"))
    if Path(migrations).is_absolute() or ".." in Path(migrations).parts or not migrations.strip():
        bad(f"migrations = {migrations!r} must be a folder inside the project", 'e.g. migrations = "alembic"')
        migrations = "alembic"
    for pattern in docs:
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            bad(f"docs pattern {pattern!r} reaches outside the project", 'e.g. docs = ["spec/*.md"]')
    for pattern in _str_list(raw.get("diagram_files", []), "diagram_files", lambda *a: None):
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            bad(f"diagram_files pattern {pattern!r} reaches outside the project", 'e.g. ["docs/*.md"]')
    config = Config(
        root=root,
        docs=tuple(docs),
        package=package,
        migrations=migrations,
        schema=str(raw.get("schema", "public")),
        modules=modules,
        class_names=class_names,
        external_tables=external,
        unmanaged_tables=tuple(_str_list(raw.get("unmanaged_tables", []), "unmanaged_tables", bad)),
        prefer=_str_map(raw.get("prefer", {}), "prefer", bad),
        repositories=_flag(raw, "repositories", bad),
        session_layer=_flag(raw, "session_layer", bad),
        require_descriptions=_flag(raw, "require_descriptions", bad),
        diagram_files=tuple(_str_list(raw.get("diagram_files", []), "diagram_files", bad)),
        pyproject=pyproject,
    )
    if problems:
        raise SpecError(problems)
    return config


def _flag(raw: dict[str, Any], key: str, bad: Any) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        bad(f"{key} must be true or false, got {value!r}")
        return False
    return value


def _str_list(value: Any, key: str, bad: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        bad(f"{key} must be a list of strings")
        return []
    return list(value)


def _str_map(value: Any, key: str, bad: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        bad(f"{key} must be a table of strings")
        return ()
    return tuple(sorted(value.items()))
