"""Where the fields go on 「表单」, how it looks and what its notes say: the
columns and cell styles, the sections, the size of every record table, each
field's label, unit, number format and note, and the 「填写说明」 sheet that
lists them all.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from zjtx_site.excel import FormError
from zjtx_site.excel.form_cells import (
    BOOL_FALSE,
    BOOL_TRUE,
    DATE_FORMAT,
    EMPTY_LIST,
    HAS_NO,
    HAS_YES,
    LIST_SEP,
    PERCENT_FORMAT,
)
from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.schema import COMPANY

# Columns of 「表单」: label, unit, up to four value columns, note.
COL_LABEL, COL_UNIT, COL_FIRST, COL_LAST, COL_NOTE = 1, 2, 3, 6, 7
VALUE_COLUMNS = COL_LAST - COL_FIRST + 1
FIRST_ROW = 4

_THIN = Side(style="thin", color="B0B0B0")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
SECTION_FILL = PatternFill("solid", fgColor="D9E2F3")
HEADER_FILL = PatternFill("solid", fgColor="EDEDED")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


# Sizes of record tables ----------------------------------------------------

def transposed(f: Field) -> bool:
    """Short year series (at most 3 records) are laid out as the standard
    does: one column per year."""
    return f.items[1] is not None and f.items[1] <= 3


def record_slots(f: Field, count: int) -> int:
    """How many records a table offers; depends only on the number filled in,
    so form → import → form gives the same workbook."""
    lo, hi = f.items
    if transposed(f):
        assert hi is not None   # transposed() means an upper bound of at most 3
        n = max(hi, count)
        if n > VALUE_COLUMNS:
            raise FormError(f"「{f.label}」有 {count} 条记录，超过表单能容纳的 {VALUE_COLUMNS} 列；"
                            f"请先在 YAML 中修正（应为 {lo}～{hi} 条）")
        return n
    n = max(10, count + 5)
    if hi is not None:
        n = max(min(n, hi), count)
    return n


def allows_empty(f: Field) -> bool:
    """A record list where [] (none) differs from absent (not reported)."""
    return f.items[0] is None


def is_grid(f: Field) -> bool:
    """A group of groups with the same scalar keys (研发机构: 4 levels each)."""
    subs = [c for c in f.children if c.kind is Kind.GROUP]
    if len(subs) < 2:
        return False
    keys = [tuple(c.key for c in s.children) for s in subs]
    return (len(set(keys)) == 1 and len(keys[0]) <= VALUE_COLUMNS
            and all(c.kind not in (Kind.GROUP, Kind.RECORDS) for c in subs[0].children))


def blocks() -> list[tuple[str, list[Field]]]:
    """The top-level fields in form order, grouped under the section titles
    of the table; fields before the first section are 评估信息, a field
    without a section continues the one before (融资情况 is part of 二)."""
    out: list[tuple[str, list[Field]]] = [("评估信息", [])]
    for f in COMPANY.children:
        if f.kind is Kind.FREE:
            out.append(("扩展数据", [f]))
        elif f.section:
            out.append((f.section, [f]))
        else:
            out[-1][1].append(f)
    return [b for b in out if b[1]]


# Notes ---------------------------------------------------------------------

def note(f: Field, *, in_form: bool = True) -> str:
    """What to write in a field's cell, in the form's own terms."""
    k = f.kind
    if k is Kind.BOOL:
        text = f"从下拉列表选择“{BOOL_TRUE}”或“{BOOL_FALSE}”"
    elif k is Kind.ENUM:
        text = "从下拉列表选择：" + "、".join(c.label for c in f.choices)
    elif k is Kind.ENUM_LIST:
        text = (f"可多选，用“{LIST_SEP}”分隔，填中文名称或代码；都不属于请填“{EMPTY_LIST}”。可选："
                + "、".join(c.label for c in f.choices))
    elif k is Kind.TEXT_LIST:
        n = f.items[1]
        text = (f"多项用“{LIST_SEP}”分隔" + (f"，最多 {n} 项" if n else "")
                + f"；没有请填“{EMPTY_LIST}”；名称本身含分隔符时请加英文双引号")
    elif k is Kind.PERCENT:
        text = f.allowed_text() + "；直接输入 45.2 或 45.2%，小于 1 的请带 %（如 0.6%）"
    elif k is Kind.DATE:
        text = "日期，例如 2026-05-20"
    elif k is Kind.FREE:
        text = '映射（YAML/JSON），例如 {"key": 1}；供插件使用，一般留空'
    else:
        text = f.allowed_text()
    parts = [text]
    if f.hint and f.kind not in (Kind.ENUM_LIST,):
        hint = f.hint.replace("请填 []", f"请填“{EMPTY_LIST}”")
        parts.append(hint)
    if f.required:
        parts.insert(0, "必填")
    return "；".join(p for p in parts if p)


def label_text(f: Field, depth: int = 0) -> str:
    return "　" * depth + f.label + (" *" if f.required else "")


def shown_unit(f: Field) -> str:
    if f.kind in (Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.NUMBER):
        return f.unit
    return ""


def default_format(f: Field) -> str:
    return {Kind.INT: "0", Kind.YEAR: "0", Kind.MONEY: "General", Kind.NUMBER: "General",
            Kind.PERCENT: PERCENT_FORMAT, Kind.DATE: DATE_FORMAT}.get(f.kind, "@")


def has_note(f: Field) -> str:
    return (f"有记录请填“{HAS_YES}”并在下表逐行填写；没有请填“{HAS_NO}”；"
            "留空表示未报告（相关条件列为“待补充数据”）")


# The help sheet ---------------------------------------------------------------

HELP_LINES = (
    "填写说明（zjtx form 生成，依据 T/GZHTEA003-2024 附录 A 企业专精特新数据采集表）",
    "",
    "1. 只在「表单」工作表的黄色单元格中填写；不要重命名或删除「表单」工作表，不要合并单元格。可以插入行或列，导入时按单元格名称查找。",
    "2. 金额单位为万元，人数、个数为整数；可以使用千位分隔符（1,200）和全角数字（１２００）。",
    "3. 百分比：可以输入 45.2 或 45.2%，表示 45.2%。小于 1 的百分比必须带 %（例如 0.6%）："
    "单独的 0.45 无法判断是 0.45% 还是 45%，导入时会报错。Excel 中显示为百分比格式的单元格按显示的百分数读取。",
    "4. 是/否项从下拉列表选择“是”或“否”；单选项从下拉列表选择。",
    f"5. 多选项和名称列表用“{LIST_SEP}”分隔（也可用逗号、分号或换行）；可填中文名称或代码；"
    f"“没有”请填“{EMPTY_LIST}”。名称本身含分隔符时请用英文双引号括起来。",
    "6. 不知道或没有统计的项目请留空，不要填 0：留空表示“未报告”，相关评价条件会列为“待补充数据”。",
    "7. 日期写成 2026-05-20（或 2026/5/20、2026年5月20日）。",
    "8. 单元格中可以使用公式，但文件必须在 Excel / WPS / LibreOffice 中保存过（导入读取保存的计算结果）。",
    "9. 联系人、手机、E-mail 只供协会内部联系，不会出现在报告和网站中。",
    "10. 填好后由协会工作人员运行 zjtx import 导入；所有问题会一次列出，并指明单元格（例如 表单!C14）。",
    "",
    "字段一览（「键」是企业数据文件 companies/<企业编号>/<评估轮次>.yaml 中的名称）：",
)


def help_sheet(ws) -> None:
    from zjtx_site.intake.fields import walk

    for line in HELP_LINES:
        ws.append([line])
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.append(["项目", "键", "类型", "单位", "填写说明"])
    for c in ws[ws.max_row]:
        c.font = BOLD
        c.fill = HEADER_FILL
    for key, f in walk(COMPANY):
        if f.kind is Kind.GROUP:
            ws.append([f.label, key, "分组", "", f.hint])
            continue
        if f.kind is Kind.RECORDS:
            ws.append([f.label, key, "表格", "", f.hint])
            continue
        ws.append([f.label + (" *" if f.required else ""), key, f.kind.value, shown_unit(f) or f.unit, note(f)])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 8
    ws.column_dimensions["E"].width = 90
