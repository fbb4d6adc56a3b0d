"""Bad and hostile input: each kind fails with a clear message at the right line.

Expected lines are found in the test text itself (the line holding a known
piece of text), never taken from the parser under test. Hostile files are also
run in a separate process with an address-space limit, so an input that
crashes the interpreter or grows without bound fails the test instead of
taking the test run down.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from zjtx_site.intake import yamlload
from zjtx_site.intake.loader import validate_text
from zjtx_site.intake.problems import Severity
from zjtx_site.intake.schema import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

SHOWN = "companies/gz-test/2026.yaml"
REPO = Path(__file__).resolve().parent.parent


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line containing ``needle``."""
    hits = [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def col_of(text: str, needle: str, within: str | None = None) -> int:
    """1-based column of ``needle`` on the line holding ``within`` (default: needle)."""
    line = text.splitlines()[line_of(text, within or needle) - 1]
    return line.index(needle) + 1


def value_col(text: str, key_and_value: str) -> int:
    """1-based column of the value in a ``key: value`` line."""
    line = text.splitlines()[line_of(text, key_and_value) - 1]
    return line.index(key_and_value) + key_and_value.index(": ") + 3


def problems_of(text: str):
    return validate_text(text, SHOWN)[1]


def only_problem(text: str):
    problems = problems_of(text)
    assert len(problems) == 1, "\n".join(p.format() for p in problems)
    return problems[0]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# YAML syntax --------------------------------------------------------------

def test_syntax_error_colon_in_text(valid_text):
    text = replace_once(valid_text, "  address: 广州市黄埔区开创大道稷锐产业园1号", "  address: 广州市: 黄埔区")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "广州市: 黄埔区"), col_of(text, ": 黄埔区"))
    assert p.message.startswith("YAML 格式错误：")
    assert "冒号" in p.message


def test_syntax_error_unclosed_bracket(valid_text):
    text = replace_once(valid_text, "plan_methods: [ipo]", "plan_methods: [ipo")
    p = only_problem(text)
    # the parser notices on the next line, where the list should have ended
    assert p.line == line_of(text, "plan_methods: [ipo") + 1
    assert "括号没有配对" in p.message


def test_syntax_error_bad_indentation(valid_text):
    text = replace_once(valid_text, "  address: 广州市", "    address: 广州市")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "address: 广州市"), 5)
    assert "缩进" in p.message


def test_syntax_error_tab_indentation(valid_text):
    text = replace_once(valid_text, "  address: 广州市", "\taddress: 广州市")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "\taddress"), 1)
    assert "不能用 Tab 键缩进，请改用空格" in p.message


def test_syntax_error_reserved_character(valid_text):
    text = replace_once(valid_text, "  address: 广州市", "  address: @广州市")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "@广州市"), col_of(text, "@广州市"))
    assert "加引号" in p.message and "不能用 Tab 键缩进" not in p.message


def test_syntax_error_unclosed_quote(valid_text):
    text = replace_once(valid_text, 'mobile: "13900000002"', 'mobile: "13900000002')
    p = only_problem(text)
    assert "引号" in p.message
    assert p.line >= line_of(text, 'mobile: "13900000002')


def test_two_documents_in_one_file(valid_text):
    text = valid_text + "---\nschema: 1\n"
    p = only_problem(text)
    assert p.line == line_of(text, "---")
    assert p.message.startswith("YAML 格式错误")


# duplicate keys ------------------------------------------------------------

def test_duplicate_key_in_a_group(valid_text):
    text = replace_once(valid_text, "  address:", "  name: 重复\n  address:")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "name: 重复"), 3)
    assert "重复的键" in p.message and '"name"' in p.message


def test_duplicate_key_at_top_level(valid_text):
    text = valid_text + "schema: 1\n"
    p = only_problem(text)
    assert (p.line, p.column) == (len(text.splitlines()), 1)
    assert "重复的键" in p.message and '"schema"' in p.message


def test_duplicate_key_in_a_flow_mapping(valid_text):
    text = replace_once(valid_text, "{year: 2024, count: 2}", "{year: 2024, year: 2023, count: 2}")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "year: 2023, count"), col_of(text, "year: 2023, count"))
    assert "重复的键" in p.message


