"""Hostile and mistaken workbooks: ``zjtx import`` and ``zjtx classify`` read
only what they map, within bounded time and memory, and what ``classify``
writes for other programs (CSV for Excel, Markdown for the site) cannot run."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli_helpers import run
from openpyxl import Workbook, load_workbook

from zjtx_site.excel import FORM_SHEET, FormError
from zjtx_site.excel.classify import FORMULA_START, classify
from zjtx_site.excel.classify_summary import MAX_STORED_ERRORS
from zjtx_site.excel.form import form_bytes
from zjtx_site.excel.form_cells import cell_name, parse_dotted
from zjtx_site.excel.form_reader import MAX_LISTED_STRAYS
from zjtx_site.excel.importer import import_form
from zjtx_site.intake.creditcode import check_char
from zjtx_site.intake.yamlload import parse

REPO = Path(__file__).resolve().parent.parent
JIRUI = REPO / "companies" / "gz-jirui-drive" / "2026.yaml"
CID, RND = "gz-jirui-drive", "2026"
MEMORY_LIMIT = 768 * 1024 * 1024


@pytest.fixture
def form(tmp_path) -> Path:
    path = tmp_path / "form.xlsx"
    path.write_bytes(form_bytes(parse(JIRUI.read_text("utf-8"), "x"), company_id=CID, round_id=RND))
    return path


def cell_of(path: Path, key: str) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml").decode("utf-8")
    m = re.search(rf'<definedName name="{cell_name(parse_dotted(key))}"[^>]*>[^<]*!\$([A-Z]+)\$(\d+)<', xml)
    assert m, key
    return m.group(1) + m.group(2)


def edit(path: Path, values: dict[str, object]) -> None:
    wb = load_workbook(path)
    ws = wb[FORM_SHEET]
    for key, value in values.items():
        ws[key[1:] if key.startswith("!") else cell_of(path, key)].value = value
    wb.save(path)


def rewrite_part(path: Path, part: str, body: bytes | None = None, chunks=None) -> None:
    """Replace one part of the archive (``chunks`` streams a large body)."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename))
                continue
            if body is not None:
                dst.writestr(part, body)
            else:
                with dst.open(part, "w", force_zip64=True) as fh:
                    for chunk in chunks:
                        fh.write(chunk)


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def zjtx(cwd: Path, *args) -> subprocess.CompletedProcess:
    """The command in its own memory-bounded process (a crash or a hang fails
    the test, not the run); the timeout is generous, not a speed measure."""
    return subprocess.run(
        [sys.executable, "-m", "zjtx_site", *map(str, args)], check=False, capture_output=True, text=True,
        cwd=cwd, preexec_fn=_limit_memory, timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO), "ZJTX_PLUGINS": ""})


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "proj"
    (root / "companies").mkdir(parents=True)
    return root


# the import: bounded ------------------------------------------------------------------------

def test_deeply_nested_extension_cell_is_refused_not_a_crash(form, project):
    edit(form, {"extra": "[" * 100_000 + "]" * 100_000})
    r = zjtx(project, "import", form)
    assert r.returncode == 1, r.stderr[-1000:]
    assert "嵌套层级过深" in r.stderr and "Traceback" not in r.stderr


def test_a_stray_cell_at_the_last_row_is_refused_quickly(form, project):
    edit(form, {"!G1048576": "x"})
    r = zjtx(project, "import", form)
    assert r.returncode == 2, r.stderr[-1000:]
    assert "「表单」用到了 G1048576" in r.stderr and "请删除表格下方或右侧多余的内容" in r.stderr


def test_a_very_hidden_sheet_of_millions_of_cells_is_never_loaded(form, project):
    with zipfile.ZipFile(form) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    lists = re.search(r'<sheet [^>]*name="_lists"[^>]*/>', book).group(0)
    rid = re.search(r'r:id="(rId\d+)"', lists).group(1)
    assert re.search(rf'Id="{rid}"[^>]*Target="[^"]*sheet3\.xml"|Target="[^"]*sheet3\.xml"[^>]*Id="{rid}"', rels)
    rewrite_part(form, "xl/workbook.xml", book.replace(lists, lists.replace('state="hidden"', 'state="veryHidden"'))
                 .encode())
    n_rows, width = 400_000, 20      # 8 million cells

    def sheet():
        yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        cells = b"".join(b"<c><v>1</v></c>" for _ in range(width))
        for r in range(1, n_rows + 1):
            yield b'<row r="%d">' % r + cells + b"</row>"
        yield b"</sheetData></worksheet>"

    rewrite_part(form, "xl/worksheets/sheet3.xml", chunks=sheet())
    r = zjtx(project, "import", form)
    assert r.returncode == 2, r.stderr[-1000:]
    assert "解压后有" in r.stderr and "未读取" in r.stderr


def test_a_part_with_a_dtd_is_refused(form, project):
    with zipfile.ZipFile(form) as z:
        keys = z.read("xl/worksheets/sheet4.xml")
    body = keys.split(b"?>", 1)[1] if keys.startswith(b"<?xml") else keys
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' + body
    rewrite_part(form, "xl/worksheets/sheet4.xml", bomb)
    with pytest.raises(FormError, match="含有 DTD"):
        import_form(form)


