"""`mdschema init`: start using mdschema in a project — new, or one that already has Alembic.

Writes `[tool.mdschema]` into pyproject.toml (created when missing; other tables never touched), an
example doc when no doc matches, the Alembic scaffold where it is missing, and `.mdschema/` in
.gitignore. Idempotent: a second run writes nothing. It never overwrites a file it did not write; an
existing env.py that does not run mdschema's is reported with the lines to change (or, with
`adopt=True`, replaced, the original kept beside it).
"""

from __future__ import annotations

import configparser
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mdschema.config import Config, load_config
from mdschema.migrations.project import NEW_ENV_IMPORT, ensure_scaffold, scaffold_env

EXAMPLE_DOC = """\
# Example schema

Each table gets a heading, a paragraph saying what it is for, and its `CREATE TABLE` in a sql block.
Column comments become the models' `comment=`; `mdschema generate` turns this file into models.

## note

A short note somebody wrote.

```sql
CREATE TABLE note (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- Identifier
    body text NOT NULL,                                  -- What the note says
    created_at timestamptz NOT NULL DEFAULT now()        -- When it was written
);
```
"""
GITIGNORE_ENTRY = ".mdschema/"
ENV_MARK = "mdschema.migrations.env"


@dataclass(frozen=True, slots=True)
class InitResult:
    written: tuple[str, ...]  # files created or changed, relative to the project
    kept: tuple[tuple[str, str], ...]  # (file, why it was left as it is)
    env_advice: str | None  # what to change in an env.py that is not mdschema's, when not adopted
    config: Config


def init_project(
    root: Path, package: str | None = None, docs: str | None = None, adopt: bool = False
) -> InitResult:
    written: list[str] = []
    kept: list[tuple[str, str]] = []
    migrations = _existing_script_location(root)
    pyproject = root / "pyproject.toml"
    section = _section(package or "generated", docs or "spec/*.md", migrations)
    if not pyproject.exists():
        pyproject.write_text(section.lstrip("\n"), encoding="utf-8")
        written.append("pyproject.toml")
    elif "mdschema" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
        kept.append(("pyproject.toml", "[tool.mdschema] is already there"))
    else:
        text = pyproject.read_text(encoding="utf-8")
        pyproject.write_text(text + ("" if text.endswith("\n") else "\n") + section, encoding="utf-8")
        written.append("pyproject.toml")
    config = load_config(root)

    if not config.doc_paths():
        pattern = config.docs[0]
        example = root / Path(pattern).parent / "example.md" if "*" in pattern else root / pattern
        example.parent.mkdir(parents=True, exist_ok=True)
        example.write_text(EXAMPLE_DOC, encoding="utf-8")
        written.append(config.rel(example))

    env = config.root / config.migrations / "env.py"
    advice = None
    if env.is_file() and ENV_MARK not in env.read_text(encoding="utf-8", errors="replace"):
        replacement = f'{NEW_ENV_IMPORT}\n\nrun(package="{config.package}")\n'
        if adopt:
            backup = env.with_name("env.py.before-mdschema")
            if not backup.exists():
                backup.write_text(env.read_text(encoding="utf-8"), encoding="utf-8")
                written.append(config.rel(backup))
            env.write_text(scaffold_env(config.package), encoding="utf-8")
            written.append(config.rel(env))
        else:
            advice = (
                f"{config.rel(env)} is not mdschema's: replace its body with these two lines "
                f"(or run `mdschema init --adopt`, which keeps the original as env.py.before-mdschema):\n\n"
                + "".join(f"    {line}\n" for line in replacement.splitlines())
            )
            kept.append((config.rel(env), "an env.py of its own"))
    written += ensure_scaffold(config)

    gitignore = root / ".gitignore"
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    if not {GITIGNORE_ENTRY, ".mdschema", "/.mdschema/", "/.mdschema"} & {line.strip() for line in lines}:
        prefix = "" if not lines or gitignore.read_text(encoding="utf-8").endswith("\n") else "\n"
        with gitignore.open("a", encoding="utf-8") as fh:
            fh.write(f"{prefix}# mdschema's embedded PostgreSQL and caches\n{GITIGNORE_ENTRY}\n")
        written.append(".gitignore")
    return InitResult(tuple(written), tuple(kept), advice, config)


def _section(package: str, docs: str, migrations: str) -> str:
    lines = [
        "",
        "[tool.mdschema]",
        f"docs = [{json.dumps(docs)}]",
        f"package = {json.dumps(package)}",
    ]
    if migrations != "alembic":
        lines.append(f"migrations = {json.dumps(migrations)}")
    return "\n".join(lines) + "\n"


def _existing_script_location(root: Path) -> str:
    """An existing alembic.ini's script_location, as a folder of the project; else "alembic"."""
    ini = root / "alembic.ini"
    if not ini.is_file():
        return "alembic"
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
        location = parser.get("alembic", "script_location", fallback="alembic").strip()
    except configparser.Error:
        return "alembic"
    location = location.replace("%(here)s/", "").replace("%(here)s", "").strip("/") or "alembic"
    return location if ":" not in location and not Path(location).is_absolute() else "alembic"
