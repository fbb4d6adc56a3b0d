"""The seams between stages: render receives and never derives; every page
describes whatever the plugin host has registered."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zjtx_site import hookimpl
from zjtx_site.intake.layout import entry_for
from zjtx_site.intake.loader import load_file
from zjtx_site.render.missing import missing_items
from zjtx_site.scoring.engine import assess, make_engine

REPO = Path(__file__).resolve().parents[1]
RULES_2026 = REPO / "zjtx_site" / "scoring" / "data" / "rulesets" / "miit-2026.yaml"


@pytest.fixture(autouse=True)
def hermetic(monkeypatch):
    monkeypatch.setenv("ZJTX_PLUGINS", "")


def company(rel: str):
    entry, problems = entry_for(REPO / "companies" / rel)
    assert entry is not None, problems
    return load_file(entry).company


class RulesPlugin:
    def __init__(self, path: Path):
        self.path = path

    @hookimpl
    def zjtx_register_rulesets(self, register):
        register(self.path)


def test_a_plugin_rule_set_gets_the_same_missing_data_trace_as_a_builtin_one(tmp_path):
    # a rule set registered by a plugin: the 2026 rules under another id
    text = RULES_2026.read_text("utf-8").replace("id: miit-2026", "id: assoc-2026", 1)
    (tmp_path / "assoc-2026.yaml").write_text(text, "utf-8")
    engine = make_engine(extra=[("assoc-rules", RulesPlugin(tmp_path / "assoc-2026.yaml"))])
    c = company("gz-shuobai-materials/2026.yaml")        # its 资产负债率 is not reported
    builtin = missing_items(assess(engine, c, forced="miit-2026"))
    plugin = missing_items(assess(engine, c, forced="assoc-2026"))
    assert builtin and plugin == builtin
    # every row names a field to supply, none falls back to "untraceable"
    assert all(r["key"] != "—" for r in plugin)


def _render_imports() -> dict[str, list[tuple[str, str]]]:
    out = {}
    for path in sorted((REPO / "zjtx_site" / "render").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        out[path.name] = [(n.module, a.name) for n in ast.walk(tree)
                          if isinstance(n, ast.ImportFrom) and n.module for a in n.names]
    return out


def test_render_neither_computes_metrics_nor_reads_rule_files():
    for name, imported in _render_imports().items():
        for module, what in imported:
            assert what not in ("MetricContext", "REGISTRY", "metric"), f"render/{name} computes metrics"
            assert not module.startswith("zjtx_site.scoring.builtin"), f"render/{name} reads built-in data"
            assert what not in ("score_indicator", "indicator_metrics", "load_ruleset_file",
                                "builtin_ruleset_files"), f"render/{name} re-reads or re-scores rules"


# A plugin that replaces a dimension changes every page alike ------------------------

WIDER_CHAIN = '''
from zjtx_site import BandDimension, dimension_data, hookimpl

class WiderChain(BandDimension):
    """产业链配套 with one more indicator: 2 points for every company."""

    def __init__(self):
        spec = dimension_data()["chain"]
        extra = {"id": "assoc_chain_member", "label": "【协会】链主企业配套名录", "metric": "revenue",
                 "max": 2, "bands": [[0, 2]], "source": "协会本地规则（测试）"}
        super().__init__("chain", dict(spec, indicators=[*spec["indicators"], extra]))

@hookimpl
def zjtx_register_dimensions(register):
    register(WiderChain(), replace=True)
'''


def _project_with_local_plugin(root: Path, monkeypatch) -> Path:
    from report_helpers import make_project

    project = make_project(root, ["gz-lanqi-bio"])
    (project / "plugins").mkdir()
    (project / "plugins" / "wider_chain.py").write_text(WIDER_CHAIN, "utf-8")
    monkeypatch.setenv("ZJTX_PLUGINS", "local:wider_chain")
    return project


@pytest.mark.site
def test_a_plugin_replacing_a_dimension_changes_reports_methodology_and_portfolio_alike(tmp_path, monkeypatch):
    from report_helpers import build, read_page

    project = _project_with_local_plugin(tmp_path / "p", monkeypatch)
    engine = make_engine(project)
    a = assess(engine, company("gz-lanqi-bio/2026.yaml"))
    chain = a.dimension("chain")
    assert chain.indicators[-1].label == "【协会】链主企业配套名录"
    build(project)
    content = project / "content"
    report = read_page(content / "companies" / "gz-lanqi-bio" / "2026.md")
    methodology = (content / "methodology.md").read_text("utf-8")
    portfolio = (content / "portfolio.md").read_text("utf-8")
    assert "【协会】链主企业配套名录" in report
    assert "【协会】链主企业配套名录" in methodology and "本维度由插件 `local:wider_chain` 评价" in methodology
    from zjtx_site.scoring.fmt import score1

    shown = f"{score1(chain.score):.1f}"
    escaped = shown.replace(".", "\\.")          # Markdown escapes the point
    assert escaped in portfolio and f"|产业链配套|{escaped}|" in report
    # and its bands, in the report's 附录二
    assert "### 六维诊断 · 产业链配套" in report
    assert report.count("【协会】链主企业配套名录") >= 2


def test_methodology_describes_the_registered_evaluator_not_the_builtin_file(monkeypatch):
    from zjtx_site.scoring.engine import methodology

    monkeypatch.setenv("ZJTX_PLUGINS", "guangdong-example")   # installed by the project's set-up
    m = methodology(make_engine())
    d = next(x for x in m.dimensions if x.key == "distinctiveness")
    assert d.plugin == "guangdong-example"
    assert [i["label"] for i in d.indicators][-1].startswith("【示例】")
    monkeypatch.setenv("ZJTX_PLUGINS", "")
    builtin = next(x for x in methodology(make_engine()).dimensions if x.key == "distinctiveness")
    assert builtin.plugin.startswith("zjtx_site.") and len(builtin.indicators) == len(d.indicators) - 1


class HalvedGrader:
    """A grader whose L4 starts at 2,500 万元 (a province's own table)."""

    def __init__(self):
        from zjtx_site.scoring.builtin.grading import Grader

        self.base = Grader()
        self.key = "grading"

    def describe(self):
        data = dict(self.base.describe())
        data["levels"] = [dict(lv, min=2500, band="2500 万～2 亿元") if lv["level"] == "L4" else lv
                          for lv in data["levels"]]
        return data

    def level_for(self, revenue, field_match):
        if 2500 <= revenue < 5000:
            return ("L4" if field_match else "L1"), "2500 万～2 亿元"
        return self.base.level_for(revenue, field_match)

    def grade(self, company, metrics):
        return self.base.grade(company, metrics)

    @hookimpl
    def zjtx_register_grader(self, register):
        register(self, replace=True)


def test_classify_grades_with_the_registered_grader(tmp_path):
    import csv

    from zjtx_site.excel.classify import classify

    src = tmp_path / "名录.csv"
    src.write_text("企业名称,统一社会信用代码,营业收入（万元）,制造强国十大重点产业领域\n"
                   "甲,,3000,先进轨道交通设备\n", "utf-8")
    out = tmp_path / "out.csv"
    classify(src, out, chart=False, grader=HalvedGrader())
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[1][-4] == "L4", rows
    builtin = tmp_path / "builtin.csv"
    classify(src, builtin, chart=False)
    assert list(csv.reader(builtin.open(encoding="utf-8-sig")))[1][-4] == "L3"

