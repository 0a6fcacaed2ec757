"""Golden tests: tests/golden/models/<case>/spec → generated package, compared file by file with expected/.

Regenerate the expected trees after an intended change of the generated code:

    MDSCHEMA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden/test_golden_models.py

Every case's package is also imported in a subprocess, mapped (configure_mappers) and created on a fresh
PostgreSQL database; the catalog it leaves must equal the one PostgreSQL builds from the docs' own SQL.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from mdschema.cli import main
from mdschema.codegen.decide import decide_package
from mdschema.codegen.options import RenderOptions
from mdschema.config import load_config
from mdschema.database import connect
from mdschema.schema import Schema
from mdschema.spec.load import load_schema
from mdschema.spec.markdown import read_doc
from support.models import REPO, UPDATE_ENV, VENV_BIN, updating

GOLDEN = Path(__file__).resolve().parent / "models"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "spec").is_dir())
REGENERATE = f"{UPDATE_ENV}=1 .venv/bin/pytest tests/golden/test_golden_models.py"


def test_the_cases_are_there() -> None:
    assert CASES == ["basic", "enums_vector", "hostile", "relationships", "sqlmodel"]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case copied to a temporary project and generated there with the real CLI."""
    out: dict[str, Path] = {}
    for case in CASES:
        root = tmp_path_factory.mktemp(case)
        shutil.copy(GOLDEN / case / "pyproject.toml", root / "pyproject.toml")
        shutil.copytree(GOLDEN / case / "spec", root / "spec")
        assert main(["-C", str(root), "generate"]) == 0
        out[case] = root
    return out


