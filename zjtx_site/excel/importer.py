"""``zjtx import``: a filled 「表单」 workbook back to a company YAML file.

Reads the workbook with openpyxl (``data_only=True``: the values Excel saved,
formulas included), finds every input cell by its defined name (see
:mod:`.form`), turns what people type into the values of the contract, and
writes the YAML the scaffold's way (every field with its Chinese label as a
comment). Before anything is written the YAML text is checked exactly as
``zjtx check`` checks a file (:func:`zjtx_site.intake.loader.validate_text`), and
every problem is reported at its sheet and cell (``表单!C14``).

The cells are read by :mod:`.form_reader` and converted by
:mod:`.form_values` (its docstring has the reading rules).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from zjtx_site.excel import FORM_SHEET, FormError
from zjtx_site.excel.form_cells import HAS, HAS_NO, HAS_YES, HEADER, field_at
from zjtx_site.excel.form_reader import CellProblem, FormCells, Slot, read_form
from zjtx_site.excel.form_values import BadCell, convert, has_flag
from zjtx_site.intake.fields import Field, Kind
from zjtx_site.intake.problems import DocPath, Severity, dotted, has_errors
from zjtx_site.intake.schema import COMPANY

BACKUP_DIR = Path(".zjtx") / "backups"


@dataclass
class ImportResult:
    data: dict[str, Any]
    text: str                       # the YAML that would be written
    clean: dict | None              # validated data (when there is no error)
    problems: list[CellProblem]
    meta: dict[str, str]
    company_id: str = ""
    round_id: str = ""

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


# Building the data -----------------------------------------------------------

class _Builder:
    def __init__(self, read: FormCells):
        self.values: dict[DocPath, Slot] = {}
        self.has: dict[DocPath, Slot] = {}
        self.problems = list(read.problems)
        for s in read.slots:
            if s.role == HEADER:
                continue
            try:
                field_at(s.path)
            except KeyError:
                self.problems.append(CellProblem(s.ref, f"表单中的键 {dotted(s.path)} 在当前字段表中不存在；"
                                                        "请用当前版本的 zjtx form 重新生成表单"))
                continue
            (self.has if s.role == HAS else self.values)[s.path] = s
        self.cells: dict[DocPath, str] = {}     # data path -> cell
        self.bad: set[DocPath] = set()          # data paths with a reading problem

    def blank(self, slot_path: DocPath) -> bool:
        s = self.values.get(slot_path)
        return s is None or (not s.failed and (s.value is None or (isinstance(s.value, str)
                                                                   and not s.value.strip())))

    def leaf(self, f: Field, slot_path: DocPath, data_path: DocPath) -> Any:
        s = self.values.get(slot_path)
        if s is None:
            return None
        if s.ref:
            self.cells[data_path] = s.ref
        if s.failed:
            self.bad.add(data_path)
            return None
        try:
            return convert(f, s.value, s.number_format)
        except BadCell as exc:
            self.problems.append(CellProblem(s.ref, f"「{f.label}」（{dotted(data_path)}）{exc}"))
            self.bad.add(data_path)
            return None

    def group(self, f: Field, path: DocPath) -> dict | None:
        out: dict[str, Any] = {}
        for c in f.children:
            cp = path + (c.key,)
            if c.kind is Kind.GROUP:
                out[c.key] = self.group(c, cp)
            elif c.kind is Kind.RECORDS:
                out[c.key] = self.records(c, cp)
            else:
                out[c.key] = self.leaf(c, cp, cp)
        if path and not f.required and all(v is None for v in out.values()):
            return None
        return out

    def records(self, f: Field, path: DocPath) -> list | None:
        n = len(path)
        indexes = sorted({p[n] for p in self.values if len(p) > n + 1 and p[:n] == path
                          and isinstance(p[n], int)})
        exact = f.items[0] is not None and f.items[0] == f.items[1]
        recs: list[dict] = []
        for i in indexes:
            if not exact and all(self.blank(path + (i, c.key)) for c in f.children):
                continue      # an empty row: skipped, not a record
            j = len(recs)
            recs.append({c.key: self.leaf(c, path + (i, c.key), path + (j, c.key)) for c in f.children})
        hs = self.has.get(path)
        flag, has_ref = None, ""        # a flag only ever comes from a located 有/无 cell
        if hs is not None and hs.ref:
            has_ref = self.cells[path] = hs.ref
            try:
                flag = has_flag(hs.value)
            except BadCell as exc:
                self.problems.append(CellProblem(hs.ref, f"「{f.label}」（{dotted(path)}）{exc}"))
                self.bad.add(path)
        if not recs:
            if flag is True:
                self.problems.append(CellProblem(has_ref, f"「{f.label}」填了“{HAS_YES}”，但下表没有填写任何记录；"
                                                         f"没有请填“{HAS_NO}”"))
                self.bad.add(path)
            return [] if flag is False else None
        if flag is False:
            self.problems.append(CellProblem(has_ref, f"「{f.label}」填了“{HAS_NO}”，但下表填写了 {len(recs)} 条记录；"
                                                     f"请改为“{HAS_YES}”或删除这些记录"))
            self.bad.add(path)
        return recs

    def cell_for(self, path: DocPath) -> str:
        p = tuple(path)
        while p:
            if p in self.cells:
                return self.cells[p]
            for q, ref in self.cells.items():
                if q[: len(p)] == p:
                    return ref
            p = p[:-1]
        return "A1"


# Writing YAML (the scaffold's comments, values as they are) -------------------

def company_yaml(company_id: str, round_id: str, data: dict, source: str = "") -> str:
    """The YAML text of ``data`` with the scaffold's header and comments.

    Unlike :func:`zjtx_site.intake.scaffold.scaffold` (a template for a new round),
    nothing is filled in or moved: an absent value stays absent (a group or
    a record list that is absent is written as an empty key with its fields
    commented out), ``[]`` stays ``[]``."""
    from zjtx_site.intake.scaffold import HEADER as SCAFFOLD_HEADER
    from zjtx_site.intake.scaffold import emit

    out = [SCAFFOLD_HEADER.format(company_id=company_id, round=round_id).rstrip("\n")]
    if source:
        out.append(f"# 由 zjtx import 从 Excel 表单 {source} 导入；表单中留空的项目在此留空（未报告）。")
    emit(COMPANY, data, 0, out, as_is=True)
    return "\n".join(out) + "\n"


# The import ------------------------------------------------------------------

def import_form(path: Path, company_id: str | None = None, round_id: str | None = None, *,
                force: bool = False) -> ImportResult:
    """Read, convert and validate a form; nothing is written.

    The company id and round default to the ones the form was made for; a
    form made for another company or round is an error unless ``force``
    (then a warning): importing it under the wrong id overwrites someone
    else's data."""
    from zjtx_site.intake.loader import validate_text

    read = read_form(path)
    company_id, round_id, mismatch = _identity(read.meta, company_id, round_id, force)
    b = _Builder(read)
    data = b.group(COMPANY, ()) or {}
    text = company_yaml(company_id, round_id, data, source=path.name)
    clean, problems = validate_text(text, f"{FORM_SHEET}")
    out = list(b.problems)
    for p in problems:
        if p.doc_path and any(p.doc_path[: len(bad)] == bad for bad in b.bad):
            continue   # already reported, in the form's words, at that cell
        cell = b.cell_for(p.doc_path) if p.doc_path else "A1"
        out.append(CellProblem(cell, p.message, p.severity))
    if clean is not None and not has_errors(out) and clean.get("assessed_on"):
        when = clean["assessed_on"]
        if when.year != int(round_id[:4]):
            out.append(CellProblem(b.cell_for(("assessed_on",)),
                                   f"评估轮次 {round_id} 与评估日期 {when.isoformat()} 不在同一年，请核对",
                                   Severity.WARNING))
    out += mismatch
    out.sort(key=CellProblem.sort_key)
    return ImportResult(data=data, text=text, clean=clean if not has_errors(out) else None,
                        problems=out, meta=read.meta, company_id=company_id, round_id=round_id)


