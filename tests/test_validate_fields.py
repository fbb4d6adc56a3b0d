"""Every rule of the field table, generated from the table itself.

Each test changes one value of a valid company file (loaded round-trip, so
the rest of the file stays exactly as it was), validates the text, and checks
the verdict: a value at a bound passes with no problem at all, a value just
outside fails with a message naming the field's Chinese label and key, at the
line and column of the value.
"""

from __future__ import annotations

import copy
import io
from datetime import date
from decimal import Decimal

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.constructor import RoundTripConstructor

from zjtx_site.intake import creditcode
from zjtx_site.intake.fields import NUMERIC_KINDS, Kind, lookup, walk
from zjtx_site.intake.loader import validate_text
from zjtx_site.intake.problems import Severity
from zjtx_site.intake.schema import COMPANY

FIELDS = list(walk(COMPANY))
SHOWN = "companies/gz-test/2026.yaml"


# helpers ------------------------------------------------------------------

def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096  # never fold a long test value over two lines
    return y


_LOADED: dict[str, object] = {}


def load(text: str):
    """A fresh round-trip document (copying a cached parse is much faster)."""
    if text not in _LOADED:
        if len(_LOADED) > 4:
            _LOADED.clear()
        _LOADED[text] = _yaml().load(text)
    return copy.deepcopy(_LOADED[text])


class _PositionsOnly(RoundTripConstructor):
    """Reads a file with an impossible date (2026-02-30) just for its positions."""


_PositionsOnly.add_constructor("tag:yaml.org,2002:timestamp",
                               lambda c, node: c.construct_scalar(node))


def load_positions(text: str):
    y = YAML(typ="rt")
    y.Constructor = _PositionsOnly
    return y.load(text)


def dump(doc) -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def concrete(dotted: str, index: int = 0) -> tuple:
    """``financials[].revenue`` -> ``("financials", index, "revenue")``."""
    out: list = []
    for seg in dotted.split("."):
        if seg.endswith("[]"):
            out += [seg[:-2], index]
        else:
            out.append(seg)
    return tuple(out)


