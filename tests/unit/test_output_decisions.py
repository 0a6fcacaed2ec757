"""codegen.outputs: the SQLModel and Pydantic-schema decisions, checked as values (the e2e test,
tests/e2e/test_outputs.py, proves the printed code on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from mdschema.codegen.decide import decide_package
from mdschema.codegen.options import RenderOptions
from mdschema.codegen.outputs import FieldAttr, SchemaField, decide_schemas, decide_sqlmodel
from mdschema.codegen.render import render
from mdschema.schema import Schema
from support.models import schema_of, sql_doc

SQL = """
CREATE TYPE mood AS ENUM ('happy', 'sad');

CREATE TABLE person (
    id bigserial PRIMARY KEY,
    code int GENERATED ALWAYS AS IDENTITY UNIQUE,
    mentor_id bigint REFERENCES person(id) ON DELETE SET NULL,
    name varchar(100) NOT NULL,      -- Full name
    mood mood NOT NULL DEFAULT 'happy',
    score numeric(5, 2),
    doubled numeric GENERATED ALWAYS AS (score * 2) STORED,
    data jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE pet (
    id int PRIMARY KEY,
    owner_id bigint NOT NULL REFERENCES person(id) ON DELETE CASCADE ON UPDATE CASCADE,
    "class" text
);
"""


def _schema(tmp_path: Path) -> Schema:
    return schema_of(tmp_path, {"people.md": sql_doc(SQL)})


def _fields(tmp_path: Path) -> dict[str, FieldAttr]:
    schema = _schema(tmp_path)
    (module,) = decide_sqlmodel(schema, decide_package(schema, RenderOptions()).models)
    return {f"{c.decided.table}.{f.column.column}": f for c in module.classes for f in c.fields}


def test_sqlmodel_fields_say_what_the_column_is(tmp_path: Path) -> None:
    f = _fields(tmp_path)
    # serial key: the database fills it in; Field's primary_key makes it NOT NULL
    assert (f["person.id"].sa_column, f["person.id"].default_none, f["person.id"].nullable) == (
        False,
        True,
        None,
    )
    assert f["person.id"].annotation == "int | None"
    # identity and generated columns: only a Column says them
    assert f["person.code"].sa_column and f["person.code"].default_none and f["person.code"].nullable is False
    assert f["person.doubled"].sa_column and f["person.doubled"].annotation == "decimal.Decimal | None"
    # a plain FK with ON DELETE is Field(foreign_key=, ondelete=); one with ON UPDATE needs a Column
    assert not f["person.mentor_id"].sa_column and f["person.mentor_id"].nullable is None
    assert f["pet.owner_id"].sa_column and f["pet.owner_id"].nullable is False
    assert not f["pet.owner_id"].default_none  # required when a row is made
    # NOT NULL with a server default: optional when made, NOT NULL in the table
    assert (f["person.mood"].annotation, f["person.mood"].nullable) == ("Mood | None", False)
    assert f["person.data"].sql_type == "JSONB(none_as_null=True)"
    # required: NOT NULL, nothing fills it in
    assert (f["person.name"].annotation, f["person.name"].default_none) == ("str", False)
    # an attribute renamed from its column (a keyword) is a Column named as the column
    assert f["pet.class"].sa_column and f["pet.class"].column.attribute != "class"


def test_sqlmodel_package_has_no_sqlalchemy_orm_imports(tmp_path: Path) -> None:
    files = render(_schema(tmp_path), RenderOptions(models="sqlmodel"))
    people = files["people.py"]
    assert "from __future__" not in people and "sqlalchemy.orm" not in people
    assert "class Person(Base, table=True):" in people
    assert 'pets: list["Pet"] = Relationship(' in people
    assert '"cascade": "all, delete-orphan", "passive_deletes": True' in people
    assert 'mentor: Optional["Person"] = Relationship(' in people
    assert "from sqlmodel import SQLModel" in files["base.py"]
    assert "schemas.py" not in files


def _schema_fields(tmp_path: Path) -> dict[str, dict[str, SchemaField]]:
    schema = _schema(tmp_path)
    module = decide_schemas(schema, decide_package(schema, RenderOptions()))
    return {c.name: {f.attribute: f for f in c.fields} for c in module.classes}


def test_schema_fields_required_optional_and_limits(tmp_path: Path) -> None:
    s = _schema_fields(tmp_path)
    assert list(s) == ["PersonRead", "PersonCreate", "PersonUpdate", "PetRead", "PetCreate", "PetUpdate"]
    create = s["PersonCreate"]
    assert [a for a, f in create.items() if f.required] == ["name"]
    assert "code" not in create and "doubled" not in create  # GENERATED ALWAYS: never written
    assert "code" in s["PersonRead"] and "doubled" in s["PersonRead"]
    assert (create["name"].max_length, create["name"].description) == (100, "Full name")
    assert (create["score"].max_digits, create["score"].decimal_places) == (5, 2)
    assert create["mood"].annotation == "Mood | None" and s["PersonRead"]["mood"].annotation == "Mood"
    assert s["PersonRead"]["score"].annotation == "decimal.Decimal | None"
    assert all(not f.required and f.annotation.endswith(" | None") for f in s["PersonUpdate"].values())
    assert [a for a, f in s["PetCreate"].items() if f.required] == ["id", "owner_id"]  # int key, no serial


def test_schemas_file_only_when_asked(tmp_path: Path) -> None:
    schema = _schema(tmp_path)
    assert "schemas.py" not in render(schema, RenderOptions())
    text = render(schema, RenderOptions(schemas=True))["schemas.py"]
    assert "class PersonCreate(BaseModel):" in text
    assert 'name: str = Field(max_length=100, description="Full name")' in text
    assert "from .enums import Mood" in text