# the top level ----------------------------------------------------------------

@pytest.mark.parametrize("text,kind", [
    ("- a\n- b\n", "列表"),
    ("[schema, 1]\n", "列表"),
    ("hello\n", "单个值"),
    ("42\n", "单个值"),
    ("null\n", "单个值"),
    ("---\n", "单个值"),
])
def test_top_level_not_a_mapping(text, kind):
    p = only_problem(text)
    assert (p.line, p.column) == (1, 1)
    assert "顶层应为映射" in p.message and kind in p.message


@pytest.mark.parametrize("text", ["", "\n\n", "   \n\t\n", "# 只有注释\n# 第二行\n", "  # 缩进的注释\n\n"])
def test_empty_file(text):
    p = only_problem(text)
    assert "文件是空的" in p.message
    assert (p.line, p.column) == (1, 1)


# unknown keys ------------------------------------------------------------------

def test_unknown_top_level_key(valid_text):
    text = replace_once(valid_text, "specialization:\n", "specialisation:\n  niche_years: 1\nspecialization:\n")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "specialisation:"), 1)
    assert "未知的键 “specialisation”" in p.message
    assert "是不是想写 “specialization”" in p.message


def test_unknown_nested_key(valid_text):
    text = replace_once(valid_text, "    class2: 71", "    class3: 71")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "class3: 71"), 5)
    assert "innovation.ip.class3" in p.message
    assert "「与主导产品有关的知识产权」下允许的键" in p.message


def test_unknown_key_in_a_flow_record(valid_text):
    text = replace_once(valid_text, "{year: 2025, count: 3}", "{year: 2025, cnt: 3}")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "cnt: 3"), col_of(text, "cnt: 3"))
    assert "distinctiveness.own_brands[1].cnt" in p.message


@pytest.mark.parametrize("key", ["1.5", "null", "true", "7", "? [a, b]\n", "2026-01-01"])
def test_unknown_key_that_is_not_text(valid_text, key):
    # keys YAML reads as numbers, null, dates or lists are still just unknown keys
    text = valid_text + (f"{key}: x\n" if not key.endswith("\n") else f"{key}: x\n")
    problems = problems_of(text)
    assert len(problems) == 1, problems
    p = problems[0]
    assert "未知的键" in p.message
    assert p.line == len(text.splitlines()) - (1 if key.endswith("\n") else 0)


# wrong types ------------------------------------------------------------------------

@pytest.mark.parametrize("old,new,label,key,hint", [
    ("revenue: 30500", "revenue: 三万零五百", "营业收入", "financials[2].revenue", "应为数字"),
    ("revenue: 30500", 'revenue: "30500"', "营业收入", "financials[2].revenue", "应为数字"),
    ("employees: 700", "employees: 七百", "全职员工数量", "financials[2].employees", "应为整数"),
    ("employees: 700", "employees: 700.5", "全职员工数量", "financials[2].employees", "应为整数"),
    ("cloud_migration: true", "cloud_migration: yes", "业务系统是否向云端迁移",
     "refinement.cloud_migration", "YAML 1.2"),
    ("postdoc_workstation: true", "postdoc_workstation: 是", "博士后工作站",
     "innovation.rd_institutions.postdoc_workstation", "应为 true 或 false"),
    ("no_major_incident_3y: true", "no_major_incident_3y: no",
     "近三年未发生重大安全、质量、环境污染等事故以及偷漏税等违法违规行为",
     "compliance.no_major_incident_3y", "YAML 1.2"),
    ('mobile: "13900000002"', "mobile: 13900000002", "手机", "basic.contact.mobile", "加引号"),
    ("plan_methods: [ipo]", "plan_methods: ipo", "计划融资方式", "financing.plan_methods", "应为列表"),
])
def test_wrong_type(valid_text, old, new, label, key, hint):
    text = replace_once(valid_text, old, new)
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, new), value_col(text, new))
    assert f"「{label}」（{key}）" in p.message
    assert hint in p.message
    assert "应为：" in p.message


def test_list_where_a_number_belongs(valid_text):
    text = replace_once(valid_text, "niche_years: 13", "niche_years: [13]")
    p = only_problem(text)
    assert p.line == line_of(text, "niche_years: [13]")
    assert "「企业从事特定细分市场时间」（specialization.niche_years）应为数字，实际是一个列表（1 项）" in p.message