def dotted_of(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + p
    return out


def get_in(doc, path):
    node = doc
    for p in path:
        node = node[p]
    return node


def set_in(doc, path, value) -> None:
    node = doc
    for p in path[:-1]:
        if isinstance(p, str) and node.get(p) is None:
            node[p] = CommentedMap()
        node = node[p]
    node[path[-1]] = value


def del_in(doc, path) -> None:
    del get_in(doc, path[:-1])[path[-1]]


def yaml_number(x):
    """A bound as a value ruamel can write (it has no Decimal representer)."""
    x = Decimal(x)
    return int(x) if x == x.to_integral_value() else float(x)


def problems_of(text: str):
    clean, problems = validate_text(text, SHOWN)
    return problems


def errors_of(text: str):
    return [p for p in problems_of(text) if p.severity is Severity.ERROR]


def value_pos(text: str, path: tuple) -> tuple[int, int]:
    """(line, column), 1-based, of the node at ``path`` in ``text``."""
    doc = load_positions(text)
    parent = get_in(doc, path[:-1])
    last = path[-1]
    if isinstance(last, int):
        line, col = parent.lc.item(last)
    else:
        child = parent[last]
        if isinstance(child, (dict, list)) or child is None:
            line, col = parent.lc.key(last)
        else:
            line, col = parent.lc.value(last)
    return line + 1, col + 1


def key_pos(text: str, path: tuple) -> tuple[int, int]:
    doc = load_positions(text)
    parent = get_in(doc, path[:-1])
    last = path[-1]
    line, col = parent.lc.item(last) if isinstance(last, int) else parent.lc.key(last)
    return line + 1, col + 1


def the_problem(problems, label: str, key: str, *, contains: str = ""):
    """The one problem naming ``label`` and ``key``; fails listing all when absent."""
    hits = [p for p in problems
            if f"「{label}」" in p.message and f"（{key}）" in p.message and contains in p.message]
    assert len(hits) == 1, "\n".join(p.format() for p in problems) or "no problems"
    return hits[0]


def assert_at_value(text: str, problem, path: tuple, shown_value: str) -> None:
    """The problem points at the value: checked against ruamel's positions and,
    independently, against the text found at that line and column."""
    assert (problem.line, problem.column) == value_pos(text, path)
    line = text.splitlines()[problem.line - 1]
    key = next(p for p in reversed(path) if isinstance(p, str))
    assert f"{key}:" in line, line
    assert line[problem.column - 1:].startswith(shown_value), (line, problem.column)


def with_value(valid_text: str, path: tuple, value, couple=True) -> str:
    doc = load(valid_text)
    set_in(doc, path, value)
    if couple:
        _couple(doc, path, value)
    return dump(doc)


def _couple(doc, path: tuple, value) -> None:
    """Keep the other rules satisfied when a bound is tested: a total at its
    minimum brings its parts down too, and years stay consecutive."""
    key = path[-1]
    parent = get_in(doc, path[:-1])
    if path[0] == "financials" and key == "employees":
        parent["rd_staff"] = min(parent.get("rd_staff", 0), value)
    if path[0] == "financials" and key == "revenue":
        for part in ("main_revenue", "rd_expense"):
            parent[part] = min(parent.get(part, 0), value)
    if key == "stock_code":  # only for a listed company; anything else is warned about
        parent["status"] = "listed"
        parent.pop("progress", None)
        parent.pop("venue", None)
    if path[:2] == ("innovation", "ip") and key == "class1":
        for part in ("class1_self_developed", "class1_high_value", "class1_applied"):
            parent[part] = min(parent.get(part, 0), value)


NUMERIC = [(d, f) for d, f in FIELDS if f.kind in NUMERIC_KINDS]
BOUNDS = [(d, f, side) for d, f in NUMERIC for side in ("min", "max")
          if getattr(f, side) is not None]
# Year fields of records whose years must be consecutive (the schema's cross checks).
CONSECUTIVE = {"financials[].year", "distinctiveness.market_share[].year",
               "distinctiveness.own_brands[].year"}


def step(f) -> Decimal:
    return Decimal(1) if f.kind in (Kind.INT, Kind.YEAR) else Decimal("0.01")


def _year_text(valid_text: str, dotted: str, side: str, year: int) -> tuple[str, tuple]:
    """All years of the record list moved so the bound year is in it, still consecutive."""
    doc = load(valid_text)
    records_path = concrete(dotted)[:-2]
    records = get_in(doc, records_path)
    n = len(records)
    first = year if side == "min" else year - n + 1
    for i, rec in enumerate(records):
        rec["year"] = first + i
    if dotted == "financials[].year":
        # the last financial year must end before the assessment
        doc["assessed_on"] = date(first + n, 5, 20)
    index = 0 if side == "min" else n - 1
    return dump(doc), records_path + (index, "year")


# the test double-checks the table itself -----------------------------------

def test_table_has_every_kind_of_rule():
    kinds = {f.kind for _, f in FIELDS}
    assert {Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.NUMBER, Kind.YEAR, Kind.BOOL, Kind.DATE,
            Kind.TEXT, Kind.CREDIT_CODE, Kind.ENUM, Kind.ENUM_LIST, Kind.TEXT_LIST,
            Kind.RECORDS, Kind.GROUP, Kind.FREE} <= kinds
    assert len(BOUNDS) > 40


def test_valid_example_has_no_problem(valid_text):
    assert problems_of(valid_text) == []


# numbers: both sides of every bound ---------------------------------------

@pytest.mark.parametrize("dotted,f,side", BOUNDS, ids=[f"{d}-{s}" for d, _, s in BOUNDS])
def test_number_at_bound_passes(valid_text, dotted, f, side):
    bound = getattr(f, side)
    if dotted in CONSECUTIVE:
        text, path = _year_text(valid_text, dotted, side, int(bound))
    else:
        path = concrete(dotted)
        text = with_value(valid_text, path, yaml_number(bound))
    assert get_in(load(text), path) == bound
    assert problems_of(text) == []


@pytest.mark.parametrize("dotted,f,side", BOUNDS, ids=[f"{d}-{s}" for d, _, s in BOUNDS])
def test_number_just_outside_bound_fails(valid_text, dotted, f, side):
    bound = Decimal(getattr(f, side))
    outside = bound - step(f) if side == "min" else bound + step(f)
    path = concrete(dotted)
    value = yaml_number(outside)
    text = with_value(valid_text, path, value, couple=False)
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="超出范围")
    assert p.is_error
    shown = int(outside) if f.kind in (Kind.INT, Kind.YEAR) else outside.normalize()
    assert f"超出范围：{shown}；" in p.message
    assert "应为：" in p.message  # what is allowed
    assert_at_value(text, p, path, str(value))


def _any_number_text(f) -> object:
    lo = f.min if f.min is not None else 0
    return yaml_number(lo)


@pytest.mark.parametrize("dotted,f", NUMERIC, ids=[d for d, _ in NUMERIC])
def test_number_given_text_fails(valid_text, dotted, f):
    path = concrete(dotted)
    text = with_value(valid_text, path, "三万", couple=False)
    word = "应为整数" if f.kind in (Kind.INT, Kind.YEAR) else "应为数字"
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains=word)
    assert "“三万”" in p.message
    assert_at_value(text, p, path, "三万")


