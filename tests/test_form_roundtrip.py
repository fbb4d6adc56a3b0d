"""``zjtx form`` → ``zjtx import``: every example company survives the round trip,
and the field table drives the form, the import and the scaffold alike."""

from __future__ import annotations

import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cli_helpers import run
from openpyxl import load_workbook

from zjtx_site import cli
from zjtx_site.excel import FORM_SHEET, KEYS_SHEET
from zjtx_site.excel.form import form_bytes
from zjtx_site.excel.form_cells import join_list, split_list
from zjtx_site.excel.importer import company_yaml, import_form
from zjtx_site.intake.fields import CONTAINER_KINDS, Kind, walk
from zjtx_site.intake.loader import validate_text
from zjtx_site.intake.problems import has_errors
from zjtx_site.intake.scaffold import scaffold
from zjtx_site.intake.schema import COMPANY
from zjtx_site.intake.yamlload import parse

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "companies").glob("*/*.yaml"))


def clean_of(text: str) -> dict:
    clean, problems = validate_text(text, "t.yaml")
    assert clean is not None and not has_errors(problems), [p.format() for p in problems]
    return clean


def workbook_cells(path: Path) -> dict:
    """Every cell value of every sheet, and the defined names."""
    wb = load_workbook(path)
    out = {name: {c.coordinate: c.value for row in wb[name].iter_rows() for c in row if c.value is not None}
           for name in wb.sheetnames}
    out["__names__"] = {n: d.attr_text for n, d in wb.defined_names.items()}
    out["__order__"] = wb.sheetnames
    return out


def round_trip(text: str, tmp_path: Path, cid: str = "gz-test-co", rnd: str = "2026"):
    form1 = tmp_path / "form1.xlsx"
    form1.write_bytes(form_bytes(parse(text, "orig.yaml"), company_id=cid, round_id=rnd))
    result = import_form(form1, cid, rnd)
    assert result.ok, "\n".join(p.format() for p in result.problems)
    form2 = tmp_path / "form2.xlsx"
    form2.write_bytes(form_bytes(parse(result.text, "imported.yaml"), company_id=cid, round_id=rnd))
    return form1, result, form2


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_example_round_trips(path, tmp_path):
    text = path.read_text("utf-8")
    original = clean_of(text)
    form1, result, form2 = round_trip(text, tmp_path, path.parent.name, path.stem)
    # YAML → form → YAML: the same data, contact details included, nothing left out
    assert clean_of(result.text) == original
    assert result.clean == original
    assert original["basic"]["contact"] is None or result.clean["basic"]["contact"] == original["basic"]["contact"]
    # form → import → form: the same cells (and, being deterministic, the same bytes)
    assert workbook_cells(form2) == workbook_cells(form1)
    assert form2.read_bytes() == form1.read_bytes()


def test_the_same_data_gives_the_same_bytes():
    data = parse(EXAMPLES[0].read_text("utf-8"), "x")
    assert form_bytes(data, company_id="a1", round_id="2026") == form_bytes(data, company_id="a1", round_id="2026")


def test_the_form_has_every_field_of_the_table_and_nothing_else():
    wb = load_workbook(__import__("io").BytesIO(form_bytes(None)))
    keys = {re.sub(r"\[\d+\]", "[]", row[2]) for row in wb[KEYS_SHEET].iter_rows(min_row=2, values_only=True)
            if row[0] == "value"}
    table = {key for key, f in walk(COMPANY) if f.kind not in CONTAINER_KINDS}
    assert keys == table
    # the scaffold writes the same fields (its YAML has a key line for each)
    text = scaffold("gz-test-co", "2026")
    for key in table:
        leaf = key.rsplit(".", 1)[-1].replace("[]", "")
        assert re.search(rf"^[\s#-]*{leaf}:", text, re.M), key
    # and every record list has a table, every records field a place to say "none"
    roles = {(row[0], row[2]) for row in wb[KEYS_SHEET].iter_rows(min_row=2, values_only=True)}
    assert ("has", "innovation.science_awards") in roles


