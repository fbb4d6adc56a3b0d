"""Same inputs, same bytes; only what changed is drawn again; a project's
templates/ wins over the built-in ones; StrictUndefined holds."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import jinja2
import pytest
from report_helpers import build, make_project

from zjtx_site.render import charts
from zjtx_site.website.writer import Writer

COMPANIES = ["gz-chiche-thermal", "gz-shuobai-materials", "gz-jirui-drive"]
# pages about every company: they change whenever any company does
OVERVIEW = ("index.md", "portfolio.md")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _is_overview(rel: str) -> bool:
    return rel in OVERVIEW or rel.startswith(("rounds/", "assets/levels"))


@pytest.fixture
def spy(monkeypatch):
    """Records the files the Writer renders (its make() is called) and the charts drawn."""
    rendered: list[str] = []
    drawn: list[str] = []
    put = Writer.put

    def recording_put(self, page):
        def made():
            rendered.append(page.path)
            return page.make()
        return put(self, dataclasses.replace(page, make=made))

    monkeypatch.setattr(Writer, "put", recording_put)
    draw = Writer.draw_charts

    def recording_draw(self, progress):
        rendered.extend(c.path for c in self.charts)   # charts queued to be drawn
        return draw(self, progress)

    monkeypatch.setattr(Writer, "draw_charts", recording_draw)
    for name in ("radar", "trend", "rounds"):
        fn = getattr(charts, name)

        def counted(*a, _fn=fn, _name=name, **kw):
            drawn.append(_name)
            return _fn(*a, **kw)
        monkeypatch.setattr(charts, name, counted)
    return rendered, drawn


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The companies built once, from the project root as ``zjtx build`` runs."""
    root = make_project(tmp_path_factory.mktemp("incremental") / "base", COMPANIES)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        build(root)
    finally:
        os.chdir(cwd)
    return root


@pytest.fixture
def project(built, tmp_path, monkeypatch):
    """A copy of the built project (content/ and manifest included), to change."""
    root = tmp_path / "proj"
    shutil.copytree(built, root)
    monkeypatch.chdir(root)
    return root


def test_two_builds_in_different_folders_are_byte_identical(tmp_path):
    a = make_project(tmp_path / "a", COMPANIES[:2])
    b = make_project(tmp_path / "elsewhere" / "b", COMPANIES[:2])
    build(a)
    build(b)
    ta, tb = _tree(a / "content"), _tree(b / "content")
    assert len(ta) > 20
    assert sorted(ta) == sorted(tb)
    for rel in ta:
        assert ta[rel] == tb[rel], rel
    assert (a / ".zjtx" / "manifest.json").read_bytes() == (b / ".zjtx" / "manifest.json").read_bytes()
    # every kind of output is there: pages and charts
    assert any(r.endswith("-radar.svg") for r in ta) and any(r.endswith("-rounds.svg") for r in ta)


def test_content_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    """zjtx -C DIR build and cd DIR && zjtx build give the same bytes."""
    a = make_project(tmp_path / "a", ["gz-shuobai-materials"])
    monkeypatch.chdir(a)
    build(a)
    first = _tree(a / "content")
    shutil.rmtree(a / "content")
    shutil.rmtree(a / ".zjtx")
    monkeypatch.chdir(tmp_path)
    build(a)
    assert _tree(a / "content") == first


def test_rebuilding_unchanged_inputs_renders_nothing(project, spy):
    rendered, drawn = spy
    before = _tree(project / "content")
    result = build(project)
    assert rendered == [] and drawn == []
    assert result.rendered == 0 and result.reused == len(before)
    assert _tree(project / "content") == before


def test_editing_one_company_redraws_only_that_company(project, spy):
    rendered, drawn = spy
    before = _tree(project / "content")
    path = project / "companies" / "gz-shuobai-materials" / "2026.yaml"
    path.write_text(path.read_text("utf-8").replace("niche_years: 5", "niche_years: 6"), "utf-8")
    result = build(project)
    after = _tree(project / "content")

    # the trend chart shows the financial years only: keyed by its own arguments, it is reused
    ours = {f"companies/gz-shuobai-materials/{x}" for x in ("2026.md", "2026-radar.svg", "index.md")}
    assert ours <= set(rendered)
    assert set(rendered) - ours <= {r for r in rendered if _is_overview(r)}, sorted(set(rendered) - ours)
    assert {"portfolio.md", "index.md"} <= set(rendered)
    assert result.rendered == len(rendered)
    assert result.reused == len(after) - len(rendered)
    # one radar chart drawn: the trend chart and the other companies' charts are reused
    assert sorted(drawn) == ["radar"]
    for rel, data in after.items():
        if not rel.startswith("companies/gz-shuobai-materials/") and not _is_overview(rel):
            assert rel not in rendered and data == before[rel], rel
    assert after["companies/gz-shuobai-materials/2026.md"] != before["companies/gz-shuobai-materials/2026.md"]


