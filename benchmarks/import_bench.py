"""`mdschema import` of a synthetic schema, measured as a whole process; writes its section of BENCHMARKS.md.

    python benchmarks/import_bench.py                 # 500 tables, 5 runs
    python benchmarks/import_bench.py --tables 2000 --runs 3

The database: synth.py's project of N tables, generated and built into a database on a throwaway embedded
PostgreSQL (durability off: setup speed only). Each run imports it into a new, empty project
(`mdschema import --database-url URL --group-by fk-components`): read the catalog, group the tables, write
the docs and read them back with mdschema's own reader until every name and comment is exact. The target
(issue 14): under 5 s at 500 tables.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from run import REPO, environment, log, mds, repeat  # noqa: I001 - benchmarks/ is the script's folder
from synth import write_project

START, END = "<!-- import-benchmark -->", "<!-- /import-benchmark -->"
TARGET = 5.0  # seconds at 500 tables


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args()

    from mdschema.database import connect, create_database, database_url, start_embedded, stop_embedded
    from mdschema.migrations.models import load_package
    from mdschema.migrations.shadow import materialize

    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="mdsimport-"))
    pg = work / "pg"
    pg.mkdir()
    try:
        synth = write_project(work / "synth", args.tables)
        mds(synth, "generate", check=True)
        admin, _ = start_embedded(pg)
        with connect(admin) as conn:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.execute(f"ALTER SYSTEM SET {setting} = off")  # type: ignore[arg-type]
            conn.execute("SELECT pg_reload_conf()")
            version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        create_database(admin, "bench_import")
        url = database_url(admin, "bench_import")
        log(f"building {args.tables} tables")
        materialize(url, load_package(synth, "generated"))

        counter = iter(range(args.runs))

        def fresh() -> None:
            root = work / f"import_{next(counter)}"
            root.mkdir()
            (root / "pyproject.toml").write_text('[tool.mdschema]\ndocs = ["spec/*.md"]\n')
            projects.append(root)

        projects: list[Path] = []
        log(f"importing {args.runs} times")
        figure = repeat(
            args.runs,
            lambda: mds(
                projects[-1], "import", "--database-url", url, "--group-by", "fk-components", check=True
            ),
            before=fresh,
        )
        docs = len(list((projects[-1] / "spec").glob("*.md")))
        check = mds(projects[-1], "generate", check=True)  # the imported docs are valid docs
        del check
        env = environment(version)
    finally:
        stop_embedded(pg)
        shutil.rmtree(work, ignore_errors=True)
    walls = figure.walls
    median = statistics.median(walls)
    verdict = "met" if args.tables != 500 or median < TARGET else "NOT met"
    section = "\n".join(
        [
            START,
            "## Import",
            "",
            f"Written by `python benchmarks/import_bench.py{_args(args)}` on {date}. `mdschema import` of "
            f"a synthetic database of {args.tables} tables (benchmarks/synth.py) into a new project, as a "
            "whole process: read the catalog, group the tables by foreign keys, write the docs, read them "
            "back until every name and comment is exact. What the command writes is a valid project: "
            "`mdschema generate` runs on it after the last run.",
            "",
            "| tables | docs | wall (median) | min–max | CPU (median) | peak RSS | runs | target |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            f"| {args.tables} | {docs} | {median:.2f} s | {min(walls):.2f} s–{max(walls):.2f} s | "
            f"{figure.cpu():.2f} s | {figure.rss() // 2**20} MiB | {len(walls)} | "
            f"under {TARGET:.0f} s at 500 tables: {verdict} |",
            "",
            f"Machine: {env['CPU']}, {env['RAM']}, {env['OS']}, Python {env['Python']}, PostgreSQL "
            f"{env['PostgreSQL']}, mdschema {env['mdschema']}; load average (1 min) {load_start[0]:.2f} "
            f"at the start, {os.getloadavg()[0]:.2f} at the end.",
            END,
        ]
    )
    _write_section(args.out, section)
    log(f"import of {args.tables} tables: median {median:.2f} s ({verdict}); wrote {args.out}")
    print(section)
    return 0


def _args(args: argparse.Namespace) -> str:
    out = ""
    if args.tables != 500:
        out += f" --tables {args.tables}"
    if args.runs != 5:
        out += f" --runs {args.runs}"
    return out


def _write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
