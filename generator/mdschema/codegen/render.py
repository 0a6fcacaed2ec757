"""Schema → the generated package as {relative path: file content}. Writes nothing (emit.py writes).

Decide (decide.py), then print (models.py, package_files.py, repositories.py) through Jinja templates:
a project's own template folder (`templates = "path"` in [tool.mdschema]) is searched before the built-in
one, so any template can be overridden; what each template receives is written at its top.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mdschema.codegen.decide import decide_package, relationship_check
from mdschema.codegen.models import render_models, render_sqlmodel
from mdschema.codegen.options import RenderOptions
from mdschema.codegen.outputs import decide_schemas, decide_sqlmodel
from mdschema.codegen.package_files import render_package_files
from mdschema.codegen.py_names import naming_check
from mdschema.codegen.repositories import render_repositories
from mdschema.codegen.schemas import render_schemas
from mdschema.codegen.source import LINE_LENGTH
from mdschema.codegen.views import render_views
from mdschema.errors import Diagnostic, Span, SpecError
from mdschema.schema import Schema

if TYPE_CHECKING:
    from collections.abc import Callable

    import jinja2

    from mdschema.config import Config

TEMPLATES = Path(__file__).parent / "templates"


def environment(templates: Path | None = None) -> jinja2.Environment:
    """Jinja for generated Python: undefined names fail loudly, blocks leave no blank lines, no escaping."""
    import jinja2

    builtin = jinja2.FileSystemLoader(str(TEMPLATES))
    loader: jinja2.BaseLoader = builtin
    if templates is not None:
        loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(templates)), builtin])
    return jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render(schema: Schema, options: RenderOptions) -> dict[str, str]:
    """Every file of the generated package; SpecError when Python names clash."""
    from mdschema.util.perf import gc_paused

    with gc_paused():
        package = decide_package(schema, options)
        env = environment(options.templates)
        try:
            if package.flavor == "sqlmodel":
                files = render_sqlmodel(env, decide_sqlmodel(schema, package.models))
            else:
                files = render_models(env, package)
            files.update(render_package_files(env, package))
            files.update(render_views(env, schema, package.sources))
            if package.schemas:
                files["schemas.py"] = render_schemas(env, decide_schemas(schema, package), package.sources)
            if package.repositories:
                files["repositories.py"] = render_repositories(env, schema, package)
        except Exception as exc:
            problem = _template_problem(exc, options)
            if problem is None:
                raise
            raise SpecError([problem]) from None
        return {path: without_needless_noqa(text) for path, text in files.items()}


NOQA_E501 = "# ruff: noqa: E501\n"


def without_needless_noqa(text: str) -> str:
    """`text` without the templates' blanket `# ruff: noqa: E501` when no line of it is too long for
    ruff (LINE_LENGTH, measured as ruff measures: a wide character counts 2), so ruff still checks it."""
    if not text.startswith(NOQA_E501):
        return text
    if any(line_width(line) > LINE_LENGTH for line in text.splitlines()):
        return text
    return text[len(NOQA_E501) :]


def line_width(line: str) -> int:
    """The width ruff gives a line (unicode-width): East Asian wide and fullwidth characters count 2."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)


def render_project(config: Config, schema: Schema) -> dict[str, str]:
    """`render` with the options `config`'s [tool.mdschema] sets: what `mdschema generate` writes."""
    return render(schema, RenderOptions.from_config(config))


def project_checks(config: Config) -> tuple[Callable[[Schema], tuple[Diagnostic, ...]], ...]:
    """What `spec.load.load_schema(checks=...)` runs so that codegen's Python-name clashes (E101, E108,
    E304) and impossible relationship renames (E308) are reported together with the docs' own
    diagnostics, in one run."""
    options = RenderOptions.from_config(config)
    return (naming_check(options), relationship_check(options))


def _template_problem(exc: Exception, options: RenderOptions) -> Diagnostic | None:
    """A diagnostic at the line of a project's own template that failed (a typo, an unknown name: the
    environment's StrictUndefined); None when the failure is not in one (a bug of ours)."""
    import jinja2

    if options.templates is None or not isinstance(exc, jinja2.TemplateError):
        return None
    folder = options.templates.resolve()
    place: tuple[Path, int] | None = None
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename and lineno:  # a syntax error names its place
        place = (Path(filename), int(lineno))
    tb = exc.__traceback__
    while tb is not None:  # a runtime error: Jinja's traceback has frames at template lines
        code = tb.tb_frame.f_code.co_filename
        if code.endswith(".j2"):
            place = (Path(code), tb.tb_lineno)
        tb = tb.tb_next
    if place is None or not place[0].resolve().is_relative_to(folder):
        return None
    shown = f"{options.templates_shown}/{place[0].resolve().relative_to(folder).as_posix()}"
    return Diagnostic(
        Span(shown, place[1]),
        "E305",
        f"template cannot be rendered: {exc.message or type(exc).__name__}",
        "fix the template (what each template receives is written at the top of the built-in one), or "
        "remove it to use the built-in one",
    )
