"""The plugin contract: discovery, the example package, faults, docs in step.

Every test starts hermetic (``ZJTX_PLUGINS=""``: no installed package is
loaded) and opts in to what it needs. The example package
``examples/zjtx-plugin-guangdong`` is installed into the venv by ``make
setup``; the tests that use it find it through its entry point.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

from zjtx_site.cli.main import main
from zjtx_site.intake.layout import entry_for
from zjtx_site.intake.loader import load_file
from zjtx_site.scoring import engine as scoring
from zjtx_site.scoring import hookspecs
from zjtx_site.scoring import host as plugins
from zjtx_site.scoring.builtin import dimensions as builtin_dimensions
from zjtx_site.scoring.builtin.grading import Grader
from zjtx_site.scoring.builtin.plan import PlanMaker
from zjtx_site.scoring.hookspecs import hookimpl
from zjtx_site.scoring.metrics import Metric, MetricContext
from zjtx_site.scoring.results import DimensionResult, Indicator, Plan
from zjtx_site.scoring.spans import Span, Status
from zjtx_site.vocabulary import DIMENSIONS

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = "guangdong-example"
EXAMPLE_DIR = REPO / "examples" / "zjtx-plugin-guangdong"
EXAMPLE_MODULE = EXAMPLE_DIR / "zjtx_plugin_guangdong_example.py"
DOCS = REPO / "docs" / "plugins.md"
SAMPLE = REPO / "companies" / "gz-lanqi-bio" / "2026.yaml"   # has no extra: mapping
COMPANY_FILE = "companies/gz-lanqi-bio/2026.yaml"
HOOKS = sorted(n for n in dir(hookspecs) if hasattr(getattr(hookspecs, n), "zjtx_site_spec"))


@pytest.fixture(autouse=True)
def hermetic(monkeypatch):
    monkeypatch.setenv(plugins.ALLOW_ENV, "")


# helpers -------------------------------------------------------------------

def project_with(root: Path, extra: str = "", plugin_files: dict[str, str] | None = None) -> Path:
    """A project with one company file (gz-lanqi-bio/2026), ``extra`` appended
    as YAML text, and the given ``plugins/*.py`` files."""
    target = root / COMPANY_FILE
    target.parent.mkdir(parents=True)
    target.write_text(SAMPLE.read_text(encoding="utf-8") + textwrap.dedent(extra), encoding="utf-8")
    for name, code in (plugin_files or {}).items():
        (root / "plugins").mkdir(exist_ok=True)
        (root / "plugins" / name).write_text(textwrap.dedent(code), encoding="utf-8")
        # local plugins obey the allow-list too: these tests allow theirs explicitly
        # (the hermetic fixture restores the variable afterwards)
        allowed = [n for n in os.environ.get(plugins.ALLOW_ENV, "").split(",") if n]
        os.environ[plugins.ALLOW_ENV] = ",".join([*allowed, f"local:{Path(name).stem}"])
    return root


def company_at(path: Path):
    entry, problems = entry_for(path)
    assert entry is not None, problems
    result = load_file(entry)
    assert result.company is not None, [p.format() for p in result.problems]
    return result.company


def sample_company():
    return company_at(SAMPLE)


def install_fake(tmp_path: Path, monkeypatch, dist: str, version: str, modules: dict[str, str],
                 entry_points: dict[str, str]) -> None:
    """A distribution with entry points in the "zjtx_site" group, on sys.path."""
    site = tmp_path / "site"
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(
        "[zjtx_site]\n" + "".join(f"{k} = {v}\n" for k, v in entry_points.items()))
    for name, code in modules.items():
        (site / f"{name}.py").write_text(textwrap.dedent(code), encoding="utf-8")
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.syspath_prepend(str(site))


def dimension(key: str, score: int = 50) -> DimensionResult:
    ind = Indicator(id="x", label="测试指标", value="1", target="1", points=Fraction(score),
                    max_points=Fraction(100), status=Status.MET)
    return DimensionResult.from_indicators(key, "测试", (ind,))


class Provides:
    """A plugin object registering ``objs`` through one hook."""

    def __init__(self, kind: str, *objs, replace: bool = False):
        def hook(register):
            for o in objs:
                register(o, replace=replace)

        setattr(self, f"zjtx_register_{kind}", hookimpl(hook))


class Evaluator:
    def __init__(self, key: str, fn):
        self.key, self.label, self.fn = key, "测试", fn

    def describe(self):
        return {"label": "测试", "indicators": [{"label": "测试指标", "max": 100, "rule": "测试规则"}]}

    def evaluate(self, company, metrics):
        return self.fn(company, metrics)


# (a) the example package, found through its entry point ----------------------

def example_engine(monkeypatch, allow: str | None = EXAMPLE):
    if allow is None:
        monkeypatch.delenv(plugins.ALLOW_ENV)
    else:
        monkeypatch.setenv(plugins.ALLOW_ENV, allow)
    return scoring.make_engine()


def test_example_is_installed_with_its_entry_point():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group=plugins.ENTRY_POINT_GROUP)}
    assert EXAMPLE in eps, "run `make setup` (it installs examples/zjtx-plugin-guangdong)"
    assert eps[EXAMPLE].value == "zjtx_plugin_guangdong_example"
    assert eps[EXAMPLE].dist.name == "zjtx-plugin-guangdong-example"


@pytest.mark.parametrize("allow", [None, EXAMPLE, f" {EXAMPLE} ,"])
def test_example_replaces_distinctiveness(monkeypatch, allow):
    reg = example_engine(monkeypatch, allow).registry
    assert reg.dimensions["distinctiveness"].plugin == EXAMPLE
    assert reg.metrics["gd_specialty_product"].plugin == EXAMPLE
    # only that one: the other five stay built-in
    assert {k for k, r in reg.dimensions.items() if r.plugin == EXAMPLE} == {"distinctiveness"}
    info = next(p for p in reg.plugins if p.name == EXAMPLE)
    assert info.origin == "已安装包"
    assert info.version == importlib.metadata.version("zjtx-plugin-guangdong-example")
    assert set(info.hooks) == {"zjtx_register_dimensions", "zjtx_register_metrics"}


def test_example_not_loaded_when_allow_list_is_empty():
    reg = scoring.make_engine().registry
    assert EXAMPLE not in {p.name for p in reg.plugins}
    assert reg.dimensions["distinctiveness"].plugin == "zjtx_site.scoring.builtin.dimension.distinctiveness"
    assert "gd_specialty_product" not in reg.metrics


def test_allow_list_names_unknown_plugins(monkeypatch):
    monkeypatch.setenv(plugins.ALLOW_ENV, "guangdong-exmaple")
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine()
    assert "guangdong-exmaple" in str(e.value) and plugins.ALLOW_ENV in str(e.value)
    assert EXAMPLE in str(e.value)                        # lists what is installed


@pytest.mark.parametrize("flag, points", [("true", 5), ("false", 0)])
def test_example_adds_indicator_from_extra(tmp_path, monkeypatch, flag, points):
    project = project_with(tmp_path, f"extra:\n  guangdong:\n    specialty_product: {flag}\n")
    company = company_at(project / COMPANY_FILE)
    builtin = scoring.assess(scoring.make_engine(), company).dimension("distinctiveness")
    got = scoring.assess(example_engine(monkeypatch), company).dimension("distinctiveness")

    assert got.plugin == EXAMPLE
    assert got.indicators[:-1] == builtin.indicators          # built-in indicators kept
    extra = got.indicators[-1]
    assert extra.id == "gd_specialty_product"
    assert "【示例】" in extra.label and "示意" in extra.source
    # an indicator's status says whether its data is complete; the points say how it did
    assert (extra.points, extra.max_points, extra.status) == (points, 5, Status.MET)
    assert extra.value == ("是" if flag == "true" else "否")
    assert extra.evidence == "extra.guangdong.specialty_product"
    expected = DimensionResult.from_indicators("distinctiveness", builtin.label, got.indicators)
    assert got.score == expected.score != builtin.score


def test_example_reports_missing_flag_as_needs_data(tmp_path, monkeypatch):
    project = project_with(tmp_path, "extra:\n  guangdong: {}\n")
    got = scoring.assess(example_engine(monkeypatch), company_at(project / COMPANY_FILE))
    extra = got.dimension("distinctiveness").indicators[-1]
    assert (extra.status, extra.points, extra.value) == (Status.NEEDS_DATA, 0, "未报告")


def test_example_leaves_other_companies_unchanged(monkeypatch):
    company = sample_company()
    builtin = scoring.assess(scoring.make_engine(), company)
    got = scoring.assess(example_engine(monkeypatch), company)
    assert got.dimensions == builtin.dimensions


@pytest.mark.parametrize("extra", ["extra:\n  guangdong:\n    specialty_product: 是\n",
                                   "extra:\n  guangdong: yes\n"])
def test_example_rejects_bad_extra_naming_plugin_and_file(tmp_path, monkeypatch, extra):
    project = project_with(tmp_path, extra)
    company = company_at(project / COMPANY_FILE)
    with pytest.raises(scoring.EvaluationError) as e:
        scoring.assess(example_engine(monkeypatch), company)
    assert e.value.plugin == EXAMPLE and e.value.source == company.source
    assert "extra.guangdong" in str(e.value) and company.source in str(e.value)


def test_example_in_score_json(tmp_path, monkeypatch, capsys):
    project_with(tmp_path, "extra:\n  guangdong:\n    specialty_product: true\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(plugins.ALLOW_ENV, EXAMPLE)
    assert main(["score", "--json", COMPANY_FILE]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["complete"] is True
    ids = [i["id"] for i in out["dimensions"]["distinctiveness"]["indicators"]]
    assert ids[-1] == "gd_specialty_product" and len(ids) == 4


# (b) zjtx plugins ------------------------------------------------------------

def test_plugins_command_lists_example(monkeypatch, capsys):
    monkeypatch.setenv(plugins.ALLOW_ENV, EXAMPLE)
    monkeypatch.chdir(REPO)
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith(EXAMPLE + " "))
    version = importlib.metadata.version("zjtx-plugin-guangdong-example")
    assert "[已安装包]" in line and f"版本 {version}" in line
    assert "zjtx_plugin_guangdong_example" in line
    assert re.search(r"钩子：(dimensions、metrics|metrics、dimensions)$", line)
    assert re.search(rf"dimensions\s+distinctiveness\s+← {EXAMPLE}$", out, re.M)


def test_plugins_command_hermetic(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert EXAMPLE not in out
    assert "zjtx_site.scoring.builtin.dimension.distinctiveness  [内置]" in out


# (c) local plugins, loaded by path ---------------------------------------------

LOCAL_METRIC = """
    from zjtx_site.scoring.hookspecs import hookimpl
    from zjtx_site.scoring.metrics import Metric
    from zjtx_site.scoring.spans import Span

    @hookimpl
    def zjtx_register_metrics(register):
        register(Metric(name="local_answer", label="本地指标", unit="个", evidence="-",
                        fn=lambda company: Span.of(42)))
"""


def test_local_plugin_loaded_by_path(tmp_path, monkeypatch, capsys):
    project = project_with(tmp_path, plugin_files={"answer.py": LOCAL_METRIC})
    engine = scoring.make_engine(project)
    reg = engine.registry
    assert reg.metrics["local_answer"].plugin == "local:answer"
    info = next(p for p in reg.plugins if p.name == "local:answer")
    assert (info.origin, info.hooks) == ("本地插件", ("zjtx_register_metrics",))
    assert info.location == str(project / "plugins" / "answer.py")
    assert MetricContext(sample_company(), engine.metrics).get("local_answer") == Span.of(42)
    # and `zjtx plugins` shows it
    monkeypatch.chdir(project)
    assert main(["plugins"]) == 0
    assert re.search(r"local:answer\s+\[本地插件\].*钩子：metrics", capsys.readouterr().out)


def test_local_plugins_never_shadow_other_modules(tmp_path, monkeypatch):
    # an installed top-level package called `plugins`, and a local plugin
    # file named like a standard-library module
    site = tmp_path / "site" / "plugins"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text("WHO = 'installed'\n")
    monkeypatch.syspath_prepend(str(site.parent))
    monkeypatch.delitem(sys.modules, "plugins", raising=False)
    second = LOCAL_METRIC.replace("local_answer", "local_two")
    project = project_with(tmp_path / "proj", plugin_files={"json.py": LOCAL_METRIC, "plugins.py": second})
    real_json = sys.modules["json"]
    reg = scoring.make_engine(project).registry
    assert reg.metrics["local_answer"].plugin == "local:json"
    assert reg.metrics["local_two"].plugin == "local:plugins"
    assert sys.modules["json"] is real_json
    assert "plugins" not in sys.modules
    try:
        assert importlib.import_module("plugins").WHO == "installed"
    finally:
        sys.modules.pop("plugins", None)


def test_project_without_plugins_folder(tmp_path):
    reg = scoring.make_engine(project_with(tmp_path)).registry
    assert all(p.origin == "内置" for p in reg.plugins)


# (d) faults at load time ----------------------------------------------------------

class Misspelled:
    @hookimpl
    def zjtx_register_dimension(self, register):    # sic: the hook is ..._dimensions
        raise AssertionError("never called")


class Unmarked:
    def zjtx_register_dimensions(self, register):   # no @hookimpl
        raise AssertionError("never called")


def test_misspelled_hook_refused(monkeypatch):
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine(extra=[("typo-plugin", Misspelled())])
    msg = str(e.value)
    assert "插件 typo-plugin 的 zjtx_register_dimension（" in msg
    assert "可用钩子：" in msg and "zjtx_register_dimensions," in msg    # what it may have meant


def test_hook_without_marker_refused():
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine(extra=[("forgot-marker", Unmarked())])
    assert "插件 forgot-marker 的 zjtx_register_dimensions 没有用 @hookimpl 标记" in str(e.value)


def test_misspelled_hook_in_local_plugin_named_by_file(tmp_path):
    project = project_with(tmp_path, plugin_files={"typo.py": """
        from zjtx_site.scoring.hookspecs import hookimpl

        @hookimpl
        def zjtx_register_metric(register):
            pass
    """})
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine(project)
    assert "插件 local:typo 的 zjtx_register_metric（" in str(e.value)


def test_duplicate_registration_without_replace_refused():
    evaluator = Evaluator("chain", lambda c, m: dimension("chain"))
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine(extra=[("dup-plugin", Provides("dimensions", evaluator))])
    msg = str(e.value)
    assert "dup-plugin" in msg and "chain" in msg
    assert "zjtx_site.scoring.builtin.dimension.chain" in msg and "replace=True" in msg


@pytest.mark.parametrize("replace", [False, True])
def test_two_outside_plugins_for_one_key_refused(replace):
    a = Provides("dimensions", Evaluator("chain", lambda c, m: dimension("chain")), replace=True)
    b = Provides("dimensions", Evaluator("chain", lambda c, m: dimension("chain")), replace=replace)
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine(extra=[("plugin-a", a), ("plugin-b", b)])
    msg = str(e.value)
    assert "plugin-a" in msg and "plugin-b" in msg and "chain" in msg
    assert "只能保留一个" in msg


def test_installed_plugin_clashing_with_example_refused(tmp_path, monkeypatch):
    install_fake(tmp_path, monkeypatch, "zjtx-fake-rival", "2.0", {"zjtx_fake_rival": """
        from zjtx_site.scoring.builtin.dimensions import BandDimension, dimension_data
        from zjtx_site.scoring.hookspecs import hookimpl

        @hookimpl
        def zjtx_register_dimensions(register):
            register(BandDimension("distinctiveness", dimension_data()["distinctiveness"]), replace=True)
    """}, {"rival": "zjtx_fake_rival"})
    monkeypatch.setenv(plugins.ALLOW_ENV, f"rival,{EXAMPLE}")
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine()
    assert "rival" in str(e.value) and EXAMPLE in str(e.value) and "distinctiveness" in str(e.value)
    monkeypatch.setenv(plugins.ALLOW_ENV, "rival")          # either one alone is fine
    reg = scoring.make_engine().registry
    assert reg.dimensions["distinctiveness"].plugin == "rival"
    assert next(p for p in reg.plugins if p.name == "rival").version == "2.0"


@pytest.mark.parametrize("kind, obj, words", [
    ("dimensions", Evaluator("colour", lambda c, m: None), ["colour", "specialization"]),
    ("dimensions", object(), ["key"]),
    ("metrics", "not a metric", ["Metric"]),
    ("grader", type("G", (), {"key": "grading"})(), ["grade"]),
    ("plan_makers", type("P", (), {"key": "plan"})(), ["make"]),
])
def test_invalid_registration_refused(kind, obj, words):
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine(extra=[("odd-plugin", Provides(kind, obj, replace=True))])
    assert "odd-plugin" in str(e.value)
    for w in words:
        assert w in str(e.value)


def test_register_hook_that_raises_is_named():
    class Raises:
        @hookimpl
        def zjtx_register_metrics(self, register):
            raise RuntimeError("boom")

    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine(extra=[("raising", Raises())])
    assert "raising" in str(e.value) and "zjtx_register_metrics" in str(e.value) and "boom" in str(e.value)


def test_local_plugin_that_fails_to_import_is_named(tmp_path):
    project = project_with(tmp_path, plugin_files={"broken.py": "import no_such_module_zjtx\n"})
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine(project)
    assert str(project / "plugins" / "broken.py") in str(e.value)
    assert "no_such_module_zjtx" in str(e.value)


def test_installed_plugin_that_fails_to_import_is_named(tmp_path, monkeypatch):
    install_fake(tmp_path, monkeypatch, "zjtx-fake-broken", "0.0.1",
                 {"zjtx_fake_broken": "raise ImportError('需要的库没有安装')\n"},
                 {"broken-ep": "zjtx_fake_broken"})
    scoring.make_engine()                                    # not allowed: not imported
    assert "zjtx_fake_broken" not in sys.modules
    monkeypatch.setenv(plugins.ALLOW_ENV, "broken-ep")
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine()
    assert "broken-ep" in str(e.value) and "需要的库没有安装" in str(e.value)


def test_missing_dimension_lists_installed_expected_missing(monkeypatch):
    original = builtin_dimensions.builtin_dimension_plugins
    monkeypatch.setattr(builtin_dimensions, "builtin_dimension_plugins",
                        lambda: [p for p in original() if p.key != "distinctiveness"])
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine()
    msg = str(e.value)
    assert "缺少维度评价器：distinctiveness；" in msg
    assert "已安装：chain（zjtx_site.scoring.builtin.dimension.chain）" in msg
    assert "distinctiveness（" not in msg                      # not listed as installed
    assert f"应有：{', '.join(DIMENSIONS)}" in msg


@pytest.mark.parametrize("module, words", [
    ("zjtx_site.scoring.builtin.grading", "缺少分级器"),
    ("zjtx_site.scoring.builtin.plan", "缺少规划生成器"),
    ("zjtx_site.scoring.builtin.rulesets", "缺少规则集 miit-2022"),
])
def test_missing_builtin_kind_reported(monkeypatch, module, words):
    monkeypatch.setattr(plugins, "BUILTIN_MODULES", tuple(m for m in plugins.BUILTIN_MODULES if m != module))
    with pytest.raises(plugins.PluginError) as e:
        scoring.make_engine()
    assert words in str(e.value)


# (d) faults while scoring ------------------------------------------------------------

def _raises(company, metrics):
    raise ZeroDivisionError("division by zero")


def _out_of_range(company, metrics):
    return DimensionResult(key="chain", label="产业链配套", score=Fraction(150), indicators=())


FAULTS = {
    "raises": (_raises, "ZeroDivisionError"),
    "wrong-type": (lambda c, m: {"score": 50}, "应返回 维度 chain 的 DimensionResult，实际返回 dict"),
    "wrong-key": (lambda c, m: dimension("product"), "DimensionResult"),
    "out-of-range": (_out_of_range, "结果无效：dimension chain: score 150 outside 0..100"),
}


def faulty_engine(fault: str):
    fn, _ = FAULTS[fault]
    return scoring.make_engine(extra=[("faulty", Provides("dimensions", Evaluator("chain", fn), replace=True))])


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_evaluator_fault_names_plugin_and_file(fault):
    company = sample_company()
    with pytest.raises(scoring.EvaluationError) as e:
        scoring.assess(faulty_engine(fault), company)
    assert (e.value.plugin, e.value.source) == ("faulty", company.source)
    msg = str(e.value)
    assert msg.startswith(f"{company.source}: 插件 faulty 出错") and FAULTS[fault][1] in msg


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_evaluator_fault_with_keep_going_marks_result_failed(fault):
    company = sample_company()
    a = scoring.assess(faulty_engine(fault), company, keep_going=True)
    assert not a.complete and len(a.failures) == 1
    assert a.failures[0].startswith(f"{company.source}: 插件 faulty 出错")
    assert [d.key for d in a.dimensions] == [k for k in DIMENSIONS if k != "chain"]
    assert len(a.tiers) == 4 and a.grade is not None       # the rest is still there


BAD_LOCAL = """
    from zjtx_site import hookimpl

    class Chain:
        key = "chain"
        label = "产业链配套"

        def describe(self):
            return {"label": self.label, "indicators": []}

        def evaluate(self, company, metrics):
            raise RuntimeError("评价器内部错误")

    @hookimpl
    def zjtx_register_dimensions(register):
        register(Chain(), replace=True)
"""


def test_score_cli_without_keep_going_prints_nothing(tmp_path, monkeypatch, capsys):
    project_with(tmp_path, plugin_files={"bad_chain.py": BAD_LOCAL})
    monkeypatch.chdir(tmp_path)
    assert main(["score", "--json", COMPANY_FILE]) != 0
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{COMPANY_FILE}: 插件 local:bad_chain 出错" in err and "评价器内部错误" in err


def test_score_cli_keep_going_marks_json_incomplete(tmp_path, monkeypatch, capsys):
    project_with(tmp_path, plugin_files={"bad_chain.py": BAD_LOCAL})
    monkeypatch.chdir(tmp_path)
    assert main(["score", "--json", "--keep-going", COMPANY_FILE]) != 0
    out = json.loads(capsys.readouterr().out)
    assert out["complete"] is False
    assert len(out["failures"]) == 1 and "local:bad_chain" in out["failures"][0]
    assert COMPANY_FILE in out["failures"][0]
    assert "chain" not in out["dimensions"] and "distinctiveness" in out["dimensions"]
    # the summary says so too
    assert main(["score", "--keep-going", COMPANY_FILE]) != 0
    assert "失败：" in capsys.readouterr().out


def test_grader_returning_wrong_type_is_named():
    class Bad(Grader):
        def grade(self, company, metrics):
            return "L3"

    engine = scoring.make_engine(extra=[("bad-grader", Provides("grader", Bad(), replace=True))])
    with pytest.raises(scoring.EvaluationError) as e:
        scoring.assess(engine, sample_company())
    assert e.value.plugin == "bad-grader" and "Grade" in str(e.value)
    a = scoring.assess(engine, sample_company(), keep_going=True)
    assert a.grade is None and not a.complete and a.plan == ()


@pytest.mark.parametrize("made", [("oops",), ((), ()), [(), ()], "plan"])
def test_plan_maker_returning_wrong_shape_is_named(made):
    class Bad(PlanMaker):
        def make(self, request):
            return made

    engine = scoring.make_engine(extra=[("bad-plan", Provides("plan_makers", Bad(), replace=True))])
    with pytest.raises(scoring.EvaluationError) as e:
        scoring.assess(engine, sample_company())
    assert e.value.plugin == "bad-plan" and "Plan" in str(e.value)
    a = scoring.assess(engine, sample_company(), keep_going=True)
    assert a.plan == () and len(a.failures) == 1


# plugins load only in the commands that need them ---------------------------------------

def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zjtx_site", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120)


def test_broken_plugins_do_not_break_help_or_check(tmp_path):
    project = project_with(tmp_path / "proj", plugin_files={"broken.py": "raise RuntimeError('坏插件')\n"})
    site = tmp_path / "site"
    info = site / "zjtx_fake_bad-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: zjtx-fake-bad\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[zjtx_site]\nbad-ep = zjtx_fake_bad\n")
    (site / "zjtx_fake_bad.py").write_text("raise RuntimeError('坏的已安装插件')\n")
    here = str(Path(plugins.__file__).resolve().parents[2])     # the zjtx_site under test
    env = {"PYTHONPATH": os.pathsep.join([str(site), here, os.environ.get("PYTHONPATH", "")]),
           plugins.ALLOW_ENV: "bad-ep"}

    helped = _run(["--help"], project, env)
    assert helped.returncode == 0 and "check" in helped.stdout
    checked = _run(["check"], project, env)
    assert checked.returncode == 0 and "检查通过" in checked.stdout
    # ...while the commands that do load plugins name the broken one
    scored = _run(["score", COMPANY_FILE], project, env)
    assert scored.returncode != 0 and scored.stdout == ""
    assert "bad-ep" in scored.stderr and "坏的已安装插件" in scored.stderr
    env[plugins.ALLOW_ENV] = "local:broken"
    listed = _run(["plugins"], project, env)
    assert listed.returncode != 0 and "plugins/broken.py" in listed.stderr and "坏插件" in listed.stderr


# (e) every hook is exercised here, and documented ------------------------------------------

def test_hook_zjtx_register_dimensions():
    def evaluate(company, metrics):
        assert isinstance(metrics, MetricContext) and metrics.company is company
        return dimension("chain", 25)

    engine = scoring.make_engine(extra=[("chain-plugin", Provides("dimensions", Evaluator("chain", evaluate),
                                                                  replace=True))])
    assert engine.registry.dimensions["chain"].plugin == "chain-plugin"
    assert scoring.assess(engine, sample_company()).dimension("chain").score == 25


def test_hook_zjtx_register_metrics():
    metric = Metric(name="answer", label="答案", unit="个", evidence="-", fn=lambda c, *a: Span.of(42 + len(a)))
    engine = scoring.make_engine(extra=[("metric-plugin", Provides("metrics", metric))])
    assert engine.registry.metrics["answer"].plugin == "metric-plugin"
    ctx = MetricContext(sample_company(), engine.metrics)
    assert ctx.get("answer") == Span.of(42) and ctx.get("answer", ("x",)) == Span.of(43)
    # a built-in metric may be replaced, but not silently
    revenue = dataclasses.replace(engine.metrics["revenue"], label="营收")
    with pytest.raises(plugins.PluginError, match="metric-plugin.*revenue"):
        scoring.make_engine(extra=[("metric-plugin", Provides("metrics", revenue))])
    replaced = scoring.make_engine(extra=[("metric-plugin", Provides("metrics", revenue, replace=True))])
    assert replaced.metrics["revenue"].label == "营收"


def test_hook_zjtx_register_rulesets(tmp_path):
    path = tmp_path / "test-2099.yaml"
    path.write_text("id: test-2099\ntitle: 测试规则集\nsource: 测试\nin_force: 2099-01-01\n"
                    "inherits: {innovative_sme: miit-2022, srdi_sme: miit-2022, little_giant: miit-2022,"
                    " single_champion: miit-2022}\n", encoding="utf-8")
    engine = scoring.make_engine(extra=[("rules-plugin", Provides("rulesets", path))])
    assert engine.registry.rulesets["test-2099"].plugin == "rules-plugin"
    assert str(engine.rulesets["test-2099"].in_force) == "2099-01-01"
    a = scoring.assess(engine, sample_company(), forced="test-2099")
    assert all(t.ruleset == "miit-2022" for t in a.tiers)           # inherited, and says so
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: 没有 id\n", encoding="utf-8")
    with pytest.raises(plugins.PluginError, match="rules-plugin.*缺少 id"):
        scoring.make_engine(extra=[("rules-plugin", Provides("rulesets", bad))])


def test_hook_zjtx_register_grader():
    class Cautious(Grader):
        def grade(self, company, metrics):
            return dataclasses.replace(super().grade(company, metrics), level="L1")

    engine = scoring.make_engine(extra=[("grade-plugin", Provides("grader", Cautious(), replace=True))])
    assert engine.registry.grader["grading"].plugin == "grade-plugin"
    assert scoring.assess(scoring.make_engine(), sample_company()).grade.level != "L1"
    assert scoring.assess(engine, sample_company()).grade.level == "L1"


def test_hook_zjtx_register_plan_makers():
    class Quiet(PlanMaker):
        def make(self, request):
            assert request.next_tier == "little_giant" and request.held == ("innovative_sme", "srdi_sme")
            assert {"miit-2022", "miit-2026"} <= set(request.rulesets) and request.measures
            return Plan(target=None, gaps=(), items=())

    engine = scoring.make_engine(extra=[("plan-plugin", Provides("plan_makers", Quiet(), replace=True))])
    assert engine.registry.plan_makers["plan"].plugin == "plan-plugin"
    assert scoring.assess(scoring.make_engine(), sample_company()).plan != ()
    a = scoring.assess(engine, sample_company())
    assert a.plan == () and a.gaps == () and a.complete


def test_hook_zjtx_register_measures():
    # lanqi 2026: 小巨人 by a top-3 national rank (the built-in measure domestic_rank)
    def plan_of(engine):
        return [p for p in scoring.assess(engine, sample_company()).plan if p.metric == "domestic_rank"]

    (builtin,) = plan_of(scoring.make_engine())
    assert builtin.measure == "domestic_rank"
    mine = {"id": "domestic_rank", "kind": "improve", "area": "opening", "item": "拓展市场网络", "levers": ["rank"],
            "owner": "营销中心", "estimate_wan": 150,
            "wordings": ["{product}全国排名 {current} → {target}：开设华南、华东两个办事处。",
                         "全国排名须进入{target}（现为 {current}）：开设两个区域办事处。"]}
    replaced = scoring.make_engine(extra=[("gd-measures", Provides("measures", mine, replace=True))])
    assert replaced.registry.measures["domestic_rank"].plugin == "gd-measures"
    (item,) = plan_of(replaced)
    assert item.owner == "营销中心" and "办事处" in item.action
    # a new measure is considered before the built-in ones
    extra = dict(mine, id="gd_rank_alliance", owner="行业联盟办")
    (added,) = plan_of(scoring.make_engine(extra=[("gd-measures", Provides("measures", extra))]))
    assert added.measure == "gd_rank_alliance" and added.owner == "行业联盟办"
    # the same id without replace=True is refused; a bad entry names the plugin and the field
    with pytest.raises(plugins.PluginError, match="gd-measures.*domestic_rank"):
        scoring.make_engine(extra=[("gd-measures", Provides("measures", mine))])
    with pytest.raises(plugins.PluginError, match="gd-measures.*item"):
        scoring.make_engine(extra=[("gd-measures", Provides("measures", dict(extra, item="扩大销售")))])


def test_hooks_found():
    assert HOOKS == [f"zjtx_register_{k}" for k in sorted(plugins.KINDS)]


@pytest.mark.parametrize("hook", HOOKS)
def test_plugin_hooks_have_tests(hook):
    assert callable(globals().get(f"test_hook_{hook}")), f"no test_hook_{hook} in {__file__}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hookspecs_take_register_and_are_documented(hook):
    import inspect

    fn = getattr(hookspecs, hook)
    assert list(inspect.signature(fn).parameters) == ["register"]
    doc = inspect.getdoc(fn)
    assert ":param register:" in doc and "since:" in doc


@pytest.mark.parametrize("hook", HOOKS)
def test_plugin_hooks_are_documented(hook):
    text = DOCS.read_text(encoding="utf-8")
    assert re.search(rf"^#+ .*`{hook}\(register\)`", text, re.M), f"{hook} has no section in {DOCS}"


def test_docs_name_no_undefined_hook():
    text = DOCS.read_text(encoding="utf-8")
    named = set(re.findall(r"zjtx_register_[a-z_]+", text))
    assert named and named <= set(HOOKS), sorted(named - set(HOOKS))


def test_docs_show_example_plugin_code_verbatim():
    text = DOCS.read_text(encoding="utf-8")
    code = EXAMPLE_MODULE.read_text(encoding="utf-8")
    assert f"```python\n{code}```" in text, "docs/plugins.md must include the example plugin's code as it is"
    toml = (EXAMPLE_DIR / "pyproject.toml").read_text(encoding="utf-8")
    entry = re.search(r"\[project\.entry-points\.zjtx_site\]\n.*\n", toml).group(0)
    assert entry in text


# The public API ---------------------------------------------------------------

def test_public_api_names_all_import_and_are_documented():
    import zjtx_site

    doc = (REPO / "docs" / "plugins.md").read_text("utf-8")
    section = doc[doc.index("## 公开接口"):doc.index("## 发现与加载顺序")]
    for name in zjtx_site.__all__:
        assert getattr(zjtx_site, name) is not None
        assert f"`{name}`" in section, f"{name} is public but not in docs/plugins.md"


def _imports_of(path):
    import ast

    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


@pytest.mark.parametrize("path", sorted([*(REPO / "examples").rglob("*.py"), *(REPO / "plugins").glob("*.py")]),
                         ids=lambda p: p.name)
def test_example_and_local_plugins_use_only_the_public_api(path):
    internal = [m for m in _imports_of(path) if m.startswith("zjtx_site.")]
    assert not internal, f"{path.name} imports internals {internal}; use `from zjtx_site import ...`"


def test_repository_local_plugin_loads_when_allowed_and_reads_industry_code(monkeypatch):
    monkeypatch.setenv("ZJTX_PLUGINS", "local:industry_code")
    engine = scoring.make_engine(REPO)
    reg = engine.registry
    assert reg.metrics["gbt4754_manufacturing"].plugin == "local:industry_code"
    company = company_at(REPO / "companies" / "gz-jirui-drive" / "2026.yaml")   # extra.industry_code: C3449
    assert MetricContext(company, engine.metrics).get("gbt4754_manufacturing") == Span.of(True)
    other = sample_company()                                                     # no extra: unknown
    assert MetricContext(other, engine.metrics).get("gbt4754_manufacturing").known is False


def test_repository_local_plugin_is_not_loaded_under_an_empty_allow_list(monkeypatch):
    monkeypatch.setenv("ZJTX_PLUGINS", "")
    assert "gbt4754_manufacturing" not in scoring.make_engine(REPO).registry.metrics


def test_local_plugin_refuses_a_malformed_industry_code():
    import importlib.util

    spec = importlib.util.spec_from_file_location("industry_code_t", REPO / "plugins" / "industry_code.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    class C:
        extra = {"industry_code": "34x"}
    with pytest.raises(ValueError, match="C3449"):
        mod.is_manufacturing(C())
    C.extra = {"industry_code": "I6513"}             # software: not manufacturing
    assert mod.is_manufacturing(C()) == Span.of(False)
