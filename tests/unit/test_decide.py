"""decide: every Python decision as data — classes, column attributes, relationships, table arguments,
imports, enums, stand-ins — checked as values, not as printed text."""

from __future__ import annotations

from pathlib import Path

import pytest
from mdschema.codegen.decide import (
    CheckArg,
    ColumnAttr,
    ForeignKeyArg,
    ImportBlock,
    IndexArg,
    IndexPart,
    ModelClass,
    Package,
    PrimaryKeyArg,
    RelationshipAttr,
    StandInColumn,
    StandInTable,
    TableOptions,
    UniqueArg,
    decide_package,
)
from mdschema.codegen.options import RenderOptions
from mdschema.codegen.repositories import plan
from mdschema.config import load_config
from mdschema.errors import SpecError
from mdschema.schema import Schema
from support.models import render_project, schema_of, sql_doc

SQL = """
CREATE TYPE mood AS ENUM ('happy', 'sad');

CREATE TABLE person (
    id bigserial PRIMARY KEY,
    mentor_id bigint REFERENCES person(id) ON DELETE SET NULL,
    name varchar(100) NOT NULL,      -- Full name
    mood mood DEFAULT 'happy',
    metadata jsonb,
    counter serial,
    CONSTRAINT person_name_check CHECK (length(name) > 1)
);

CREATE TABLE pet (
    id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id bigint NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    vet_id bigint REFERENCES person(id),
    tag text UNIQUE,
    shout text GENERATED ALWAYS AS (upper(tag)) STORED,
    CONSTRAINT pet_tag_named UNIQUE (vet_id, tag)
);
CREATE INDEX pet_shout_idx ON pet (shout DESC NULLS LAST, tag text_pattern_ops) WHERE tag IS NOT NULL;

CREATE TABLE passport (
    person_id bigint PRIMARY KEY REFERENCES person(id),
    number text NOT NULL
);

CREATE TABLE visit (
    pet_id int,
    at date,
    PRIMARY KEY (pet_id, at),
    FOREIGN KEY (pet_id, at) REFERENCES visit_slot (pet_id, at)
);
CREATE TABLE visit_slot (pet_id int, at date, PRIMARY KEY (pet_id, at));
"""


@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory) -> tuple[Schema, Package]:
    root = tmp_path_factory.mktemp("decide")
    schema = schema_of(
        root, {"zoo.md": "# Zoo\n\n## person\n\nPeople.\n\n" + sql_doc(SQL)}, "repositories = true\n"
    )
    return schema, decide_package(schema, RenderOptions.from_config(load_config(root)))


def _class(package: Package, name: str) -> ModelClass:
    return next(c for m in package.models for c in m.classes if c.name == name)


def _column(cls: ModelClass, attribute: str) -> ColumnAttr:
    return next(c for c in cls.columns if c.attribute == attribute)


def _relationship(cls: ModelClass, attribute: str) -> RelationshipAttr:
    return next(r for r in cls.relationships if r.attribute == attribute)


def test_one_module_per_doc_with_its_classes_in_the_docs_order(decided: tuple[Schema, Package]) -> None:
    _, package = decided
    assert [(m.module, m.doc, [c.name for c in m.classes]) for m in package.models] == [
        ("zoo", "spec/zoo.md", ["Person", "Pet", "Passport", "Visit", "VisitSlot"])
    ]
    assert package.sources == "spec/zoo.md" and package.repositories and not package.session_layer


def test_column_attributes(decided: tuple[Schema, Package]) -> None:
    _, package = decided
    person = _class(package, "Person")
    assert person.docstring == "People." and person.table == "person"
    assert _column(person, "id") == ColumnAttr("id", "id", "int", "BigInteger", primary_key=True)
    assert _column(person, "name") == ColumnAttr("name", "name", "str", "String(100)", comment="Full name")
    assert _column(person, "mood") == ColumnAttr(
        "mood", "mood", "Mood | None", "MoodEnum", server_default="'happy'"
    )
    assert _column(person, "metadata_") == ColumnAttr("metadata_", "metadata", "Any | None", "JSONB")
    assert _column(person, "counter").autoincrement is True  # a serial that is not the key
    assert _column(person, "mentor_id").foreign_key == ForeignKeyArg(
        ("mentor_id",), ("person.id",), ondelete="SET NULL"
    )
    pet = _class(package, "Pet")
    assert _column(pet, "id") == ColumnAttr("id", "id", "int", "Integer", identity="always", primary_key=True)
    assert _column(pet, "shout").computed == "upper(tag)"
    assert _column(pet, "tag").unique  # a one-column unique with PostgreSQL's own name: inline
    assert _column(_class(package, "Passport"), "person_id").autoincrement is False
    visit = _class(package, "Visit")
    assert [(c.attribute, c.primary_key, c.nullable) for c in visit.columns] == [
        ("pet_id", False, False),
        ("at", False, False),
    ]


