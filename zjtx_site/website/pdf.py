"""The report as an A4 PDF: the same Markdown page as the site, laid out by WeasyPrint.

A report page (a :class:`~zjtx_site.render.pages.Page` with ``meta``) is read
as mkdocs reads it (python-markdown, the site's extensions), its charts are
inlined as SVG (vectors; their CJK glyphs are paths), and it gets a cover
(company, round, issuer, confidentiality mark per §4.4 保密性原则), a table of
contents, running headers and "第 X 页 / 共 Y 页" from ``report-print.css``.

Same inputs, same bytes: no creation date in the metadata, a PDF identifier
derived from the inputs, and the date printed on the cover is the build date
(``SOURCE_DATE_EPOCH`` when set, as for reproducible builds). PDFs go to
``site/pdf/`` and are reused across builds while their inputs are unchanged.
"""

from __future__ import annotations

import base64
import datetime
import html
import json
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from zjtx_site.errors import BuildError
from zjtx_site.render.pages import Chart, Output, Page, digest
from zjtx_site.render.shared import SHARED_DIR, expand
from zjtx_site.website.mkdocs import build_date

DATA = Path(__file__).resolve().parent / "data"
STYLESHEET = DATA / "report-print.css"
PDF_DIR = "pdf"
# beside the PDFs, in the site: the keys are swapped in with the files they describe,
# so no interruption can leave a PDF with another's key
KEYS = "pdf/keys.json"
EXTENSIONS = ["admonition", "tables", "attr_list", "md_in_html", "toc"]   # as in mkdocs.yml
UNSET_ISSUER = "未设置"
DEFAULT_MARK = "保密 · 仅供委托方使用"
DEFAULT_NOTICE = ("本报告含委托方的技术秘密和商业秘密。依据 T/GZHTEA003-2024 §4.4 保密性原则，"
                  "仅供委托方及出具单位在服务范围内使用；未经委托方允许，不得向他人披露、转让。")


@dataclass(frozen=True, kw_only=True)
class PdfSettings:
    """From the project's mkdocs.yml, ``extra: zjtx: {issuer, confidentiality}``,
    and the date on the cover (:func:`~zjtx_site.website.mkdocs.build_date`)."""
    issuer: str | None
    mark: str = DEFAULT_MARK
    made_on: datetime.date | None = None     # the cover's date; None: build_date() at drawing

    def key(self) -> str:
        return digest(self.issuer or "", self.mark, self.made_on.isoformat() if self.made_on else "")


def pdf_settings(project: Path) -> PdfSettings:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    path = project / "mkdocs.yml"
    if not path.is_file():
        return PdfSettings(issuer=None, made_on=build_date(project))
    try:
        cfg = YAML(typ="rt").load(path.read_text("utf-8")) or {}
    except (OSError, YAMLError) as exc:
        raise BuildError(f"无法读取 mkdocs.yml 中的报告设置：{exc}") from None
    own = ((cfg.get("extra") or {}).get("zjtx") or {})
    issuer = str(own.get("issuer") or "").strip() or None
    mark = str(own.get("confidentiality") or "").strip() or DEFAULT_MARK
    return PdfSettings(issuer=issuer, mark=mark, made_on=build_date(project))


# HTML ----------------------------------------------------------------------------

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_IMG = re.compile(r'(<img\b[^>]*\bsrc=")([^"]+)(")')
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)


def _inline_images(body: str, files: Mapping[str, Callable[[], bytes]]) -> str:
    def repl(m: re.Match) -> str:
        make = files.get(m.group(2))
        if make is None:
            return m.group(0)
        data = base64.b64encode(make()).decode("ascii")
        return f"{m.group(1)}data:image/svg+xml;base64,{data}{m.group(3)}"
    return _IMG.sub(repl, body)


def _toc(body: str) -> str:
    items = []
    for ident, title in _H2.findall(body):
        text = re.sub(r"<[^>]+>", "", title).strip()
        items.append(f'<li><a href="#{ident}">{text}</a></li>')
    return '<nav class="toc"><h1 class="toc-title">目　录</h1><ol>' + "".join(items) + "</ol></nav>"


def report_html(markdown_text: str, files: Mapping[str, Callable[[], bytes]], meta: Mapping[str, str],
                settings: PdfSettings, made_on: datetime.date) -> str:
    """The print document: cover, contents, then the report's own body."""
    import markdown

    text = _FRONT.sub("", markdown_text, count=1)
    body = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    body = _inline_images(body, files)
    # the page's own title becomes the cover; the site's PDF link has no place in the PDF
    body = re.sub(r"\A\s*<h1[^>]*>.*?</h1>", "", body, count=1, flags=re.DOTALL)
    body = re.sub(r'<p class="zjtx-pdf-link"[^>]*>.*?</p>', "", body, flags=re.DOTALL)
    e = {k: html.escape(v) for k, v in meta.items()}
    issuer = html.escape(settings.issuer or UNSET_ISSUER)
    mark = html.escape(settings.mark)
    running = f"{e['name']} · 诊断规划报告（{e['round']}）"
    cover = f"""
<section class="cover">
  <p class="cover-mark">{mark}</p>
  <p class="cover-kicker">企业专精特新进阶培育</p>
  <h1 class="cover-title">诊断规划报告</h1>
  <p class="cover-company">{e['name']}</p>
  <table class="cover-facts">
    <tr><th>评估轮次</th><td>{e['round']}</td></tr>
    <tr><th>评估日期</th><td>{e['assessed_on']}</td></tr>
    <tr><th>出具单位</th><td>{issuer}</td></tr>
    <tr><th>出具日期</th><td>{made_on.isoformat()}</td></tr>
    <tr><th>依据标准</th><td>T/GZHTEA003-2024《促进高新技术企业专精特新发展培育及提升规范》</td></tr>
  </table>
  <p class="cover-notice">{html.escape(DEFAULT_NOTICE)}</p>
</section>"""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{e['name']} · {e['round']} 诊断规划报告</title>
<meta name="author" content="{issuer}">
<style>@page {{ @top-left {{ content: "{_css_string(running)}"; }}
  @bottom-left {{ content: "{_css_string(settings.mark)}"; }} }}</style>
