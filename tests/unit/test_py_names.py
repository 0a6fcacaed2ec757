"""py_names: the Python names mdschema gives, and the clashes between them reported as diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest
from mdschema.cli import main
from mdschema.codegen.options import RenderOptions
from mdschema.codegen.py_names import (
    RESERVED_MODULES,
    attr_name,
    class_name,
    column_stem,
    default_module,
    fk_stem,
    name_schema,
)
from mdschema.config import load_config
from support.models import errors_of, make_project, schema_of, sql_doc


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("story", "Story"),
        ("life_event_trauma", "LifeEventTrauma"),
        ("Order", "Order"),
        ("2fa_code", "T2faCode"),
        ("class", "Class"),
        ("base", "BaseModel"),
        ("any", "AnyModel"),
        ("mapped", "MappedModel"),
        ("my-table name", "MyTableName"),
        ("___", "Table"),
    ],
)
def test_class_name(table: str, expected: str) -> None:
    assert class_name(table) == expected
    assert class_name(table).isidentifier()


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("name", "name"),
        ("metadata", "metadata_"),
        ("registry", "registry_"),
        ("query", "query_"),
        ("class", "class_"),
        ("from", "from_"),
        ("type", "type"),  # a soft keyword only from Python 3.12: names must not depend on the interpreter
        ("match", "match_"),
        ("Mixed Case", "Mixed_Case"),
        ("1st", "c_1st"),
        ("__init__", "c__init__"),
        ("naïve", "na_ve"),
        ("text", "text_"),  # would shadow server_default=text(...) in the class body
        ("MoodEnum", "MoodEnum_"),  # would shadow an enum type of enums.py
    ],
)
def test_attr_name(column: str, expected: str) -> None:
    assert attr_name(column) == expected
    assert attr_name(column).isidentifier()


def test_attr_name_does_not_depend_on_the_interpreters_soft_keywords(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyword

    # What Python 3.12+ says; the generated attribute must stay the same as under 3.11.
    monkeypatch.setattr(keyword, "issoftkeyword", frozenset({"_", "case", "match", "type"}).__contains__)
    monkeypatch.setattr(keyword, "softkwlist", ["_", "case", "match", "type"])
    assert attr_name("type") == "type"
    assert attr_name("match") == "match_"


def test_stems() -> None:
    assert [fk_stem(c) for c in ("author_id", "owner_uuid", "parent_fk", "api_key", "mentor", "_id")] == [
        "author",
        "owner",
        "parent",
        "api",
        "mentor_ref",
        "_id_ref",
    ]
    assert [column_stem(c) for c in ("user_id", "tenant", "_id")] == ["user", "tenant", "_id"]


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("story", "story"),
        ("My Doc", "my_doc"),
        ("2024 plan", "doc_2024_plan"),
        ("class", "class_models"),
        ("-", "doc"),
        *(
            (name, name.strip("_") + ("_models" if name != "__init__" else ""))
            for name in sorted(RESERVED_MODULES)
        ),
    ],
)
def test_default_module_avoids_keywords_and_every_reserved_module(stem: str, expected: str) -> None:
    module = default_module(stem)
    assert module == expected
    assert module.isidentifier() and module not in RESERVED_MODULES


def test_reserved_modules_are_exactly_the_files_the_package_writes_itself() -> None:
    assert RESERVED_MODULES == {
        "__init__",
        "base",
        "db",
        "ddl",
        "enums",
        "external",
        "repositories",
        "schemas",
        "views",
    }


# ---- clashes, as diagnostics ----------------------------------------------------------------------------


def test_two_tables_one_class_name_is_e101(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        {"doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY);")},
        'class_names = { b = "A" }\n',
    )
    assert [(str(e.span), e.code) for e in errors] == [("spec/doc.md:3", "E101")]
    assert errors[0].message == "tables a and b both become class A"
    assert errors[0].hint == 'set [tool.mdschema.class_names] b = "OtherName"'


def test_a_keyword_as_class_name_is_e101(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        {"doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);")},
        'class_names = { a = "class" }\n',
    )
    assert [(e.code, e.message) for e in errors] == [("E101", "class name class is a Python keyword")]


def test_two_columns_on_one_attribute_is_e108_at_the_second(tmp_path: Path) -> None:
    sql = 'CREATE TABLE t (\n  id int PRIMARY KEY,\n  "Mixed Case" text,\n  "Mixed_Case" text\n);'
    errors = errors_of(tmp_path, {"doc.md": sql_doc(sql)})
    assert [(str(e.span), e.code) for e in errors] == [("spec/doc.md:5", "E108")]
    assert (
        errors[0].message
        == "columns t.Mixed Case and t.Mixed_Case would both be the Python attribute Mixed_Case"
    )


def test_naming_problems_come_with_the_docs_own_errors(tmp_path: Path) -> None:
    """One run reports everything: an unknown FK target (spec) and a class clash (codegen) together."""
    sql = (
        "CREATE TABLE a (id int PRIMARY KEY, x_id int REFERENCES nowhere(id));\n"
        "CREATE TABLE b (id int PRIMARY KEY);"
    )
    errors = errors_of(tmp_path, {"doc.md": sql_doc(sql)}, 'class_names = { b = "A" }\n')
    assert sorted(e.code for e in errors) == ["E101", "E104"]


@pytest.mark.parametrize("module", sorted(RESERVED_MODULES - {"__init__"}))
def test_a_configured_module_on_a_reserved_name_is_e304_at_its_line(tmp_path: Path, module: str) -> None:
    tool = f'package = "generated"\n\n[tool.mdschema.modules]\ndoc = "{module}"\n'
    errors = errors_of(tmp_path, {"doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);")}, tool)
    assert [(str(e.span), e.code) for e in errors] == [("pyproject.toml:6", "E304")]
    assert f"modules.doc = {module!r} is not a usable module name: mdschema writes {module}.py itself" in (
        errors[0].message
    )


def test_an_inline_modules_table_is_found_on_its_line(tmp_path: Path) -> None:
    tool = 'session_layer = true\nmodules = { doc = "db", other = "x" }\n'
    errors = errors_of(tmp_path, {"doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);")}, tool)
    assert [(str(e.span), e.code) for e in errors] == [("pyproject.toml:4", "E304")]


def test_a_keyword_module_is_e304(tmp_path: Path) -> None:
    tool = '[tool.mdschema.modules]\ndoc = "class"\n'
    errors = errors_of(tmp_path, {"doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);")}, tool)
    assert [(e.code, e.message.endswith("it is a Python keyword")) for e in errors] == [("E304", True)]


def test_a_module_configured_as_db_is_never_overwritten_by_the_session_layer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It used to be: db.py held the models, then the session layer replaced it without a word."""
    root = make_project(
        tmp_path,
        {"doc.md": sql_doc("CREATE TABLE a (id int PRIMARY KEY);")},
        'session_layer = true\n\n[tool.mdschema.modules]\ndoc = "db"\n',
    )
    assert main(["-C", str(root), "generate"]) == 2
    err = capsys.readouterr().err
    assert (
        "pyproject.toml:6: error[E304]: [tool.mdschema] modules.doc = 'db' is not a usable module name" in err
    )
    assert not (root / "generated").exists()


