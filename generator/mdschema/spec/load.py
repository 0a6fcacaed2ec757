"""The stages in order: config → docs → SQL → IR → files. Each stage lives in its own module."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mdschema.config import Config
from mdschema.errors import Collector, Diagnostic, Span, SpecError
from mdschema.schema import Schema

_RESERVED_MODULES = frozenset({"base", "enums", "external", "ddl", "__init__", "repositories", "db"})


def doc_module(stem: str, config: Config) -> str:
    """The module a doc renders into: configured, else a safe form of its file name."""
    configured = dict(config.modules).get(stem)
    if configured:
        return configured
    name = re.sub(r"\W", "_", stem.lower(), flags=re.ASCII).strip("_") or "doc"
    if name[0].isdigit():
        name = "doc_" + name
    import keyword

    if keyword.iskeyword(name) or name in _RESERVED_MODULES:
        name += "_models"
    return name


@dataclass(frozen=True, slots=True)
class Loaded:
    """The docs' schema and the warnings found on the way (errors raise SpecError instead)."""

    schema: Schema
    warnings: tuple[Diagnostic, ...]


def load_schema(config: Config, strict: bool = False) -> Loaded:
    """Read and validate every doc; raise SpecError with all diagnostics when anything is wrong."""
    from mdschema.util.perf import gc_paused

    with gc_paused():
        return _load_schema(config, strict)


def _load_schema(config: Config, strict: bool) -> Loaded:
    from mdschema.spec.markdown import read_doc
    from mdschema.spec.resolve import resolve
    from mdschema.spec.statements import parse_docs

    paths = config.doc_paths()
    if not paths:
        raise SpecError(
            [
                Diagnostic(
                    Span("pyproject.toml", 1),
                    "E303",
                    f"no docs match {', '.join(config.docs)}",
                    "write a doc under spec/ or set docs in [tool.mdschema]",
                )
            ]
        )
    diag = Collector()
    docs = []
    modules: dict[str, str] = {}
    owners: dict[str, str] = {}
    for path in paths:
        shown = config.rel(path)
        try:
            docs.append(read_doc(path, shown))
        except SpecError as exc:
            diag.items.extend(exc.diagnostics)
            continue
        module = doc_module(path.stem, config)
        if module in owners:
            diag.error(
                Span(shown, 1),
                "E304",
                f"docs {owners[module]} and {shown} both render to module {module}.py",
                "rename one, or set [tool.mdschema.modules]",
            )
        owners[module] = shown
        modules[shown] = module
    parsed = parse_docs(docs, diag)
    diag.raise_if_any(strict)
    schema = resolve(parsed, config, modules, diag)
    diag.raise_if_any(strict)
    return Loaded(schema, tuple(sorted(diag.items)))