# out of range ------------------------------------------------------------------------

@pytest.mark.parametrize("old,new,label,key", [
    ("debt_ratio: 41.5", "debt_ratio: -0.1", "资产负债率", "financials[2].debt_ratio"),
    ("domestic: 15.8", "domestic: 100.1", "主导产品全国细分市场占有率", "distinctiveness.market_share[1].domestic"),
    ("digital_level: 3", "digital_level: 5", "中小企业数字化水平评测等级", "refinement.digital_level"),
    ("digital_level: 3", "digital_level: 0", "中小企业数字化水平评测等级", "refinement.digital_level"),
    ("niche_years: 13", "niche_years: -1", "企业从事特定细分市场时间", "specialization.niche_years"),
    ("platform_score: 81", "platform_score: 100.5", "专精特新发展评价得分（国家平台）", "compliance.platform_score"),
    ("domestic_rank: 3", "domestic_rank: 0", "主导产品全国细分市场排名", "distinctiveness.domestic_rank"),
    ("    rd_expense: 1960", "    rd_expense: -5", "研发费用总额", "financials[2].rd_expense"),
])
def test_out_of_range(valid_text, old, new, label, key):
    text = replace_once(valid_text, old, new)
    p = only_problem(text)
    value = new.split(": ", 1)[1]
    assert (p.line, p.column) == (line_of(text, new), value_col(text, new))
    assert f"「{label}」（{key}）超出范围：{value}；" in p.message
    assert "应为：" in p.message


def test_huge_integer_literal(valid_text):
    digits = "9" * 5000  # beyond Python's int-from-text limit
    text = replace_once(valid_text, "employees: 700", f"employees: {digits}")
    p = only_problem(text)
    assert p.line == line_of(text, digits)
    assert "数字过长" in p.message


# totals and their parts -----------------------------------------------------------------

@pytest.mark.parametrize("old,new,label,key,total", [
    ("main_revenue: 29600", "main_revenue: 30501", "其中：主营业务收入", "financials[2].main_revenue",
     "「营业收入」30500"),
    ("rd_expense: 1960", "rd_expense: 30500.01", "研发费用总额", "financials[2].rd_expense", "「营业收入」30500"),
    ("rd_staff: 170", "rd_staff: 701", "其中：研发人员数量", "financials[2].rd_staff", "「全职员工数量」700"),
])
def test_part_above_total(valid_text, old, new, label, key, total):
    text = replace_once(valid_text, old, new)
    p = only_problem(text)
    value = new.split(": ", 1)[1]
    assert (p.line, p.column) == (line_of(text, new), value_col(text, new))
    assert f"「{label}」（{key}）{value} 大于{total}" in p.message


def test_part_equal_to_total_passes(valid_text):
    text = replace_once(valid_text, "main_revenue: 29600", "main_revenue: 30500")
    text = replace_once(text, "rd_staff: 170", "rd_staff: 700")
    text = replace_once(text, "rd_expense: 1960", "rd_expense: 30500")
    assert problems_of(text) == []


# financial years ------------------------------------------------------------------

def test_years_not_consecutive(valid_text):
    text = replace_once(valid_text, "  - year: 2023  # 第1年", "  - year: 2022  # 第1年")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "financials:"), 1)
    assert "「年度」（financials）应为 3 个连续递增的年份（从早到晚），实际为 2022、2024、2025" in p.message


def test_years_descending(valid_text):
    text = replace_once(valid_text, "  - year: 2023  # 第1年", "  - year: 2025  # 第1年")
    text = replace_once(text, "  - year: 2025  # 第3年", "  - year: 2023  # 第3年")
    p = only_problem(text)
    assert p.line == line_of(text, "financials:")
    assert "实际为 2025、2024、2023" in p.message


def test_only_two_financial_years(valid_text):
    start = valid_text.index("  - year: 2023")
    end = valid_text.index("  - year: 2024")
    text = valid_text[:start] + valid_text[end:]
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "financials:"), 1)
    assert "「经济效益和经营情况」（financials）有 2 条记录" in p.message
    assert "恰好 3 条记录" in p.message


# codes, choices, schema, dates ---------------------------------------------------------

