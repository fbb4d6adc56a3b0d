"""``zjtx import`` of forms that people have filled in badly: every problem is
reported at its sheet and cell, nothing is written until all are fixed."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cli_helpers import run
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from zjtx_site import cli
from zjtx_site.excel import FORM_SHEET, FormError
from zjtx_site.excel.form import form_bytes
from zjtx_site.excel.form_cells import cell_name, parse_dotted
from zjtx_site.excel.importer import import_form
from zjtx_site.intake.yamlload import parse

REPO = Path(__file__).resolve().parent.parent
JIRUI = REPO / "companies" / "gz-jirui-drive" / "2026.yaml"
CID, RND = "gz-jirui-drive", "2026"


@pytest.fixture
def form(tmp_path) -> Path:
    """A form pre-filled with a valid company (gz-jirui-drive 2026)."""
    path = tmp_path / "form.xlsx"
    path.write_bytes(form_bytes(parse(JIRUI.read_text("utf-8"), "x"), company_id=CID, round_id=RND))
    return path


def cell_of(path: Path, key: str, role: str = "value") -> str:
    """The cell of a YAML key (``financials[2].revenue``) in the form, read
    from the workbook's defined names."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml").decode("utf-8")
    name = cell_name(parse_dotted(key), role)
    m = re.search(rf'<definedName name="{name}"[^>]*>[^<]*!\$([A-Z]+)\$(\d+)</definedName>', xml)
    assert m, name
    return m.group(1) + m.group(2)


def edit(path: Path, values: dict[str, object], formats: dict[str, str] | None = None) -> None:
    """Set cells by YAML key (or by "!C14" for a plain cell) and save."""
    wb = load_workbook(path)
    ws = wb[FORM_SHEET]
    for key, value in values.items():
        ref = key[1:] if key.startswith("!") else cell_of(path, key)
        ws[ref].value = value
        if formats and key in formats:
            ws[ref].number_format = formats[key]
    wb.save(path)


def messages(path: Path) -> list[str]:
    result = import_form(path, CID, RND)
    return [p.format() for p in result.problems]


def errors(path: Path) -> list[str]:
    result = import_form(path, CID, RND)
    return [p.format() for p in result.problems if p.is_error]


def one_error_at(path: Path, key: str, *needles: str) -> str:
    cell = cell_of(path, key)
    errs = errors(path)
    assert len(errs) == 1, errs
    assert errs[0].startswith(f"{FORM_SHEET}!{cell}: 错误："), errs
    for n in needles:
        assert n in errs[0], errs
    return errs[0]


def imported(path: Path) -> dict:
    result = import_form(path, CID, RND)
    assert result.ok, [p.format() for p in result.problems]
    return result.clean


# Sheets and structure -------------------------------------------------------------

def test_renamed_form_sheet(form):
    wb = load_workbook(form)
    wb[FORM_SHEET].title = "Sheet1"
    wb.save(form)
    with pytest.raises(FormError, match="找不到工作表「表单」.*Sheet1"):
        import_form(form, CID, RND)


def test_a_workbook_that_is_not_a_form(tmp_path, form):
    wb = load_workbook(form)
    del wb["_keys"]
    wb.save(form)
    with pytest.raises(FormError, match="_keys"):
        import_form(form, CID, RND)
    other = tmp_path / "other.xlsx"
    other.write_text("name,revenue\n", encoding="utf-8")
    with pytest.raises(FormError, match="不是有效的 Excel 工作簿"):
        import_form(other, CID, RND)
    with pytest.raises(FormError, match="文件不存在"):
        import_form(tmp_path / "none.xlsx", CID, RND)


def test_deleted_row_or_column_is_named(form):
    wb = load_workbook(form)
    name = cell_name(("financials", 2, "revenue"))
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{FORM_SHEET}'!#REF!")
    wb.save(form)
    errs = errors(form)
    assert any("「营业收入」（financials[2].revenue）的填写单元格已被删除" in e for e in errs), errs


def test_import_follows_the_names_not_the_row_positions(form):
    """As after inserting rows above a field: the name moved, the value is found."""
    old = cell_of(form, "basic.name")
    wb = load_workbook(form)
    name = cell_name(("basic", "name"))
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{FORM_SHEET}'!$C$300")
    wb[FORM_SHEET][old].value = None
    wb[FORM_SHEET]["C300"].value = "广州新名称有限公司"
    wb.save(form)
    assert imported(form)["basic"]["name"] == "广州新名称有限公司"


def test_content_outside_the_input_cells_is_an_error(form):
    ref = cell_of(form, "basic.address")
    row = int(re.sub(r"\D", "", ref))
    edit(form, {f"!E{row}": "补充地址：二楼"})
    errs = errors(form)
    assert errs == [f"{FORM_SHEET}!E{row}: 错误：单元格有内容“补充地址：二楼”，但这里不是表单的填写位置，不会被导入"
                    "（可能在表格中插入了行，或填错了列）；请移到黄色填写单元格中或删除"]