@pytest.mark.parametrize("dotted,f", NUMERIC, ids=[d for d, _ in NUMERIC])
def test_number_given_boolean_fails(valid_text, dotted, f):
    path = concrete(dotted)
    text = with_value(valid_text, path, True, couple=False)
    p = the_problem(problems_of(text), f.label, dotted_of(path))
    assert "实际是true" in p.message


INTS = [(d, f) for d, f in NUMERIC if f.kind in (Kind.INT, Kind.YEAR)]


@pytest.mark.parametrize("dotted,f", INTS, ids=[d for d, _ in INTS])
def test_whole_number_given_fraction_fails(valid_text, dotted, f):
    path = concrete(dotted)
    value = float(_any_number_text(f)) + 0.5
    text = with_value(valid_text, path, value, couple=False)
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="应为整数")
    assert_at_value(text, p, path, str(value))


@pytest.mark.parametrize("dotted,f", NUMERIC, ids=[d for d, _ in NUMERIC])
def test_absurdly_large_number_fails_quickly(valid_text, dotted, f):
    # 1e999999999 as an integer would take forever to build; it must be refused
    path = concrete(dotted)
    doc = load(valid_text)
    set_in(doc, path, 7)
    text = dump(doc)
    line_no, col = value_pos(text, path)
    lines = text.splitlines()
    line = lines[line_no - 1]
    lines[line_no - 1] = line[:col - 1] + "1e999999999" + line[col:]
    text = "\n".join(lines) + "\n"
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="超出范围")
    assert "数值过大" in p.message
    assert (p.line, p.column) == (line_no, col)


def test_large_money_within_the_hard_bound_is_no_error(valid_text):
    # the largest figure a field holds; plausibility may warn (see test_plausibility)
    text = with_value(valid_text, ("financials", 2, "revenue"), 999_999_999_999_999)
    assert errors_of(text) == []


def test_negative_net_profit_passes(valid_text):
    text = with_value(valid_text, ("financials", 0, "net_profit"), -1234.5)
    assert problems_of(text) == []


def test_debt_ratio_above_100_is_a_warning_not_an_error(valid_text):
    path = ("financials", 1, "debt_ratio")
    assert problems_of(with_value(valid_text, path, 100)) == []
    text = with_value(valid_text, path, 100.01)
    p = the_problem(problems_of(text), "资产负债率", "financials[1].debt_ratio")
    assert p.severity is Severity.WARNING
    assert not p.is_error
    assert "100.01" in p.message and "请核对" in p.message
    assert_at_value(text, p, path, "100.01")


def test_percent_with_sign_gets_a_hint(valid_text):
    text = valid_text.replace("debt_ratio: 43.2", "debt_ratio: 43.2%")
    p = the_problem(problems_of(text), "资产负债率", "financials[1].debt_ratio")
    assert "不要加 %" in p.message


def test_thousands_separator_gets_a_hint(valid_text):
    text = valid_text.replace("revenue: 26800", 'revenue: "26,800"')
    p = the_problem(problems_of(text), "营业收入", "financials[1].revenue")
    assert "千位分隔符" in p.message


@pytest.mark.parametrize("literal", [".inf", "-.inf", ".nan"])
def test_non_finite_number_fails(valid_text, literal):
    text = valid_text.replace("debt_ratio: 43.2", f"debt_ratio: {literal}")
    p = the_problem(problems_of(text), "资产负债率", "financials[1].debt_ratio", contains="应为数字")
    assert literal in p.message


# enumerations -----------------------------------------------------------------

ENUMS = [(d, f, c.value) for d, f in FIELDS if f.kind is Kind.ENUM for c in f.choices]
ENUM_LISTS = [(d, f, c.value) for d, f in FIELDS if f.kind is Kind.ENUM_LIST for c in f.choices]


@pytest.mark.parametrize("dotted,f,choice", ENUMS, ids=[f"{d}={c}" for d, _, c in ENUMS])
def test_enum_each_choice_passes(valid_text, dotted, f, choice):
    text = with_value(valid_text, concrete(dotted), choice)
    # listing.status other than "planned" only warns about progress/venue
    assert errors_of(text) == []


@pytest.mark.parametrize("dotted,f", [(d, f) for d, f in FIELDS if f.kind is Kind.ENUM],
                         ids=[d for d, f in FIELDS if f.kind is Kind.ENUM])
def test_enum_invalid_choice_fails(valid_text, dotted, f):
    path = concrete(dotted)
    text = with_value(valid_text, path, "bogus_choice")
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="不认识的选项")
    assert "“bogus_choice”" in p.message
    assert "可选值：" in p.message
    for c in f.choices:
        assert f"{c.value}（{c.label}）" in p.message
    assert_at_value(text, p, path, "bogus_choice")