def test_invalid_credit_code(valid_text):
    text = replace_once(valid_text, "credit_code: 91440101MA9JR2D6XM", "credit_code: 91440101MA9JR2D6XN")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "credit_code:"), len("  credit_code: ") + 1)
    assert "「统一社会信用代码」（basic.credit_code）“91440101MA9JR2D6XN” 无效：校验位应为 M，实际为 N" \
        in p.message


def test_bad_enumeration_value(valid_text):
    text = replace_once(valid_text, "quality_award: provincial", "quality_award: province")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "quality_award:"), len("  quality_award: ") + 1)
    assert "「最高质量奖」（refinement.quality_award）不认识的选项 “province”" in p.message
    assert "provincial（省级质量奖）" in p.message


def test_bad_enumeration_item_in_a_list(valid_text):
    text = replace_once(valid_text, "mic_fields: [cnc_robotics]", "mic_fields: [cnc_robotics, robots]")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "mic_fields:"), col_of(text, "robots]"))
    assert "「中国制造十大产业领域」（product.mic_fields[1]）不认识的选项 “robots”" in p.message


def test_wrong_schema(valid_text):
    text = replace_once(valid_text, "schema: 1 ", "schema: 2 ")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "schema: 2"), len("schema: ") + 1)
    assert "「数据格式版本」（schema）超出范围：2" in p.message
    assert "整数，1～1" in p.message


@pytest.mark.parametrize("bad,why", [("2026-02-30", "该日期不存在"), ("2026-04-31", "该日期不存在"),
                                     ("2026-5-20", "不是有效日期"), ("2026/05/20", "不是有效日期"),
                                     ("'2026-00-10'", "该日期不存在")])
def test_invalid_date(valid_text, bad, why):
    text = replace_once(valid_text, "assessed_on: 2026-05-20", f"assessed_on: {bad}")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "assessed_on:"), len("assessed_on: ") + 1)
    assert "「评估日期」（assessed_on）不是有效日期" in p.message
    assert why in p.message


def test_date_with_time_is_not_a_date(valid_text):
    text = replace_once(valid_text, "founded_on: 2011-04-20", "founded_on: 2011-04-20T10:00:00")
    p = only_problem(text)
    assert "「成立日期」（basic.founded_on）不是有效日期" in p.message


# everything at once -------------------------------------------------------------

def test_every_problem_of_a_file_in_one_go(valid_text):
    text = replace_once(valid_text, "schema: 1 ", "schema: 3 ")
    text = replace_once(text, "cloud_migration: true", "cloud_migration: yes")
    text = replace_once(text, "    class2: 71", "    class3: 71")
    text = replace_once(text, "main_revenue: 29600", "main_revenue: 30501")
    text = replace_once(text, "assessed_on: 2026-05-20", "assessed_on: 2026-02-30")
    problems = problems_of(text)
    assert len(problems) == 5, "\n".join(p.format() for p in problems)
    assert sorted(p.line for p in problems) == sorted([
        line_of(text, "schema: 3"), line_of(text, "cloud_migration: yes"), line_of(text, "class3: 71"),
        line_of(text, "main_revenue: 30501"), line_of(text, "assessed_on: 2026-02-30")])


# hostile input --------------------------------------------------------------------