def test_the_form_is_laid_out_by_the_sections_of_the_table(tmp_path):
    wb = load_workbook(__import__("io").BytesIO(form_bytes(None)))
    ws = wb[FORM_SHEET]
    titles = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    sections = [f.section for f in COMPANY.children if f.section]
    positions = [titles.index(s) for s in sections]
    assert positions == sorted(positions)
    assert sections[:9] == ["一、企业基本情况", "二、经济效益和经营情况", "三、专业化", "四、精细化", "五、特色化",
                            "六、创新能力", "七、产业链配套", "八、主导产品所属领域", "九、其他荣誉资质"]
    assert wb.sheetnames[:2] == [FORM_SHEET, "填写说明"]
    assert wb[KEYS_SHEET].sheet_state == "hidden"
    # drop-downs for choices and yes/no, number checks, units in the unit column
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "whole", "decimal", "textLength"} <= kinds
    units = {ws.cell(row=r, column=2).value for r in range(4, ws.max_row + 1)}
    assert {"万元", "%", "人", "项"} <= units


MINIMAL = """\
schema: 1
assessed_on: 2026-05-20
basic: {name: 测试企业}
financials:
  - {year: 2023, revenue: 100, main_revenue: 90}
  - {year: 2024, revenue: 200, main_revenue: 180}
  - {year: 2025, revenue: 300, main_revenue: 270}
specialization: {niche_years: 2}
product: {mic_fields: [], six_foundations: []}
honors: {titles: []}
compliance: {no_major_incident_3y: false}
"""


def test_absent_stays_absent_and_empty_stays_empty(tmp_path):
    original = clean_of(MINIMAL)
    _, result, _ = round_trip(MINIMAL, tmp_path)
    clean = clean_of(result.text)
    assert clean == original
    assert clean["refinement"] is None and clean["innovation"] is None and clean["extra"] is None
    assert clean["product"]["mic_fields"] == () and clean["honors"]["titles"] == ()
    assert clean["financials"][0]["employees"] is None


def tricky_text() -> str:
    data = parse(MINIMAL, "x")
    data["basic"].update(name="=SUM(A1)", contact={"mobile": "013800000000"}, founded_on="1862-01-01",
                         credit_code="91440101MA9JR2D6XM")
    data["financials"][2].update(debt_ratio=Decimal("0.6"), net_profit=Decimal("-12.5"),
                                 total_assets=Decimal("98765432109.987654"), employees=3)
    data["innovation"] = {"science_awards": []}
    data["refinement"] = {"management_certs_other": ["无", "华南理工大学、中山大学", '带"引号', " 前后空格 "]}
    data["honors"]["titles"] = ["srdi_sme", "high_tech"]          # not in the table's order
    data["financing"] = {"plan_methods": ["ipo", "bank_loan"]}
    data["extra"] = {}
    data["distinctiveness"] = {"market_share": [{"year": 2025, "domestic": Decimal("99.99")}]}
    return company_yaml("gz-test-co", "2026", data)


def test_tricky_values_round_trip_exactly(tmp_path):
    text = tricky_text()
    original = clean_of(text)
    assert original["innovation"]["science_awards"] == ()
    assert original["extra"] == {}
    form1, result, form2 = round_trip(text, tmp_path)
    clean = clean_of(result.text)
    assert clean == original
    assert clean["basic"]["name"] == "=SUM(A1)"
    assert clean["basic"]["contact"]["mobile"] == "013800000000"
    assert clean["basic"]["founded_on"] == date(1862, 1, 1)
    assert clean["financials"][2]["total_assets"] == Decimal("98765432109.987654")
    assert clean["financials"][2]["debt_ratio"] == Decimal("0.6")
    assert clean["refinement"]["management_certs_other"] == ("无", "华南理工大学、中山大学", '带"引号', " 前后空格 ")
    assert clean["honors"]["titles"] == ("srdi_sme", "high_tech")
    assert form2.read_bytes() == form1.read_bytes()
    # a formula-looking name is text in the workbook, never a formula
    ws = load_workbook(form1)[FORM_SHEET]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize("items", [[], ["a"], ["无"], ["a、b", "c"], ['x"y', "  "], ["[]", "d"]])
