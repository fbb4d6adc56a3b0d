"""``zjtx classify``: grading a registry of enterprises into L1–L5 (rules.md §1)."""

from __future__ import annotations

import csv
import gc
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from zjtx_site import cli
from zjtx_site.excel.classify import RegistryError, classify
from zjtx_site.intake.creditcode import check_char
from zjtx_site.intake.schema import MIC_FIELDS, SIX_FOUNDATIONS
from zjtx_site.scoring.builtin.grading import grading_data

ZH = ["企业名称", "统一社会信用代码", "营业收入（万元）", "十大领域", "六基", "网络强国"]
EN = ["name", "credit_code", "revenue", "mic_fields", "six_foundations", "network_power"]


def code(i: int) -> str:
    first = f"914401{i:011d}"
    return first + check_char(first)


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def read_out(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def edges() -> list[tuple[Decimal, str]]:
    """Revenue at and just below every band boundary of data/grading.yaml, with
    the level the table gives (the numbers are read, never repeated here)."""
    levels = sorted(((Decimal(str(lv["min"])), lv["level"]) for lv in grading_data()["levels"]), reverse=True)
    out = []
    for i, (m, level) in enumerate(levels):
        out.append((m, level))
        out.append((m + Decimal("0.01"), level))
        if i + 1 < len(levels):
            out.append((m - Decimal("0.01"), levels[i + 1][1]))
    return out


def test_the_boundaries_come_from_the_grading_table():
    assert [lv for _, lv in edges()][:2] == ["L5", "L5"]
    assert (Decimal("20000"), "L5") in edges() and (Decimal("19999.99"), "L4") in edges()


@pytest.mark.parametrize("header", [ZH, EN], ids=["chinese", "english"])
def test_levels_at_each_revenue_edge(tmp_path, header):
    cases = edges()
    rows = [[f"企业{i}", code(i), str(rev), "新材料", "", ""] for i, (rev, _) in enumerate(cases)]
    unmatched = grading_data()["unmatched"]["level"]
    rows.append(["不符合领域企业", code(999), "99999", "", "", "否"])
    src = write_csv(tmp_path / "reg.csv", header, rows)
    s = classify(src, tmp_path / "out.csv", chart=False)
    out = read_out(tmp_path / "out.csv")
    assert [r["分级"] for r in out] == [lv for _, lv in cases] + [unmatched]
    assert s.graded == len(rows) and s.bad_rows == 0
    assert out[-1]["产业领域符合"] == "否"
    assert out[0]["行号"] == "2"


def test_exact_decimal_arithmetic_at_the_boundary(tmp_path):
    # 0.1 + 0.2 style values: a float would put 999.9999999999999999 at 1000
    src = write_csv(tmp_path / "r.csv", ZH, [["甲", "", "999.9999999999999999", "rail", "", ""],
                                             ["乙", "", "1,000.000", "rail", "", ""]])
    classify(src, tmp_path / "o.csv", chart=False)
    assert [r["分级"] for r in read_out(tmp_path / "o.csv")] == ["L2", "L3"]


def test_field_cells_take_codes_labels_and_separators(tmp_path):
    mic, six = MIC_FIELDS[0], SIX_FOUNDATIONS[2]
    rows = [
        ["a", "", "6000", f"{mic.label}、{MIC_FIELDS[1].value}", "", ""],
        ["b", "", "6000", "", f"{six.value}；{SIX_FOUNDATIONS[0].label}", ""],
        ["c", "", "6000", "", "", "是"],
        ["d", "", "6000", "无", "-", "否"],
        ["e", "", "6000", "", "", ""],
        ["f", "", "6000", "ＮＥＷ_ＭＡＴＥＲＩＡＬＳ, rail", "", "true"],
    ]
    src = write_csv(tmp_path / "r.csv", ZH, rows)
    s = classify(src, tmp_path / "o.csv", chart=False)
    assert [r["分级"] for r in read_out(tmp_path / "o.csv")] == ["L4", "L4", "L4", "L1", "L1", "L4"]
    assert s.fields[str(mic.value)]["L4"] == 1 and s.fields[str(six.value)]["L4"] == 1
    assert s.fields["network_power"]["L4"] == 2 and s.fields["none"]["L1"] == 2


def test_single_field_column_and_other_units(tmp_path):
    src = write_csv(tmp_path / "r.csv", ["企业名称", "统一社会信用代码", "营业收入（元）", "主导产品所属领域", "备注"], [
        ["a", "", "200,000,000", "关键软件", "x"],      # 2 亿元 = 20000 万元
        ["b", "", "49999999", "网络强国", ""],
        ["c", "", "0.5亿元", "生物医药及高性能医疗器械", ""],
    ])
    classify(src, tmp_path / "o.csv", chart=False)
    out = read_out(tmp_path / "o.csv")
    assert [r["分级"] for r in out] == ["L5", "L3", "L4"]
    assert out[0]["备注"] == "x"     # other columns are carried over


def test_xlsx_registry_with_gb_headers(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append([None])
    ws.append(["Name", "Credit Code", "Revenue", "Field"])
    ws.append(["a", code(1), 25000, "nev"])
    ws.append([None, None, None, None])
    ws.append(["b", code(2), 1200.5, "航空航天装备"])
    ws.append(["c", code(3), "abc", "rail"])
    wb.save(tmp_path / "r.xlsx")
    s = classify(tmp_path / "r.xlsx", tmp_path / "o.csv", chart=False)
    out = read_out(tmp_path / "o.csv")
    assert [(r["行号"], r["分级"]) for r in out] == [("3", "L5"), ("5", "L3"), ("6", "")]
    assert s.blank_rows == 2 and s.bad_rows == 1
    assert s.errors == [{"row": 6, "column": "Revenue", "message": "营业收入应为数字（万元），实际是“abc”"}]


def test_gb18030_csv(tmp_path):
    src = write_csv(tmp_path / "r.csv", ZH, [["广州甲公司", "", "3000", "新材料", "", ""]], encoding="gb18030")
    classify(src, tmp_path / "o.csv", chart=False)
    assert read_out(tmp_path / "o.csv")[0]["企业名称"] == "广州甲公司"


def test_bad_rows_are_reported_with_row_and_column_and_the_rest_graded(tmp_path):
    rows = [["甲", code(1), "3000", "新材料", "", ""],
            ["", code(2), "3000", "新材料", "", ""],
            ["丙", code(3)[:-1] + ("0" if code(3)[-1] != "0" else "1"), "3000", "新材料", "", ""],
            ["丁", "", "-5", "新材料", "", ""],
            ["戊", "", "", "新材料", "", ""],
            ["己", "", "3000", "量子采矿", "", ""],
            ["庚", "", "3000", "", "", "也许"],
            ["辛", "", "1", "200", "新材料", "", ""],      # an unquoted 1,200: columns shifted
            ["壬", "", "3000", "rail", "", ""]]
    src = write_csv(tmp_path / "r.csv", ZH, rows)
    s = classify(src, tmp_path / "o.csv")
    out = read_out(tmp_path / "o.csv")
    assert [r["分级"] for r in out] == ["L3", "", "", "", "", "", "", "", "L3"]
    problems = {(e["row"], e["column"]) for e in s.errors}
    assert problems == {(3, "企业名称"), (4, "统一社会信用代码"), (5, "营业收入（万元）"), (6, "营业收入（万元）"),
                        (7, "十大领域"), (8, "网络强国"), (9, "")}
    assert "「营业收入（万元）」列（C 列）：营业收入不能为负数" in out[3]["问题"]
    assert "不认识的领域“量子采矿”" in out[5]["问题"]
    assert "比表头多 1 个" in out[7]["问题"]
    assert s.graded == 2 and s.bad_rows == 7 and s.rows == 9
    summary = json.loads((tmp_path / "o.summary.json").read_text("utf-8"))
    assert summary["format"] == "zjtx-classify-summary/1"
    assert {lv["level"]: lv["count"] for lv in summary["levels"]} == {"L1": 0, "L2": 0, "L3": 2, "L4": 0, "L5": 0}
    assert summary["bad_rows"] == 7 and len(summary["errors"]) == 7
    rail = next(f for f in summary["fields"] if f["key"] == "rail")
    assert rail["by_level"]["L3"] == 1
    md = (tmp_path / "o.summary.md").read_text("utf-8")
    assert "| L3 | 1000 万～5000 万元 | 2 | 100.0% | 6000 |" in md
    svg = (tmp_path / "o.levels.svg").read_text("utf-8")
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")     # no XML declaration: UTF-8 is the default


def test_missing_and_duplicate_columns(tmp_path):
    src = write_csv(tmp_path / "r.csv", ["企业名称", "统一社会信用代码", "十大领域"], [["a", "", "rail"]])
    with pytest.raises(RegistryError, match="第 1 行（表头）缺少必需的列：营业收入（万元）"):
        classify(src, tmp_path / "o.csv", chart=False)
    src = write_csv(tmp_path / "r.csv", ["name", "credit_code", "revenue"], [["a", "", "1"]])
    with pytest.raises(RegistryError, match="至少一列"):
        classify(src, tmp_path / "o.csv", chart=False)
    src = write_csv(tmp_path / "r.csv", ["name", "企业名称", "credit_code", "revenue", "field"], [])
    with pytest.raises(RegistryError, match="「name」和「企业名称」都表示企业名称"):
        classify(src, tmp_path / "o.csv", chart=False)
    src = write_csv(tmp_path / "r.csv", ["name", "credit_code", "营业收入（美元）", "field"], [])
    with pytest.raises(RegistryError, match="单位“美元”无法识别"):
        classify(src, tmp_path / "o.csv", chart=False)
    assert not (tmp_path / "o.csv").exists()


def test_the_command(tmp_path, capsys):
    src = write_csv(tmp_path / "名录.csv", EN, [["a", "", "3000", "rail", "", ""], ["b", "", "x", "rail", "", ""]])
    code_ = cli.main(["classify", str(src), "--no-chart"])
    out, err = capsys.readouterr()
    assert code_ == 1   # a bad row: the exit status says so, the rest is graded
    assert "名录.csv：第 3 行，「revenue」列：错误：营业收入应为数字（万元），实际是“x”" in err
    assert "已分级 1 家" in out
    assert (tmp_path / "名录-分级.csv").is_file()
    code_ = cli.main(["classify", str(tmp_path / "none.csv")])
    assert code_ == 2 and "文件不存在" in capsys.readouterr().err


def generate(path: Path, n: int, bad_every: int = 0) -> Path:
    mic = [c.label for c in MIC_FIELDS]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ZH)
        for i in range(n):
            rev = "abc" if bad_every and i % bad_every == 7 else str((i * 7919) % 40000 + (i % 100) / 100)
            w.writerow([f"企业{i:06d}", code(i), rev, mic[i % len(mic)] if i % 5 else "", "", "否"])
    return path


@pytest.mark.slow
def test_a_hundred_thousand_rows_with_a_few_bad_ones(tmp_path):
    src = generate(tmp_path / "big.csv", 100_000, bad_every=20_000)
    s = classify(src, tmp_path / "o.csv", chart=False)
    assert s.rows == 100_000 and s.bad_rows == 5 and s.graded == 99_995
    assert [e["row"] for e in s.errors] == [9, 20_009, 40_009, 60_009, 80_009]
    assert sum(s.levels.values()) == 99_995


def _peak(src: Path, out: Path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        classify(src, out, chart=False, write_summary=False)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_memory_does_not_grow_with_the_rows(tmp_path):
    small = generate(tmp_path / "s.csv", 10_000)
    large = generate(tmp_path / "l.csv", 50_000)
    _peak(generate(tmp_path / "w.csv", 1_000), tmp_path / "warm.csv")   # first-use caches out of the way
    p_small = _peak(small, tmp_path / "o1.csv")
    p_large = _peak(large, tmp_path / "o2.csv")
    # five times the rows: an accumulating implementation would need about five times
    # the memory; streaming stays within a small constant of the 10k-row peak
    assert p_large < p_small * 1.25 + 64 * 1024, (p_small, p_large)