def test_stray_cells_are_listed_up_to_a_cap_with_a_count_of_the_rest(form):
    rows = [int(re.sub(r"\D", "", cell_of(form, k))) for k in ("financials[2].revenue",)]
    far = rows[0]
    edit(form, {f"!D{r}": f"多余{r}" for r in range(200, 200 + MAX_LISTED_STRAYS + 15)} | {f"!F{far}": "x"})
    result = import_form(form)
    strays = [p.format() for p in result.problems if "不是表单的填写位置" in p.format()]
    assert len(strays) == MAX_LISTED_STRAYS
    rest = [p.format() for p in result.problems if "另有" in p.format()]
    assert rest == ["表单: 错误：另有 16 个填写位置以外的单元格有内容（未逐一列出），不会被导入；请检查表格中插入的行或填错的列"]


def test_a_mobile_typed_one_column_off_is_not_echoed(form):
    ref = cell_of(form, "basic.contact.mobile")
    col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()
    beside = chr(ord(col) + 1) + row
    edit(form, {"basic.contact.mobile": None, f"!{beside}": "13912345678"})
    result = import_form(form)
    text = "\n".join(p.format() for p in result.problems)
    assert f"表单!{beside}:" in text and "个人信息" in text
    assert "13912345678" not in text


def test_a_mobile_typed_as_a_number_is_kept_as_text_and_never_echoed(form, project, capsys):
    edit(form, {"basic.contact.mobile": 13912345678, "financials[2].revenue": "abc"})
    code, out, err = run(capsys, "-C", project, "import", form)
    assert code == 1 and "13912345678" not in out + err


# the import: identity ------------------------------------------------------------------------

def test_company_and_round_default_from_the_form(form, project, capsys):
    code, _out, err = run(capsys, "-C", project, "import", form)
    assert code == 0, err
    assert (project / "companies" / CID / f"{RND}.yaml").is_file()


def test_a_form_of_another_round_is_an_error_unless_forced(form, project, capsys):
    code, _out, err = run(capsys, "-C", project, "import", form, "--round", "2027")
    assert code == 1 and "这份表单是为 2026 轮生成的，不能直接导入为 2027 轮" in err and "--force" in err
    assert not (project / "companies" / CID).exists()
    code, _out, err = run(capsys, "-C", project, "import", form, "--round", "2027", "--force")
    assert code == 0 and "警告：这份表单是为 2026 轮生成的" in err
    assert (project / "companies" / CID / "2027.yaml").is_file()


def test_a_blank_form_needs_the_company_id(tmp_path, project, capsys):
    blank = tmp_path / "blank.xlsx"
    assert run(capsys, "form", "--round", "2026", "-o", blank)[0] == 0
    code, _out, err = run(capsys, "-C", project, "import", blank)
    assert code == 2 and "--company-id" in err


# classify: bounded -------------------------------------------------------------------------

def code(n: int) -> str:
    base = f"91440101MA{n:07d}X"[:17]
    return base + check_char(base)


def registry_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "营业收入（万元）", "主导产品所属领域"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade_xlsx(path: Path, strings) -> Path:
    """A registry as Excel writes one: its text in the shared-strings table
    (``strings`` yields that part's bytes); the header and one row refer to it."""
    ct = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          b'<Default Extension="xml" ContentType="application/xml"/>'
          b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          b"</Types>")
    root_rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId1" Type="' + RELS + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + MAIN + b'" xmlns:r="' + RELS + b'">'
            b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    book_rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId1" Type="' + RELS + b'/worksheet" Target="worksheets/sheet1.xml"/>'
                 b'<Relationship Id="rId2" Type="' + RELS + b'/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    cells = "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABCD"))
    row2 = (f'<c r="A2" t="s"><v>4</v></c><c r="B2" t="inlineStr"><is><t>{code(1)}</t></is></c>'
            '<c r="C2"><v>100</v></c><c r="D2" t="s"><v>5</v></c>')
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + MAIN + b'"><sheetData>'
             + f'<row r="1">{cells}</row><row r="2">{row2}</row>'.encode() + b"</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in (("[Content_Types].xml", ct), ("_rels/.rels", root_rels), ("xl/workbook.xml", book),
                           ("xl/_rels/workbook.xml.rels", book_rels), ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, body)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            for chunk in strings:
                fh.write(chunk)
    return path