@pytest.mark.parametrize("dotted,f,choice", ENUM_LISTS, ids=[f"{d}={c}" for d, _, c in ENUM_LISTS])
def test_enum_list_each_choice_passes(valid_text, dotted, f, choice):
    assert problems_of(with_value(valid_text, concrete(dotted), [choice])) == []


LIST_FIELDS = [(d, f) for d, f in FIELDS if f.kind is Kind.ENUM_LIST]


@pytest.mark.parametrize("dotted,f", LIST_FIELDS, ids=[d for d, _ in LIST_FIELDS])
def test_enum_list_empty_passes(valid_text, dotted, f):
    assert problems_of(with_value(valid_text, concrete(dotted), [])) == []


@pytest.mark.parametrize("dotted,f", LIST_FIELDS, ids=[d for d, _ in LIST_FIELDS])
def test_enum_list_invalid_item_fails_at_the_item(valid_text, dotted, f):
    path = concrete(dotted)
    first = f.choices[0].value
    text = with_value(valid_text, path, [first, "bogus_item"])
    p = the_problem(problems_of(text), f.label, dotted_of(path + (1,)), contains="不认识的选项")
    assert "列表，每项可选：" in p.message
    assert (p.line, p.column) == value_pos(text, path + (1,))
    assert text.splitlines()[p.line - 1][p.column - 1:].startswith("bogus_item")


@pytest.mark.parametrize("dotted,f", LIST_FIELDS, ids=[d for d, _ in LIST_FIELDS])
def test_enum_list_duplicate_item_fails(valid_text, dotted, f):
    path = concrete(dotted)
    first = f.choices[0].value
    text = with_value(valid_text, path, [first, first])
    p = the_problem(problems_of(text), f.label, dotted_of(path + (1,)), contains="重复")
    assert p.is_error


@pytest.mark.parametrize("dotted,f", LIST_FIELDS, ids=[d for d, _ in LIST_FIELDS])
def test_enum_list_given_a_single_value_fails(valid_text, dotted, f):
    path = concrete(dotted)
    text = with_value(valid_text, path, f.choices[0].value)
    the_problem(problems_of(text), f.label, dotted_of(path), contains="应为列表")


# booleans --------------------------------------------------------------------

BOOLS = [(d, f) for d, f in FIELDS if f.kind is Kind.BOOL]


@pytest.mark.parametrize("dotted,f", BOOLS, ids=[d for d, _ in BOOLS])
@pytest.mark.parametrize("value", [True, False])
def test_boolean_true_false_pass(valid_text, dotted, f, value):
    assert problems_of(with_value(valid_text, concrete(dotted), value)) == []


@pytest.mark.parametrize("dotted,f", BOOLS, ids=[d for d, _ in BOOLS])
@pytest.mark.parametrize("word", ["yes", "no", "on", "off"])
def test_boolean_yaml11_word_fails_with_hint(valid_text, dotted, f, word):
    path = concrete(dotted)
    text = with_value(valid_text, path, word)
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="应为 true 或 false")
    assert "YAML 1.2" in p.message
    assert f"“{word}”" in p.message
    assert_at_value(text, p, path, word)


@pytest.mark.parametrize("dotted,f", BOOLS, ids=[d for d, _ in BOOLS])
def test_boolean_given_number_fails(valid_text, dotted, f):
    path = concrete(dotted)
    text = with_value(valid_text, path, 1)
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="应为 true 或 false")
    assert "YAML 1.2" not in p.message


# dates -------------------------------------------------------------------------

DATES = [(d, f) for d, f in FIELDS if f.kind is Kind.DATE]


@pytest.mark.parametrize("dotted,f", DATES, ids=[d for d, _ in DATES])
def test_date_valid_passes(valid_text, dotted, f):
    assert problems_of(with_value(valid_text, concrete(dotted), date(2026, 2, 28))) == []


@pytest.mark.parametrize("dotted,f", DATES, ids=[d for d, _ in DATES])
@pytest.mark.parametrize("bad,why", [("2026-02-30", "该日期不存在"), ("2026-13-01", "该日期不存在"),
                                     ("2026/05/20", "不是有效日期"), ("2026-5-20", "不是有效日期"),
                                     ("20260520", "不是有效日期"), ("May 2026", "不是有效日期")])
def test_date_invalid_fails(valid_text, dotted, f, bad, why):
    path = concrete(dotted)
    doc = load(valid_text)
    set_in(doc, path, "PLACEHOLDER")
    # written unquoted, as staff type it, so YAML resolves it by itself
    text = dump(doc).replace("PLACEHOLDER", bad)
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains=why)
    assert "YYYY-MM-DD" in p.message
    assert_at_value(text, p, path, bad)


