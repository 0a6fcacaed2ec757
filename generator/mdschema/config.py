"""`[tool.mdschema]` in pyproject.toml → a frozen Config."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdschema.errors import Diagnostic, Span, SpecError

EXTERNAL_MODES = ("keep_fk", "column_only")
ENUM_STYLES = ("enum", "literal")
MODEL_STYLES = ("sqlalchemy", "sqlmodel")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    docs: tuple[str, ...] = ("spec/*.md",)
    package: str = "generated"
    migrations: str = "alembic"
    modules: tuple[tuple[str, str], ...] = ()
    class_names: tuple[tuple[str, str], ...] = ()
    relationship_names: tuple[tuple[str, str], ...] = ()  # "table.attribute" (as generated) → attribute
    external_tables: tuple[tuple[str, str], ...] = ()
    unmanaged_tables: tuple[str, ...] = ()
    prefer: tuple[tuple[str, str], ...] = ()
    repositories: bool = False  # <package>/repositories.py: a typed async repository per table
    session_layer: bool = False  # <package>/db.py: async engine, sessions, get_db() dependency
    enum_style: str = "enum"  # enum columns as Mapped[<enum.StrEnum>] | Mapped[Literal[...]]
    models: str = "sqlalchemy"  # the model classes: SQLAlchemy declarative | SQLModel (table=True)
    schemas: bool = False  # <package>/schemas.py: Pydantic XRead / XCreate / XUpdate per table
    templates: str | None = None  # a folder (inside the project) searched before the built-in templates
    require_descriptions: bool = False  # check: every table and column has a description
    diagram_files: tuple[str, ...] = ()  # globs of files (besides the docs) holding diagram markers
    safe: bool = True  # lock-safe revisions (migrations/safe.py); false: the plain plans, for dev databases
    lock_timeout: str = "5s"  # what each safe revision SETs first (PostgreSQL durations)
    statement_timeout: str = "0"  # 0: no limit (concurrent builds and VALIDATE must be let finish)
    target_version: int | None = None  # the PostgreSQL major revisions must run on; None: the shadow's
    roles: tuple[str, ...] = ()  # roles the docs' policies name: created on shadow servers, never elsewhere
    # functions the platform provides that the docs call (Supabase's auth.uid()): {"schema.name(args)":
    # return type}; stand-ins on mdschema's own databases, required on the user's
    external_functions: tuple[tuple[str, str], ...] = ()
    pyproject: Path | None = field(default=None, compare=False)
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)  # "modules.x" → its line

    @property
    def target_server_version(self) -> int | None:
        """`target_version` as server_version_num (15 → 150000), the unit plans and squawk compare."""
        return self.target_version * 10000 if self.target_version is not None else None

    @property
    def templates_dir(self) -> Path | None:
        return self.root / self.templates if self.templates else None

    def span(self, key: str) -> Span:
        """Where pyproject.toml sets `key` ("package", "modules.story"): its line, else the file's first."""
        name = self.pyproject.name if self.pyproject is not None else "pyproject.toml"
        return Span(name, dict(self.lines).get(key, 1))

    @property
    def package_dir(self) -> Path:
        return self.root / Path(*self.package.split("."))

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
        text = pyproject.read_text(encoding="utf-8")
        data = tomllib.loads(text)
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
        "relationship_names",
        "external_tables",
        "unmanaged_tables",
        "prefer",
        "repositories",
        "session_layer",
        "enum_style",
        "models",
        "schemas",
        "templates",
        "require_descriptions",
        "diagram_files",
        "safe",
        "lock_timeout",
        "statement_timeout",
        "target_version",
        "roles",
        "external_functions",
    }
    for key in sorted(set(raw) - known):
        bad(f"unknown key {key!r}", f"known keys: {', '.join(sorted(known - {'schema'}))}")
    if raw.get("schema", "public") != "public":  # accepted as it was (public), never a default schema
        bad(
            f"schema = {raw['schema']!r}: no default schema can be set; an unqualified name is in public",
            f"qualify the names in the docs: CREATE SCHEMA {raw['schema']}; CREATE TABLE {raw['schema']}.… "
            "(and remove the key)",
        )

    docs = _str_list(raw.get("docs", ["spec/*.md"]), "docs", bad)
    package = raw.get("package", "generated")
    if not isinstance(package, str) or not all(_IDENT.match(p) for p in package.split(".")):
        bad(f"package must be a dotted Python name, got {package!r}")
        package = "generated"
    modules = _str_map(raw.get("modules", {}), "modules", bad)
    for stem, module in modules:
        if not _IDENT.match(module):  # names the generated package reserves are codegen's E304
            bad(f"modules.{stem} = {module!r} is not a usable module name")
    class_names = _str_map(raw.get("class_names", {}), "class_names", bad)
    for table, name in class_names:
        if not _IDENT.match(name):
            bad(f"class_names.{table} = {name!r} is not a Python class name")
    relationship_names = _str_map(raw.get("relationship_names", {}), "relationship_names", bad)
    for key, name in relationship_names:
        table, dot, attribute = key.rpartition(".")
        if not dot or not table or not _IDENT.match(attribute):
            bad(
                f"relationship_names key {key!r} must be TABLE.ATTRIBUTE, the relationship as generated",
                'e.g. "collection.archetype_analyses" = "analyses"',
            )
        if not _IDENT.match(name) or name.startswith("_"):
            bad(f"relationship_names.{key} = {name!r} is not a Python attribute name")
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
    templates = _templates(root, raw.get("templates"), bad)
    enum_style = raw.get("enum_style", "enum")
    if enum_style not in ENUM_STYLES:
        bad(f"enum_style = {enum_style!r}", f"use one of {', '.join(ENUM_STYLES)}")
        enum_style = "enum"
    models = raw.get("models", "sqlalchemy")
    if models not in MODEL_STYLES:
        bad(f"models = {models!r}", f"use one of {', '.join(MODEL_STYLES)}")
        models = "sqlalchemy"
    if models == "sqlmodel" and raw.get("repositories") is True:
        bad(
            'repositories = true is not generated for models = "sqlmodel" yet',
            "use the SQLAlchemy models for the repositories, or write them over the SQLModel classes",
        )
    for pattern in _str_list(raw.get("diagram_files", []), "diagram_files", lambda *a: None):
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            bad(f"diagram_files pattern {pattern!r} reaches outside the project", 'e.g. ["docs/*.md"]')
    config = Config(
        root=root,
        docs=tuple(docs),
        package=package,
        migrations=migrations,
        modules=modules,
        class_names=class_names,
        relationship_names=relationship_names,
        external_tables=external,
        unmanaged_tables=tuple(_str_list(raw.get("unmanaged_tables", []), "unmanaged_tables", bad)),
        prefer=_str_map(raw.get("prefer", {}), "prefer", bad),
        repositories=_flag(raw, "repositories", bad),
        session_layer=_flag(raw, "session_layer", bad),
        enum_style=enum_style,
        models=models,
        schemas=_flag(raw, "schemas", bad),
        templates=templates,
        require_descriptions=_flag(raw, "require_descriptions", bad),
        diagram_files=tuple(_str_list(raw.get("diagram_files", []), "diagram_files", bad)),
        safe=_flag(raw, "safe", bad, default=True),
        lock_timeout=_timeout(raw, "lock_timeout", "5s", bad),
        statement_timeout=_timeout(raw, "statement_timeout", "0", bad),
        target_version=_target_version(raw.get("target_version"), bad),
        roles=_roles(raw.get("roles", []), bad),
        external_functions=_external_functions(raw.get("external_functions", {}), bad),
        pyproject=pyproject,
        lines=_key_lines(text),
    )
    if problems:
        raise SpecError(problems)
    return config