</head><body>
{cover}
{_toc(body)}
<main class="report">
{body}
</main>
</body></html>"""


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render_pdf(document: str, identifier: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:   # OSError: Pango/HarfBuzz missing
        raise BuildError(f"无法生成 PDF：WeasyPrint 不可用（{exc}）。它需要 Pango 和 HarfBuzz：Debian/Ubuntu 运行 "
                         "scripts/install-system-deps；macOS 运行 brew install pango；Windows 安装 MSYS2 的 "
                         "mingw-w64-x86_64-pango（见 README）。网站不受影响。") from None
    css = weasyprint.CSS(string=STYLESHEET.read_text("utf-8"))
    return weasyprint.HTML(string=document, base_url=str(DATA)).write_pdf(
        stylesheets=[css], pdf_identifier=identifier[:32].encode("ascii"), custom_metadata=False)


# the reports of a build -----------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class PdfJob:
    path: str                                   # relative to site/
    key: str
    page: Page
    files: Mapping[str, Callable[[], bytes]]    # charts by their name in the Markdown
    shared: Mapping[str, Callable[[], bytes]] = field(default_factory=dict)   # content/_shared/ blocks


def pdf_jobs(outputs: Iterable[Output], settings: PdfSettings) -> list[PdfJob]:
    """One job per report page of ``outputs``, with the charts it shows."""
    outputs = list(outputs)
    charts: dict[str, Chart] = {o.path: o for o in outputs if isinstance(o, Chart)}
    # a report names its shared blocks by their text: its key covers them
    shared = {o.path: o.make for o in outputs if isinstance(o, Page) and o.path.startswith(SHARED_DIR + "/")}
    style = STYLESHEET.read_bytes().decode("utf-8")
    jobs = []
    for o in outputs:
        if not isinstance(o, Page) or dict(o.meta).get("kind") != "report":
            continue
        meta = dict(o.meta)
        folder = o.path.rsplit("/", 1)[0]
        # this round's charts only ("2026-radar.svg", not "2026-h2-radar.svg")
        mine = {name: c for p, c in charts.items() if p.rsplit("/", 1)[0] == folder
                and (name := p.rsplit("/", 1)[1]).startswith(meta["round"] + "-")
                and "-" not in name[len(meta["round"]) + 1:]}
        key = digest(o.key, settings.key(), style, *(f"{n}:{c.key}" for n, c in sorted(mine.items())))
        jobs.append(PdfJob(path=meta["pdf"], key=key, page=o, files={n: c.draw for n, c in mine.items()},
                           shared=shared))
    return jobs


def make_pdf(job: PdfJob, settings: PdfSettings, made_on: datetime.date | None = None) -> bytes:
    made_on = made_on or settings.made_on or build_date()
    document = report_html(expand(job.page.make().decode("utf-8"), job.shared), job.files, dict(job.page.meta), settings, made_on)
    return render_pdf(document, digest(job.key, made_on.isoformat()))


@dataclass(frozen=True)
class PdfResult:
    made: int
    reused: int
    missing: int


def stage_pdfs(project: Path, jobs: list[PdfJob], staged_site: Path, *, make: bool,
               progress: Callable[[str], None] = lambda s: None) -> PdfResult:
    """Put the PDFs of ``jobs`` into the staged site: last build's file when its
    key is unchanged, a new one when ``make``; stale PDFs are dropped."""
    live = project / "site"
    old = _read_keys(live)
    # an incremental site build starts from a copy of the last site: its PDFs go, the current ones return
    shutil.rmtree(staged_site / "pdf", ignore_errors=True)
    settings = pdf_settings(project)
    new: dict[str, str] = {}
    made = reused = missing = 0
    for job in jobs:
        target = staged_site / job.path
        previous = live / job.path
        if old.get(job.path) == job.key and previous.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(previous.read_bytes())
            new[job.path] = job.key
            reused += 1
        elif make:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(make_pdf(job, settings))
            new[job.path] = job.key
            made += 1
            if made % 10 == 0:
                progress(f"已生成 {made} 份 PDF")
        else:
            missing += 1
    if new:
        _write_keys(staged_site, new)
    return PdfResult(made=made, reused=reused, missing=missing)


def _read_keys(site: Path) -> dict[str, str]:
    try:
        data = json.loads((site / KEYS).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_keys(site: Path, keys: dict[str, str]) -> None:
    (site / KEYS).parent.mkdir(parents=True, exist_ok=True)
    (site / KEYS).write_text(json.dumps(keys, ensure_ascii=False, indent=0, sort_keys=True), "utf-8")


def write_pdf(project: Path, job: PdfJob) -> Path:
    """``zjtx pdf``: one report's PDF into the live site/pdf/, noted in the manifest
    so the next build keeps it while it is current."""
    data = make_pdf(job, pdf_settings(project))
    target = project / "site" / job.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    _write_keys(project / "site", {**_read_keys(project / "site"), job.path: job.key})
    return target
