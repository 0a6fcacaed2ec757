"""locate: any subject (of a change or a hazard) maps back to its doc line, without parsing a string."""

from __future__ import annotations

from pathlib import Path

import pytest
from mdschema.catalog.diff import Subject
from mdschema.locate import NOT_IN_DOCS, locate, where
from mdschema.schema import Schema
from support.models import schema_of

DOC = """
# Shop

```sql
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
```

## product

A product.

```sql
CREATE TABLE product (
    id INTEGER PRIMARY KEY,
    "odd.name" TEXT,
    code TEXT UNIQUE,
    feeling mood,
    CONSTRAINT product_code_check CHECK (code <> '')
);
CREATE INDEX product_code_idx ON product (code);
CREATE TRIGGER product_touch BEFORE UPDATE ON product FOR EACH ROW EXECUTE FUNCTION touch();
```
"""


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Schema:
    return schema_of(tmp_path_factory.mktemp("locate"), {"shop.md": DOC})


def line_of(needle: str) -> str:
    lines = DOC.lstrip("\n").splitlines()
    (number,) = [i for i, line in enumerate(lines, 1) if needle in line]
    return f"spec/shop.md:{number}"


@pytest.mark.parametrize(
    ("subject", "needle"),
    [
        (Subject("extension", None, "vector"), "CREATE EXTENSION"),
        (Subject("enum", None, "mood"), "CREATE TYPE mood"),
        (Subject("function", None, "touch()"), "CREATE FUNCTION touch"),
        (Subject("table", None, "product"), "CREATE TABLE product"),
        (Subject("column", "product", "code"), "code TEXT UNIQUE"),
        (Subject("column", "product", "odd.name"), '"odd.name" TEXT'),  # a dot in a name is just a dot
        (Subject("column", "product", "gone"), "CREATE TABLE product"),  # not in the docs: its table
        (Subject("constraint", "product", "product_code_check"), "CONSTRAINT product_code_check"),
        (Subject("index", "product", "product_code_idx"), "CREATE INDEX product_code_idx"),
        (Subject("trigger", "product", "product_touch"), "CREATE TRIGGER product_touch"),
    ],
)
def test_locate(schema: Schema, subject: Subject, needle: str) -> None:
    span = locate(schema, subject)
    assert span is not None and str(span) == line_of(needle) == where(schema, subject)


@pytest.mark.parametrize(
    "subject",
    [
        Subject("table", None, "extra"),
        Subject("column", "extra", "id"),
        Subject("enum", None, "gone"),
        Subject("extension", None, "pg_trgm"),
        Subject("function", None, "nope()"),
    ],
)
def test_not_in_the_docs(schema: Schema, subject: Subject) -> None:
    assert locate(schema, subject) is None
    assert where(schema, subject) == NOT_IN_DOCS


def test_subjects_print_as_before() -> None:
    assert str(Subject("column", "product", "code")) == "column product.code"
    assert str(Subject("table", None, "product")) == "table product"
    assert str(Subject("function", None, "touch()")) == "function touch()"


def test_span_needs_no_server(tmp_path: Path) -> None:  # the schema is read offline
    assert schema_of(tmp_path, {"shop.md": DOC}).table("product") is not None