def test_date_leap_day(valid_text):
    assert problems_of(with_value(valid_text, ("basic", "founded_on"), date(2024, 2, 29))) == []
    text = valid_text.replace("founded_on: 2011-04-20", "founded_on: 2025-02-29")
    the_problem(problems_of(text), "成立日期", "basic.founded_on", contains="该日期不存在")


# text ----------------------------------------------------------------------------

TEXTS = [(d, f) for d, f in FIELDS if f.kind is Kind.TEXT]


@pytest.mark.parametrize("dotted,f", TEXTS, ids=[d for d, _ in TEXTS])
def test_text_at_max_length_passes(valid_text, dotted, f):
    assert problems_of(with_value(valid_text, concrete(dotted), "字" * f.max_len)) == []


@pytest.mark.parametrize("dotted,f", TEXTS, ids=[d for d, _ in TEXTS])
def test_text_over_max_length_fails(valid_text, dotted, f):
    path = concrete(dotted)
    text = with_value(valid_text, path, "字" * (f.max_len + 1))
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="超过上限")
    assert f"不超过 {f.max_len} 字" in p.message
    assert_at_value(text, p, path, "字")


@pytest.mark.parametrize("dotted,f", TEXTS, ids=[d for d, _ in TEXTS])
def test_text_given_number_fails(valid_text, dotted, f):
    path = concrete(dotted)
    text = with_value(valid_text, path, 13800000000)
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="应为文本")
    assert "加引号" in p.message
    assert_at_value(text, p, path, "13800000000")


TEXT_LISTS = [(d, f) for d, f in FIELDS if f.kind is Kind.TEXT_LIST]


@pytest.mark.parametrize("dotted,f", TEXT_LISTS, ids=[d for d, _ in TEXT_LISTS])
def test_text_list_at_max_items_passes(valid_text, dotted, f):
    items = [f"单位{i}" for i in range(f.items[1])]
    assert problems_of(with_value(valid_text, concrete(dotted), items)) == []


@pytest.mark.parametrize("dotted,f", TEXT_LISTS, ids=[d for d, _ in TEXT_LISTS])
def test_text_list_over_max_items_fails(valid_text, dotted, f):
    path = concrete(dotted)
    n = f.items[1] + 1
    text = with_value(valid_text, path, [f"单位{i}" for i in range(n)])
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="超过上限")
    assert f"有 {n} 项" in p.message
    assert (p.line, p.column) == key_pos(text, path)


@pytest.mark.parametrize("dotted,f", TEXT_LISTS, ids=[d for d, _ in TEXT_LISTS])
@pytest.mark.parametrize("item", ["", "   ", 5, True])
def test_text_list_bad_item_fails(valid_text, dotted, f, item):
    path = concrete(dotted)
    text = with_value(valid_text, path, ["好的", item])
    p = the_problem(problems_of(text), f.label, dotted_of(path + (1,)), contains="非空文本")
    assert (p.line, p.column) == value_pos(text, path + (1,))


# records and groups --------------------------------------------------------

RECORDS = [(d, f) for d, f in FIELDS if f.kind is Kind.RECORDS]


def _records(valid_text, dotted, n):
    """The record list with ``n`` records, years consecutive, ending where it did."""
    doc = load(valid_text)
    path = concrete(dotted)
    recs = get_in(doc, path)
    if not recs:
        recs.append(CommentedMap(year=2024, level="provincial", rank=1))
    template = dict(recs[-1])
    last = template["year"]
    new = []
    for i in range(n):
        rec = CommentedMap(template)
        # years stay consecutive for lists that require it; awards may repeat a year
        rec["year"] = last - (n - 1 - i) if dotted != "innovation.science_awards" else last
        new.append(rec)
    set_in(doc, path, new)
    return dump(doc), path


@pytest.mark.parametrize("dotted,f", RECORDS, ids=[d for d, _ in RECORDS])
def test_record_count_within_bounds_passes(valid_text, dotted, f):
    lo, hi = f.items
    for n in {lo or 0, hi}:
        text, _ = _records(valid_text, dotted, n)
        if dotted == "financials":
            assert n == 3
        assert problems_of(text) == [], n


@pytest.mark.parametrize("dotted,f", RECORDS, ids=[d for d, _ in RECORDS])
def test_record_count_outside_bounds_fails(valid_text, dotted, f):
    lo, hi = f.items
    counts = [hi + 1] + ([lo - 1] if lo else [])
    for n in counts:
        text, path = _records(valid_text, dotted, n)
        p = the_problem(problems_of(text), f.label, dotted, contains=f"有 {n} 条记录")
        assert (p.line, p.column) == key_pos(text, path)