def test_merged_cells(form):
    a, c = cell_of(form, "financials[0].revenue"), cell_of(form, "financials[2].revenue")
    wb = load_workbook(form)
    wb[FORM_SHEET].merge_cells(f"{a}:{c}")
    wb.save(form)
    errs = errors(form)
    merged = [e for e in errs if "合并区域" in e]
    assert len(merged) == 3, errs
    assert merged[0].startswith(f"{FORM_SHEET}!{a}: 错误：「营业收入」的单元格在合并区域 {a}:{c} 中")


def test_wrong_format_marker(form):
    wb = load_workbook(form)
    for row in wb["_keys"].iter_rows():
        if row[1].value == "format":
            row[2].value = "zjtx-form/99"
    wb.save(form)
    with pytest.raises(FormError, match="zjtx-form/99"):
        import_form(form, CID, RND)


# Numbers ------------------------------------------------------------------------------

def test_text_in_a_number_cell(form):
    edit(form, {"financials[2].revenue": "约三万"})
    msg = one_error_at(form, "financials[2].revenue", "「营业收入」（financials[2].revenue）应为数字，实际是“约三万”")
    assert "不小于 0（单位：万元）" in msg


def test_full_width_digits(form):
    edit(form, {"financials[2].revenue": "３０５００", "financials[2].employees": "７００",
                "financials[2].debt_ratio": "４１．５％", "specialization.niche_years": "１３年"})
    c = imported(form)
    assert c["financials"][2]["revenue"] == 30500
    assert c["financials"][2]["employees"] == 700
    assert c["financials"][2]["debt_ratio"] == Decimal("41.5")
    assert c["specialization"]["niche_years"] == 13


def test_thousands_separators(form):
    edit(form, {"financials[2].revenue": "30,500", "financials[2].main_revenue": "29,600.5",
                "financials[2].total_assets": "４５，８００"})
    c = imported(form)["financials"][2]
    assert (c["revenue"], c["main_revenue"], c["total_assets"]) == (30500, Decimal("29600.5"), 45800)
    edit(form, {"financials[2].revenue": "30,50"})
    one_error_at(form, "financials[2].revenue", "应为数字，实际是“30,50”", "千位分隔符")


@pytest.mark.parametrize("value, fmt, expected", [
    (41.5, "General", Decimal("41.5")),       # percent points
    ("41.5%", "@", Decimal("41.5")),
    ("41.5 %", "@", Decimal("41.5")),
    (0.415, "0%", Decimal("41.5")),           # the cell shows 42%: Excel stores the fraction
    (0.415, "0.0#####%", Decimal("41.5")),
    ("0.6%", "@", Decimal("0.6")),            # under 1 %, with its sign: unambiguous
    (0.006, "0.0%", Decimal("0.6")),
    (0, "General", Decimal("0")),
    (1, "General", Decimal("1")),
    (45, "General", Decimal("45")),
])
def test_percentages_accepted(form, value, fmt, expected):
    edit(form, {"financials[2].debt_ratio": value}, {"financials[2].debt_ratio": fmt})
    assert imported(form)["financials"][2]["debt_ratio"] == expected


@pytest.mark.parametrize("value, fmt", [(0.45, "General"), ("0.45", "@"), ("0,45", "@")])
def test_a_bare_fraction_in_a_percent_field_is_ambiguous(form, value, fmt):
    edit(form, {"financials[2].debt_ratio": value}, {"financials[2].debt_ratio": fmt})
    if value == "0,45":
        one_error_at(form, "financials[2].debt_ratio", "应为数字")
    else:
        one_error_at(form, "financials[2].debt_ratio", "含义不明确：是 0.45% 还是 45%", "请带 %")


def test_percent_in_a_field_that_is_not_a_percentage(form):
    edit(form, {"financials[2].revenue": 0.3}, {"financials[2].revenue": "0%"})
    one_error_at(form, "financials[2].revenue", "单元格是百分比格式（显示为 30%）", "单位是万元")
    edit(form, {"financials[2].revenue": "30%"}, {"financials[2].revenue": "@"})
    one_error_at(form, "financials[2].revenue", "应为数字，实际是“30%”")


def test_a_bare_fraction_in_a_money_field_is_fine(form):
    edit(form, {"financials[2].net_profit": 0.45})
    assert imported(form)["financials"][2]["net_profit"] == Decimal("0.45")


