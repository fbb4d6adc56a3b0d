"""``zjtx build`` through the command line: success, a data error, a plugin
error and --keep-going; a failed build never touches the last good site."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from cli_helpers import run
from report_helpers import make_project
from test_plugins import BAD_LOCAL

pytestmark = pytest.mark.site

# a local plugin whose chain evaluator raises (shared with the plugin tests)
BROKEN_EVALUATOR = textwrap.dedent(BAD_LOCAL)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("ZJTX_PLUGINS", "")
    return make_project(tmp_path / "p", ["gz-lanqi-bio", "gz-chiche-thermal"])


def test_build_succeeds_and_says_what_it_made(project, capsys):
    code, out, err = run(capsys, "-C", project, "build")
    assert code == 0, err
    assert "构建完成" in out and "网站在 site/" in out
    assert (project / "content" / "companies" / "gz-lanqi-bio" / "2026.md").is_file()
    assert (project / "site" / "index.html").is_file()


def test_a_data_error_names_the_place_and_keeps_the_last_site(project, capsys):
    assert run(capsys, "-C", project, "build")[0] == 0
    before = _tree(project / "content"), _tree(project / "site")
    f = project / "companies" / "gz-lanqi-bio" / "2026.yaml"
    f.write_text(f.read_text("utf-8").replace("assessed_on: ", "assessed_on: 2026-02-30 #", 1), "utf-8")
    code, out, err = run(capsys, "-C", project, "build")
    assert code == 1
    assert "companies/gz-lanqi-bio/2026.yaml:" in err and "构建失败" in err
    assert (_tree(project / "content"), _tree(project / "site")) == before


def test_a_plugin_error_names_the_plugin_and_keeps_the_last_site(project, capsys, monkeypatch):
    assert run(capsys, "-C", project, "build")[0] == 0
    before = _tree(project / "content"), _tree(project / "site")
    (project / "plugins").mkdir()
    (project / "plugins" / "broken_chain.py").write_text(BROKEN_EVALUATOR, "utf-8")
    monkeypatch.setenv("ZJTX_PLUGINS", "local:broken_chain")
    code, out, err = run(capsys, "-C", project, "build")
    assert code != 0
    assert "local:broken_chain" in err and "评价器内部错误" in err
    assert (_tree(project / "content"), _tree(project / "site")) == before


def test_keep_going_builds_the_good_files_and_lists_the_bad(project, capsys):
    f = project / "companies" / "gz-lanqi-bio" / "2026.yaml"
    f.write_text(f.read_text("utf-8").replace("assessed_on: ", "assessed_on: 2026-02-30 #", 1), "utf-8")
    code, out, err = run(capsys, "-C", project, "build", "--keep-going")
    assert code != 0                                   # the bad file is not silently dropped
    assert "companies/gz-lanqi-bio/2026.yaml" in err
    assert (project / "content" / "companies" / "gz-chiche-thermal" / "2026.md").is_file()
    assert not (project / "content" / "companies" / "gz-lanqi-bio" / "2026.md").exists()
