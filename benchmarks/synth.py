"""A synthetic mdschema project: N tables over docs of ~50 tables each, deterministic for a seed.

    python benchmarks/synth.py OUT_DIR --tables 2000 [--seed 7] [--per-doc 50]

Writes OUT_DIR/pyproject.toml ([tool.mdschema]) and OUT_DIR/spec/*.md in mdschema's format: per table a
`## name` heading, a prose paragraph and a ```sql block with CREATE TABLE whose column lines end with
`-- comment`, then its indexes. The mix: uuid primary keys with gen_random_uuid(), text, varchar(n),
integer, bigint, boolean default false, numeric(10,2), timestamptz default now(), jsonb, text[]; foreign
keys to earlier tables (some ON DELETE CASCADE); a few unique constraints; btree and GIN indexes; one
enum type used by some tables; one vector(16) column (CREATE EXTENSION IF NOT EXISTS vector).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

ENUM = "record_state"
ENUM_LABELS = ("draft", "active", "archived", "deleted")
NOUNS = (
    "account",
    "asset",
    "batch",
    "booking",
    "campaign",
    "channel",
    "contract",
    "device",
    "document",
    "event",
    "invoice",
    "ledger",
    "listing",
    "message",
    "order",
    "payment",
    "policy",
    "project",
    "receipt",
    "report",
    "shipment",
    "subscription",
    "task",
    "ticket",
    "venue",
    "voucher",
    "warehouse",
    "widget",
    "workflow",
    "zone",
)
FIELDS = (
    "label",
    "summary",
    "notes",
    "source",
    "region",
    "category",
    "reference",
    "owner_name",
    "headline",
    "external_code",
    "locale",
    "channel_name",
    "priority_band",
    "review_state",
    "display_title",
)
# (SQL type, comment) of the plain column kinds; names come from FIELDS plus a suffix
KINDS = (
    ("TEXT", "Free text"),
    ("VARCHAR({n})", "Short text, at most {n} characters"),
    ("INTEGER", "A count"),
    ("BIGINT", "A large counter"),
    ("BOOLEAN NOT NULL DEFAULT FALSE", "Whether the flag is set"),
    ("NUMERIC(10,2)", "An amount with two decimals"),
    ("TIMESTAMPTZ", "When it happened"),
    ("JSONB", "Structured attributes"),
    ("TEXT[]", "A list of tags"),
)


def table_name(i: int) -> str:
    return f"{NOUNS[i % len(NOUNS)]}_{i:05d}"


def doc_text(doc_no: int, first: int, last: int, rng: random.Random, total: int) -> str:
    """One doc: tables first..last-1 (the first doc also declares the extension and the enum)."""
    out = [
        f"# Synthetic schema, part {doc_no + 1}",
        "",
        f"Tables {first} to {last - 1} of a synthetic schema of {total} tables, made by benchmarks/synth.py "
        "to measure mdschema at scale. Every table has a UUID primary key and timestamps; most point at "
        "earlier tables.",
        "",
    ]
    if doc_no == 0:
        out += [
            "## Extensions and enumerated types",
            "",
            "Embeddings use pgvector; the record state enumeration is shared by many tables.",
            "",
            "```sql",
            "CREATE EXTENSION IF NOT EXISTS vector;",
            "",
            f"CREATE TYPE {ENUM} AS ENUM ({', '.join(repr(v) for v in ENUM_LABELS)});",
            "```",
            "",
        ]
    for i in range(first, last):
        out += table_text(i, rng)
    return "\n".join(out)


def table_text(i: int, rng: random.Random) -> list[str]:
    name = table_name(i)
    cols: list[tuple[str, str]] = [("id UUID PRIMARY KEY DEFAULT gen_random_uuid()", "Unique identifier")]
    indexes: list[str] = []
    uniques: list[str] = []
    refs = sorted(set(rng.sample(range(i), k=min(i, rng.choice((0, 1, 1, 2, 2, 3))))))
    for r in refs:
        ref = table_name(r)
        cascade = " ON DELETE CASCADE" if rng.random() < 0.4 else ""
        null = " NOT NULL" if rng.random() < 0.5 else ""
        cols.append((f"{ref}_id UUID{null} REFERENCES {ref}(id){cascade}", f"The {ref} this row belongs to"))
        indexes.append(f"CREATE INDEX idx_{name}_{ref} ON {name}({ref}_id);")
    plain = rng.sample(FIELDS, k=rng.randint(5, 10))
    for j, field in enumerate(plain):
        sql_type, comment = KINDS[(i + j) % len(KINDS)]
        n = rng.choice((40, 100, 200, 300))
        col = f"{field}_{j}"
        cols.append((f"{col} {sql_type.format(n=n)}", comment.format(n=n)))
        if sql_type in ("JSONB", "TEXT[]") and rng.random() < 0.3:
            indexes.append(f"CREATE INDEX idx_{name}_{col} ON {name} USING gin ({col});")
        elif sql_type.startswith(("VARCHAR", "INTEGER")) and rng.random() < 0.15:
            indexes.append(f"CREATE INDEX idx_{name}_{col} ON {name}({col});")
    if i % 3 == 0:
        cols.append((f"state {ENUM} NOT NULL DEFAULT 'draft'", "Lifecycle state of the record"))
    if i == 1:
        cols.append(("embedding vector(16)", "Embedding of the record's text"))
    if i % 17 == 5:
        cols.append(("code VARCHAR(64) NOT NULL", "Business key, unique per table"))
        uniques.append(f"CONSTRAINT uq_{name}_code UNIQUE (code)")
    cols.append(("created_at TIMESTAMPTZ NOT NULL DEFAULT now()", "When the row was created"))
    cols.append(("updated_at TIMESTAMPTZ DEFAULT now()", "When the row was last changed"))
    entries = [(sql, comment) for sql, comment in cols] + [(u, "") for u in uniques]
    lines = [
        f"## {name}",
        "",
        f"One {NOUNS[i % len(NOUNS)]} record of the synthetic schema (table {i}): its own fields, "
        f"{len(refs)} reference(s) to earlier tables, and bookkeeping timestamps.",
        "",
        "```sql",
        f"CREATE TABLE {name} (",
    ]
    width = max(len(sql) for sql, _ in entries) + 2
    for k, (sql, comment) in enumerate(entries):
        comma = "," if k < len(entries) - 1 else ""
        text = f"    {sql}{comma}"
        lines.append(f"{text:<{width + 5}}-- {comment}" if comment else text)
    lines.append(");")
    if indexes:
        lines.append("")
        lines += indexes
    lines += ["```", ""]
    return lines


def write_project(root: Path, tables: int, seed: int = 7, per_doc: int = 50) -> Path:
    """Write the project into ``root`` (created; an existing spec/ is replaced). Returns ``root``."""
    rng = random.Random(seed)
    spec = root / "spec"
    spec.mkdir(parents=True, exist_ok=True)
    for old in spec.glob("*.md"):
        old.unlink()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "synthetic"\nversion = "0"\n\n'
        '[tool.mdschema]\ndocs = ["spec/*.md"]\npackage = "generated"\n'
    )
    docs = (tables + per_doc - 1) // per_doc
    for d in range(docs):
        first, last = d * per_doc, min(tables, (d + 1) * per_doc)
        (spec / f"part_{d + 1:03d}.md").write_text(doc_text(d, first, last, rng, tables))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-doc", type=int, default=50)
    args = parser.parse_args()
    write_project(args.out, args.tables, args.seed, args.per_doc)
    print(f"{args.out}: {args.tables} tables in {(args.tables + args.per_doc - 1) // args.per_doc} docs")


if __name__ == "__main__":
    main()
