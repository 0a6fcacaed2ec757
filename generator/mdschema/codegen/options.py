"""What code generation reads from `[tool.mdschema]`, as one typed value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mdschema.errors import Span

if TYPE_CHECKING:  # codegen takes options, not the project's Config (only `from_config` reads one)
    from mdschema.config import Config


@dataclass(frozen=True, slots=True)
class RenderOptions:
    package: str = "generated"  # the dotted package the files are written into
    modules: tuple[tuple[str, str], ...] = ()  # doc stem → module name, as configured
    class_names: tuple[tuple[str, str], ...] = ()  # table → class name, as configured
    relationship_names: tuple[tuple[str, str], ...] = ()  # "table.attribute" as generated → attribute
    session_layer: bool = False  # also db.py
    repositories: bool = False  # also repositories.py
    enum_style: str = "enum"  # "enum": a StrEnum class per PostgreSQL enum; "literal": a Literal alias
    models: str = "sqlalchemy"  # "sqlalchemy": declarative classes; "sqlmodel": SQLModel table=True classes
    schemas: bool = False  # also schemas.py: Pydantic XRead / XCreate / XUpdate per table
    templates: Path | None = None  # a folder searched before the built-in templates
    templates_shown: str = "templates"  # that folder as diagnostics name it (as written in pyproject.toml)
    module_spans: tuple[tuple[str, Span], ...] = ()  # doc stem → where its `modules` entry is written
    relationship_spans: tuple[tuple[str, Span], ...] = ()  # "table.attribute" → where it is renamed

    @property
    def pydantic_fields(self) -> bool:
        """The columns' attributes are also fields of Pydantic models (SQLModel classes, schemas.py)."""
        return self.models == "sqlmodel" or self.schemas

    @classmethod
    def from_config(cls, config: Config) -> RenderOptions:
        return cls(
            package=config.package,
            modules=config.modules,
            class_names=config.class_names,
            relationship_names=config.relationship_names,
            session_layer=config.session_layer,
            repositories=config.repositories,
            enum_style=config.enum_style,
            models=config.models,
            schemas=config.schemas,
            templates=config.templates_dir,
            templates_shown=config.templates or "templates",
            module_spans=tuple((stem, config.span(f"modules.{stem}")) for stem, _ in config.modules),
            relationship_spans=tuple(
                (key, config.span(f"relationship_names.{key}")) for key, _ in config.relationship_names
            ),
        )
