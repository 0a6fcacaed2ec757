"""How the CLI prints a check report: text, json, GitHub workflow annotations, SARIF; and its options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mdschema.check import Finding, Report
from mdschema.cli import _print_report, build_parser, main

REPORT = Report(
    (
        Finding(
            "database",
            "spec/shop.md:12",
            "drift: note.body default is 'a\nb' in the database, '10%' in the docs",
        ),
        Finding("docs", "generated/shop.py", "generated file differs from the docs: run `mdschema generate`"),
        Finding("database", "alembic_version", "the database is at base, the migrations' head is abc"),
    ),
    ("docs", "generated/", "migrations", "database"),
)


def test_github_annotations_escape_and_keep_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    _print_report(REPORT, "github")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "::error file=spec/shop.md,line=12,title=mdschema database::drift: note.body default is 'a%0Ab' "
        "in the database, '10%25' in the docs",
        "::error file=generated/shop.py,title=mdschema docs::generated file differs from the docs: run "
        "`mdschema generate`",
        "::error title=mdschema database::the database is at base, the migrations' head is abc",
    ]


def test_sarif_has_one_result_per_finding_at_its_place(capsys: pytest.CaptureFixture[str]) -> None:
    _print_report(REPORT, "sarif")
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {"docs", "migrations", "database"}
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["database", "docs", "database"]
    first = results[0]["locations"][0]["physicalLocation"]
    assert first == {"artifactLocation": {"uri": "spec/shop.md"}, "region": {"startLine": 12}}
    assert results[1]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "generated/shop.py"}
    }
    assert "locations" not in results[2]
    assert results[0]["message"]["text"].startswith("drift: note.body default is 'a\nb'")


def test_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    _print_report(REPORT, "json")
    data = json.loads(capsys.readouterr().out)
    assert data["clean"] is False and len(data["findings"]) == 3
    _print_report(REPORT, "text")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("spec/shop.md:12: database: drift:")
    assert out[-1] == "mdschema: 3 difference(s) (docs, generated/, migrations, database)"


def test_every_option_has_help_and_check_lists_its_exit_codes() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in subparsers.items():
        for action in sub._actions:
            if action.dest != "help":
                assert action.help, f"mdschema {name}: {action.option_strings or action.dest} has no help"
    assert "exit codes" in subparsers["check"].format_help()


def test_root_is_accepted_after_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "spec").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.mdschema]\n")
    (tmp_path / "spec" / "a.md").write_text("```sql\nCREATE TABLE a (id int PRIMARY KEY);\n```\n")
    assert main(["generate", "-C", str(tmp_path)]) == 0
    assert main(["check", "--offline", "-C", str(tmp_path)]) == 0
    assert main(["-C", str(tmp_path), "check", "--offline"]) == 0
    assert "1 tables from 1 docs" in capsys.readouterr().out
