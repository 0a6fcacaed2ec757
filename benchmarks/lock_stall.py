"""Writer stalls while a revision runs on a large table with live traffic: today's plain plan vs the lock-safe
plan, side by side (issue 13). A benchmark, not a test.

    python benchmarks/lock_stall.py                      # 5,000,000-row table, 4 writers
    python benchmarks/lock_stall.py --rows 200000        # quick mode
    python benchmarks/lock_stall.py --writers 8 --rows 5000000
    python benchmarks/lock_stall.py --build-workers 0    # index builds on one core (a core left to writers)

The project: `account` (rows/4) and `event` (`--rows`, default 5 M: filling takes 1.7 s per 200,000 event
rows on this 2-core machine, so about 45 s). A first revision creates them; they are filled with INSERT …
SELECT generate_series, vacuumed and analysed. Then N writer threads (psycopg, autocommit) loop over an
INSERT of a new event and an UPDATE of a random one, timing each statement, while `mdschema upgrade` —
mdschema's normal path, pre-flight included — runs a second revision that adds to `event` an index, a
foreign key to `account`, a NOT NULL column with a default, a CHECK and a UNIQUE. Reported per plan: the
longest writer stall (the longest statement that overlapped the migration) and the p99 write latency of the
statements that started during it, next to the p99 before it.

The plans come from the project's `safe` setting in [tool.mdschema] (`safe = false`: today's plain plan;
`safe = true`: the lock-safe plan). mdschema versions without that setting have the plain plan only: the
benchmark says so and runs that column alone. The server: a throwaway embedded PostgreSQL with fsync,
synchronous_commit and full_page_writes off (setup speed), the same for both plans. `--build-workers N`
sets the server's max_parallel_maintenance_workers (PostgreSQL's default is 2: on a 2-core machine a
parallel index build takes both cores from the writers; 0 leaves them one, as a machine with cores to
spare would).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from run import child_env, log, mdschema_command  # noqa: I001 - benchmarks/ is the script's folder

BEFORE = """
# Ledger

## account

Who an event belongs to.

```sql
CREATE TABLE account (
    id BIGINT PRIMARY KEY,             -- Key
    name TEXT NOT NULL                 -- Name
);
```

## event

Something that happened.