def test_editing_an_earlier_round_redraws_the_later_ones_of_that_company(project, spy):
    """A round's page compares with the round before it, so it depends on it."""
    rendered, drawn = spy
    path = project / "companies" / "gz-chiche-thermal" / "2025.yaml"
    # below the specialisation band: the 2025 score changes, so its radar and the rounds chart too
    path.write_text(path.read_text("utf-8").replace("niche_years: 5", "niche_years: 1"), "utf-8")
    build(project)
    company = {r for r in rendered if not _is_overview(r)}
    assert company == {f"companies/gz-chiche-thermal/{x}" for x in (
        "2025.md", "2025-radar.svg", "2026.md", "2026-rounds.svg", "index.md")}
    assert sorted(drawn) == ["radar", "rounds"]


def test_editing_a_later_round_leaves_the_earlier_page_alone(project, spy):
    rendered, drawn = spy
    path = project / "companies" / "gz-chiche-thermal" / "2026.yaml"
    path.write_text(path.read_text("utf-8").replace("niche_years: 6", "niche_years: 7"), "utf-8")
    build(project)
    assert "companies/gz-chiche-thermal/2026.md" in rendered
    assert not any(r.startswith("companies/gz-chiche-thermal/2025") for r in rendered)


@pytest.fixture
def small(tmp_path, monkeypatch):
    """One company of two rounds, built: for the tests that change every page."""
    root = make_project(tmp_path / "small", ["gz-jirui-drive"])
    monkeypatch.chdir(root)
    build(root)
    return root


def test_project_template_wins_and_changes_rerender(small, spy):
    project = small
    rendered, drawn = spy
    (project / "templates").mkdir()
    (project / "templates" / "report.md.j2").write_text(
        "---\ntitle: {{ name | front_matter }}\n---\n\n# 本协会版式：{{ name }}（{{ round }}）\n\n{{ charts.radar }}\n",
        "utf-8")
    build(project)
    page = (project / "content" / "companies" / "gz-jirui-drive" / "2026.md").read_text("utf-8")
    assert "# 本协会版式：" in page and "## 执行摘要" not in page
    # every report page is rendered again (the templates are part of each page's key) ...
    pages = {r for r in rendered if r.endswith((".md",)) and r.startswith("companies/") and "/index" not in r}
    assert pages == {"companies/gz-jirui-drive/2025.md", "companies/gz-jirui-drive/2026.md"}
    # ... while the other templates stay the built-in ones
    index = (project / "content" / "companies" / "gz-jirui-drive" / "index.md").read_text("utf-8")
    assert "|轮次|评估日期|级别|下一梯度|报告|" in index
    # and removing the override brings the built-in page back
    shutil.rmtree(project / "templates")
    build(project)
    page = (project / "content" / "companies" / "gz-jirui-drive" / "2026.md").read_text("utf-8")
    assert "## 执行摘要" in page


def test_project_template_may_extend_the_builtin_one(tmp_path):
    """A project's template can include the built-in pieces (ChoiceLoader)."""
    project = make_project(tmp_path / "p", ["gz-jirui-drive"])
    (project / "templates").mkdir()
    (project / "templates" / "company.md.j2").write_text(
        "---\ntitle: {{ name | front_matter }}\n---\n\n# 企业档案：{{ name }}\n\n"
        "{% for r in rounds %}- {{ r.round }}：{{ r.level }}\n{% endfor %}\n{% include \"_footer.md.j2\" %}",
        "utf-8")
    build(project)
    index = (project / "content" / "companies" / "gz-jirui-drive" / "index.md").read_text("utf-8")
    assert index.startswith("---\ntitle: ")
    assert "# 企业档案：" in index and "- 2026：L5" in index and "<small>zjtx-site" in index


def test_strict_undefined_in_an_override_fails_the_build_and_keeps_content(project):
    before = _tree(project / "content")
    (project / "templates").mkdir()
    (project / "templates" / "report.md.j2").write_text("# {{ name }} {{ no_such_variable }}\n", "utf-8")
    with pytest.raises(jinja2.UndefinedError, match="no_such_variable"):
        build(project)
    assert _tree(project / "content") == before


def test_strict_undefined_catches_a_missing_attribute(project):
    (project / "templates").mkdir()
    (project / "templates" / "report.md.j2").write_text("# {{ grade.no_such_field }}\n", "utf-8")
    with pytest.raises(jinja2.UndefinedError):
        build(project)


def test_builtin_templates_render_without_undefined_variables():
    """The built-in templates themselves render under StrictUndefined (no override)."""
    from zjtx_site.render.environment import environment

    env = environment(Path("/nonexistent-project"))
    assert env.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing }}").render()
