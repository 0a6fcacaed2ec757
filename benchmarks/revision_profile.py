"""Where the seconds of one `mdschema revision` go: the command run in-process with a timer around each stage.

    python benchmarks/revision_profile.py [mdschema revision arguments]   # in a project folder

Prints one JSON object: the whole command's wall time, its CPU time, the time Python spent importing
modules, and the wall time of each stage (seconds; a stage that ran several times is summed and counted).
Stages are looked up by name; one the code does not have (an older or newer version) is left out, and
whatever no stage covers is reported as "other". Used by run.py; works on its own too.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import json
import sys
import threading
import time
from typing import Any

START = time.perf_counter()
CPU_START = time.process_time()

# (label, module, attribute): the stage functions, patched where they are defined and where they are used
STAGES: tuple[tuple[str, str, str], ...] = (
    ("regenerate the models (parse docs, render)", "mdschema.cli", "_generate_quietly"),
    ("import the generated models", "mdschema.migrations.models", "load_package"),
    ("clone the migration head (CREATE DATABASE … TEMPLATE)", "mdschema.migrations.shadow", "head_clone"),
    ("start the head clone (connect, find the template)", "mdschema.migrations.shadow", "start_head_clone"),
    ("wait for the work on threads", "mdschema.migrations.shadow", "Background.result"),
    ("catalog snapshots (the head; the proof's three)", "mdschema.migrations.revision", "read_snapshot"),
    ("build the models' schema + snapshot", "mdschema.migrations.shadow", "models_snapshot"),
    ("compile the models' schema (SQLAlchemy DDL)", "mdschema.migrations.shadow", "start_models_snapshot"),
    ("build the models' schema + snapshot", "mdschema.migrations.shadow", "_scratch_snapshot"),
    ("plan the operations", "mdschema.migrations.plan", "plan"),
    ("write the revision (Alembic script)", "mdschema.migrations.revision", "write_revision"),
    ("formatter (post-write hook subprocess)", "alembic.script.write_hooks", "_run_hooks"),
    ("proof: upgrade / downgrade / upgrade (Alembic)", "mdschema.migrations.shadow", "upgrade_shadow"),
    ("proof: upgrade / downgrade / upgrade (Alembic)", "mdschema.migrations.shadow", "prove_steps"),
    (
        "drop the shadow databases (or hand them to a detached process)",
        "mdschema.migrations.shadow",
        "drop_database",
    ),
    (
        "drop the shadow databases (or hand them to a detached process)",
        "mdschema.migrations.shadow",
        "drop_later",
    ),
)
NESTED = {"formatter (post-write hook subprocess)"}  # inside another stage: not subtracted from "other"

totals: dict[str, float] = {}
counts: dict[str, int] = {}
_active: list[str] = []  # labels running now: a stage inside itself (recursion, a second name) counts once


def _timed(label: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        name = label
        if threading.current_thread() is not threading.main_thread():
            name = label + " (on a thread, alongside the rest)"
        if name in _active:
            return fn(*args, **kwargs)
        _active.append(name)
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[name] = totals.get(name, 0.0) + time.perf_counter() - started
            counts[name] = counts.get(name, 0) + 1
            _active.remove(name)

    return inner


_patched: set[tuple[str, str]] = set()


def _patch() -> None:
    """Wrap the stage functions of the modules imported so far (called after every import, so that the
    profile imports nothing the command would not have imported, and nothing earlier)."""
    for label, module_name, attribute in STAGES:
        module = sys.modules.get(module_name)
        if module is None or (module_name, attribute) in _patched:
            continue
        owner_name, _, name = attribute.rpartition(".")
        owner: Any = getattr(module, owner_name, None) if owner_name else module
        original = getattr(owner, name, None) if owner is not None else None
        if original is None:
            continue
        _patched.add((module_name, attribute))
        wrapped = _timed(label, original)
        setattr(owner, name, wrapped)
        if owner_name:
            continue
        for other in list(sys.modules.values()):  # `from module import name` elsewhere in mdschema
            if (
                getattr(other, "__name__", "").startswith("mdschema")
                and getattr(other, name, None) is original
            ):
                setattr(other, name, wrapped)


_import_time = [0.0]
_import_depth = [0]
_real_import = builtins.__import__


def _counting_import(*args: Any, **kwargs: Any) -> Any:
    return _counting(_real_import, *args, **kwargs)


def _counting(real: Any, *args: Any, **kwargs: Any) -> Any:
    if _import_depth[0]:
        return real(*args, **kwargs)
    _import_depth[0] += 1
    started = time.perf_counter()
    try:
        return real(*args, **kwargs)
    finally:
        _import_depth[0] -= 1
        _import_time[0] += time.perf_counter() - started
        _patch()


def _counting_import_module(real: Any, *args: Any, **kwargs: Any) -> Any:
    return _counting(real, *args, **kwargs)


def main(argv: list[str]) -> int:
    builtins.__import__ = _counting_import
    real_import_module = importlib.import_module
    importlib.import_module = lambda *a, **k: _counting_import_module(real_import_module, *a, **k)  # type: ignore[assignment]
    import mdschema.cli as cli

    status = cli.main(["revision", *argv])
    builtins.__import__ = _real_import
    wall = time.perf_counter() - START
    covered = sum(v for k, v in totals.items() if k not in NESTED and "(on a thread" not in k)
    report = {
        "status": status,
        "wall": wall,
        "cpu": time.process_time() - CPU_START,
        "imports": _import_time[0],
        "stages": {k: {"seconds": v, "count": counts[k]} for k, v in totals.items()},
        "other": wall - covered,
    }
    print(json.dumps(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