@pytest.mark.parametrize("dotted,f", RECORDS, ids=[d for d, _ in RECORDS])
def test_records_given_a_mapping_fails(valid_text, dotted, f):
    path = concrete(dotted)
    text = with_value(valid_text, path, CommentedMap(year=2025))
    the_problem(problems_of(text), f.label, dotted, contains="应为列表")


def test_empty_record_fails(valid_text):
    doc = load(valid_text)
    doc["financials"][1] = None
    text = dump(doc)
    p = the_problem(problems_of(text), "经济效益和经营情况", "financials[1]", contains="第 2 条记录是空的")
    assert text.splitlines()[p.line - 1].strip() == "-"


GROUPS = [(d, f) for d, f in FIELDS if f.kind in (Kind.GROUP, Kind.FREE)]


@pytest.mark.parametrize("dotted,f", GROUPS, ids=[d for d, _ in GROUPS])
def test_group_given_a_scalar_fails(valid_text, dotted, f):
    path = concrete(dotted)
    text = with_value(valid_text, path, "文本")
    p = the_problem(problems_of(text), f.label, dotted, contains="应为映射")
    assert_at_value(text, p, path, "文本")


def test_extra_is_free_form(valid_text):
    doc = load(valid_text)
    doc["extra"] = CommentedMap(anything=[1, 2, CommentedMap(deep="ok")], 任意="值")
    assert problems_of(dump(doc)) == []


# unknown keys ----------------------------------------------------------------

GROUP_PATHS = [("",)] + [(d,) for d, f in FIELDS if f.kind in (Kind.GROUP, Kind.RECORDS)]


@pytest.mark.parametrize("group", [g[0] for g in GROUP_PATHS])
def test_unknown_key_fails_at_the_key(valid_text, group):
    doc = load(valid_text)
    parent_path = concrete(group) if group else ()
    if group and lookup(COMPANY, group).kind is Kind.RECORDS:
        parent_path = parent_path + (0,)
    if group and get_in(doc, parent_path) is None:
        set_in(doc, parent_path, CommentedMap())
    parent = get_in(doc, parent_path) if parent_path else doc
    parent["typo_key"] = 1
    text = dump(doc)
    hits = [p for p in problems_of(text) if "未知的键 “typo_key”" in p.message]
    assert len(hits) == 1, problems_of(text)
    p = hits[0]
    assert (p.line, p.column) == key_pos(text, parent_path + ("typo_key",))
    assert text.splitlines()[p.line - 1][p.column - 1:].startswith("typo_key:")
    allowed = lookup(COMPANY, group).children if group else COMPANY.children
    assert ", ".join(c.key for c in allowed) in p.message


def test_unknown_key_suggests_the_near_one(valid_text):
    text = valid_text.replace("    revenue: 26800", "    revnue: 26800")
    problems = problems_of(text)
    p = next(p for p in problems if "未知的键" in p.message)
    assert "“revnue”" in p.message and "是不是想写 “revenue”" in p.message
    assert "financials[1].revnue" in p.message
    # and the real key is now missing, named by label and key
    the_problem(problems, "营业收入", "financials[1].revenue", contains="缺少必填项")


# required fields ------------------------------------------------------------

REQUIRED = [(d, f) for d, f in FIELDS if f.required]


@pytest.mark.parametrize("dotted,f", REQUIRED, ids=[d for d, _ in REQUIRED])
def test_removing_a_required_field_fails_naming_it(valid_text, dotted, f):
    path = concrete(dotted)
    doc = load(valid_text)
    del_in(doc, path)
    text = dump(doc)
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="缺少必填项")
    assert p.is_error
    assert "应为：" in p.message
    if len(path) == 1:
        assert (p.line, p.column) == (1, 1)
    else:
        # absent: pointed at the mapping it belongs in
        assert (p.line, p.column) == key_pos(text, path[:-1])


@pytest.mark.parametrize("dotted,f", REQUIRED, ids=[d for d, _ in REQUIRED])
def test_null_required_field_fails_at_its_key(valid_text, dotted, f):
    path = concrete(dotted)
    doc = load(valid_text)
    set_in(doc, path, None)
    text = dump(doc)
    p = the_problem(problems_of(text), f.label, dotted_of(path), contains="缺少必填项")
    assert (p.line, p.column) == key_pos(text, path)


OPTIONAL_LEAVES = [(d, f) for d, f in FIELDS
                   if not f.required and f.kind not in (Kind.GROUP, Kind.RECORDS)]


