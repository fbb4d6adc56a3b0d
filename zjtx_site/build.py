"""``zjtx build``: the only module that knows every stage.

intake (files → companies) → scoring (companies → assessments) → render
(assessments → page values) → website (page values → content/ → site/).
Each stage lives in its own wing; this module only wires them and decides
what a failure at each stage means for the build. The whole build holds the
project lock, and first finishes any swap an interrupted build left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zjtx_site.errors import BuildError, EvaluationError, StorageError
from zjtx_site.intake.loader import load_project
from zjtx_site.render.site import render_site
from zjtx_site.scoring import guard
from zjtx_site.scoring.engine import assess, make_engine
from zjtx_site.scoring.results import Assessment
from zjtx_site.website.journal import recover
from zjtx_site.website.lock import project_lock
from zjtx_site.website.staging import outcome, publish_outputs


@dataclass(frozen=True)
class BuildResult:
    pages: int
    rendered: int
    reused: int
    skipped_files: tuple[str, ...]
    site_built: bool
    failures: tuple[str, ...] = ()        # plugin failures kept going past (--keep-going)


def build(project: Path, *, keep_going: bool = False, forced: str | None = None,
          run_site: bool = True, progress: Callable[[str], None] = lambda s: None) -> BuildResult:
    project = project.resolve()
    try:
        with project_lock(project, "build", notify=progress):
            for said in recover(project):
                progress(said)
            return _build(project, keep_going, forced, run_site, progress)
    except OSError as exc:
        raise StorageError.from_os(exc, outcome(project)) from None


def _build(project: Path, keep_going: bool, forced: str | None, run_site: bool,
           progress: Callable[[str], None]) -> BuildResult:
    data = load_project(project)
    if not data.ok and not keep_going:
        raise BuildError("数据有错误，未生成任何内容；上一次的 content/ 和 site/ 保持不变。", data.problems)
    companies = list(data.companies)
    if not companies:
        raise BuildError("没有可用的企业数据，未生成任何内容。", data.problems)
    progress(f"已校验 {len(data.results)} 个文件，{len(companies)} 个有效")

    engine = make_engine(project)
    if forced and forced not in engine.rulesets:
        raise BuildError(f"没有规则集 {forced}；可选：{', '.join(sorted(engine.rulesets))}。未生成任何内容。")
    assessments: list[Assessment] = []
    failures: list[str] = []
    with guard.TimeLimit(guard.time_limit()) as limit:
        for i, c in enumerate(companies, 1):
            try:
                a = limit.run(c.source, assess, engine, c, forced=forced, keep_going=keep_going)
            except EvaluationError as exc:
                if not keep_going:
                    raise BuildError(f"评分失败：{exc}。未生成任何内容；content/ 和 site/ 保持不变。"
                                     "可用 --keep-going 生成标记为“评分不完整”的报告。") from None
                failures.append(f"{exc}（未生成该文件的报告）")
                continue
            assessments.append(a)
            failures += a.failures
            if i % 200 == 0:
                progress(f"已评分 {i}/{len(companies)}")
    if not assessments:
        raise BuildError("没有一家企业评分成功，未生成任何内容：\n" + "\n".join(failures))
    progress(f"已评分 {len(assessments)} 份")

    outputs = render_site(project, engine, assessments)
    progress(f"已生成 {len({a.company.company_id for a in assessments})} 家企业的报告")
    writer = publish_outputs(project, outputs, run_site=run_site, progress=progress)
    return BuildResult(pages=sum(1 for k in writer.new if k.endswith(".md")), rendered=writer.rendered,
                       reused=writer.reused, skipped_files=data.invalid_files, site_built=run_site,
                       failures=tuple(failures))
