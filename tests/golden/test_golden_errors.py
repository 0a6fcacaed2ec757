"""Error snapshots: the real CLI on broken docs prints exactly golden/errors/<case>/expected.txt on stderr.

Regenerate the expected files after an intended change of wording:

    MDSCHEMA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden/test_golden_errors.py
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from mdschema.cli import main
from support.models import UPDATE_ENV, VENV_BIN, updating

ERRORS = Path(__file__).resolve().parent / "errors"
CASES = sorted(p.name for p in ERRORS.iterdir() if (p / "spec").is_dir())
REGENERATE = f"{UPDATE_ENV}=1 .venv/bin/pytest tests/golden/test_golden_errors.py"

# what each case must at least say, so that a snapshot regenerated from broken output cannot pass
MUST_SAY = {
    "syntax_error": ["spec/doc.md:11: error[E201]: SQL syntax error", '"label"'],
    "two_syntax_errors": ["spec/doc.md:6: error[E201]", "spec/doc.md:13: error[E201]", "2 error(s)"],
    "unknown_fk_table": ["error[E104]", '"customers"', 'did you mean "customer"'],
    "unknown_fk_column": ["error[E105]", "customer.emial", 'did you mean "email"'],
    "index_unknown_column": ["error[E106]", "'mail'", 'did you mean "email"'],
    "duplicate_table": ["spec/b_second.md:6: error[E101]", "spec/a_first.md:4", "[tool.mdschema.prefer]"],
    "duplicate_index": ["spec/doc.md:7: error[E102]", "idx_customer"],
    "long_identifier": ["spec/doc.md:6: error[E103]", "68 bytes"],
    "view_unknown_table": [
        "spec/doc.md:6: error[E107]: view customer_emails reads unknown table 'customers'",
        'did you mean "customer"',
    ],
    "view_defined_twice": ["spec/doc.md:12: error[E111]: view customer_emails is defined twice", "doc.md:6"],
    "enum_default": ["spec/doc.md:8: error[E110]", "'archived'", "draft, published"],
    "unknown_type": ["spec/doc.md:6: error[E203]", "'timestampz'", 'did you mean "timestamptz"'],
    "invalid_utf8": ["spec/menu.md:3: error[E301]", "UTF-8"],
    "nul_byte": ["spec/menu.md:6: error[E301]", "NUL"],
    "dollar_quote": ["spec/doc.md:6: error[E201]", "unterminated dollar-quoted string"],
    "alter_unknown_table": ["spec/doc.md:6: error[E107]", "'posts'", 'did you mean "post"'],
    "type_modifier": [
        "spec/doc.md:8: error[E203]: column account.username: PostgreSQL refuses type text(30)",
        "varchar(30)",
        "spec/doc.md:9: error[E203]: column account.created_at: type timestamp(9)",
    ],
    # the offending token starts its line: the line is its own, not the one before
    "syntax_error_line_start": [
        'spec/doc.md:9: error[E201]: SQL syntax error: syntax error at or near "label"'
    ],
    "reserved_word": [
        'spec/doc.md:8: error[E201]: SQL syntax error: syntax error at or near "user"',
        'user is a reserved word in PostgreSQL: quote it ("user") or rename it',
    ],
    "mysql_dialect": [
        "spec/shop.md:8: error[E205]: this looks like MySQL SQL (`backticks`); mdschema reads PostgreSQL",
        "GENERATED ALWAYS AS IDENTITY",
    ],
    "sqlite_dialect": [
        "spec/notes.md:7: error[E205]: this looks like SQLite SQL (AUTOINCREMENT); mdschema reads PostgreSQL",
        "2 error(s)",
    ],
    # another schema is never built in public silently; public. itself is fine
    "other_schema": [
        # a table another system owns, referenced by its qualified name: the fix is the config line
        'spec/doc.md:9: error[E104]: foreign key profiles.id references unknown table "auth.users"',
        'external_tables = { "auth.users" = "keep_fk" }',
        # objects in a schema no doc creates: each at its line, with the statement to add
        "spec/doc.md:21: error[E114]: enum billing.invoice_state is in schema billing, which no doc creates",
        "spec/doc.md:22: error[E114]: table billing.invoices is in schema billing",
        "spec/doc.md:24: error[E114]: function billing.total() is in schema billing",
        "add CREATE SCHEMA billing;",
        # did you mean keeps the qualifier
        '"billing.invoice" (did you mean "billing.invoices"?)',
        "unknown type 'invoice_state' (did you mean \"billing.invoice_state\"?)",
        "7 error(s)",
    ],
    "policy_mistakes": [
        "spec/doc.md:11: error[E115]: policy own_notes on note is defined twice (first at spec/doc.md:10)",
        "spec/doc.md:12: error[E117]: policy add_notes on note: a FOR INSERT policy cannot have USING",
        "spec/doc.md:13: error[E116]: policy for_staff on note is for role authenticated",
        'roles = ["authenticated"]',
        "spec/doc.md:14: error[E107]: policy on_notes: table notes is not defined in the docs",
        "4 error(s)",
    ],
    # EXCLUDE and COLLATE, each at its own line: an element's and a WHERE's unknown column, a method
    # without exclusion, COLLATE on a column, an EXCLUDE element and an index element without collations
    "exclude_mistakes": [
        'spec/doc.md:11: error[E121]: column booking.seats: COLLATE "C" on type integer, which has no',
        "spec/doc.md:14: error[E120]: EXCLUDE constraint on booking refers to unknown column 'durnig' "
        '(did you mean "during"?)',
        "spec/doc.md:15: error[E120]: EXCLUDE constraint on booking: access method 'gin' cannot enforce",
        "spec/doc.md:17: error[E120]: EXCLUDE constraint on booking refers to unknown column 'cancelled'",
        'spec/doc.md:18: error[E121]: EXCLUDE constraint on booking: COLLATE "C" on column room_id of type',
        'spec/doc.md:19: error[E121]: index booking_room_idx on booking: COLLATE "C" on column room_id',
        "6 error(s)",
    ],
    "sequence_mistakes": [
        "spec/doc.md:8: error[E124]: sequence ticket_no: MAXVALUE 40000 is out of range for sequence",
        "spec/doc.md:9: error[E111]: sequence ticket_no is defined twice (first at spec/doc.md:8)",
        "spec/doc.md:10: error[E124]: sequence step: INCREMENT must not be zero",
        "spec/doc.md:11: error[E124]: sequence window_seq: START value (30) cannot be greater than MAXVALUE",
        "spec/doc.md:12: error[E124]: sequence orphan: OWNED BY tickets.id: table tickets is not defined",
        'in the docs (did you mean "ticket"?)',
        "spec/doc.md:14: error[E125]: column ticket.id: default nextval('ticket_seq') names a sequence",
        "spec/doc.md:17: error[E125]: ALTER SEQUENCE orphan_seq: no doc creates sequence orphan_seq",
        "7 error(s)",
    ],
    "domain_mistakes": [
        "spec/doc.md:4: error[E122]: domain email: unknown base type 'txt'",
        "spec/doc.md:5: error[E122]: domain price: DEFAULT is the string 'free', not a number",
        "spec/doc.md:6: error[E123]: domain quantity: CHECK names 'qty'",
        "spec/doc.md:7: error[E111]: domain price is defined twice (first at spec/doc.md:5)",
        "spec/doc.md:8: error[E122]: domain tags: a domain over an array is not supported",
        "spec/doc.md:9: error[E107]: ALTER DOMAIN postcode: no doc creates that domain",
        'spec/doc.md:12: error[E122]: column customer.total: COLLATE "C" on a column typed by a domain',
        "7 error(s)",
    ],
    "do_block": ["spec/doc.md:6: error[E202]: unsupported statement DO", "as plain SQL"],
    # codegen's Python names, reported with the docs' own errors in one run
    "python_names": [
        "pyproject.toml:7: error[E304]: [tool.mdschema] modules.shop = 'db'",
        "spec/shop.md:9: error[E108]",
        "spec/shop.md:10: error[E104]",
        "spec/shop.md:13: error[E101]: tables customer and customer_account both become class Customer",
        "both render to module shop_orders.py",
        "5 error(s)",
    ],
}


def test_every_case_has_expectations() -> None:
    assert sorted(MUST_SAY) == CASES


@pytest.mark.parametrize("case", CASES)
def test_error_snapshot(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / case
    shutil.copytree(ERRORS / case, project, ignore=shutil.ignore_patterns("expected.txt"))
    before = sorted(p.relative_to(project) for p in project.rglob("*"))

    status = main(["-C", str(project), "generate"])
    out, err = capsys.readouterr()

    assert status == 2, err
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err
    assert err.endswith("; nothing was written\n")
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before, "files were written"
    for needle in MUST_SAY[case]:
        assert needle in err, f"{case}: stderr lacks {needle!r}:\n{err}"

    expected_file = ERRORS / case / "expected.txt"
    if updating():
        expected_file.write_text(err, encoding="utf-8")
        return
    assert expected_file.is_file(), f"{expected_file} is missing; create it with: {REGENERATE}"
    expected = expected_file.read_text(encoding="utf-8")
    assert err == expected, (
        f"stderr differs from {expected_file.relative_to(ERRORS.parent.parent)}; "
        f"if the change is intended, regenerate with: {REGENERATE}"
    )


def test_installed_command_exits_2_without_traceback(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(ERRORS / "two_syntax_errors", project, ignore=shutil.ignore_patterns("expected.txt"))
    result = subprocess.run(
        [str(VENV_BIN / "mdschema"), "-C", str(project), "generate"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr == (ERRORS / "two_syntax_errors" / "expected.txt").read_text(encoding="utf-8")
    assert not (project / "generated").exists()