def test_whole_numbers_and_ranges(form):
    edit(form, {"financials[2].employees": 700.5, "refinement.digital_level": 7})
    errs = errors(form)
    assert len(errs) == 2
    assert errs[0].startswith(f"{FORM_SHEET}!{cell_of(form, 'financials[2].employees')}: 错误：「全职员工数量」")
    assert "应为整数，实际是700.5" in errs[0]
    assert "超出范围：7" in errs[1]


# Formulas, error values, empty rows ----------------------------------------------------

def _set_cached(path: Path, ref: str, cached: str) -> None:
    """Give a formula cell the cached value Excel would have saved."""
    raw = path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f><v\s*/>'.encode(),
                                  rb"\1<f>\2</f><v>" + cached.encode() + rb"</v>", body)
                assert n == 1
            dst.writestr(info, body)
    path.write_bytes(out.getvalue())


def test_formula_without_a_saved_result(form):
    edit(form, {"financials[2].revenue": "=30000+500"})
    one_error_at(form, "financials[2].revenue", "是公式 =30000+500，但文件中没有保存计算结果")


def test_formula_with_a_saved_result_is_read(form):
    edit(form, {"financials[2].revenue": "=30000+500"})
    _set_cached(form, cell_of(form, "financials[2].revenue"), "30500")
    assert imported(form)["financials"][2]["revenue"] == 30500


def test_error_value_cell(form):
    edit(form, {"financials[2].rd_expense": "#DIV/0!"})
    one_error_at(form, "financials[2].rd_expense", "是错误值 #DIV/0!")


def test_empty_rows_in_a_record_table_and_problems_on_the_right_row(form):
    edit(form, {"innovation.science_awards[0].year": None, "innovation.science_awards[0].level": None,
                "innovation.science_awards[0].rank": None,
                "innovation.science_awards[1].year": 2024, "innovation.science_awards[1].level": "省级",
                "innovation.science_awards[1].rank": 1,
                "innovation.science_awards[3].year": 2025, "innovation.science_awards[3].level": "national",
                "innovation.science_awards[3].rank": 2})
    awards = imported(form)["innovation"]["science_awards"]
    assert [(a["year"], a["level"], a["rank"]) for a in awards] == [(2024, "provincial", 1), (2025, "national", 2)]
    edit(form, {"innovation.science_awards[3].level": "市级"})
    one_error_at(form, "innovation.science_awards[3].level", "「奖励级别」（innovation.science_awards[1].level）",
                 "不认识的选项 “市级”")


def test_none_versus_not_reported_in_a_record_table(form):
    key = "innovation.science_awards"
    edit(form, {f"{key}[0].year": None, f"{key}[0].level": None, f"{key}[0].rank": None})
    edit(form, {"!" + cell_of(form, key, "has"): "无"})
    assert imported(form)["innovation"]["science_awards"] == ()
    edit(form, {"!" + cell_of(form, key, "has"): None})
    assert imported(form)["innovation"]["science_awards"] is None
    edit(form, {"!" + cell_of(form, key, "has"): "有"})
    errs = errors(form)
    assert errs == [f"{FORM_SHEET}!{cell_of(form, key, 'has')}: 错误：「近三年国家级、省级科技奖励」填了“有”，"
                    "但下表没有填写任何记录；没有请填“无”"]
    edit(form, {"!" + cell_of(form, key, "has"): "无", f"{key}[0].year": 2024, f"{key}[0].level": "省级",
                f"{key}[0].rank": 1})
    assert "填了“无”，但下表填写了 1 条记录" in errors(form)[0]


# Words, choices, dates ---------------------------------------------------------------

def test_yes_no_choices_and_lists(form):
    edit(form, {"refinement.cloud_migration": "也许", "refinement.quality_award": "金奖",
                "product.mic_fields": "新材料、太空采矿", "honors.titles": "high_tech，little_giant",
                "refinement.internet_integration_pilot": "true", "basic.listing.venue": "star_market"})
    errs = errors(form)
    assert len(errs) == 3, errs
    assert errs[0].startswith(f"{FORM_SHEET}!{cell_of(form, 'refinement.cloud_migration')}: 错误：")
    assert "应填“是”或“否”，实际是“也许”" in errs[0]
    assert "不认识的选项 “金奖”" in errs[1]
    assert errs[2].startswith(f"{FORM_SHEET}!{cell_of(form, 'product.mic_fields')}: 错误：")
    assert "不认识的选项 “太空采矿”" in errs[2]
    edit(form, {"refinement.cloud_migration": "否", "refinement.quality_award": "省级质量奖",
                "product.mic_fields": "无"})
    c = imported(form)
    assert c["refinement"]["cloud_migration"] is False
    assert c["refinement"]["internet_integration_pilot"] is True
    assert c["product"]["mic_fields"] == ()
    assert c["honors"]["titles"] == ("high_tech", "little_giant")


