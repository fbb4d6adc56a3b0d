"""Failures never look like results. A plugin returning None, the wrong type, a
float score or foreign indicator objects, raising SystemExit or
KeyboardInterrupt, or hanging past the time limit is a failure naming the
plugin, the hook and the company file. A build stops on it; under
--keep-going it is listed, the pages are marked 评分不完整, the portfolio's
columns stay keyed by dimension, and the exit code is 3."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import textwrap
import time
from fractions import Fraction
from pathlib import Path

import pytest
from cli_helpers import run
from report_helpers import blocks, section, table_after

from zjtx_site.errors import EvaluationError
from zjtx_site.intake.layout import entry_for
from zjtx_site.intake.loader import load_file
from zjtx_site.scoring import engine as scoring
from zjtx_site.scoring import guard, host
from zjtx_site.scoring.builtin.dimensions import BandDimension, dimension_data
from zjtx_site.scoring.builtin.grading import Grader
from zjtx_site.scoring.builtin.plan import PlanMaker
from zjtx_site.scoring.hookspecs import hookimpl
from zjtx_site.scoring.results import DimensionResult, Indicator

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "companies" / "gz-lanqi-bio" / "2026.yaml"
COMPANIES = ["gz-jirui-drive", "gz-lanqi-bio"]
FAILING = "gz-lanqi-bio"


@pytest.fixture(autouse=True)
def hermetic(monkeypatch):
    monkeypatch.setenv(host.ALLOW_ENV, "")


def company():
    entry, _ = entry_for(SAMPLE)
    return load_file(entry).company


def builtin(key: str) -> BandDimension:
    return BandDimension(key, dimension_data()[key])


class Chain:
    key, label = "chain", "产业链配套"

    def __init__(self, fn):
        self.fn = fn

    def describe(self):
        return builtin("chain").describe()

    def evaluate(self, company, metrics):
        return self.fn(company, metrics)


class Provides:
    def __init__(self, kind: str, obj):
        def hook(register):
            register(obj, replace=True)

        setattr(self, f"zjtx_register_{kind}", hookimpl(hook))


@dataclasses.dataclass(frozen=True)
class LookalikeIndicator:          # the same fields, not our type
    id: str = "x"
    label: str = "仿冒"
    points: Fraction = Fraction(1)
    max_points: Fraction = Fraction(1)


def _real(c, m):
    return builtin("chain").evaluate(c, m)


def _exit(c, m):
    sys.exit(0)


def _interrupt(c, m):
    raise KeyboardInterrupt


BAD_RESULTS = {
    "none": (lambda c, m: None, "应返回 维度 chain 的 DimensionResult，实际返回 None"),
    "dict": (lambda c, m: {"score": 50}, "实际返回 dict"),
    "float score": (lambda c, m: DimensionResult(key="chain", label="产业链配套", score=50.5, indicators=()),
                    "得分应为精确数（Fraction 或 int），实际是 float"),
    "float points": (lambda c, m: dataclasses.replace(_real(c, m), indicators=(dataclasses.replace(
        _real(c, m).indicators[0], points=0.0),)), "得分应为精确数"),
    "foreign indicator": (lambda c, m: dataclasses.replace(_real(c, m), indicators=(LookalikeIndicator(),)),
                          "指标应为 zjtx_site 的 Indicator，实际是"),
    "indicator list": (lambda c, m: dataclasses.replace(_real(c, m), indicators=list(_real(c, m).indicators)),
                       "indicators 应为元组"),
    "sys.exit": (_exit, "调用了 sys.exit(0)"),
    "KeyboardInterrupt": (_interrupt, "抛出了 KeyboardInterrupt"),
}


@pytest.mark.parametrize("bad", sorted(BAD_RESULTS))
def test_a_bad_result_is_a_failure_naming_plugin_hook_and_company(bad):
    fn, words = BAD_RESULTS[bad]
    engine = scoring.make_engine(extra=[("bad-chain", Provides("dimensions", Chain(fn)))])
    c = company()
    with pytest.raises(EvaluationError) as e:
        scoring.assess(engine, c)
    assert (e.value.plugin, e.value.source) == ("bad-chain", c.source)
    assert str(e.value).startswith(f"{c.source}: 插件 bad-chain 出错：维度 chain 的 evaluate() ")
    assert words in str(e.value)
    kept = scoring.assess(engine, c, keep_going=True)
    assert not kept.complete and [d.key for d in kept.dimensions if d.key == "chain"] == []


def test_the_real_chain_evaluator_passes_the_checks():
    """The checks reject what is wrong, not what is ours."""
    engine = scoring.make_engine(extra=[("good-chain", Provides("dimensions", Chain(_real)))])
    a = scoring.assess(engine, company())
    assert a.complete and all(type(i) is Indicator for i in a.dimension("chain").indicators)


def test_a_plan_maker_returning_none_is_a_failure_not_an_empty_plan():
    class NoPlan(PlanMaker):
        def make(self, request):
            return None

    engine = scoring.make_engine(extra=[("no-plan", Provides("plan_makers", NoPlan()))])
    with pytest.raises(EvaluationError, match=r"插件 no-plan 出错：make\(\) 应返回 Plan"):
        scoring.assess(engine, company())
    a = scoring.assess(engine, company(), keep_going=True)
    assert not a.complete and a.plan == () and "make()" in a.failures[0]


def test_a_grader_returning_none_is_a_failure():
    class NoGrade(Grader):
        def grade(self, company, metrics):
            return None

    engine = scoring.make_engine(extra=[("no-grade", Provides("grader", NoGrade()))])
    with pytest.raises(EvaluationError, match=r"插件 no-grade 出错：grade\(\) 应返回 Grade，实际返回 None"):
        scoring.assess(engine, company())


def test_a_hung_plugin_is_a_failure_after_the_time_limit():
    def hang(c, m):
        time.sleep(30)

    engine = scoring.make_engine(extra=[("slow-chain", Provides("dimensions", Chain(hang)))])
    c = company()
    t0 = time.monotonic()
    with pytest.raises(EvaluationError) as e:
        guard.within(0.3, c.source, scoring.assess, engine, c)
    assert time.monotonic() - t0 < 10
    assert e.value.plugin == "slow-chain" and "维度 chain 的 evaluate() 超过 0.3 秒没有返回" in str(e.value)
    # the next company is scored on a fresh thread
    plain = scoring.make_engine()
    assert guard.within(5, c.source, scoring.assess, plain, c).complete


def test_the_time_limit_is_configurable(monkeypatch):
    assert guard.time_limit() == guard.DEFAULT_TIME_LIMIT >= 60
    monkeypatch.setenv(guard.TIME_LIMIT_ENV, "2.5")
    assert guard.time_limit() == 2.5


# through the build ------------------------------------------------------------------

NONE_FOR_ONE = f"""
    from zjtx_site import BandDimension, dimension_data, hookimpl

    class Chain:
        key = "chain"
        label = "产业链配套"

        def __init__(self):
            self.inner = BandDimension("chain", dimension_data()["chain"])

        def describe(self):
            return self.inner.describe()

        def evaluate(self, company, metrics):
            if company.company_id == "{FAILING}":
                {{action}}
            return self.inner.evaluate(company, metrics)

    @hookimpl
    def zjtx_register_dimensions(register):
        register(Chain(), replace=True)
