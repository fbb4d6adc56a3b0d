"""Official names of the enumerations (中国制造2025, the standard's own text,
Appendix A) are accepted everywhere: YAML, the Excel form, the registry; the
data and the messages carry the canonical code."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from zjtx_site.excel import FORM_SHEET
from zjtx_site.excel.classify import classify
from zjtx_site.excel.form import form_bytes
from zjtx_site.excel.importer import import_form
from zjtx_site.intake.creditcode import check_char
from zjtx_site.intake.fields import Kind, walk
from zjtx_site.intake.loader import validate_text
from zjtx_site.intake.schema import COMPANY, MIC_FIELDS, SIX_FOUNDATIONS
from zjtx_site.intake.yamlload import parse

SHOWN = "companies/gz-test/2026.yaml"
# 国发〔2015〕28号《中国制造2025》, the ten key sectors, as written there
MIC_2025 = {"新一代信息技术产业": "next_gen_it", "高档数控机床和机器人": "cnc_robotics",
            "航空航天装备": "aerospace", "海洋工程装备及高技术船舶": "marine",
            "先进轨道交通装备": "rail", "节能与新能源汽车": "nev", "电力装备": "power",
            "农机装备": "agri_machinery", "新材料": "new_materials", "生物医药及高性能医疗器械": "biomedicine"}
# the standard, table in §5 ("制造强国战略十大重点产业领域"), see shared/seed
MIC_STANDARD = {"新一代信息技术": "next_gen_it", "先进轨道交通装备": "rail", "农业装备": "agri_machinery",
                "航空航天装备": "aerospace", "电力装备": "power"}
# Appendix A's form
MIC_APPENDIX_A = {"先进轨道交通设备": "rail", "农机装备": "agri_machinery"}
NAMES = {**MIC_2025, **MIC_STANDARD, **MIC_APPENDIX_A}


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.mark.parametrize("name", sorted(NAMES))
def test_every_official_name_is_accepted_in_yaml(valid_text, name):
    text = replace_once(valid_text, "mic_fields: [cnc_robotics]", f"mic_fields: [{name}]")
    clean, problems = validate_text(text, SHOWN)
    assert problems == []
    assert clean["product"]["mic_fields"] == (NAMES[name],)


def test_six_foundations_official_name(valid_text):
    text = replace_once(valid_text, "six_foundations: [core_components]", "six_foundations: [关键基础软件, 核心基础零部件]")
    clean, problems = validate_text(text, SHOWN)
    assert problems == [] and clean["product"]["six_foundations"] == ("key_software", "core_components")


def test_single_choice_aliases(valid_text):
    text = replace_once(valid_text, "venue: star_market", "venue: 科创板")
    clean, problems = validate_text(text, SHOWN)
    assert problems == [] and clean["basic"]["listing"]["venue"] == "star_market"


def test_duplicate_through_an_alias_names_the_canonical_form(valid_text):
    text = replace_once(valid_text, "mic_fields: [cnc_robotics]", "mic_fields: [rail, 先进轨道交通装备]")
    (p,) = validate_text(text, SHOWN)[1]
    assert "选项 rail（先进轨道交通设备）重复" in p.message


def test_an_alias_is_graded(valid_text):
    from zjtx_site.intake.model import build_company
    from zjtx_site.scoring.engine import assess, make_engine

    engine = make_engine(None)

    def graded(fields: str):
        text = replace_once(valid_text, "mic_fields: [cnc_robotics]", f"mic_fields: {fields}")
        text = replace_once(text, "six_foundations: [core_components]", "six_foundations: []")
        clean, problems = validate_text(text, SHOWN)
        assert problems == []
        company = build_company(clean, company_id="gz-test", round="2026", source=SHOWN, digest="x")
        return company, assess(engine, company).grade

    company, grade = graded("[先进轨道交通装备]")
    assert company.product.mic_fields == ("rail",)
    assert grade.field_match and grade.level == graded("[rail]")[1].level
    assert not graded("[]")[1].field_match


def test_aliases_never_name_two_choices():
    for _, f in walk(COMPANY):
        if f.kind in (Kind.ENUM, Kind.ENUM_LIST):
            for c in f.choices:
                for name in (str(c.value), c.label, *c.aliases):
                    assert f.choice_for(name) is c, (f.key, name)


def test_the_form_reads_official_names(tmp_path, valid_text):
    form = tmp_path / "f.xlsx"
    form.write_bytes(form_bytes(parse(valid_text, "x"), company_id="gz-jirui-drive", round_id="2026"))
    wb = load_workbook(form)
    ws = wb[FORM_SHEET]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "高档数控机床和机器人")
    cell.value = "先进轨道交通装备、农业装备"
    wb.save(form)
    result = import_form(form)
    assert result.ok, [p.format() for p in result.problems]
    assert result.clean["product"]["mic_fields"] == ("rail", "agri_machinery")


def code(n: int) -> str:
    base = f"91440101MA{n:07d}X"[:17]
    return base + check_char(base)


def test_the_registry_grades_official_names(tmp_path):
    src = tmp_path / "r.csv"
    names = sorted(NAMES) + [c.label for c in SIX_FOUNDATIONS] + ["关键基础软件"]
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["企业名称", "统一社会信用代码", "营业收入（万元）", "主导产品所属领域"])
        for i, name in enumerate(names):
            w.writerow([f"企业{i}", code(i), "30000", name])
    s = classify(src, tmp_path / "o.csv", chart=False)
    assert (s.bad_rows, s.graded) == (0, len(names))
    assert s.levels["L5"] == len(names)
    assert sum(s.fields["rail"].values()) == 2        # 先进轨道交通装备 (2025, §5) and 设备 (Appendix A)
    assert sum(s.fields["key_software"].values()) == 2
    assert {c.value for c in MIC_FIELDS} <= set(s.fields)


def test_the_form_lets_an_official_name_be_typed(tmp_path, valid_text):
    form = tmp_path / "f.xlsx"
    form.write_bytes(form_bytes(parse(valid_text, "x"), company_id="gz-jirui-drive", round_id="2026"))
    wb = load_workbook(form)
    ws = wb[FORM_SHEET]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "上交所科创板")
    dv = next(dv for dv in ws.data_validations.dataValidation if cell.coordinate in dv.sqref)
    assert dv.errorStyle == "warning"          # Excel warns, and keeps 科创板
    cell.value = "科创板"
    wb.save(form)
    result = import_form(form)
    assert result.ok and result.clean["basic"]["listing"]["venue"] == "star_market"
