"""render: a project's own templates (`templates = "path"` in [tool.mdschema]) are searched before the
built-in ones; without the key nothing changes. Rendering writes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mdschema.cli import main
from mdschema.codegen.render import TEMPLATES
from support.models import make_project, render_project, sql_doc

DOCS = {"shop.md": sql_doc("CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL);")}

OVERRIDE = """\
# ruff: noqa: E501
\"\"\"Custom models for {{ doc }}.\"\"\"

{% for line in imports %}
{{ line }}
{% endfor %}
{% for cls in classes %}


class {{ cls.name }}(Base):
    __tablename__ = {{ cls.table }}

{% for line in cls.columns %}
{{ line }}
{% endfor %}

    def __repr__(self) -> str:
        return "<{{ cls.decided.table }} {{ cls.decided.columns | length }} columns>"
{% endfor %}
"""


def _project(root: Path, tool: str = "") -> Path:
    return make_project(root, DOCS, tool)


def test_without_the_key_the_built_in_templates_render(tmp_path: Path) -> None:
    plain = render_project(_project(tmp_path / "plain"))
    # an empty templates folder changes nothing either
    (tmp_path / "empty" / "tpl").mkdir(parents=True)
    assert render_project(_project(tmp_path / "empty", 'templates = "tpl"\n')) == plain
    # no line is long: no blanket noqa (tests/unit/test_noqa.py)
    assert plain["shop.py"].startswith('"""Models for spec/shop.md.')


def test_a_project_template_overrides_the_built_in_one(tmp_path: Path) -> None:
    plain = render_project(_project(tmp_path / "plain"))
    root = _project(tmp_path / "custom", 'templates = "codegen/tpl"\n')
    (root / "codegen" / "tpl").mkdir(parents=True)
    (root / "codegen" / "tpl" / "model_module.py.j2").write_text(OVERRIDE, encoding="utf-8")
    files = render_project(root)
    # the template's blanket noqa goes too: no line of the file is long
    assert files["shop.py"].startswith('"""Custom models for spec/shop.md."""')
    assert 'return "<item 2 columns>"' in files["shop.py"]
    assert "    name: Mapped[str] = mapped_column(Text)" in files["shop.py"]
    compile(files["shop.py"], "shop.py", "exec")
    # only that template is overridden
    assert {k: v for k, v in files.items() if k != "shop.py"} == {
        k: v for k, v in plain.items() if k != "shop.py"
    }


def test_generate_writes_the_override_and_check_sees_a_changed_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, 'templates = "tpl"\n')
    (root / "tpl").mkdir()
    template = root / "tpl" / "model_module.py.j2"
    template.write_text(OVERRIDE, encoding="utf-8")
    assert main(["-C", str(root), "generate"]) == 0
    assert "Custom models" in (root / "generated" / "shop.py").read_text(encoding="utf-8")
    assert main(["-C", str(root), "check", "--offline"]) == 0
    template.write_text(OVERRIDE.replace("Custom", "Other"), encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(root), "check", "--offline"]) == 1  # the manifest hashes the project's templates
    assert "generated/shop.py" in capsys.readouterr().out


def test_a_broken_project_template_is_a_diagnostic_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, 'templates = "tpl"\n')
    (root / "tpl").mkdir()
    (root / "tpl" / "base.py.j2").write_text("x = 1\n{{ no_such_value }}\n", encoding="utf-8")
    assert main(["-C", str(root), "generate"]) == 2
    err = capsys.readouterr().err
    assert "tpl/base.py.j2:2: error[E305]: template cannot be rendered: 'no_such_value' is undefined" in err
    assert "Traceback" not in err and not (root / "generated").exists()
    (root / "tpl" / "base.py.j2").write_text("{% for x in %}\n", encoding="utf-8")
    assert main(["-C", str(root), "generate"]) == 2
    assert "tpl/base.py.j2:1: error[E305]" in capsys.readouterr().err


def test_the_templates_folder_must_stay_inside_the_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = _project(tmp_path / "proj", 'templates = "link"\n')
    os.symlink(outside, root / "link")
    assert main(["-C", str(root), "generate"]) == 2
    assert "templates = 'link' leads outside the project" in capsys.readouterr().err


def test_every_built_in_template_says_what_it_receives() -> None:
    for template in sorted(TEMPLATES.glob("*.j2")):
        head = template.read_text(encoding="utf-8")
        assert head.startswith("{#") and "#}" in head, f"{template.name} does not document its inputs"


def test_rendering_writes_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert "shop.py" in render_project(root)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