def test_table_arguments(decided: tuple[Schema, Package]) -> None:
    _, package = decided
    assert _class(package, "Person").table_args == (
        CheckArg("length(name) > 1", "person_name_check"),
        TableOptions("People."),
    )
    assert _class(package, "Pet").table_args == (
        UniqueArg(("vet_id", "tag"), "pet_tag_named"),
        IndexArg(
            "pet_shout_idx",
            (IndexPart(text="shout DESC NULLS LAST"), IndexPart(column="tag")),
            ops=(("tag", "text_pattern_ops"),),
            where="tag IS NOT NULL",
        ),
    )
    assert _class(package, "Visit").table_args == (
        PrimaryKeyArg(("pet_id", "at")),
        ForeignKeyArg(("pet_id", "at"), ("visit_slot.pet_id", "visit_slot.at")),
    )


def test_relationships_both_sides(decided: tuple[Schema, Package]) -> None:
    _, package = decided
    person, pet = _class(package, "Person"), _class(package, "Pet")
    # a self-reference: remote_side; two FKs from pet to person: foreign_keys on both sides
    assert _relationship(person, "mentor") == RelationshipAttr(
        "mentor",
        "Person",
        "Person | None",
        "mentor_people",
        foreign_keys=("Person.mentor_id",),
        remote_side=("Person.id",),
    )
    assert _relationship(person, "mentor_people").annotation == "list[Person]"
    # the parent side deletes like the FK says: SET NULL → passive; CASCADE on a NOT NULL key → delete
    # and delete-orphan, passive; NO ACTION → "all" (the database refuses)
    assert _relationship(person, "mentor_people").passive_deletes is True
    assert _relationship(person, "mentor_people").cascade is None
    assert _relationship(person, "owner_pets").cascade == "all, delete-orphan"
    assert _relationship(person, "owner_pets").passive_deletes is True
    assert _relationship(person, "vet_pets").passive_deletes == "all"
    assert _relationship(person, "vet_pets").cascade is None
    assert _relationship(pet, "owner").passive_deletes is False  # the child side never
    assert _relationship(pet, "owner") == RelationshipAttr(
        "owner", "Person", "Person", "owner_pets", foreign_keys=("Pet.owner_id",)
    )
    assert _relationship(person, "owner_pets").annotation == "list[Pet]"
    # a unique FK is one-to-one: no list, uselist=False on the parent
    assert _relationship(person, "passport") == RelationshipAttr(
        "passport", "Passport", "Passport | None", "person", uselist=False, passive_deletes="all"
    )
    assert [r.attribute for r in person.relationships] == sorted(r.attribute for r in person.relationships)


def test_imports_are_decided_with_the_module(decided: tuple[Schema, Package]) -> None:
    _, package = decided
    (module,) = package.models
    names = dict(module.imports.names)
    assert names["__future__"] == ("annotations",)
    assert names[".enums"] == ("Mood", "MoodEnum")
    assert {"Computed", "Identity", "ForeignKey", "ForeignKeyConstraint", "Index", "text"} <= set(
        names["sqlalchemy"]
    )
    assert module.imports.modules == ("datetime",)
    assert module.type_checking == ImportBlock()  # every related class is in this module
    assert package.enums is not None and [
        (e.variable, e.python, e.labels, e.members) for e in package.enums.enums
    ] == [("MoodEnum", "Mood", ("happy", "sad"), ("HAPPY", "SAD"))]
    assert set(package.init.exports) >= {"Base", "ddl", "Mood", "MoodEnum", "Person", "VisitSlot"}