def test_list_cells_split_back_exactly(items):
    from zjtx_site.intake.fields import Field

    f = Field(key="t", label="t", kind=Kind.TEXT_LIST)
    text = join_list(items, f)
    back = [] if text == "无" else [t for t, _ in split_list(text)]
    assert back == items


# Through the commands ----------------------------------------------------------------

@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    (root / "companies").mkdir(parents=True)
    shutil.copytree(REPO / "companies" / "gz-jirui-drive", root / "companies" / "gz-jirui-drive")
    return root


def test_form_prefills_the_latest_round_and_import_writes_the_same_data(project, tmp_path, capsys):
    out = tmp_path / "jirui.xlsx"
    code, stdout, _ = run(capsys, "-C", project, "form", "gz-jirui-drive", "-o", out)
    assert code == 0 and "2026.yaml" in stdout
    meta = {r[1]: r[2] for r in load_workbook(out)[KEYS_SHEET].iter_rows(values_only=True) if r[0] == "meta"}
    assert meta["round"] == "2026"
    # a form made for another company is refused (it would overwrite that company's data)...
    code, stdout, err = run(capsys, "-C", project, "import", out, "--company-id", "gz-copy-co", "--round", "2026")
    assert code == 1 and "这份表单是为企业 gz-jirui-drive 生成的" in err and "--force" in err
    assert not (project / "companies" / "gz-copy-co").exists()
    # ...unless forced
    code, stdout, err = run(capsys, "-C", project, "import", out, "--company-id", "gz-copy-co", "--round", "2026",
                            "--force")
    assert code == 0, err
    written = project / "companies" / "gz-copy-co" / "2026.yaml"
    original = (project / "companies" / "gz-jirui-drive" / "2026.yaml").read_text("utf-8")
    assert clean_of(written.read_text("utf-8")) == clean_of(original)
    assert "# 企业名称" in written.read_text("utf-8")        # the scaffold's comments
    assert "这份表单是为企业 gz-jirui-drive 生成的" in err     # a different id is pointed out
    code, _, err = run(capsys, "-C", project, "form", "gz-jirui-drive", "--round", "2025", "-o", tmp_path / "o.xlsx")
    assert code == 0
    assert cli.main(["-C", str(project), "check"]) == 0


def test_form_refuses_to_overwrite_and_names_missing_companies(project, tmp_path, capsys):
    out = tmp_path / "f.xlsx"
    out.write_bytes(b"filled in by someone")
    code, _, err = run(capsys, "-C", project, "form", "-o", out)
    assert code == 2 and "已存在" in err and out.read_bytes() == b"filled in by someone"
    assert run(capsys, "-C", project, "form", "-o", out, "--force")[0] == 0
    code, _, err = run(capsys, "-C", project, "form", "gz-nobody", "-o", tmp_path / "n.xlsx")
    assert code == 2 and "gz-nobody" in err
    code, _, err = run(capsys, "-C", project, "form", "gz-jirui-drive", "--round", "2019", "-o", tmp_path / "n.xlsx")
    assert code == 2 and "2025、2026" in err


def test_blank_form_with_a_round_has_the_years(tmp_path, capsys):
    out = tmp_path / "blank.xlsx"
    assert run(capsys, "form", "--round", "2026", "-o", out)[0] == 0
    result = import_form(out, "gz-test-co", "2026")
    assert not result.ok
    assert [r["year"] for r in result.data["financials"]] == [2023, 2024, 2025]
    messages = "\n".join(p.format() for p in result.problems)
    assert "缺少必填项「企业名称」" in messages and "缺少必填项「评估日期」" in messages