def test_names_are_decided_per_doc_and_table(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "story.md": sql_doc("CREATE TABLE story (id int PRIMARY KEY);"),
            "base.md": sql_doc("CREATE TABLE x (id int PRIMARY KEY);"),
        },
        'class_names = { x = "Ex" }\n',
    )
    naming = name_schema(schema, RenderOptions.from_config(load_config(tmp_path)))
    assert naming.diagnostics == ()
    assert naming.names.modules == {"spec/base.md": "base_models", "spec/story.md": "story"}
    assert naming.names.classes == {"story": "Story", "x": "Ex"}


# ---- schemas other than public --------------------------------------------------------------------------

SCHEMAS_SQL = """CREATE SCHEMA app;
CREATE SCHEMA app_user;
CREATE TABLE notes (id int PRIMARY KEY);
CREATE TABLE app.notes (id int PRIMARY KEY);
CREATE TABLE app.user_accounts (id int PRIMARY KEY);
CREATE TABLE app_user.accounts (id int PRIMARY KEY);"""


def test_a_table_outside_public_is_prefixed_with_its_schema_and_a_clash_is_e101(tmp_path: Path) -> None:
    """Same name in two schemas: two classes. Two keys that still make one class: E101, whose hint is a
    TOML line that works (the dotted key quoted)."""
    errors = errors_of(tmp_path, {"doc.md": sql_doc(SCHEMAS_SQL)})
    assert [(str(e.span), e.code) for e in errors] == [("spec/doc.md:7", "E101")]
    assert (
        errors[0].message
        == "tables app.user_accounts and app_user.accounts both become class AppUserAccounts"
    )
    assert errors[0].hint == 'set [tool.mdschema.class_names] "app_user.accounts" = "OtherName"'


def test_class_names_takes_a_qualified_key(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path, {"doc.md": sql_doc(SCHEMAS_SQL)}, 'class_names = { "app_user.accounts" = "Account" }\n'
    )
    naming = name_schema(schema, RenderOptions.from_config(load_config(tmp_path)))
    assert naming.diagnostics == ()
    assert naming.names.classes == {
        "notes": "Notes",
        "app.notes": "AppNotes",
        "app.user_accounts": "AppUserAccounts",
        "app_user.accounts": "Account",
    }
