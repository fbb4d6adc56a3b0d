"""``zjtx build`` and ``zjtx pdf``: the only module that knows every stage.

intake (files → companies) → scoring (companies → assessments) → render
(assessments → page values) → website (page values → content/ → site/).
Each stage lives in its own wing; this module only wires them and decides what a failure at each
stage means. A build holds the project lock and first finishes any interrupted swap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zjtx_site.errors import BuildError, EvaluationError, StorageError
from zjtx_site.intake.layout import round_sort_key
from zjtx_site.intake.loader import load_project
from zjtx_site.intake.problems import Problem
from zjtx_site.intake.provenance import file_revisions
from zjtx_site.memo import Memo
from zjtx_site.render.shared import is_page
from zjtx_site.render.site import render_site
from zjtx_site.scoring.batch import assess_all
from zjtx_site.scoring.engine import make_engine
from zjtx_site.website.engines import DEFAULT_ENGINE
from zjtx_site.website.journal import recover
from zjtx_site.website.lock import project_lock
from zjtx_site.website.pdf import PdfResult, pdf_jobs, pdf_settings, stage_pdfs, write_pdf
from zjtx_site.website.staging import outcome, publish_outputs


@dataclass(frozen=True)
class BuildResult:
    pages: int
    rendered: int
    reused: int
    skipped_files: tuple[str, ...]
    site_built: bool
    failures: tuple[str, ...] = ()        # plugin failures kept going past (--keep-going)
    pdf: PdfResult | None = None
    warnings: tuple[Problem, ...] = ()    # plausibility and other data warnings, built anyway
    notices: tuple[str, ...] = ()         # shown once, whether or not progress is shown


def build(project: Path, *, keep_going: bool = False, forced: str | None = None, run_site: bool = True,
          pdf: bool = False, site_engine: str = DEFAULT_ENGINE, fresh: bool = False,
          progress: Callable[[str], None] = lambda s: None,
          notice: Callable[[str], None] = lambda s: None) -> BuildResult:
    """Without ``pdf``, current PDFs of the last build are kept and stale ones dropped. ``fresh``:
    validate and score every file again, not from .zjtx/memo. ``progress`` may stay quiet;
    ``notice`` is for what must be seen (waiting for the lock, an interrupted build finished)."""
    project = project.resolve()
    try:
        with project_lock(project, "build", notify=notice):
            for said in recover(project):
                notice(said)
            return _build(project, progress, keep_going=keep_going, forced=forced, run_site=run_site,
                          pdf=pdf, site_engine=site_engine, fresh=fresh)
    except OSError as exc:
        raise StorageError.from_os(exc, outcome(project)) from None


def _build(project: Path, progress: Callable[[str], None], *, keep_going: bool, forced: str | None,
           run_site: bool, pdf: bool, site_engine: str, fresh: bool) -> BuildResult:
    data = load_project(project, memo=Memo.of_project(project, "files", off=fresh))
    if not data.ok and not keep_going:
        raise BuildError("数据有错误，未生成任何内容；上一次的 content/ 和 site/ 保持不变。", data.problems)
    companies = list(data.companies)
    if not companies:
        raise BuildError("没有可用的企业数据，未生成任何内容。", data.problems)
    progress(f"已校验 {len(data.results)} 个文件，{len(companies)} 个有效")

    engine = make_engine(project)
    if forced and forced not in engine.rulesets:
        raise BuildError(f"没有规则集 {forced}；可选：{', '.join(sorted(engine.rulesets))}。未生成任何内容。")
    try:
        assessments, failures = assess_all(engine, companies, forced=forced, keep_going=keep_going,
                                           progress=progress, memo=Memo.of_project(project, "assessments", off=fresh))
    except EvaluationError as exc:
        raise BuildError(f"评分失败：{exc}。未生成任何内容；content/ 和 site/ 保持不变。"
                         "可用 --keep-going 生成标记为“评分不完整”的报告。") from None
    if not assessments:
        raise BuildError("没有一家企业评分成功，未生成任何内容：\n" + "\n".join(failures))
    progress(f"已评分 {len(assessments)} 份")

    outputs = render_site(project, engine, assessments, file_revisions(project))
    progress(f"已生成 {len({a.company.company_id for a in assessments})} 家企业的报告")
    jobs = pdf_jobs(outputs, pdf_settings(project))
    pdfs: list[PdfResult] = []
    notices: list[str] = []
    writer = publish_outputs(project, outputs, run_site=run_site, progress=progress, engine=site_engine,
                             notice=notices.append,
                             finish_site=lambda site: pdfs.append(stage_pdfs(project, jobs, site, make=pdf,
                                                                             progress=progress)))
    return BuildResult(pages=sum(1 for k in writer.new if is_page(k)), rendered=writer.rendered,
                       reused=writer.reused, skipped_files=data.invalid_files, site_built=run_site,
                       failures=tuple(failures), pdf=pdfs[0] if pdfs else None,
                       warnings=tuple(p for p in data.problems if not p.is_error), notices=tuple(notices))


def build_pdf(project: Path, company_id: str, round_id: str | None = None) -> Path:
    """``zjtx pdf``: one report (the latest round unless ``round_id``) as a PDF in site/pdf/."""
    project = project.resolve()
    data = load_project(project)       # no memo: this runs without the lock, a build may be pruning it
    mine = [c for c in data.companies if c.company_id == company_id]
    if not mine:
        bad = [f for f in data.invalid_files if f"/{company_id}/" in f"/{f}"]
        raise BuildError(f"没有企业 {company_id} 的有效数据" + ("（数据有错误，先运行 zjtx check）" if bad else "")
                         + "。", data.problems if bad else ())
    rounds = sorted(c.round for c in mine)
    wanted = round_id or max(rounds, key=round_sort_key)
    if wanted not in rounds:
        raise BuildError(f"企业 {company_id} 没有 {wanted} 轮数据（已有：{'、'.join(rounds)}）。")
    engine = make_engine(project)
    # the earlier rounds too: the report compares with them
    upto, _ = assess_all(engine, [c for c in mine if round_sort_key(c.round) <= round_sort_key(wanted)])
    outputs = render_site(project, engine, upto, file_revisions(project))
    job = next(j for j in pdf_jobs(outputs, pdf_settings(project)) if j.path.endswith(f"/{company_id}-{wanted}.pdf"))
    with project_lock(project, "pdf"):
        return write_pdf(project, job)
