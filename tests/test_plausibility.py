"""Plausibility warnings: figures that pass every hard bound but look like a
typing mistake (元 for 万元, 0.415 for 41.5 %) are warned about in ``check``,
``import`` and the build summary, each naming the likely unit and the figure
to write; ``check --strict`` makes them errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from cli_helpers import run

from zjtx_site.excel.form import form_bytes
from zjtx_site.excel.importer import import_form
from zjtx_site.intake.fields import lookup
from zjtx_site.intake.loader import validate_text
from zjtx_site.intake.problems import Severity
from zjtx_site.intake.schema import COMPANY, REVENUE_PLAUSIBLE
from zjtx_site.intake.yamlload import parse

REPO = Path(__file__).resolve().parent.parent
SHOWN = "companies/gz-test/2026.yaml"


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def warnings_of(text: str) -> list[str]:
    _clean, problems = validate_text(text, SHOWN)
    assert not [p for p in problems if p.is_error], [p.format() for p in problems]
    return [p.format() for p in problems if p.severity is Severity.WARNING]


def the_warning(text: str, key: str) -> str:
    found = [w for w in warnings_of(text) if f"（{key}）" in w]
    assert len(found) == 1, warnings_of(text)
    return found[0]


def line_of(text: str, needle: str) -> int:
    hits = [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]
    assert len(hits) == 1, needle
    return hits[0]


def test_the_examples_raise_no_warning(valid_text):
    assert warnings_of(valid_text) == []


# revenue typed in 元 ------------------------------------------------------------------

def test_last_year_in_yuan_is_named_with_the_figure_to_write(valid_text):
    text = replace_once(valid_text, "revenue: 30500", "revenue: 305000000")
    w = the_warning(text, "financials[2].revenue")
    assert f":{line_of(text, 'revenue: 305000000')}:" in w
    assert "警告" in w and "像是按元填写" in w and "应填 30500" in w


def test_a_small_company_in_yuan_is_caught_per_employee(valid_text):
    # the case: 158 people and sme: true, one figure per year, all in 元
    text = valid_text.replace("  founded_on:", "  sme: true\n  founded_on:", 1)
    text = re.sub(r"rd_staff: \d+", "rd_staff: 40", text)
    for old, new, staff in (("23100", "52000000", "585"), ("26800", "55000000", "640"), ("30500", "58000000", "700")):
        text = replace_once(text, f"revenue: {old}", f"revenue: {new}")
        text = replace_once(text, f"employees: {staff}", "employees: 158")
        text = text.replace(f"main_revenue: {int(old) - 900}", f"main_revenue: {int(new) - 1}", 1)
    found = [w for w in warnings_of(text) if "（financials[" in w and "].revenue）" in w]
    assert len(found) == 3
    assert all("按全职员工 158 人计每人" in w and "像是按元填写" in w for w in found)
    assert "58000000 元应填 5800" in found[2]
    hi = REVENUE_PLAUSIBLE.per_person[1]
    assert all(f"每人不超过 {hi} 万元" in w for w in found)     # the band is the field table's


def test_a_jump_of_about_ten_thousand_between_years_names_the_unit(valid_text):
    # without employees the per-person rule cannot help; the jump between years does
    text = re.sub(r"    (employees|rd_staff): \d+.*\n", "", valid_text)
    text = replace_once(text, "revenue: 23100", "revenue: 231000000")
    w = the_warning(text, "financials[0].revenue")
    assert "像是按元填写" in w and "应填 23100" in w and "倍" in w


def test_a_year_in_yi_yuan_is_named_too(valid_text):
    text = replace_once(valid_text, "revenue: 23100", "revenue: 2.31")
    text = replace_once(text, "main_revenue: 22200", "main_revenue: 2.22")
    text = replace_once(text, "rd_expense: 1480", "rd_expense: 0.148")
    w = the_warning(text, "financials[0].revenue")
    assert "像是按亿元填写" in w and "2.31 亿元应填 23100" in w


def test_main_revenue_in_yuan_beside_the_others(valid_text):
    text = replace_once(valid_text, "main_revenue: 29600", "main_revenue: 296000000")
    text = replace_once(text, "revenue: 30500", "revenue: 305000000")
    ws = warnings_of(text)
    assert any("（financials[2].main_revenue）" in w and "应填 29600" in w for w in ws)


def test_sme_with_revenue_above_the_sme_ceiling(valid_text):
    text = valid_text.replace("  founded_on:", "  sme: true\n  founded_on:", 1)
    text = replace_once(text, "revenue: 30500", "revenue: 41000")
    text = replace_once(text, "main_revenue: 29600", "main_revenue: 40000")
    w = the_warning(text, "financials[2].revenue")
    assert f"不低于 {REVENUE_PLAUSIBLE.sme_max} 万元" in w and "basic.sme" in w and "按元填写" in w
    assert warnings_of(text.replace("  sme: true\n", "  sme: false\n")) == []


def test_any_change_over_twenty_times_in_a_year(valid_text):
    text = replace_once(valid_text, "revenue: 30500", "revenue: 900000")
    text = replace_once(text, "main_revenue: 29600", "main_revenue: 880000")
    w = the_warning(text, "financials[2].revenue")
    assert f"超过一年 {REVENUE_PLAUSIBLE.max_change} 倍的变化" in w and "万元" in w


def test_twentyfold_is_still_fine(valid_text):
    text = replace_once(valid_text, "revenue: 30500", "revenue: 536000")   # exactly ×20 of 26800
    text = replace_once(text, "main_revenue: 29600", "main_revenue: 500000")
    assert warnings_of(text) == []


# a percentage typed as a fraction ---------------------------------------------------------

def test_a_fraction_beside_percent_points(valid_text):
    text = replace_once(valid_text, "debt_ratio: 41.5", "debt_ratio: 0.415")
    w = the_warning(text, "financials[2].debt_ratio")
    assert "像是按小数填写的比例" in w and "应填 41.5" in w
    assert lookup(COMPANY, "financials[].debt_ratio").plausible.fraction


def test_all_small_percentages_are_left_alone(valid_text):
    text = valid_text
    for old in ("44.9", "43.2", "41.5"):
        text = replace_once(text, f"debt_ratio: {old}", f"debt_ratio: 0.{old.replace('.', '')}")
    assert warnings_of(text) == []


# through the commands -----------------------------------------------------------------------

@pytest.fixture
def project(make_project, valid_text):
    return make_project({"gz-a/2026.yaml": replace_once(valid_text, "debt_ratio: 41.5", "debt_ratio: 0.415")})


def test_check_prints_the_warning_and_passes(project, capsys):
    code, out, err = run(capsys, "-C", project, "check")
    assert code == 0
    assert "警告：「资产负债率」（financials[2].debt_ratio）" in err and "应填 41.5" in err
    assert "1 个警告" in out


def test_check_strict_makes_warnings_errors(project, capsys):
    code, _out, err = run(capsys, "-C", project, "check", "--strict")
    assert code == 1
    assert "错误：「资产负债率」（financials[2].debt_ratio）" in err
    assert "--strict" in err


def test_import_reports_the_warning_at_the_cell_and_writes(tmp_path, valid_text, capsys):
    root = tmp_path / "p"
    (root / "companies").mkdir(parents=True)
    data = parse(replace_once(valid_text, "revenue: 30500", "revenue: 305000000"), "x")
    form = tmp_path / "f.xlsx"
    form.write_bytes(form_bytes(data, company_id="gz-a", round_id="2026"))
    result = import_form(form)
    (w,) = [p for p in result.problems if not p.is_error]
    assert re.match(r"表单!E\d+: 警告：「营业收入」（financials\[2\]\.revenue）", w.format())
    assert "应填 30500" in w.format()
    code, out, err = run(capsys, "-C", root, "import", form)
    assert code == 0 and "像是按元填写" in err and "1 个警告" in out


@pytest.mark.site
def test_build_summary_lists_the_warnings(tmp_path, capsys):
    root = tmp_path / "p"
    shutil.copytree(REPO / "companies" / "gz-jirui-drive", root / "companies" / "gz-jirui-drive")
    path = root / "companies" / "gz-jirui-drive" / "2026.yaml"
    path.write_text(replace_once(path.read_text("utf-8"), "debt_ratio: 41.5", "debt_ratio: 0.415"), "utf-8")
    code, _out, err = run(capsys, "-C", root, "build")
    assert code == 0, err
    assert "（financials[2].debt_ratio）" in err
    assert "数据警告：1 个" in err and "zjtx check --strict" in err