"""


def project(root: Path, action: str | None = None) -> Path:
    for cid in COMPANIES:
        shutil.copytree(REPO / "companies" / cid, root / "companies" / cid)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    if action:
        (root / "plugins").mkdir()
        (root / "plugins" / "flaky.py").write_text(textwrap.dedent(NONE_FOR_ONE).replace("{action}", action),
                                                   "utf-8")
    return root


@pytest.mark.site
def test_a_plugin_returning_none_fails_the_build_with_its_name(tmp_path, capsys, monkeypatch):
    root = project(tmp_path / "p", "return None")
    monkeypatch.setenv(host.ALLOW_ENV, "local:flaky")
    code, _, err = run(capsys, "-C", root, "build")
    assert code == 1
    assert f"companies/{FAILING}/2025.yaml: 插件 local:flaky 出错：维度 chain 的 evaluate() 应返回" in err
    assert not (root / "content").exists() and not (root / "site").exists()


@pytest.mark.parametrize("where", ["evaluate", "import"])
def test_a_plugin_calling_sys_exit_fails_the_build_with_its_name(tmp_path, where):
    root = project(tmp_path / "p", "import sys; sys.exit(0)")
    if where == "import":
        (root / "plugins" / "flaky.py").write_text("import sys\nsys.exit(0)\n", "utf-8")
    env = {**os.environ, host.ALLOW_ENV: "local:flaky",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "zjtx_site", "-C", str(root), "build"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "local:flaky" in done.stderr or "plugins/flaky.py" in done.stderr
    assert "sys.exit(0)" in done.stderr
    assert not (root / "content").exists()


def _row(rows: list[list[str]], name: str) -> list[str]:
    return next(r for r in rows if r[0].startswith(name))


@pytest.mark.site
def test_keep_going_lists_marks_keeps_columns_and_exits_3(tmp_path, capsys, monkeypatch):
    clean = project(tmp_path / "clean")
    assert run(capsys, "-C", clean, "build")[0] == 0
    root = project(tmp_path / "p", "return None")
    monkeypatch.setenv(host.ALLOW_ENV, "local:flaky")
    code, _, err = run(capsys, "-C", root, "build", "--keep-going")
    assert code == 3
    listed = err.split("以下插件出错")[1]
    for rnd in ("2025", "2026"):
        assert f"companies/{FAILING}/{rnd}.yaml: 插件 local:flaky 出错" in listed
    assert "退出码 3" in err
    # each incomplete report says so, the complete ones do not
    for rnd in ("2025", "2026"):
        assert '!!! failure "评分不完整"' in (root / "content" / "companies" / FAILING / f"{rnd}.md").read_text("utf-8")
    assert "评分不完整" not in (root / "content" / "companies" / "gz-jirui-drive" / "2026.md").read_text("utf-8")
    # the portfolio: the row is marked, the failed dimension is "—", every other score in its own column
    page = blocks((root / "content" / "portfolio.md").read_text("utf-8"))
    clean_page = blocks((clean / "content" / "portfolio.md").read_text("utf-8"))
    table = next(b.rows for b in section(page, "全部企业") if b.kind == "table")
    clean_table = next(b.rows for b in section(clean_page, "全部企业") if b.kind == "table")
    header = table[0]
    assert header == clean_table[0] and header[-6:] == ["专业化", "精细化", "特色化", "创新能力", "产业链配套",
                                                       "主导产品所属领域"]
    name = "广州澜启生物科技有限公司"
    row, before = dict(zip(header, _row(table[1:], name))), dict(zip(header, _row(clean_table[1:], name)))
    assert row["企业"].endswith("（评分不完整）") and row["下一梯度"] == "评分不完整"
    assert row["产业链配套"] == "—"
    for col in header:
        if col not in ("企业", "产业链配套", "下一梯度"):
            assert row[col] == before[col], col
    other = "广州稷锐精密传动科技股份有限公司"
    assert _row(table[1:], other) == _row(clean_table[1:], other)
    assert table_after(page, "级别")            # the page is whole
    assert (root / "site" / "portfolio.html").is_file()


@pytest.mark.site
def test_keep_going_with_a_failed_grade_writes_a_marked_page_not_a_report(tmp_path, capsys, monkeypatch):
    root = project(tmp_path / "p")
    (root / "plugins").mkdir()
    (root / "plugins" / "nograde.py").write_text(textwrap.dedent(f"""
        from zjtx_site import hookimpl
        from zjtx_site.scoring.builtin.grading import Grader

        class G(Grader):
            def grade(self, company, metrics):
                return None if company.company_id == "{FAILING}" else super().grade(company, metrics)

        @hookimpl
        def zjtx_register_grader(register):
            register(G(), replace=True)
    """), "utf-8")
    monkeypatch.setenv(host.ALLOW_ENV, "local:nograde")
    code, _, err = run(capsys, "-C", root, "build", "--keep-going")
    assert code == 3 and "grade() 应返回 Grade，实际返回 None" in err
    page = (root / "content" / "companies" / FAILING / "2026.md").read_text("utf-8")
    assert '!!! failure "评分不完整"' in page and "本页不是诊断规划报告" in page
    assert "|分级分类|—|" in page and "## 封面" not in page
    portfolio = (root / "content" / "portfolio.md").read_text("utf-8")
    assert "广州澜启生物科技有限公司](companies/gz-lanqi-bio/2026.md)（评分不完整）|2026|—|" in portfolio


@pytest.mark.site
def test_keep_going_skips_a_company_whose_plugin_hangs(tmp_path, capsys, monkeypatch):
    root = project(tmp_path / "p", "import time; time.sleep(60)")
    monkeypatch.setenv(host.ALLOW_ENV, "local:flaky")
    monkeypatch.setenv(guard.TIME_LIMIT_ENV, "0.5")
    code, _, err = run(capsys, "-C", root, "build")
    assert code == 1 and "维度 chain 的 evaluate() 超过 0.5 秒没有返回" in err and "local:flaky" in err
    code, _, err = run(capsys, "-C", root, "build", "--keep-going")
    assert code == 3 and "（未生成该文件的报告）" in err
    assert not (root / "content" / "companies" / FAILING).exists()
    assert (root / "content" / "companies" / "gz-jirui-drive" / "2026.md").is_file()