_NAME = r"[A-Za-z_][A-Za-z0-9_$]*"
_FUNCTION_SIGNATURE = re.compile(rf"^({_NAME})\.({_NAME})\(([A-Za-z0-9_ ,.\[\]()]*)\)$")
_TYPE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .]*(?:\([0-9, ]+\))?(?:\[\])*$")
_OWN_SCHEMAS = ("public", "pg_catalog", "information_schema")


def _external_functions(value: Any, bad: Any) -> tuple[tuple[str, str], ...]:
    """`external_functions = { "auth.uid()" = "uuid" }`: functions another system owns that the docs'
    policies, views or defaults call, by schema-qualified signature (argument types only), with their
    return type. Outside public: mdschema reads and compares the schemas the docs manage, and a stand-in
    there would be a difference."""
    example = 'e.g. external_functions = { "auth.uid()" = "uuid", "auth.jwt()" = "jsonb" }'
    found: list[tuple[str, str]] = []
    for signature, returns in _str_map(value, "external_functions", bad):
        text = re.sub(r"\s*([(),])\s*", r"\1", " ".join(signature.split())).replace(",", ", ")
        match = _FUNCTION_SIGNATURE.match(text)
        if match is None:
            bad(
                f"external_functions key {signature!r} is not a schema-qualified signature",
                f"write schema.name(argument types): {example}",
            )
            continue
        if match.group(1) in _OWN_SCHEMAS or match.group(1).startswith("pg_"):
            bad(
                f"external_functions key {signature!r} is in {match.group(1)}: only functions in another "
                "system's schema can be external",
                "define a function in public with CREATE FUNCTION in a doc; PostgreSQL's own need no entry",
            )
            continue
        if not _TYPE_NAME.match(returns.strip()):
            bad(f"external_functions.{signature} = {returns!r} is not a return type", example)
            continue
        found.append((text, " ".join(returns.split())))
    return tuple(sorted(found))


