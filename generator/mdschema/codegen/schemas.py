"""Print the decided Pydantic schemas (codegen.outputs.SchemasModule) → templates/schemas.py.j2."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mdschema.codegen.models import imports_lines
from mdschema.codegen.outputs import SchemaClass, SchemaField, SchemasModule
from mdschema.codegen.source import Call, Node, docstring_lines, docstring_text, py_str, statement

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True, slots=True)
class PrintedSchema:
    decided: SchemaClass
    name: str
    docstring: tuple[str, ...]  # whole lines, indented 4
    config: str  # the `model_config = ...` line, or ""
    fields: tuple[str, ...]  # formatted statements, indented 4


def render_schemas(env: jinja2.Environment, module: SchemasModule, sources: str) -> str:
    return env.get_template("schemas.py.j2").render(
        sources=docstring_text(sources),
        imports=imports_lines(module.imports),
        exports=[py_str(n) for n in module.exports],
        classes=tuple(print_schema(cls) for cls in module.classes),
    )


def print_schema(cls: SchemaClass) -> PrintedSchema:
    fields: list[str] = []
    for f in cls.fields:
        call = field_call(f)
        fields += statement(f"{f.attribute}: {f.annotation}" + (" = " if call else ""), call or "", 4)
    return PrintedSchema(
        decided=cls,
        name=cls.name,
        docstring=docstring_lines(cls.docstring, 4),
        config="    model_config = ConfigDict(from_attributes=True)" if cls.from_attributes else "",
        fields=tuple(fields),
    )


def field_call(f: SchemaField) -> Node | None:
    """`Field(...)` of a field, `None` when its default is None and nothing else is said, or nothing."""
    args: list[Node] = [] if f.required else ["default=None"]
    if f.max_length is not None:
        args.append(f"max_length={f.max_length}")
    if f.max_digits is not None:
        args.append(f"max_digits={f.max_digits}")
        args.append(f"decimal_places={f.decimal_places}")
    if f.description:
        args.append(f"description={py_str(f.description)}")
    if not args:
        return None
    if args == ["default=None"]:
        return "None"
    return Call("Field", tuple(args))