def _identity(meta: dict[str, str], company_id: str | None, round_id: str | None,
              force: bool) -> tuple[str, str, list[CellProblem]]:
    """(company id, round, problems): the ones given, else the form's own."""
    from zjtx_site.intake import layout

    form_id, form_round = meta.get("company_id") or "", meta.get("round") or ""
    cid, rnd = company_id or form_id, round_id or form_round
    if not cid or not rnd:
        missing = "、".join(w for w, v in (("--company-id", cid), ("--round", rnd)) if not v)
        raise FormError(f"这份表单生成时没有记录{'企业编号' if not cid else '评估轮次'}（空白表单）；请用 {missing} 指定")
    if not layout.COMPANY_ID_RE.match(cid):
        raise FormError(f"企业编号“{cid}”不合规：只能用小写字母、数字和连字符，2～63 个字符，例如 gz-ruixin-bio")
    if not layout.ROUND_RE.match(rnd):
        raise FormError(f"评估轮次“{rnd}”不合规：应为四位年份，可加后缀，例如 2026 或 2026-h2")
    problems = []
    severity = Severity.WARNING if force else Severity.ERROR
    tail = "（--force：照常导入，请核对）" if force else "；确认无误时加 --force 导入"
    if form_id and form_id != cid:
        problems.append(CellProblem("", f"这份表单是为企业 {form_id} 生成的，不能直接导入为 {cid}{tail}", severity))
    if form_round and form_round != rnd:
        problems.append(CellProblem("", f"这份表单是为 {form_round} 轮生成的，不能直接导入为 {rnd} 轮{tail}", severity))
    return cid, rnd, problems


def backup_path(project: Path, company_id: str, round_id: str, now: datetime | None = None) -> Path:
    """Where the replaced file goes: outside companies/ (where any extra
    file is an error for zjtx check), in the git-ignored .zjtx/ folder."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = project / BACKUP_DIR / company_id
    base = folder / f"{round_id}.yaml.{stamp}.bak"
    n = 1
    while base.exists():
        base = folder / f"{round_id}.yaml.{stamp}-{n}.bak"
        n += 1
    return base


def write_company(project: Path, company_id: str, round_id: str, text: str, *,
                  force: bool) -> tuple[Path, Path | None]:
    """Write ``companies/<id>/<round>.yaml``; an existing file only with
    ``force``, after copying it to .zjtx/backups/. Returns (file, backup)."""
    from zjtx_site.intake import layout

    target = project / layout.COMPANIES_DIR / company_id / f"{round_id}.yaml"
    backup = None
    if target.exists():
        if not force:
            raise FileExistsError(str(target))
        backup = backup_path(project, company_id, round_id)
        backup.parent.mkdir(parents=True, exist_ok=True)
        backup.write_bytes(target.read_bytes())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return target, backup