@pytest.mark.parametrize("dotted,f", OPTIONAL_LEAVES, ids=[d for d, _ in OPTIONAL_LEAVES])
def test_optional_field_may_be_absent_or_null(valid_text, dotted, f):
    path = concrete(dotted)
    doc = load(valid_text)
    try:
        del_in(doc, path)
    except (KeyError, IndexError):
        pass
    assert problems_of(dump(doc)) == []
    set_in(doc, path, None)
    assert problems_of(dump(doc)) == []


def test_wrong_schema_version_fails(valid_text):
    line = next(i for i, ln in enumerate(valid_text.splitlines(), 1) if ln.startswith("schema: 1 "))
    for value in ("2", "0"):
        text = valid_text.replace("schema: 1 ", f"schema: {value} ")
        p = the_problem(problems_of(text), "数据格式版本", "schema", contains="超出范围")
        assert (p.line, p.column) == (line, len("schema: ") + 1)
    text = valid_text.replace("schema: 1 ", 'schema: "1" ')
    the_problem(problems_of(text), "数据格式版本", "schema", contains="应为整数")


# cross-field rules ----------------------------------------------------------------

@pytest.mark.parametrize("part,whole,plabel,wlabel", [
    ("main_revenue", "revenue", "其中：主营业务收入", "营业收入"),
    ("rd_expense", "revenue", "研发费用总额", "营业收入"),
    ("rd_staff", "employees", "其中：研发人员数量", "全职员工数量"),
])
@pytest.mark.parametrize("index", [0, 2])
def test_part_above_total_fails_equal_passes(valid_text, part, whole, plabel, wlabel, index):
    doc = load(valid_text)
    total = doc["financials"][index][whole]
    equal = with_value(valid_text, ("financials", index, part), total)
    assert problems_of(equal) == []
    path = ("financials", index, part)
    text = with_value(valid_text, path, total + 1, couple=False)
    p = the_problem(problems_of(text), plabel, f"financials[{index}].{part}", contains="大于")
    assert f"「{wlabel}」{total}" in p.message
    assert f"{total + 1} 大于" in p.message
    assert_at_value(text, p, path, str(total + 1))


@pytest.mark.parametrize("sub", ["class1_self_developed", "class1_high_value", "class1_applied"])
def test_ip_part_above_class1_fails_equal_passes(valid_text, sub):
    total = load(valid_text)["innovation"]["ip"]["class1"]
    path = ("innovation", "ip", sub)
    assert problems_of(with_value(valid_text, path, total)) == []
    text = with_value(valid_text, path, total + 1)
    p = the_problem(problems_of(text), lookup(COMPANY, "innovation.ip." + sub).label,
                    f"innovation.ip.{sub}", contains="大于")
    assert_at_value(text, p, path, str(total + 1))


def _with_years(valid_text, years, key=("financials",)):
    doc = load(valid_text)
    recs = get_in(doc, key)
    for rec, y in zip(recs, years):
        rec["year"] = y
    return dump(doc)


@pytest.mark.parametrize("years", [(2022, 2024, 2025), (2025, 2024, 2023), (2023, 2023, 2025),
                                   (2023, 2025, 2024), (2021, 2022, 2024)])
def test_financial_years_not_consecutive_ascending_fail(valid_text, years):
    text = _with_years(valid_text, years)
    p = the_problem(problems_of(text), "年度", "financials", contains="连续递增")
    assert "、".join(map(str, years)) in p.message
    assert " 3 个" in p.message
    assert (p.line, p.column) == key_pos(text, ("financials",))
    assert text.splitlines()[p.line - 1].startswith("financials:")


def test_financial_years_consecutive_pass_anywhere(valid_text):
    text = _with_years(valid_text, (2020, 2021, 2022))
    assert problems_of(text) == []


def test_two_financial_years_fail(valid_text):
    doc = load(valid_text)
    del doc["financials"][0]
    text = dump(doc)
    p = the_problem(problems_of(text), "经济效益和经营情况", "financials", contains="有 2 条记录")
    assert "恰好 3 条记录" in p.message
    assert text.splitlines()[p.line - 1].startswith("financials:")


def test_last_financial_year_must_end_before_assessment(valid_text):
    text = _with_years(valid_text, (2024, 2025, 2026))
    p = the_problem(problems_of(text), "年度", "financials[2].year", contains="不早于评估日期")
    assert_at_value(text, p, ("financials", 2, "year"), "2026")
    text = valid_text.replace("assessed_on: 2026-05-20", "assessed_on: 2025-12-31")
    the_problem(problems_of(text), "年度", "financials[2].year", contains="不早于评估日期")


