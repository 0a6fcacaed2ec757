"""The spec stage in order: config → docs (markdown) → statements (pglast) → the validated Schema."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from mdschema.config import Config
from mdschema.errors import Collector, Diagnostic, Span, SpecError
from mdschema.schema import Schema

# A later stage's look at the resolved schema (codegen's Python names): its diagnostics are reported
# together with the docs' own.
SchemaCheck = Callable[[Schema], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Loaded:
    """A validated schema and the warnings it was accepted with (errors are raised, never returned)."""

    schema: Schema
    warnings: tuple[Diagnostic, ...]


def load_schema(config: Config, strict: bool = False, checks: Sequence[SchemaCheck] = ()) -> Loaded:
    """Read and validate every doc; raise SpecError with all diagnostics when anything is wrong.

    `checks` run on the resolved schema even when the docs have errors of their own, so that one run
    reports everything (e.g. codegen's class-name clashes next to an unknown foreign key target).
    With `strict`, warnings fail too.
    """
    from mdschema.util.perf import gc_paused

    with gc_paused():
        return _load_schema(config, strict, checks)


def _load_schema(config: Config, strict: bool, checks: Sequence[SchemaCheck]) -> Loaded:
    from mdschema.spec.dialects import dialect_errors
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
    for path in paths:
        try:
            docs.append(read_doc(path, config.rel(path)))
        except SpecError as exc:
            diag.items.extend(exc.diagnostics)
    parsed = parse_docs(docs, diag)
    diag.items.extend(dialect_errors(parsed.foreign, diag.items))
    diag.raise_if_any(strict)
    schema = resolve(parsed, config, tuple(doc.path for doc in docs), diag)
    diag.items.extend(dialect_errors(parsed.foreign, diag.items))
    for check in checks:
        diag.items.extend(check(schema))
    diag.raise_if_any(strict)
    return Loaded(schema, tuple(sorted(diag.items)))
