"""Relationship names in the plural, by inflect, and renamed per relationship in [tool.mdschema]."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mdschema.codegen.inflection import plural, singular
from support.models import errors_of, make_project, render_project, sql_doc


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        # what the hand-made rule got wrong in the repository's own models, and the examples
        ("archetype_analysis", "archetype_analyses"),
        ("collection_synthesis", "collection_syntheses"),
        ("child", "children"),
        ("person", "people"),
        ("life_event_media", "life_event_media"),
        ("user_feedback", "user_feedback"),
        # regular and irregular nouns, on the last word only
        ("story", "stories"),
        ("key", "keys"),
        ("box", "boxes"),
        ("match", "matches"),
        ("day", "days"),
        ("session_status", "session_statuses"),
        ("address", "addresses"),
        ("alias", "aliases"),
        ("leaf", "leaves"),
        ("mouse", "mice"),
        ("criterion", "criteria"),
        ("thesis", "theses"),
        # already plural, or without a plural: unchanged
        ("messages", "messages"),
        ("chunks", "chunks"),
        ("ideas", "ideas"),
        ("people", "people"),
        ("children", "children"),
        ("analyses", "analyses"),
        ("data", "data"),
        ("series", "series"),
        ("news", "news"),
        # -us: plurals of words in -u stay; the singulars in -us get their plural
        ("menus", "menus"),
        ("user_menus", "user_menus"),
        ("menu", "menus"),
        ("campus", "campuses"),
        ("bonus", "bonuses"),
        ("virus", "viruses"),
        ("bus", "buses"),
    ],
)
def test_plural_of_tricky_words(table: str, expected: str) -> None:
    assert plural(table) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Users", "User"),
        ("Categories", "Category"),
        ("Addresses", "Address"),
        ("Statuses", "Status"),
        ("Status", "Status"),
        ("Courses", "Course"),
        ("StoryAnalyses", "StoryAnalysis"),
        ("StoryAnalysis", "StoryAnalysis"),
        ("People", "Person"),
        ("Children", "Child"),
        ("Aliases", "Alias"),
        ("News", "News"),
        ("Menus", "Menu"),
        ("Campus", "Campus"),
        ("Bonuses", "Bonus"),
        ("StorytellerSession", "StorytellerSession"),
    ],
)
def test_singular_of_class_names(name: str, expected: str) -> None:
    assert singular(name) == expected


def test_inflect_is_imported_without_leaving_typeguard_behind() -> None:
    plural("story")
    assert "inflect" in sys.modules
    assert "typeguard" not in sys.modules or hasattr(sys.modules["typeguard"], "check_type")


PARENT_CHILD = sql_doc(
    """
    CREATE TABLE person (id int PRIMARY KEY);
    CREATE TABLE child (
      id int PRIMARY KEY,
      person_id int NOT NULL REFERENCES person(id),
      guardian_id int REFERENCES person(id)
    );
    CREATE TABLE archetype_analysis (id int PRIMARY KEY, person_id int REFERENCES person(id));
    """
)


def test_generated_relationships_use_real_plurals(tmp_path: Path) -> None:
    make_project(tmp_path, {"doc.md": PARENT_CHILD})
    source = render_project(tmp_path)["doc.py"]
    assert "archetype_analyses: Mapped[list[ArchetypeAnalysis]]" in source
    assert "person_children: Mapped[list[Child]]" in source
    assert "guardian_children: Mapped[list[Child]]" in source
    assert "ises" not in source and "childs" not in source


def test_a_relationship_is_renamed_on_both_sides(tmp_path: Path) -> None:
    tool = '[tool.mdschema.relationship_names]\n"person.person_children" = "kids"\n'
    tool += '"child.guardian" = "carer"\n'
    make_project(tmp_path, {"doc.md": PARENT_CHILD}, tool)
    source = render_project(tmp_path)["doc.py"]
    assert "kids: Mapped[list[Child]]" in source
    assert "carer: Mapped[Person | None]" in source
    assert 'relationship(back_populates="kids"' in source
    assert 'back_populates="carer"' in source
    assert "person_children" not in source and "guardian:" not in source


def test_renaming_an_unknown_relationship_is_e308_at_its_line(tmp_path: Path) -> None:
    tool = '\n[tool.mdschema.relationship_names]\n"person.childs" = "kids"\n'
    errors = errors_of(tmp_path, {"doc.md": PARENT_CHILD}, tool)
    assert [(str(e.span), e.code) for e in errors] == [("pyproject.toml:4", "E308")]
    assert "person.childs is not a relationship mdschema generates" in errors[0].message
    assert "person.archetype_analyses" in errors[0].hint and "person.person_children" in errors[0].hint


def test_renaming_onto_a_column_or_another_relationship_is_e308(tmp_path: Path) -> None:
    tool = (
        "\n[tool.mdschema.relationship_names]\n"
        '"child.guardian" = "person_id"\n'
        '"person.person_children" = "archetype_analyses"\n'
    )
    errors = errors_of(tmp_path, {"doc.md": PARENT_CHILD}, tool)
    assert sorted((str(e.span), e.code) for e in errors) == [
        ("pyproject.toml:4", "E308"),
        ("pyproject.toml:5", "E308"),
    ]
    messages = sorted(e.message for e in errors)
    assert "would be the same attribute as column child.person_id" in messages[0]
    assert "would be the same attribute as relationship person.archetype_analyses" in messages[1]


def test_a_relationship_name_that_is_not_an_attribute_is_e302(tmp_path: Path) -> None:
    tool = '\n[tool.mdschema.relationship_names]\n"person.person_children" = "2kids"\nchild = "x"\n'
    errors = errors_of(tmp_path, {"doc.md": PARENT_CHILD}, tool)
    assert [e.code for e in errors] == ["E302", "E302"]
    assert any("must be TABLE.ATTRIBUTE" in e.message for e in errors)
    assert any("'2kids' is not a Python attribute name" in e.message for e in errors)


def test_renaming_onto_a_name_the_class_reserves_is_e308(tmp_path: Path) -> None:
    tool = '[tool.mdschema.relationship_names]\n"child.guardian" = "metadata"\n'
    errors = errors_of(tmp_path, {"doc.md": PARENT_CHILD}, tool)
    assert [(str(e.span), e.code) for e in errors] == [("pyproject.toml:4", "E308")]
    assert "'metadata' is reserved in a model class" in errors[0].message
    assert errors[0].hint == "choose another name, e.g. 'metadata_'"