@pytest.mark.parametrize("key,label", [("market_share", "年度"), ("own_brands", "年度")])
def test_two_year_records_not_consecutive_fail(valid_text, key, label):
    path = ("distinctiveness", key)
    text = _with_years(valid_text, (2023, 2025), key=path)
    p = the_problem(problems_of(text), label, f"distinctiveness.{key}", contains="连续递增")
    assert (p.line, p.column) == key_pos(text, path)
    text = _with_years(valid_text, (2025, 2024), key=path)
    the_problem(problems_of(text), label, f"distinctiveness.{key}", contains="连续递增")


def test_listing_details_for_another_status_only_warn(valid_text):
    text = valid_text.replace("status: planned", "status: listed")
    problems = problems_of(text)
    assert problems and all(p.severity is Severity.WARNING for p in problems)
    the_problem(problems, "上市进程", "basic.listing.progress", contains="只在上市情况为 planned")
    the_problem(problems, "拟上市地", "basic.listing.venue", contains="只在上市情况为 planned")


@pytest.mark.parametrize("broken,why", [("oops", "应为映射"), (None, "第 1 条记录是空的")])
def test_cross_check_after_a_broken_record_names_the_right_record(valid_text, broken, why):
    # the first record is unusable; the rule on the third must still point at the third
    doc = load(valid_text)
    doc["financials"][0] = broken
    doc["financials"][2]["main_revenue"] = doc["financials"][2]["revenue"] + 1
    text = dump(doc)
    problems = problems_of(text)
    the_problem(problems, "经济效益和经营情况", "financials[0]", contains=why)
    p = the_problem(problems, "其中：主营业务收入", "financials[2].main_revenue", contains="大于")
    assert_at_value(text, p, ("financials", 2, "main_revenue"),
                    str(doc["financials"][2]["revenue"] + 1))


# credit code ----------------------------------------------------------------

# The weights of GB 32100-2015 table 3, written out rather than computed.
GB_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
GB_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def gb_check(first17: str) -> str:
    total = sum(GB_CHARS.index(c) * w for c, w in zip(first17, GB_WEIGHTS))
    return GB_CHARS[(31 - total % 31) % 31]


def test_credit_code_module_matches_the_standard():
    assert creditcode.WEIGHTS == GB_WEIGHTS
    for body in ("91440101MA9JR2D6X", "91110000100000000", "12100000400000000", "92440101MA59RX7K3",
                 "Y1YYYYYYYYYYYYYYY"):
        assert creditcode.check_char(body) == gb_check(body)
        assert creditcode.problem(body + gb_check(body)) is None


def test_credit_code_of_the_example_is_valid(valid_text):
    code = load(valid_text)["basic"]["credit_code"]
    assert creditcode.problem(code) is None
    assert code[-1] == gb_check(code[:17])


def _code_text(valid_text, code):
    return with_value(valid_text, ("basic", "credit_code"), code)


def test_valid_credit_code_passes(valid_text):
    body = "91440101MA59RX7K3"
    assert problems_of(_code_text(valid_text, body + gb_check(body))) == []


def test_credit_code_wrong_check_digit_fails(valid_text):
    body = "91440101MA59RX7K3"
    right = gb_check(body)
    wrong = GB_CHARS[(GB_CHARS.index(right) + 1) % 31]
    text = _code_text(valid_text, body + wrong)
    p = the_problem(problems_of(text), "统一社会信用代码", "basic.credit_code", contains="无效")
    assert f"校验位应为 {right}，实际为 {wrong}" in p.message
    assert "GB 32100-2015" in p.message
    assert_at_value(text, p, ("basic", "credit_code"), body)


@pytest.mark.parametrize("code,why", [
    ("91440101MA9JR2D6X", "应为 18 位，实际 17 位"),
    ("91440101MA9JR2D6XMM", "应为 18 位，实际 19 位"),
    ("", "应为 18 位，实际 0 位"),
])
def test_credit_code_wrong_length_fails(valid_text, code, why):
    text = _code_text(valid_text, code)
    p = the_problem(problems_of(text), "统一社会信用代码", "basic.credit_code", contains=why)
    assert p.is_error


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V", "a", "-"])
def test_credit_code_forbidden_character_fails(valid_text, letter):
    code = "91440101M" + letter + "9JR2D6XM"
    assert len(code) == 18
    text = _code_text(valid_text, code)
    p = the_problem(problems_of(text), "统一社会信用代码", "basic.credit_code",
                    contains="不允许的字符")
    assert f"不允许的字符 {letter}" in p.message


def test_credit_code_written_as_number_fails(valid_text):
    text = valid_text.replace("credit_code: 91440101MA9JR2D6XM", "credit_code: 914401010000000000")
    the_problem(problems_of(text), "统一社会信用代码", "basic.credit_code", contains="应为文本")
