"""What people type the Chinese way in YAML (full-width digits, Chinese commas,
2024/6/30, a full-width colon) is refused with the exact text to write."""

from __future__ import annotations

import pytest

from zjtx_site.intake.loader import validate_text

SHOWN = "companies/gz-test/2026.yaml"


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def only_problem(text: str):
    problems = validate_text(text, SHOWN)[1]
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


def line_of(text: str, needle: str) -> int:
    hits = [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]
    assert len(hits) == 1, needle
    return hits[0]


@pytest.mark.parametrize("typed, fix, why", [
    ("３０５００", "30500", "全角数字"),
    ("30，500", "30500", "中文逗号"),
    ("３０，５００", "30500", "全角数字、中文逗号"),
    ('"30,500"', "30500", "千位分隔符"),
    ("30500万元", "30500", "不要写单位“万元”"),
])
def test_numbers_typed_the_chinese_way(valid_text, typed, fix, why):
    text = replace_once(valid_text, "revenue: 30500", f"revenue: {typed}")
    p = only_problem(text)
    assert p.is_error and p.line == line_of(text, f"revenue: {typed}")
    assert "「营业收入」（financials[2].revenue）应为数字" in p.message
    assert why in p.message and f"改为 {fix}）" in p.message


def test_percent_sign_gets_the_number_to_write(valid_text):
    p = only_problem(replace_once(valid_text, "debt_ratio: 41.5", "debt_ratio: ４１．５％"))
    assert "不要加 %" in p.message and "改为 41.5）" in p.message


def test_a_whole_number_typed_full_width(valid_text):
    p = only_problem(replace_once(valid_text, "employees: 700", "employees: ７００"))
    assert "应为整数" in p.message and "改为 700）" in p.message


@pytest.mark.parametrize("typed", ["2024/6/30", "2024年6月30日", "2024-6-30", "２０２４年６月３０日", "2024.06.30"])
def test_dates_typed_the_chinese_way(valid_text, typed):
    text = replace_once(valid_text, "founded_on: 2011-04-20", f"founded_on: {typed}")
    p = only_problem(text)
    assert "「成立日期」（basic.founded_on）不是有效日期" in p.message and "改为 2024-06-30" in p.message


def test_an_impossible_date_gets_no_correction(valid_text):
    p = only_problem(replace_once(valid_text, "founded_on: 2011-04-20", "founded_on: 2024/2/30"))
    assert "不是有效日期" in p.message and "改为" not in p.message


@pytest.mark.parametrize("typed, fix", [
    ("[cnc_robotics，rail]", "[cnc_robotics, rail]"),
    ("[高档数控机床和机器人、先进轨道交通装备]", "[cnc_robotics, rail]"),
])
def test_a_list_split_by_chinese_commas(valid_text, typed, fix):
    text = replace_once(valid_text, "mic_fields: [cnc_robotics]", f"mic_fields: {typed}")
    p = only_problem(text)
    assert "不认识的选项" in p.message and f"改为 {fix}" in p.message


def test_a_list_written_as_one_text(valid_text):
    text = replace_once(valid_text, "mic_fields: [cnc_robotics]", "mic_fields: cnc_robotics，rail")
    p = only_problem(text)
    assert "应为列表" in p.message and "改为 [cnc_robotics, rail]" in p.message


def test_full_width_colon_is_named_on_its_own_line(valid_text):
    text = replace_once(valid_text, "    employees: 700", "    employees：700")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "employees：700"), len("    employees") + 1)
    assert "全角冒号“：”" in p.message and "改为 employees: 700" in p.message


def test_each_full_width_colon_is_named(valid_text):
    text = replace_once(valid_text, "  niche_years: 13", "  niche_years：13")
    text = replace_once(text, "    - {year: 2024, count: 2}", "    - {year：2024, count：2}")
    problems = validate_text(text, SHOWN)[1]
    assert sorted((p.line, p.message.rsplit("改为 ", 1)[1]) for p in problems) == sorted([
        (line_of(text, "{year：2024"), "- {year: 2024, count: 2}"),
        (line_of(text, "niche_years：13"), "niche_years: 13"),
    ])


def test_full_width_colons_in_comments_and_values_are_fine(valid_text):
    text = replace_once(valid_text, "address: 广州市黄埔区开创大道稷锐产业园1号",
                        "address: 广州市：黄埔区  # 地址：见营业执照")
    assert validate_text(text, SHOWN)[1] == []