def alias_bomb(levels: int = 9, width: int = 9, indent: str = "") -> str:
    lines = [f'{indent}a0: &a0 [{", ".join(["lol"] * width)}]']
    for i in range(1, levels + 1):
        lines.append(f"{indent}a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


ALIAS_MESSAGE = "不允许使用 YAML 锚点和别名"


def test_alias_bomb_at_top_level():
    p = only_problem(alias_bomb())
    assert ALIAS_MESSAGE in p.message


def test_alias_bomb_inside_extra(valid_text):
    text = valid_text.replace("extra:\n", "extra:\n" + alias_bomb(indent="  ") + "  x:\n", 1)
    problems = problems_of(text)
    assert len(problems) == 1 and ALIAS_MESSAGE in problems[0].message


def test_recursive_alias():
    assert ALIAS_MESSAGE in only_problem("a: &a [1, *a]\n").message


def test_small_alias_is_refused_too(valid_text):
    text = valid_text.replace("extra:\n", "extra:\n  base: &b {x: 1}\n  copy: *b\n", 1)
    assert ALIAS_MESSAGE in only_problem(text).message


@pytest.mark.parametrize("tagged", [
    "!!python/object:os.system {}",
    "!!python/object/apply:os.system ['echo owned']",
    "!!python/name:os.system",
    "!foo bar",
    "!<tag:example.com,2026:x> 1",
])
def test_custom_tags_are_refused(valid_text, tagged):
    text = replace_once(valid_text, "  industry_code: C3449", f"  industry_code: {tagged}")
    p = only_problem(text)
    assert (p.line, p.column) == (line_of(text, "industry_code:"), len("  industry_code: ") + 1)
    assert "不支持的 YAML 标签" in p.message


def test_custom_tag_on_a_known_field(valid_text):
    text = replace_once(valid_text, "name: 广州稷锐精密传动科技股份有限公司", "name: !foo 广州稷锐")
    p = only_problem(text)
    assert p.line == line_of(text, "name: !foo")
    assert "不支持的 YAML 标签" in p.message


@pytest.mark.parametrize("nested", [
    lambda n: "[" * n + "]" * n,
    lambda n: "{a: " * n + "1" + "}" * n,
])
def test_deep_nesting_refused(valid_text, nested):
    text = valid_text.replace("extra:\n", f"extra:\n  deep: {nested(MAX_DEPTH + 5)}\n  x:\n", 1)
    p = only_problem(text)
    assert f"嵌套层级过深（上限 {MAX_DEPTH} 层）" in p.message


def test_nesting_within_the_limit_in_extra_passes(valid_text):
    text = valid_text.replace("extra:\n", "extra:\n  deep: " + "[" * 10 + "]" * 10 + "\n", 1)
    assert problems_of(text) == []


def test_block_nesting_refused():
    text = "extra:\n" + "".join(" " * i + "- \n" for i in range(0, 60, 2))
    assert "嵌套层级过深" in only_problem(text).message


def test_too_many_nodes(valid_text):
    text = valid_text.replace("extra:\n", "extra:\n  big: [" + ", ".join(["1"] * (MAX_NODES + 1)) + "]\n", 1)
    p = only_problem(text)
    assert f"数据项过多（上限 {MAX_NODES} 个）" in p.message


# hostile input through the command, in its own bounded process ----------------------

MEMORY_LIMIT = 768 * 1024 * 1024


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def check_in_subprocess(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zjtx_site", "-C", str(project), "check"],
                          capture_output=True, text=True, cwd=REPO, preexec_fn=_limit_memory)


HOSTILE = {
    "alias-bomb": lambda valid: alias_bomb(),
    "deep-flow": lambda valid: "extra: " + "[" * 200_000 + "]" * 200_000 + "\n",
    "deep-flow-map": lambda valid: "extra: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "deep-compact": lambda valid: "extra:\n" + "- " * 300_000 + "x\n",
    "python-tag": lambda valid: valid + "x: !!python/object/apply:os.system ['touch /tmp/zjtx-owned']\n",
    "huge-number": lambda valid: valid.replace("employees: 700", "employees: 1e999999999"),
    "huge-digits": lambda valid: valid.replace("employees: 700", "employees: " + "9" * 100_000),
}
HOSTILE_MESSAGES = {
    "alias-bomb": ALIAS_MESSAGE,
    "deep-flow": "嵌套层级过深",
    "deep-flow-map": "嵌套层级过深",
    "deep-compact": "嵌套层级过深",
    "python-tag": "不支持的 YAML 标签",
    "huge-number": "数值过大",
    "huge-digits": "数字过长",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_fails_cleanly_in_bounded_memory(make_project, valid_text, name):
    project = make_project({"gz-evil/2026.yaml": HOSTILE[name](valid_text)})
    r = check_in_subprocess(project)
    assert r.returncode == 1, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr + r.stdout
    lines = [ln for ln in r.stderr.splitlines() if "gz-evil/2026.yaml:" in ln]
    assert len(lines) == 1, r.stderr[-2000:]
    assert HOSTILE_MESSAGES[name] in lines[0]
    assert not Path("/tmp/zjtx-owned").exists()


def test_very_large_file_is_refused(make_project, valid_text, run_cli):
    padding = "# " + "填" * 100 + "\n"
    big = valid_text + padding * (MAX_FILE_BYTES // len(padding.encode()) + 10)
    assert len(big.encode()) > MAX_FILE_BYTES
    project = make_project({"gz-big/2026.yaml": big})
    code, out, err = run_cli("-C", project, "check")
    assert code == 1
    line = next(ln for ln in err.splitlines() if "gz-big/2026.yaml:" in ln)
    assert ":1:1: 错误：文件过大" in line and f"上限 {MAX_FILE_BYTES} 字节" in line


def test_file_at_the_size_limit_is_read(make_project, valid_text, run_cli):
    size = len(valid_text.encode())
    text = valid_text + "#" * (MAX_FILE_BYTES - size - 1) + "\n"
    assert len(text.encode()) == MAX_FILE_BYTES
    code, out, err = run_cli("-C", make_project({"gz-a/2026.yaml": text}), "check")
    assert (code, err) == (0, "")


def test_non_utf8_bytes(make_project, valid_text, run_cli):
    raw = valid_text.encode("utf-8").replace("通讯地址".encode(), "通讯地址".encode("gbk"))
    project = make_project({"gz-gbk/2026.yaml": raw})
    code, out, err = run_cli("-C", project, "check")
    assert code == 1
    line = next(ln for ln in err.splitlines() if "gz-gbk/2026.yaml:" in ln)
    expected_line = line_of(valid_text, "# 通讯地址")
    assert f"2026.yaml:{expected_line}:1: 错误：文件不是 UTF-8 编码" in line


def test_utf16_file(make_project, valid_text, run_cli):
    project = make_project({"gz-u16/2026.yaml": valid_text.encode("utf-16")})
    code, out, err = run_cli("-C", project, "check")
    assert code == 1
    assert "文件不是 UTF-8 编码" in err


def test_utf8_with_bom_is_accepted(make_project, valid_text, run_cli):
    project = make_project({"gz-bom/2026.yaml": b"\xef\xbb\xbf" + valid_text.encode()})
    code, out, err = run_cli("-C", project, "check")
    assert (code, err) == (0, "")


# loading does not change YAML for the rest of the program -----------------------------

def test_loader_settings_do_not_leak_into_other_yaml_users():
    # zjtx_site.intake.yamlload reads floats as Decimal and dates as text; rule sets and
    # other data files read with a plain YAML() must still get floats and dates.
    # Run in a fresh interpreter: other test helpers may register their own constructors.
    code = (
        "import datetime, decimal, zjtx_site.intake.yamlload as yl\n"
        "from ruamel.yaml import YAML\n"
        "assert yl.parse('a: 1.5\\nd: 2026-01-01\\n', 'x') == {'a': decimal.Decimal('1.5'), 'd': '2026-01-01'}\n"
        "for y in (YAML(typ='safe'), YAML(typ='safe', pure=True), YAML(typ='rt')):\n"
        "    data = y.load('a: 1.5\\nd: 2026-01-01\\n')\n"
        "    assert data['d'] == datetime.date(2026, 1, 1), (y.typ, data)\n"
        "    assert isinstance(data['a'], float), (y.typ, data)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr


def test_loader_constructors_are_registered_on_its_own_classes():
    from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor

    # the fast path builds values itself (fastyaml); only the round-trip locator
    # registers a constructor, and only on its own subclass
    ours = {yamlload._construct_date_text}
    for cls in (SafeConstructor, RoundTripConstructor):
        assert not ours & set(cls.yaml_constructors.values()), cls


def test_numbers_are_exact(valid_text):
    clean, problems = validate_text(valid_text, SHOWN)
    assert problems == []
    assert clean["financials"][0]["debt_ratio"] == Decimal("44.9")
    assert isinstance(clean["financials"][0]["employees"], int)
    assert clean["assessed_on"] == date(2026, 5, 20)


def test_warning_is_not_an_error(valid_text):
    text = replace_once(valid_text, "debt_ratio: 41.5", "debt_ratio: 120")
    p = only_problem(text)
    assert p.severity is Severity.WARNING
    assert (p.line, p.column) == (line_of(text, "debt_ratio: 120"), len("    debt_ratio: ") + 1)
