"""The spec stage in order: config → docs (markdown) → statements (pglast) → the validated Schema."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mdschema.config import Config
from mdschema.errors import Collector, Diagnostic, Span, SpecError
from mdschema.schema import Schema
from mdschema.spec.markdown import Doc
from mdschema.spec.parse_cache import LISTS
from mdschema.spec.raw import Parsed

# A later stage's look at the resolved schema (codegen's Python names): its diagnostics are reported
# together with the docs' own.
SchemaCheck = Callable[[Schema], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Loaded:
    """A validated schema and the warnings it was accepted with (errors are raised, never returned)."""

    schema: Schema
    warnings: tuple[Diagnostic, ...]


def load_schema(
    config: Config, strict: bool = False, checks: Sequence[SchemaCheck] = (), cache: bool = False
) -> Loaded:
    """Read and validate every doc; raise SpecError with all diagnostics when anything is wrong.

    `checks` run on the resolved schema even when the docs have errors of their own, so that one run
    reports everything (e.g. codegen's class-name clashes next to an unknown foreign key target).
    With `strict`, warnings fail too. With `cache` (the commands), a doc read before with the same
    bytes (and the same mdschema) is not parsed again (`spec.parse_cache`); the docs read now are
    stored only when the load succeeds, so that a failing one writes nothing.
    """
    from mdschema.util.perf import gc_paused

    with gc_paused():
        return _load_schema(config, strict, checks, cache)


def _load_schema(config: Config, strict: bool, checks: Sequence[SchemaCheck], cache: bool) -> Loaded:
    from mdschema.spec.dialects import dialect_errors
    from mdschema.spec.resolve import resolve

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
    store = _Stores(config.root) if cache else None
    parsed, shown = _parse(config, paths, diag, store)
    diag.items.extend(dialect_errors(parsed.foreign, diag.items))
    diag.raise_if_any(strict)
    schema = resolve(parsed, config, shown, diag)
    diag.items.extend(dialect_errors(parsed.foreign, diag.items))
    for check in checks:
        diag.items.extend(check(schema))
    diag.raise_if_any(strict)
    if store is not None:
        store.flush()
    return Loaded(schema, tuple(sorted(diag.items)))


class _Stores:
    """The parse cache of a load, and what it will store when the load succeeds."""

    def __init__(self, root: Path) -> None:
        from mdschema.spec.parse_cache import ParseCache

        self.cache = ParseCache(root)
        self.pending: list[tuple[str, Doc, dict[str, list[Any]], list[Diagnostic]]] = []

    def flush(self) -> None:
        for entry in self.pending:
            self.cache.store(*entry)
        self.cache.prune()


def _parse(
    config: Config, paths: Sequence[Path], diag: Collector, store: _Stores | None
) -> tuple[Parsed, tuple[str, ...]]:
    """Every doc read and parsed in order (replayed from the parse cache when its bytes were read
    before); the docs' paths as shown. The diagnostics land in `diag` in the order a full read makes
    them: the read errors of all docs first, then each doc's parse diagnostics, doc by doc."""
    from mdschema.spec.markdown import doc_from_bytes, read_doc_bytes
    from mdschema.spec.parse_cache import doc_key
    from mdschema.spec.statements import Out, parse_doc

    hits: list[tuple[Doc, dict[str, list[Any]], list[Diagnostic]] | None] = []
    misses: list[tuple[Doc, str]] = []
    for path in paths:
        shown = config.rel(path)
        try:
            content = read_doc_bytes(path, shown)
            key = doc_key(shown, content) if store is not None else ""
            hit = store.cache.load(key) if store is not None else None
            if hit is None:
                misses.append((doc_from_bytes(content, shown, path.stem), key))
            hits.append(hit)
        except SpecError as exc:
            diag.items.extend(exc.diagnostics)
    out = Out()
    docs: list[Doc] = []
    fresh = iter(misses)
    for hit in hits:
        if hit is not None:  # what parse_doc appended when the entry was made, appended again
            doc, records, diagnostics = hit
            for name, values in records.items():
                getattr(out, name).extend(values)
            diag.items.extend(diagnostics)
        else:
            doc, key = next(fresh)
            marks = {name: len(getattr(out, name)) for name in LISTS}
            first = len(diag.items)
            parse_doc(doc, out, diag)
            if store is not None:
                records = {name: getattr(out, name)[marks[name] :] for name in LISTS}
                store.pending.append((key, doc, records, diag.items[first:]))
        docs.append(doc)
    return out.parsed(), tuple(doc.path for doc in docs)
