"""Helpers for the report tests: throwaway projects built from the repo's
companies, the rendered Markdown read back as HTML the way mkdocs reads it,
and numbers formatted independently of ``zjtx_site.scoring.fmt``."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import markdown

REPO = Path(__file__).resolve().parent.parent
COMPANIES = REPO / "companies"

# The Markdown extensions of the site (zjtx_site/website/data/mkdocs.yml), without permalinks.
EXTENSIONS = ["admonition", "tables", "attr_list", "md_in_html", "toc"]

TIER_LABELS = {
    "innovative_sme": "创新型中小企业",
    "srdi_sme": "专精特新中小企业",
    "little_giant": "专精特新“小巨人”企业",
    "single_champion": "制造业单项冠军企业",
}
STATUS_WORDS = {"met": "符合", "unmet": "不符合", "needs_data": "待补充数据",
                "manual_review": "待人工判断", "not_applicable": "不适用"}


def make_project(root: Path, company_ids: list[str]) -> Path:
    (root / "companies").mkdir(parents=True)
    for cid in company_ids:
        shutil.copytree(COMPANIES / cid, root / "companies" / cid)
    return root


def build(project: Path, **kw):
    from zjtx_site.build import build as _build

    return _build(project, run_site=False, **kw)


def assessments(project: Path) -> dict[tuple[str, str], object]:
    """(company_id, round) -> the scorer's Assessment for the project's data."""
    from zjtx_site.intake.loader import load_project
    from zjtx_site.scoring.engine import assess, make_engine

    data = load_project(project)
    engine = make_engine(project)
    return {(c.company_id, c.round): assess(engine, c) for c in data.companies}


# independent number formatting ---------------------------------------------------

def _dec(x: Fraction) -> Decimal:
    x = Fraction(x)
    return Decimal(x.numerator) / Decimal(x.denominator)


def score1(x: Fraction) -> str:
    """A 0–100 score as the page shows it: one decimal, half up."""
    return str(_dec(x).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def num(x: Fraction) -> str:
    """At most two decimals, half up, trailing zeros dropped."""
    text = format(_dec(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def delta1(now: Fraction, before: Fraction) -> str:
    d = Decimal(score1(now)) - Decimal(score1(before))
    return ("+" if d >= 0 else "") + str(d.quantize(Decimal("0.1")))


# reading the page back -----------------------------------------------------------------

def split_front_matter(text: str) -> tuple[str, str]:
    if text.startswith("---\n"):
        head, body = text[4:].split("\n---\n", 1)
        return head, body
    return "", text


def generate_companies(root: Path, n: int) -> None:
    """``n`` companies of one round each under ``root/companies``: the examples in turn,
    each with a name of its own (gen-0000, gen-0001, ...), for portfolios of any size."""
    examples = sorted(COMPANIES.glob("*/*.yaml"))
    for i in range(n):
        src = examples[i % len(examples)]
        folder = root / "companies" / f"gen-{i:04d}"
        folder.mkdir(parents=True)
        text = re.sub(r"^(  name: .*?)有限公司", rf"\g<1>{i:04d}有限公司", src.read_text("utf-8"),
                      count=1, flags=re.MULTILINE)
        (folder / src.name).write_text(text, "utf-8")


def read_page(path: Path) -> str:
    """A page of content/ as the site renders it: its shared blocks (content/_shared/) included."""
    from zjtx_site.render.shared import expand

    content = next(p for p in path.parents if p.name == "content")
    text = path.read_text("utf-8")
    return expand(text, {f.relative_to(content).as_posix(): f.read_bytes
                         for f in (content / "_shared").glob("*.md")})


def inline_blocks(env, a) -> dict:
    """report_context's ``shared`` with each block written into the page (no content/ to include from)."""
    from zjtx_site.render.escape import Raw
    from zjtx_site.render.report import report_blocks

    return {k: Raw(b.text) for k, b in report_blocks(env, a).items()}


def to_html(text: str) -> str:
    return markdown.markdown(split_front_matter(text)[1], extensions=EXTENSIONS)