def _py_files(folder: Path) -> dict[str, str]:
    return (
        {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py"))}
        if folder.is_dir()
        else {}
    )


@pytest.mark.parametrize("case", CASES)
def test_generated_tree_matches_expected(case: str, projects: dict[str, Path]) -> None:
    got = _py_files(projects[case] / "generated")
    expected_dir = GOLDEN / case / "expected"
    if updating():
        shutil.rmtree(expected_dir, ignore_errors=True)
        expected_dir.mkdir()
        for name, text in got.items():
            (expected_dir / name).write_text(text, encoding="utf-8")
        return
    expected = _py_files(expected_dir)
    assert sorted(got) == sorted(expected), f"generated files differ in name; if intended: {REGENERATE}"
    for name in sorted(got):
        assert got[name] == expected[name], (
            f"tests/golden/models/{case}/expected/{name} differs from what the generator writes; "
            f"if the change is intended, regenerate with: {REGENERATE}"
        )


def test_generation_is_idempotent(projects: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    for root in projects.values():
        capsys.readouterr()
        assert main(["-C", str(root), "generate"]) == 0
        assert "(0 written, 0 removed" in capsys.readouterr().out
        assert main(["-C", str(root), "check", "--offline", "--no-cache"]) == 0


# ---- the generated code is clean Python --------------------------------------------------------------


def test_expected_trees_pass_ruff() -> None:
    trees = [str(GOLDEN / case / "expected") for case in CASES]
    ruff = str(VENV_BIN / "ruff")
    check = subprocess.run([ruff, "check", "--no-cache", *trees], capture_output=True, text=True, cwd=REPO)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run(
        [ruff, "format", "--check", "--no-cache", *trees], capture_output=True, text=True, cwd=REPO
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.parametrize("case", CASES)
def test_expected_tree_passes_mypy(case: str, tmp_path: Path) -> None:
    # Each tree is the package `generated`; mypy checks it under that name, in its own folder.
    shutil.copytree(GOLDEN / case / "expected", tmp_path / "generated")
    result = subprocess.run(
        [
            str(VENV_BIN / "mypy"),
            "--strict",
            "--cache-dir",
            str(REPO / ".mypy_cache"),
            "--python-version",
            "3.11",
            "--ignore-missing-imports",
            "--no-error-summary",
            "generated",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---- the hostile case cannot inject code --------------------------------------------------------------


def test_hostile_comments_inject_nothing() -> None:
    source = (GOLDEN / "hostile" / "expected" / "hostile.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            assert not (isinstance(func, ast.Attribute) and func.attr == "system"), ast.unparse(node)
        assert not (isinstance(node, ast.Import) and any(a.name == "os" for a in node.names))
    assert "import os" not in source.replace("; import os; os.system(", "")  # only inside string literals
    module_level = [
        n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom, ast.ClassDef, ast.If))
    ]
    assert len(module_level) == 1 and isinstance(module_level[0], ast.Expr)  # just the module docstring
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert [c.name for c in classes] == ["Widget", "Order"]
    for cls in classes:  # a docstring, __tablename__, __table_args__, annotated attributes: nothing else
        for stmt in cls.body[1:]:
            assert isinstance(stmt, (ast.Assign, ast.AnnAssign)), ast.unparse(stmt)


# ---- on PostgreSQL ---------------------------------------------------------------------------------

SCRIPT = r"""
import json, sys
import sqlalchemy as sa
from sqlalchemy import orm
import generated
from generated import Base

url, case = sys.argv[1], sys.argv[2]
orm.configure_mappers()
engine = sa.create_engine(url)
Base.metadata.create_all(engine)
out = {
    "file": generated.__file__,
    "classes": sorted(m.class_.__name__ for m in Base._sa_registry.mappers),  # SQLModel's Base too
    "comments": {
        t.name: [t.comment, {c.name: c.comment for c in t.columns}] for t in Base.metadata.tables.values()
    },
}
if case == "relationships":
    from generated import Author, AuthorProfile, Book, ShelfCopy
    with orm.Session(engine) as s:
        ursula = Author(name="Ursula")
        octavia = Author(name="Octavia", mentor=ursula)
        book = Book(title="The Dispossessed", author=ursula, editor=octavia, isbn="9780060512750", edition=1)
        s.add_all([ursula, octavia, book, AuthorProfile(author=ursula, bio="Anarres"),
                   ShelfCopy(book=book, copy_no=1, shelf="A1"), ShelfCopy(book=book, copy_no=2, shelf="B2")])
        s.commit()
        ursula.favourite_book = book  # closes the author <-> book cycle, in a second flush
        s.commit()
    with orm.Session(engine) as s:
        u = s.scalars(sa.select(Author).where(Author.name == "Ursula")).one()
        o = s.scalars(sa.select(Author).where(Author.name == "Octavia")).one()
        b = s.scalars(sa.select(Book)).one()
        copy = s.get(ShelfCopy, ("9780060512750", 1, 2))
        out["orm"] = {
            "mentor_authors": [a.name for a in u.mentor_authors],
            "mentor": o.mentor.name,
            "author_books": [x.title for x in u.author_books],
            "editor_books": [x.title for x in o.editor_books],
            "book_author": b.author.name,
            "book_editor": b.editor.name,
            "profile": u.author_profile.bio,
            "profile_author": u.author_profile.author.name,
            "no_profile": o.author_profile,
            "copies": sorted((c.copy_no, c.shelf) for c in b.shelf_copies),
            "copy_book": copy.book.title,
            "favourite": u.favourite_book.title,
            "favourite_of": [a.name for a in b.favourite_book_authors],
        }
if case == "enums_vector":
    from generated import Memory
    with orm.Session(engine) as s:
        s.add(Memory(body="lake", mood="it's complicated", moods=["calm", "curious"], embedding=[1, 0, 0]))
        s.add(Memory(body="rain", embedding=[0, 1, 0], tags=["wet"]))
        s.commit()
        near = s.scalars(sa.select(Memory).order_by(Memory.embedding.cosine_distance([0.9, 0.1, 0]))).first()
        out["orm"] = {"nearest": near.body, "mood": near.mood, "moods": near.moods,
                      "defaults": sorted((m.body, m.mood, m.visibility, m.tags)
                                         for m in s.scalars(sa.select(Memory)))}
if case == "sqlmodel":
    from generated import Customer, OrderLine, ShopOrder, Tier
    from generated.schemas import CustomerCreate, CustomerRead, ShopOrderRead
    with orm.Session(engine) as s:
        ada = Customer(**CustomerCreate(email="ada@example.org", name="Ada", tier="pro").model_dump(
            exclude_unset=True))
        bo = Customer(email="bo@example.org", name="Bo", referred_by_ref=ada, from_="radio")
        order = ShopOrder(customer=bo, quantity=3, unit_price="2.50")
        s.add_all([ada, bo, order, OrderLine(order=order, line_no=1, sku="SKU-0001")])
        s.commit()
    with orm.Session(engine) as s:
        bo = s.scalars(sa.select(Customer).where(Customer.email == "bo@example.org")).one()
        order = bo.shop_orders[0]
        out["orm"] = {
            "referred_by": bo.referred_by_ref.name,
            "referred": [c.name for c in bo.referred_by_ref.referred_by_ref_customers],
            "defaults": [bo.tier == Tier.FREE, bo.tags, bo.prefs, bo.from_],
            "order": [str(order.line_total), [line.sku for line in order.order_lines]],
            "read": CustomerRead.model_validate(bo).model_dump(
                mode="json", exclude={"id", "created_at", "referred_by"}),
            "order_read": ShopOrderRead.model_validate(order).model_dump(
                mode="json", exclude={"id", "customer_id"}),
        }
        s.delete(bo)  # ON DELETE CASCADE through both levels, loaded
        s.commit()
        out["orm"]["left"] = [len(s.scalars(sa.select(t)).all()) for t in (Customer, ShopOrder, OrderLine)]
print(json.dumps(out))
"""

CATALOG_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
"""
CATALOG_CONSTRAINTS = """
SELECT c.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND k.contype IN ('p', 'u', 'f', 'c')
"""
CATALOG_INDEXES = """
SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
"""
CATALOG_ENUMS = """
SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e
JOIN pg_type t ON t.oid = e.enumtypid GROUP BY t.typname
"""
CATALOG_COMMENTS = """
SELECT c.relname, a.attname, col_description(c.oid, a.attnum) FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT c.relname, NULL, obj_description(c.oid, 'pg_class') FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'
"""


def catalog(url: str) -> dict[str, Any]:
    """Everything about the public schema that the docs determine, as PostgreSQL prints it."""
    with connect(url) as conn:
        return {
            "columns": sorted(conn.execute(CATALOG_COLUMNS).fetchall()),
            "constraints": sorted(conn.execute(CATALOG_CONSTRAINTS).fetchall()),
            "indexes": sorted(conn.execute(CATALOG_INDEXES).fetchall()),
            "enums": sorted(conn.execute(CATALOG_ENUMS).fetchall()),
        }


def _without_fks(node: Any, later: list[str]) -> str:
    """CREATE TABLE without its foreign keys (deparsed); each FK becomes an ALTER TABLE in `later`.
    PostgreSQL names an FK added that way exactly as an inline one."""
    from pglast import ast as pg
    from pglast.enums import AlterTableType, ConstrType, ObjectType
    from pglast.stream import RawStream

    def add_fk(constraint: Any) -> None:
        cmd = pg.AlterTableCmd(subtype=AlterTableType.AT_AddConstraint, def_=constraint, behavior=0)
        stmt = pg.AlterTableStmt(relation=node.relation, cmds=(cmd,), objtype=ObjectType.OBJECT_TABLE)
        later.append(RawStream()(stmt))

    kept = []
    for element in node.tableElts or ():
        if isinstance(element, pg.ColumnDef):
            remaining = []
            for c in element.constraints or ():
                if c.contype == ConstrType.CONSTR_FOREIGN:
                    c.fk_attrs = (pg.String(sval=element.colname),)
                    add_fk(c)
                else:
                    remaining.append(c)
            element.constraints = tuple(remaining) or None
        elif isinstance(element, pg.Constraint) and element.contype == ConstrType.CONSTR_FOREIGN:
            add_fk(element)
            continue
        kept.append(element)
    node.tableElts = tuple(kept)
    return str(RawStream()(node))


def build_from_docs(url: str, root: Path) -> None:
    """Run the docs' own SQL, statement by statement and as written, on the database at `url`.

    Docs may reference tables defined further down, or in a cycle: a statement that fails for a missing
    relation is retried after the others; what still cannot run is split (table first, its FKs last).
    """
    import pglast

    statements: list[tuple[str, Any]] = []
    for path in load_config(root).doc_paths():
        for block in read_doc(path, path.name).blocks:
            for raw in pglast.parse_sql(block.text):
                start = raw.stmt_location or 0
                text = block.text[start : start + raw.stmt_len] if raw.stmt_len else block.text[start:]
                statements.append((text, raw.stmt))
    with connect(url) as conn:
        pending = statements
        while pending:
            failed = []
            for text, node in pending:
                try:
                    conn.execute(text)
                except psycopg.errors.UndefinedTable:
                    failed.append((text, node))
            if len(failed) == len(pending):
                break
            pending = failed
        later: list[str] = []
        for _, node in pending:
            conn.execute(_without_fks(node, later))
        for statement in later:
            conn.execute(statement)


def ir_comments(schema: Schema) -> dict[str, list[Any]]:
    return {t.name: [t.description, {c.name: c.comment for c in t.columns}] for t in schema.tables}


@pytest.mark.parametrize("case", CASES)
def test_generated_package_on_postgres(
    case: str, projects: dict[str, Path], make_database: Callable[..., str]
) -> None:
    root = projects[case]
    models_url, docs_url = make_database(), make_database()
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, models_url, case],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert Path(out["file"]) == root / "generated" / "__init__.py"  # the case's package, not the repo's

    config = load_config(root)
    schema = load_schema(config).schema
    package = decide_package(schema, RenderOptions.from_config(config))
    assert out["classes"] == sorted(cls.name for module in package.models for cls in module.classes)
    # comments survive Base.metadata exactly, and reach the database exactly
    assert out["comments"] == ir_comments(schema)
    with connect(models_url) as conn:
        rows = conn.execute(CATALOG_COMMENTS).fetchall()
    db_comments: dict[str, list[Any]] = {t: [None, {}] for t, _, _ in rows}
    for table, column, text in rows:
        if column is None:
            db_comments[table][0] = text
        else:
            db_comments[table][1][column] = text
    assert db_comments == ir_comments(schema)

    # the models build in PostgreSQL exactly what the docs' SQL builds: types, nullability, defaults,
    # identity, keys and their names, FK actions, checks, indexes (method, opclass, order, where, with)
    build_from_docs(docs_url, root)
    assert catalog(models_url) == catalog(docs_url)

    if case == "relationships":
        assert out["orm"] == {
            "mentor_authors": ["Octavia"],
            "mentor": "Ursula",
            "author_books": ["The Dispossessed"],
            "editor_books": ["The Dispossessed"],
            "book_author": "Ursula",
            "book_editor": "Octavia",
            "profile": "Anarres",
            "profile_author": "Ursula",
            "no_profile": None,
            "copies": [[1, "A1"], [2, "B2"]],
            "copy_book": "The Dispossessed",
            "favourite": "The Dispossessed",
            "favourite_of": ["Ursula"],
        }
    if case == "sqlmodel":
        assert out["orm"] == _sqlmodel_orm_expected()
    if case == "enums_vector":
        assert out["orm"] == {
            "nearest": "lake",
            "mood": "it's complicated",
            "moods": ["calm", "curious"],
            "defaults": [["lake", "it's complicated", "private", []], ["rain", "calm", "private", ["wet"]]],
        }


def _sqlmodel_orm_expected() -> dict[str, Any]:
    return {
        "referred_by": "Ada",
        "referred": ["Bo"],
        "defaults": [True, [], {}, "radio"],
        "order": ["7.50", ["SKU-0001"]],
        "read": {
            "email": "bo@example.org",
            "name": "Bo",
            "tier": "free",
            "tags": [],
            "prefs": {},
            "taste": None,
            "from_": "radio",
        },
        "order_read": {
            "quantity": 3,
            "unit_price": "2.50",
            "line_total": "7.50",
            "note": None,
            "placed_on": None,
        },
        "left": [1, 0, 0],
    }


def test_hostile_comment_round_trips_through_metadata(projects: dict[str, Path]) -> None:
    schema = load_schema(load_config(projects["hostile"])).schema
    widget = schema.table("widget")
    assert widget is not None
    comments = {c.name: c.comment for c in widget.columns}
    assert comments["note"] == "'); import os; os.system('echo pwned'); x = ('"
    assert comments["sneaky"] == '"); import os; os.system("echo pwned"); x = ("'
    assert comments["path"] == "Backslashes: C:\\temp\\ and \\n stays two characters"
    assert comments["id"] == 'Key """ with a docstring closer'
    assert widget.description is not None and widget.description.endswith('""" and a backslash \\ too"')


def test_build_from_docs_keeps_fk_names(pg_url: str, tmp_path: Path) -> None:
    """The oracle's rewrite must not change names: an FK moved to ALTER TABLE is named as an inline one."""
    (tmp_path / "pyproject.toml").write_text('[tool.mdschema]\ndocs = ["spec/*.md"]\n', encoding="utf-8")
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "d.md").write_text(
        "```sql\nCREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p ON DELETE CASCADE, x int, y int,\n"
        "  FOREIGN KEY (x, y) REFERENCES p (a, b), q int REFERENCES p(id));\n"
        "CREATE TABLE p (id int PRIMARY KEY, a int, b int, c_id int REFERENCES c, UNIQUE (a, b));\n"
        "CREATE TABLE later (id int PRIMARY KEY, c_id int REFERENCES c);\n```\n",
        encoding="utf-8",
    )
    build_from_docs(pg_url, tmp_path)
    with connect(pg_url) as conn:
        names = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' ORDER BY conname"
        ).fetchall()
    assert names == [
        ("c_p_id_fkey", "FOREIGN KEY (p_id) REFERENCES p(id) ON DELETE CASCADE"),
        ("c_q_fkey", "FOREIGN KEY (q) REFERENCES p(id)"),
        ("c_x_y_fkey", "FOREIGN KEY (x, y) REFERENCES p(a, b)"),
        ("later_c_id_fkey", "FOREIGN KEY (c_id) REFERENCES c(id)"),
        ("p_c_id_fkey", "FOREIGN KEY (c_id) REFERENCES c(id)"),
    ]