@pytest.mark.parametrize("typed, expected", [
    ("2026/5/20", date(2026, 5, 20)), ("2026年5月20日", date(2026, 5, 20)), ("２０２６－０５－２０", date(2026, 5, 20)),
])
def test_dates_typed_as_text(form, typed, expected):
    edit(form, {"assessed_on": typed})
    assert imported(form)["assessed_on"] == expected


def test_impossible_date(form):
    edit(form, {"assessed_on": "2026-02-30"})
    one_error_at(form, "assessed_on", "「评估日期」", "该日期不存在")


# Problems found by the validator, placed at their cells --------------------------------

def test_cross_field_and_required_problems_are_placed_at_cells(form):
    edit(form, {"financials[1].main_revenue": 99999, "basic.name": None, "financials[2].year": 2030,
                "basic.credit_code": "91440101MA9JR2D6XA"})
    errs = errors(form)
    by_cell = {e.split(": ", 1)[0]: e for e in errs}
    assert f"{FORM_SHEET}!{cell_of(form, 'basic.name')}" in by_cell
    assert "缺少必填项「企业名称」" in by_cell[f"{FORM_SHEET}!{cell_of(form, 'basic.name')}"]
    assert "大于「营业收入」26800" in by_cell[f"{FORM_SHEET}!{cell_of(form, 'financials[1].main_revenue')}"]
    assert "校验位" in by_cell[f"{FORM_SHEET}!{cell_of(form, 'basic.credit_code')}"]
    years = [e for e in errs if "连续递增" in e]
    assert years and years[0].startswith(f"{FORM_SHEET}!{cell_of(form, 'financials[0].year')}: ")
    # listed top to bottom, as the staff read the sheet
    rows = [int(re.search(r"!([A-Z]+)(\d+)", e).group(2)) for e in errs]
    assert rows == sorted(rows)


# Writing: only when valid, overwrite only with --force, backups outside companies/ ----

@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    (root / "companies").mkdir(parents=True)
    shutil.copytree(REPO / "companies" / CID, root / "companies" / CID)
    return root


def test_invalid_form_writes_nothing(project, form, capsys):
    target = project / "companies" / CID / "2026.yaml"
    before = target.read_bytes()
    edit(form, {"financials[2].revenue": "abc"})
    code, out, err = run(capsys, "-C", project, "import", form, "--company-id", CID, "--round", RND, "--force")
    assert code == 1
    assert f"{FORM_SHEET}!{cell_of(form, 'financials[2].revenue')}: 错误：「营业收入」" in err
    assert "没有写入任何文件" in err
    assert target.read_bytes() == before
    assert not (project / ".zjtx").exists()


def test_overwrite_only_with_force_and_keep_a_backup(project, form, capsys):
    target = project / "companies" / CID / "2026.yaml"
    before = target.read_bytes()
    edit(form, {"specialization.niche_years": 14})
    code, _, err = run(capsys, "-C", project, "import", form, "--company-id", CID, "--round", RND)
    assert code == 2 and "已存在" in err and "--force" in err
    assert target.read_bytes() == before
    code, out, err = run(capsys, "-C", project, "import", form, "--company-id", CID, "--round", RND, "--force")
    assert code == 0, err
    backups = list((project / ".zjtx" / "backups" / CID).glob("2026.yaml.*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert "niche_years: 14" in target.read_text("utf-8")
    # a second forced import keeps the first backup
    run(capsys, "-C", project, "import", form, "--company-id", CID, "--round", RND, "--force")
    assert len(list((project / ".zjtx" / "backups" / CID).glob("*.bak"))) == 2
    # nothing stray under companies/: zjtx check still passes
    assert cli.main(["-C", str(project), "check"]) == 0


def test_bad_ids_and_files_through_the_command(project, form, tmp_path, capsys):
    code, _, err = run(capsys, "-C", project, "import", form, "--company-id", "Bad_ID", "--round", RND)
    assert code == 2 and "企业编号“Bad_ID”不合规" in err
    code, _, err = run(capsys, "-C", project, "import", form, "--company-id", CID, "--round", "26")
    assert code == 2 and "评估轮次“26”不合规" in err
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK not really")
    code, _, err = run(capsys, "-C", project, "import", bad, "--company-id", CID, "--round", RND)
    assert code == 2 and "不是有效的 Excel 工作簿" in err


def test_round_and_date_in_different_years_is_a_warning(project, form, capsys):
    edit(form, {"assessed_on": "2027-01-10", "financials[0].year": 2024, "financials[1].year": 2025,
                "financials[2].year": 2026})
    result = import_form(form, CID, RND)
    assert result.ok
    assert any("不在同一年" in p.format() and "警告" in p.format() for p in result.problems)
