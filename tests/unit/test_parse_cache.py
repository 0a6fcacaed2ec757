"""The per-doc parse cache (`spec.parse_cache`): a doc whose bytes changed is never served from it, what
it serves is exactly what reading the doc gives (records, spans, warnings, errors), and an entry that
does not verify, or was made by other code, is read again from the doc."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mdschema.config import load_config
from mdschema.errors import Collector, SpecError
from mdschema.spec import parse_cache
from mdschema.spec.load import load_schema
from mdschema.spec.markdown import read_doc
from mdschema.spec.statements import parse_docs

REPO = Path(__file__).resolve().parents[2]
PROJECTS = [REPO, *sorted(p for p in (REPO / "examples").iterdir() if (p / "pyproject.toml").is_file())]

DOC = """# Shop

## customer

People who buy.

```sql
CREATE TABLE customer (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,  -- Where receipts go
    name VARCHAR(80)
);
INSERT INTO customer (email) VALUES ('a@example.com');
```

```sql
-- nothing but a comment
```
"""


def _project(tmp_path: Path, docs: dict[str, str]) -> Path:
    root = tmp_path / "shop"
    (root / "spec").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.mdschema]\ndocs = ["spec/*.md"]\npackage = "generated"\n')
    for name, text in docs.items():
        (root / "spec" / name).write_text(text)
    return root


def _entries(root: Path) -> list[Path]:
    return sorted((root / ".mdschema" / "cache").glob("parse-*.json"))


def _columns(root: Path) -> dict[str, str]:
    schema = load_schema(load_config(root), cache=True).schema
    return {c.name: c.type.sql for t in schema.tables for c in t.columns}


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_served_records_are_exactly_what_reading_the_docs_gives(tmp_path: Path, root: Path) -> None:
    copy = tmp_path / root.name
    skip = shutil.ignore_patterns(".mdschema", "generated", "alembic", "__pycache__", ".venv", "tests")
    if root == REPO:
        shutil.copytree(root / "spec", copy / "spec", ignore=skip)
        shutil.copy2(root / "pyproject.toml", copy / "pyproject.toml")
    else:
        shutil.copytree(root, copy, ignore=skip)
    config = load_config(copy)
    fresh = load_schema(config, cache=False)
    assert not (copy / ".mdschema" / "cache").exists() or not _entries(copy)
    first = load_schema(config, cache=True)  # reads every doc, stores each
    assert len(_entries(copy)) == len(config.doc_paths())
    served = load_schema(config, cache=True)  # every doc from the cache
    assert first == fresh and served == fresh
    # record for record, the doc objects included
    docs = [read_doc(p, config.rel(p)) for p in config.doc_paths()]
    expected = parse_docs(docs, Collector())
    cache = parse_cache.ParseCache(copy)
    for doc, path in zip(docs, config.doc_paths(), strict=True):
        hit = cache.load(parse_cache.doc_key(doc.path, path.read_bytes()))
        assert hit is not None and hit[0] == doc
        assert [t for t in hit[1]["tables"]] == [t for t in expected.tables if t.doc.path == doc.path]


def test_a_changed_doc_is_never_served_from_the_cache(tmp_path: Path) -> None:
    root = _project(tmp_path, {"shop.md": DOC})
    assert _columns(root)["name"] == "character varying(80)"
    # same length, one character different: a cache keyed by size or mtime would serve the old one
    (root / "spec" / "shop.md").write_text(DOC.replace("VARCHAR(80)", "VARCHAR(81)"))
    assert _columns(root)["name"] == "character varying(81)"
    # and back: the first entry is served again, for the bytes it was made from
    (root / "spec" / "shop.md").write_text(DOC)
    assert _columns(root)["name"] == "character varying(80)"
    assert len(_entries(root)) == 2


def test_warnings_and_notes_are_replayed_with_their_lines(tmp_path: Path) -> None:
    root = _project(tmp_path, {"shop.md": DOC})
    config = load_config(root)
    fresh = load_schema(config, cache=False).warnings
    assert {d.code for d in fresh} == {"W301", "N201"}
    load_schema(config, cache=True)
    assert _entries(root)
    assert load_schema(config, cache=True).warnings == fresh


def test_a_failing_load_writes_nothing_and_reads_the_same_errors(tmp_path: Path) -> None:
    broken = DOC.replace("name VARCHAR(80)", "name VARCHAR(80),\n    shop_id BIGINT REFERENCES shop(id)")
    good = DOC.replace("# Shop", "# Other").replace("customer", "supplier")
    root = _project(tmp_path, {"shop.md": broken, "other.md": good})
    config = load_config(root)
    runs = []
    for cache in (False, True, True):
        with pytest.raises(SpecError) as caught:
            load_schema(config, cache=cache)
        runs.append(caught.value.diagnostics)
    assert runs[0] and runs[0] == runs[1] == runs[2]
    assert any(d.code == "E104" for d in runs[0]), runs[0]
    assert not (root / ".mdschema").exists()  # not even the good doc's entry: nothing written


def test_an_entry_made_by_other_code_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, {"shop.md": DOC})
    assert _columns(root)["name"] == "character varying(80)"
    content = (root / "spec" / "shop.md").read_bytes()
    key = parse_cache.doc_key("spec/shop.md", content)
    assert parse_cache.ParseCache(root).load(key) is not None
    monkeypatch.setattr(parse_cache, "code_key", lambda: "another mdschema")
    other = parse_cache.doc_key("spec/shop.md", content)
    assert other != key and parse_cache.ParseCache(root).load(other) is None
    # the entry of the other code holds a wrong record: it must not be found under this code's key
    assert "VARCHAR(80)" in (root / ".mdschema" / "cache" / f"parse-{key[:40]}.json").read_text()


@pytest.mark.parametrize("damage", ["flip", "truncate", "swap key", "foreign record"])
def test_a_damaged_entry_is_read_again_from_the_doc(tmp_path: Path, damage: str) -> None:
    root = _project(tmp_path, {"shop.md": DOC})
    expected = _columns(root)
    (entry,) = _entries(root)
    data = entry.read_bytes()
    if damage == "flip":
        data = data.replace(b"VARCHAR(80)", b"VARCHAR(99)")
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "swap key":
        data = data.replace(entry.name[6:16].encode(), b"0" * 10, 1)
    else:  # a record type the decoder must refuse (not a spec record), re-signed by nobody
        data = data.replace(b'{"Span"', b'{"Path"', 1)
    entry.write_bytes(data)
    assert _columns(root) == expected