def shared_strings(texts: list[str], padding: int = 0):
    yield b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN + b'">'
    yield "".join(f"<si><t>{t}</t></si>" for t in texts).encode()
    block = b"<si><t/></si>" * 10_000
    for _ in range(padding // 10_000):
        yield block
    yield b"</sst>"


HEADER = ["企业名称", "统一社会信用代码", "营业收入（万元）", "主导产品所属领域", "甲企业", "新材料"]


def test_a_registry_with_shared_strings_is_read(tmp_path):
    src = handmade_xlsx(tmp_path / "r.xlsx", shared_strings(HEADER))
    s = classify(src, tmp_path / "o.csv", chart=False)
    assert (s.graded, s.bad_rows) == (1, 0)


def test_ten_million_shared_strings_are_refused(tmp_path):
    src = handmade_xlsx(tmp_path / "r.xlsx", shared_strings(HEADER, padding=10_000_000))
    assert src.stat().st_size < 2_000_000
    r = zjtx(tmp_path, "classify", src, "--no-chart")
    assert r.returncode == 2, r.stderr[-1000:]
    assert "共享文本表" in r.stderr and "未读取" in r.stderr


# classify: outputs other programs open ------------------------------------------------------

def test_formula_cells_are_neutralised_in_the_result_csv(tmp_path):
    src = tmp_path / "r.csv"
    evil = ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\tx", "\rx"]
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["企业名称", "统一社会信用代码", "营业收入（万元）", "主导产品所属领域", "=备注"])
        for i, e in enumerate(evil):
            w.writerow([e, code(i), "100", "新材料", e])
    s = classify(src, tmp_path / "o.csv", chart=False)
    assert s.graded == len(evil)
    with (tmp_path / "o.csv").open(encoding="utf-8-sig", newline="") as fh:
        out = list(csv.reader(fh))
    assert out[0][5] == "'=备注"
    for row, e in zip(out[1:], evil):
        assert row[1] == "'" + e and row[5] == "'" + e
    for row in out:
        assert not any(isinstance(c, str) and c.startswith(FORMULA_START) for c in row)


def test_summary_markdown_escapes_what_the_registry_says(tmp_path):
    src = tmp_path / "<img src=x onerror=alert(1)>.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["企业名称", "统一社会信用代码", "营业收入（万元）", "主导产品所属领域"])
        w.writerow(["甲", code(1), "100", "<script>alert(1)</script>"])
    classify(src, tmp_path / "o.csv", chart=False)
    md = (tmp_path / "o.summary.md").read_text("utf-8")
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;" in md


def test_error_list_is_capped_with_a_count_of_the_rest(tmp_path, capsys):
    src = tmp_path / "r.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["企业名称", "统一社会信用代码", "营业收入（万元）", "主导产品所属领域"])
        for i in range(MAX_STORED_ERRORS + 30):
            w.writerow(["", code(i), "abc", "新材料"])          # two errors a row
    s = classify(src, tmp_path / "o.csv", chart=False)
    data = json.loads((tmp_path / "o.summary.json").read_text("utf-8"))
    assert len(data["errors"]) == MAX_STORED_ERRORS and data["errors_total"] == 2 * s.bad_rows
    md = (tmp_path / "o.summary.md").read_text("utf-8")
    assert f"另有 {2 * s.bad_rows - MAX_STORED_ERRORS} 个未列出" in md
    _code, _out, err = run(capsys, "classify", src, "-o", tmp_path / "o2.csv", "--no-chart")
    assert len([ln for ln in err.splitlines() if "错误：" in ln]) == 20 and f"共 {s.bad_rows} 行有问题" in err


def test_a_stray_cell_far_down_a_registry_is_streamed(tmp_path):
    src = registry_xlsx(tmp_path / "r.xlsx", [["企业", code(1), 100, "新材料"]])
    wb = load_workbook(src)
    wb.active["A1048576"] = "备注"
    wb.save(src)
    s = classify(src, tmp_path / "o.csv", chart=False)
    assert (s.graded, s.bad_rows) == (1, 1)          # the stray row is reported, not loaded as a grid


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"])
def test_the_form_writes_formula_looking_text_as_text(tmp_path, text):
    data = parse(JIRUI.read_text("utf-8"), "x")
    data["basic"]["name"] = text
    data["product"]["industry_leaders"] = [text]
    path = tmp_path / "f.xlsx"
    path.write_bytes(form_bytes(data, company_id=CID, round_id=RND))
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(rb"<(?:\w+:)?f[ >]", x) for x in sheets)     # no formula anywhere
    assert import_form(path).data["basic"]["name"] == text                 # and the text comes back


def test_a_hostile_number_in_the_yaml_is_written_to_the_form_as_text(tmp_path):
    data = parse(JIRUI.read_text("utf-8").replace("debt_ratio: 41.5", "debt_ratio: 1e-999999999"), "x")
    path = tmp_path / "f.xlsx"
    path.write_bytes(form_bytes(data, company_id=CID, round_id=RND))     # not a billion zeros
    result = import_form(path)
    assert any("应为数字，实际是“1E-999999999”" in p.format() for p in result.problems)


def test_a_registry_revenue_with_endless_decimals_is_a_bad_row(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("企业名称,统一社会信用代码,营业收入（万元）,主导产品所属领域\n"
                   f"甲,{code(1)},0.{'0' * 100_000}1,新材料\n乙,{code(2)},100,新材料\n", encoding="utf-8")
    s = classify(src, tmp_path / "o.csv", chart=False)
    assert (s.graded, s.bad_rows) == (1, 1)
    assert "营业收入超出范围：小数位数过多" in s.errors[0]["message"]