def test_repositories_reuse_the_decided_names(decided: tuple[Schema, Package]) -> None:
    schema, package = decided
    plans, imports, skipped = plan(schema, package)
    by_table = {p.table: p for p in plans}
    assert skipped == [] and imports == {"zoo": {c.name: c.name for c in package.models[0].classes}}
    person = _class(package, "Person")
    assert by_table["person"].model == person.name
    assert [(k.attr, k.annotation) for k in by_table["person"].primary_key] == [("id", "int")]
    # the attribute and annotation are the model's own, e.g. metadata → metadata_
    pet = by_table["pet"]
    assert [lk.method for lk in pet.get_by] == ["get_by_tag", "get_by_vet_id_and_tag"]
    (tag,) = pet.get_by[0].params
    assert (tag.attr, tag.annotation) == (_column(_class(package, "Pet"), "tag").attribute, "str | None")


def test_a_configured_class_name_reaches_models_relationships_and_repositories(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE session (id int PRIMARY KEY);\n"
        "CREATE TABLE note (id int PRIMARY KEY, session_id int REFERENCES session(id));"
    )
    schema = schema_of(tmp_path, {"doc.md": sql_doc(sql)}, 'class_names = { session = "ChatSession" }\n')
    package = decide_package(schema, RenderOptions.from_config(load_config(tmp_path)))
    assert _relationship(_class(package, "Note"), "session").target == "ChatSession"
    plans, _, _ = plan(schema, package)
    assert [p.name for p in plans] == ["ChatSessionRepository", "NoteRepository"]


def test_naming_clashes_stop_decisions(tmp_path: Path) -> None:
    sql = "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY);"
    schema = schema_of(tmp_path, {"doc.md": sql_doc(sql)})
    with pytest.raises(SpecError) as exc:
        decide_package(schema, RenderOptions(class_names=(("b", "A"),)))
    assert [d.code for d in exc.value.diagnostics] == ["E101"]


def test_stand_ins_for_external_and_unmanaged_tables(tmp_path: Path) -> None:
    """Key columns keep their real type: a timestamptz key crashed the generator when its SQL text was
    parsed back into a type."""
    sql = """
    CREATE TABLE t (
        id int PRIMARY KEY,
        user_id uuid REFERENCES users(id),
        slot_at timestamptz REFERENCES slots(at),
        event_id bigint REFERENCES events(id)
    );
    """
    tool = 'external_tables = { users = "keep_fk", slots = "keep_fk" }\nunmanaged_tables = ["events"]\n'
    schema = schema_of(tmp_path, {"doc.md": sql_doc(sql)}, tool)
    package = decide_package(schema, RenderOptions.from_config(load_config(tmp_path)))
    assert package.external is not None
    assert package.external.tables == (
        StandInTable("slots_table", "slots", (StandInColumn("at", "DateTime(timezone=True)"),), "slots"),
        StandInTable("users_table", "users", (StandInColumn("id", "Uuid"),), "users"),
        StandInTable("events_table", "events", (StandInColumn("id", "BigInteger"),), "events"),
    )
    assert package.ddl.external == (("slots", "keep_fk"), ("users", "keep_fk"))
    assert package.ddl.unmanaged == ("events",)
    compile(render_project(tmp_path)["external.py"], "external.py", "exec")


@pytest.mark.parametrize(
    ("sql_type", "expected"),
    [
        ("interval", "INTERVAL"),
        ("interval(3)", "INTERVAL(precision=3)"),
        ("interval day to second(2)", 'INTERVAL(fields="day to second", precision=2)'),
        ("interval hour", 'INTERVAL(fields="hour")'),
        ("timestamp(3) with time zone", "TIMESTAMP(timezone=True, precision=3)"),
        ("time(2)", "TIME(timezone=False, precision=2)"),
        ("timestamptz", "DateTime(timezone=True)"),
        ("numeric(8,2)", "Numeric(8, 2)"),
        ("varchar(20)[]", "ARRAY(String(20))"),
        ("vector(3)", "Vector(3)"),
    ],
)
def test_sql_types(tmp_path: Path, sql_type: str, expected: str) -> None:
    schema = schema_of(tmp_path, {"doc.md": sql_doc(f"CREATE TABLE t (id int PRIMARY KEY, v {sql_type});")})
    package = decide_package(schema, RenderOptions())
    assert _column(_class(package, "T"), "v").sql_type == expected
