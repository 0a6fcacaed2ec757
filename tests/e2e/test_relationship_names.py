"""The repository's own generated/ with real plurals: the renamed relationships exist, map to the right
classes and sides, and load real rows from PostgreSQL."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from mdschema.migrations.env import load_package
from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parents[2]

# (class, attribute, the name the hand-made rule gave, target class, back_populates): CHANGELOG.md's list
RENAMED = [
    ("Collection", "archetype_analyses", "archetype_analysises", "ArchetypeAnalysis", "collection"),
    ("Collection", "collection_syntheses", "collection_synthesises", "CollectionSynthesis", "collection"),
    (
        "ArchetypeAnalysis",
        "previous_analysis_archetype_analyses",
        "previous_analysis_archetype_analysises",
        "ArchetypeAnalysis",
        "previous_analysis",
    ),
    ("ProcessSection", "session_syntheses", "session_synthesises", "SessionSynthesis", "section"),
    ("StorytellerSession", "session_syntheses", "session_synthesises", "SessionSynthesis", "session"),
    ("Story", "archetype_analyses", "archetype_analysises", "ArchetypeAnalysis", "story"),
    ("Storyteller", "archetype_analyses", "archetype_analysises", "ArchetypeAnalysis", "storyteller"),
    ("Storyteller", "user_feedback", "user_feedbacks", "UserFeedback", "storyteller"),
    ("LifeEvent", "life_event_media", "life_event_medias", "LifeEventMedia", "life_event"),
]


@pytest.fixture(scope="module")
def models() -> Iterator[ModuleType]:
    saved = {n: m for n, m in sys.modules.items() if n == "generated" or n.startswith("generated.")}
    try:
        yield load_package(REPO, "generated", fresh=True)
    finally:
        for name in [n for n in sys.modules if n == "generated" or n.startswith("generated.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def test_no_hand_made_plural_is_left_in_generated(models: ModuleType) -> None:
    names = {rel.key for mapper in models.Base.registry.mappers for rel in mapper.relationships}
    assert len(names) > 90
    bad = sorted(n for n in names if re.search(r"(ises|childs|persons|medias|feedbacks)$", n))
    assert bad == []


@pytest.mark.parametrize(("cls", "attr", "old", "target", "back"), RENAMED)
def test_renamed_relationships_exist_and_map(
    models: ModuleType, cls: str, attr: str, old: str, target: str, back: str
) -> None:
    mapper = inspect(getattr(models, cls))
    assert old not in mapper.attrs
    rel = mapper.relationships[attr]
    assert rel.mapper.class_ is getattr(models, target)
    assert rel.uselist is True
    assert rel.back_populates == back
    assert inspect(getattr(models, target)).relationships[back].back_populates == attr


def test_renamed_relationships_load_real_rows(models: ModuleType, pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        models.Base.metadata.create_all(engine)
        with Session(engine) as session:
            teller = models.Storyteller()
            collection = models.Collection(collection_name="The Navy years", storyteller=teller)
            first = models.ArchetypeAnalysis(
                analysis_number=1,
                candidate_archetypes=[],
                refinement_status="initial",
                storyteller=teller,
                collection=collection,
            )
            second = models.ArchetypeAnalysis(
                analysis_number=2,
                candidate_archetypes=[],
                refinement_status="refined",
                storyteller=teller,
                previous_analysis=first,
            )
            event = models.LifeEvent(event_name="Enlisted", storyteller=teller)
            event.life_event_media.append(models.LifeEventMedia(file_url="s3://photo.jpg"))
            session.add_all([teller, collection, first, second, event])
            session.commit()
            ids = teller.id, collection.id, first.id, event.id
        with Session(engine) as session:
            teller = session.get(models.Storyteller, ids[0])
            assert sorted(a.analysis_number for a in teller.archetype_analyses) == [1, 2]
            collection = session.get(models.Collection, ids[1])
            assert [a.analysis_number for a in collection.archetype_analyses] == [1]
            first = session.get(models.ArchetypeAnalysis, ids[2])
            assert [a.analysis_number for a in first.previous_analysis_archetype_analyses] == [2]
            event = session.get(models.LifeEvent, ids[3])
            assert [m.file_url for m in event.life_event_media] == ["s3://photo.jpg"]
    finally:
        engine.dispose()