```sql
CREATE TABLE event (
    id BIGINT PRIMARY KEY,             -- Key
    account_id BIGINT,                 -- Account
    amount INTEGER,                    -- Amount
    ref BIGINT,                        -- External reference
    note TEXT                          -- Note
);
```
"""
# the revision measured: an index, a foreign key to the other large table, a NOT NULL column with a
# default, a CHECK and a UNIQUE, all on the large table
AFTER = (
    BEFORE.replace(
        "    account_id BIGINT,                 -- Account\n",
        "    account_id BIGINT REFERENCES account (id),  -- Account\n",
    )
    .replace(
        "    amount INTEGER,                    -- Amount\n",
        "    amount INTEGER CHECK (amount >= 0),  -- Amount\n",
    )
    .replace(
        "    ref BIGINT,                        -- External reference\n",
        "    ref BIGINT UNIQUE,                 -- External reference\n",
    )
    .replace(
        "    note TEXT                          -- Note\n);",
        "    note TEXT,                         -- Note\n"
        "    status TEXT NOT NULL DEFAULT 'new'  -- Status\n);\n\n"
        "CREATE INDEX event_amount_idx ON event (amount);",
    )
)
PYPROJECT = """\
[tool.mdschema]
docs = ["spec/*.md"]
package = "generated"
{safe}
"""


def has_safe_setting() -> bool:
    from mdschema.config import Config

    return "safe" in {f.name for f in dataclasses.fields(Config)}


INSERT = "INSERT INTO event (id, account_id, amount, ref, note) VALUES (%s, %s, %s, %s, 'w')"
FILL = "INSERT INTO event SELECT g, 1 + (g %% %s), g %% 1000, g, 'note ' || g FROM generate_series(1, %s) g"


@dataclass
class Writer:
    """One writer thread's timings: (start, seconds) per statement, on time.perf_counter()."""

    url: str
    first_id: int
    accounts: int
    rows: int
    stop: threading.Event
    timings: list[tuple[float, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def run(self) -> None:
        from mdschema.database import connect

        rng = random.Random(self.first_id)
        next_id = self.first_id
        with connect(self.url) as conn:  # autocommit
            while not self.stop.is_set():
                for insert in (True, False):
                    t0 = time.perf_counter()
                    try:
                        if insert:
                            conn.execute(
                                INSERT,
                                (next_id, rng.randint(1, self.accounts), rng.randint(0, 1000), next_id),
                            )
                            next_id += 1
                        else:
                            conn.execute(
                                "UPDATE event SET amount = amount + 1 WHERE id = %s",
                                (rng.randint(1, self.rows),),
                            )
                    except Exception as exc:  # noqa: BLE001 - counted, the loop goes on
                        self.errors.append(type(exc).__name__)
                    self.timings.append((t0, time.perf_counter() - t0))


@dataclass(frozen=True)
class Outcome:
    plan: str
    migration_s: float
    rc: int
    stall_ms: float
    longest_before_ms: float
    p99_ms: float
    p99_before_ms: float
    statements: int
    errors: int
    output: str
    server: ServerView = field(default_factory=lambda: ServerView())


def mds(root: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*mdschema_command(), "-C", str(root), *args], cwd=root, env=env, capture_output=True, text=True
    )


def p99(values: list[float]) -> float:
    if len(values) < 2:
        return max(values, default=0.0)
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def measure(work: Path, admin: str, plan: str, safe: bool | None, rows: int, writers: int) -> Outcome:
    from mdschema.database import connect, create_database, database_url

    root = work / plan
    (root / "spec").mkdir(parents=True)
    setting = "" if safe is None else f"safe = {'true' if safe else 'false'}"
    (root / "pyproject.toml").write_text(PYPROJECT.format(safe=setting))
    doc = root / "spec" / "ledger.md"
    name = f"bench_{plan}"
    create_database(admin, name)
    url = database_url(admin, name)
    env = child_env() | {"MDSCHEMA_SHADOW_URL": admin, "DATABASE_URL": url}

    doc.write_text(textwrap.dedent(BEFORE).lstrip())
    for step in (("revision", "-m", "ledger"), ("upgrade",)):
        done = mds(root, *step, env=env)
        if done.returncode:
            raise SystemExit(f"{' '.join(step)} failed:\n{done.stdout}{done.stderr}")
    accounts = max(rows // 4, 1)
    log(f"[{plan}] filling account ({accounts:,} rows) and event ({rows:,} rows)")
    t0 = time.perf_counter()
    with connect(url) as conn:
        conn.execute(
            "INSERT INTO account SELECT g, 'account ' || g FROM generate_series(1, %s) g", (accounts,)
        )
        conn.execute(
            FILL,
            (accounts, rows),
        )
        conn.execute("VACUUM ANALYZE account")
        conn.execute("VACUUM ANALYZE event")
    log(f"[{plan}] filled in {time.perf_counter() - t0:.1f} s")

    doc.write_text(textwrap.dedent(AFTER).lstrip())
    done = mds(root, "revision", "-m", "constraints", env=env)
    if done.returncode:
        raise SystemExit(f"revision failed:\n{done.stdout}{done.stderr}")

    stop = threading.Event()
    pool = [Writer(url, rows + 1 + i * 10_000_000, accounts, rows, stop) for i in range(writers)]
    threads = [threading.Thread(target=w.run, daemon=True) for w in pool]
    for t in threads:
        t.start()
    time.sleep(3.0)  # the writers' steady state, before the migration
    log(f"[{plan}] migrating under {writers} writers")
    start = time.perf_counter()
    upgrade = mds(root, "upgrade", env=env)
    end = time.perf_counter()
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join(30)
    timings = [x for w in pool for x in w.timings]
    during = [d for s, d in timings if s < end and s + d > start]  # overlapped the migration
    started = [d for s, d in timings if start <= s < end]
    before = [d for s, d in timings if s + d <= start]
    return Outcome(
        plan,
        end - start,
        upgrade.returncode,
        max(during, default=0.0) * 1000,
        max(before, default=0.0) * 1000,
        p99(started) * 1000,
        p99(before) * 1000,
        len(started),
        sum(len(w.errors) for w in pool),
        (upgrade.stdout + upgrade.stderr).strip(),
    )


def _ms(value: float, floor: int) -> str:
    return f"{value:,.0f} ms" if value else f"< {floor} ms"


def report(outcomes: list[Outcome], rows: int, writers: int, safe_available: bool) -> str:
    head = ["", *(o.plan for o in outcomes)]
    lines = [
        (
            "migration (mdschema upgrade)",
            [f"{o.migration_s:.2f} s" + ("" if o.rc == 0 else f" (exit {o.rc})") for o in outcomes],
        ),
        ("longest writer stall", [f"{o.stall_ms:,.0f} ms" for o in outcomes]),
        ("longest write before (the machine's noise)", [f"{o.longest_before_ms:,.0f} ms" for o in outcomes]),
        (
            "longest writer lock wait (server log, ≥ 10 ms)",
            [_ms(o.server.lock_wait_ms, 10) for o in outcomes],
        ),  # noqa: E501
        (
            "longest writer statement (server log, ≥ 20 ms)",
            [_ms(o.server.statement_ms, 20) for o in outcomes],
        ),  # noqa: E501
        ("p99 write latency during", [f"{o.p99_ms:,.1f} ms" for o in outcomes]),
        ("p99 write latency before", [f"{o.p99_before_ms:,.1f} ms" for o in outcomes]),
        ("writes started during", [f"{o.statements:,}" for o in outcomes]),
        ("writer errors", [str(o.errors) for o in outcomes]),
    ]
    out = [f"event: {rows:,} rows, account: {max(rows // 4, 1):,} rows, {writers} writers", ""]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    out += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in lines]
    if not safe_available:
        out += [
            "",
            "safe plan: not measured: this mdschema has no `safe` setting yet (the lock-safe plans are "
            "another branch); only the plain plan ran",
        ]
    for o in outcomes:
        if o.rc:
            out += ["", f"{o.plan}: mdschema upgrade exited {o.rc}:", textwrap.indent(o.output, "    ")]
    return "\n".join(out)


def server_log(pg: Path) -> Path:
    found = sorted(path for path in pg.rglob("log") if path.is_file())
    if not found:
        raise SystemExit(f"no server log under {pg}")
    return found[0]


WRITER_STATEMENT = re.compile(r"(?:INSERT INTO event \(|UPDATE event SET amount)")
_WAITED = re.compile(r"^\S+ \S+ \S+ \[\d+\] (\S+) LOG:  process \d+ acquired \w+ on .* after ([\d.]+) ms")
_DURATION = re.compile(r"^\S+ \S+ \S+ \[\d+\] (\S+) LOG:  duration: ([\d.]+) ms  (?:bind|execute)[^:]*: (.*)")


@dataclass(frozen=True)
class ServerView:
    """The writers as the server saw them (its log): the longest lock wait and the longest statement."""

    lock_wait_ms: float = 0.0
    statement_ms: float = 0.0


def writer_waits(log_text: str, database: str) -> ServerView:
    """Longest writer lock wait (`acquired … after N ms`, logged over deadlock_timeout = 10 ms) and longest
    writer statement (logged over 20 ms) in `database`; 0 when none was that long."""
    lines = log_text.splitlines()
    waits, durations = [0.0], [0.0]
    for number, line in enumerate(lines):
        waited = _WAITED.match(line)
        if waited and waited.group(1) == database:
            statement = lines[number + 1] if number + 1 < len(lines) else ""
            if WRITER_STATEMENT.search(statement):
                waits.append(float(waited.group(2)))
        took = _DURATION.match(line)
        if took and took.group(1) == database and WRITER_STATEMENT.search(took.group(3)):
            durations.append(float(took.group(2)))
    return ServerView(max(waits), max(durations))


def explained(log_text: str) -> str:
    keep = ("still waiting", "acquired", "STATEMENT:", "DETAIL:", "duration:")
    lines = [line for line in log_text.splitlines() if any(k in line for k in keep)]
    return textwrap.indent("\n".join(lines) or "(none)", "    ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows of event (default 5,000,000)")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (its path is printed)")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the server log's lock waits over 10 ms and statements over 20 ms: who waited for whom",
    )
    parser.add_argument(
        "--build-workers",
        type=int,
        default=None,
        help="the server's max_parallel_maintenance_workers (default: PostgreSQL's own, 2)",
    )
    args = parser.parse_args()

    from mdschema.database import connect, start_embedded, stop_embedded

    safe_available = has_safe_setting()
    if not safe_available:
        log("this mdschema has no `safe` setting: measuring the plain plan only")
    work = Path(tempfile.mkdtemp(prefix="mdslockstall-"))
    pg = work / "pg"
    pg.mkdir()
    try:
        admin, _ = start_embedded(pg)
        with connect(admin) as conn:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.execute(f"ALTER SYSTEM SET {setting} = off")  # type: ignore[arg-type]
            # the server's own account of the writers: every lock wait over 10 ms, every statement over
            # 20 ms, with the database (one per plan)
            conn.execute("ALTER SYSTEM SET log_lock_waits = on")
            conn.execute("ALTER SYSTEM SET deadlock_timeout = '10ms'")
            conn.execute("ALTER SYSTEM SET log_min_duration_statement = 20")
            conn.execute("ALTER SYSTEM SET log_line_prefix = '%m [%p] %d '")
            if args.build_workers is not None:
                conn.execute(f"ALTER SYSTEM SET max_parallel_maintenance_workers = {int(args.build_workers)}")  # type: ignore[arg-type]
            conn.execute("SELECT pg_reload_conf()")
            version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        plans: list[tuple[str, bool | None]] = [("plain", False if safe_available else None)]
        if safe_available:
            plans.append(("safe", True))
        outcomes = [measure(work, admin, plan, safe, args.rows, args.writers) for plan, safe in plans]
        workers = "default" if args.build_workers is None else args.build_workers
        print(
            f"PostgreSQL {version}, {os.cpu_count()} CPUs, load before {os.getloadavg()[0]:.2f}, "
            f"max_parallel_maintenance_workers {workers}"
        )
        log_text = server_log(pg).read_text(errors="replace")
        outcomes = [
            dataclasses.replace(o, server=writer_waits(log_text, f"bench_{o.plan}")) for o in outcomes
        ]
        print(report(outcomes, args.rows, args.writers, safe_available))
        if args.explain:
            print("\nlock waits over 10 ms and statements over 20 ms (the server's log):")
            print(explained(log_text))
    finally:
        stop_embedded(pg)
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