def _templates(root: Path, value: Any, bad: Any) -> str | None:
    """A template folder: relative to the project root, inside it (links resolved), and existing."""
    if value is None:
        return None
    hint = 'e.g. templates = "templates"'
    if not isinstance(value, str) or not value.strip():
        bad(f"templates must be a folder name, got {value!r}", hint)
        return None
    folder = Path(value)
    if folder.is_absolute() or ".." in folder.parts:
        bad(f"templates = {value!r} must be a folder inside the project", hint)
        return None
    resolved = (root / folder).resolve()
    if not resolved.is_relative_to(root.resolve()):
        bad(f"templates = {value!r} leads outside the project", hint)
        return None
    if not resolved.is_dir():
        bad(f"templates = {value!r} is not a folder", "create it, or remove the key to use the built-in ones")
        return None
    return folder.as_posix()


_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")
_INLINE_KEY = re.compile(r"""(?:^|[{,])\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def _key_lines(text: str) -> tuple[tuple[str, int], ...]:
    """The line of every key under [tool.mdschema] ("modules.story"), found in the text (tomllib keeps no
    places): `[tool.mdschema.modules]` tables, `key = value` lines and one-line inline tables. Best
    effort: a key it misses is placed at line 1."""
    found: dict[str, int] = {}
    table: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(line)
        if header:
            name = header.group(1).replace(" ", "")
            table = (
                name[len("tool.mdschema") :].lstrip(".")
                if name.split(".")[:2] == ["tool", "mdschema"]
                else None
            )
            if table:
                found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if table is None or key is None:
            continue
        name = _unquote(key.group(1))
        full = f"{table}.{name}" if table else name
        found.setdefault(full, number)
        rest = line[key.end() :].lstrip()
        if rest.startswith("{"):  # an inline table is one line in TOML 1.0
            for inner in _INLINE_KEY.finditer(rest):
                found.setdefault(f"{full}.{_unquote(inner.group(1))}", number)
    return tuple(sorted(found.items()))


def _unquote(key: str) -> str:
    if len(key) > 1 and key[0] == key[-1] and key[0] in "\"'":
        return key[1:-1]
    return key


def _timeout(raw: dict[str, Any], key: str, default: str, bad: Any) -> str:
    value = raw.get(key, default)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not re.match(r"^\d+\s*(us|ms|s|min|h|d)?$", value.strip()):
        bad(f"{key} = {value!r} is not a PostgreSQL duration", f'e.g. {key} = "{default}" (0: no limit)')
        return default
    return value.strip()


OLDEST_TARGET = 14  # 14 left upstream support in November 2026: still accepted for teams mid-upgrade
NEWEST_TARGET = 18


def _target_version(value: Any, bad: Any) -> int | None:
    """`target_version = 15`: the PostgreSQL major the production database runs (a number, as in
    `SHOW server_version`'s first part)."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not OLDEST_TARGET <= value <= NEWEST_TARGET:
        bad(
            f"target_version = {value!r} is not a PostgreSQL major version mdschema writes for",
            f"use {OLDEST_TARGET} to {NEWEST_TARGET}, the major your production database runs (e.g. "
            "target_version = 15), or remove the key to write for the shadow's server",
        )
        return None
    return value


def _roles(value: Any, bad: Any) -> tuple[str, ...]:
    """`roles = ["authenticated", "anon"]`: the roles the docs' policies are for that the database
    provides (Supabase's, a team's own). Shadow servers get them (NOLOGIN) so the policies can be built
    and proven there; a user's database is never given a role."""
    names = _str_list(value, "roles", bad)
    for name in names:
        if not name or len(name.encode()) > 63 or name.lower().startswith("pg_") or name.lower() == "public":
            bad(
                f"roles entry {name!r} is not a role mdschema can create on a shadow",
                "name roles of 1 to 63 bytes; PUBLIC and pg_ roles are PostgreSQL's own and need no entry",
            )
    return tuple(sorted(set(names)))


def _flag(raw: dict[str, Any], key: str, bad: Any, default: bool = False) -> bool:
    value = raw.get(key, default)
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