@dataclass
class Block:
    kind: str                     # h1..h6 | table | p | li | img
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[str] = []
        self.cur: Block | None = None
        self.cell: list[str] | None = None
        self.row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.cur = Block("table")
        elif tag == "tr" and self.cur is not None and self.cur.kind == "table":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif re.fullmatch(r"h[1-6]|p|li", tag) and (self.cur is None or self.cur.kind != "table"):
            self.cur = Block(tag)
        if tag == "img":
            self.blocks.append(Block("img", attrs={k: v or "" for k, v in a.items()}))
        if tag == "a" and self.cur is not None:
            self.cur.attrs.setdefault("links", "")
            self.cur.attrs["links"] += (a.get("href") or "") + "\n"

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None and self.cur is not None:
            self.cur.rows.append(self.row)
            self.row = None
        elif tag == "table" and self.cur is not None:
            self.blocks.append(self.cur)
            self.cur = None
        elif re.fullmatch(r"h[1-6]|p|li", tag) and self.cur is not None and self.cur.kind == tag:
            self.cur.text = self.cur.text.strip()
            self.blocks.append(self.cur)
            self.cur = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        elif self.cur is not None and self.cur.kind != "table":
            self.cur.text += data


def blocks(text: str) -> list[Block]:
    r = _Reader()
    r.feed(to_html(text))
    return r.blocks


def headings(bs: list[Block], level: int | None = None) -> list[str]:
    return [b.text for b in bs if b.kind.startswith("h") and (level is None or b.kind == f"h{level}")]


def section(bs: list[Block], title: str, *, exact: bool = True) -> list[Block]:
    """The blocks under the first heading ``title`` up to the next heading of the same or a higher level."""
    for i, b in enumerate(bs):
        if b.kind.startswith("h") and (b.text == title if exact else b.text.startswith(title)):
            level = int(b.kind[1])
            out = []
            for x in bs[i + 1:]:
                if x.kind.startswith("h") and int(x.kind[1]) <= level:
                    break
                out.append(x)
            return out
    raise AssertionError(f"no heading {title!r}; headings: {headings(bs)}")


def tables(bs: list[Block]) -> list[list[list[str]]]:
    return [b.rows for b in bs if b.kind == "table"]


def table_after(bs: list[Block], header0: str) -> list[list[str]]:
    """The first table whose header row starts with ``header0``, without the header row."""
    for rows in tables(bs):
        if rows and rows[0] and rows[0][0] == header0:
            return rows[1:]
    raise AssertionError(f"no table headed {header0!r}")


_PIPE = re.compile(r"(?<!\\)\|")


def _source_tables(text: str) -> list[tuple[int, list[str]]]:
    lines = split_front_matter(text)[1].split("\n")
    out, i = [], 0
    while i < len(lines):
        if (lines[i].startswith("|") and i + 1 < len(lines)
                and re.match(r"^\|(\s*:?-+:?\s*\|)+\s*$", lines[i + 1])):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            out.append((j, lines[i:j]))
            i = j
        else:
            i += 1
    return out


def source_tables(text: str) -> list[list[str]]:
    """The Markdown tables of a page as source lines (header, separator, rows)."""
    return [t for _, t in _source_tables(text)]


def cells_in(line: str) -> int:
    """Unescaped pipes of a table line: a row has as many as its header."""
    return len(_PIPE.findall(line))


def table_problems(text: str) -> list[str]:
    """Rows whose column count differs from the header's, and tables not followed
    by a blank line (Markdown would take the next line as one more row)."""
    problems = []
    lines = split_front_matter(text)[1].split("\n")
    for end, t in _source_tables(text):
        n = cells_in(t[0])
        problems += [f"{n} != {cells_in(row)}: {row[:80]}" for row in t if cells_in(row) != n]
        if end < len(lines) and lines[end].strip():
            problems.append(f"no blank line after table: {lines[end][:60]}")
    return problems


def md_heading_count(text: str) -> int:
    body = split_front_matter(text)[1]
    return sum(1 for line in body.split("\n") if re.match(r"^#{1,6} ", line))
