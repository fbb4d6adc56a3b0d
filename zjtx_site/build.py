"""``zjtx build``: the only module that knows every stage.

intake (files → companies) → scoring (companies → assessments) → render
(assessments → page values) → website (page values → content/ → site/).
Each stage lives in its own wing; this module only wires them and decides
what a failure at each stage means for the build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from zjtx_site.errors import BuildError, EvaluationError
from zjtx_site.intake.loader import load_project
from zjtx_site.render.site import render_site
from zjtx_site.scoring.engine import assess, make_engine
from zjtx_site.scoring.results import Assessment
from zjtx_site.website.engines import DEFAULT_ENGINE
from zjtx_site.website.staging import publish_outputs


@dataclass(frozen=True)
class BuildResult:
    pages: int
    rendered: int
    reused: int
    skipped_files: tuple[str, ...]
    site_built: bool
    notices: tuple[str, ...] = ()     # shown once, whether or not progress is shown


def build(project: Path, *, keep_going: bool = False, forced: str | None = None,
          run_site: bool = True, progress: Callable[[str], None] = lambda s: None,
          site_engine: str = DEFAULT_ENGINE) -> BuildResult:
    project = project.resolve()
    data = load_project(project)
    if not data.ok and not keep_going:
        raise BuildError("数据有错误，未生成任何内容；上一次的 content/ 和 site/ 保持不变。", data.problems)
    companies = list(data.companies)
    if not companies:
        raise BuildError("没有可用的企业数据，未生成任何内容。", data.problems)
    progress(f"已校验 {len(data.results)} 个文件，{len(companies)} 个有效")

    engine = make_engine(project)
    assessments: list[Assessment] = []
    for i, c in enumerate(companies, 1):
        try:
            assessments.append(assess(engine, c, forced=forced, keep_going=keep_going))
        except EvaluationError as exc:
            raise BuildError(f"评分失败：{exc}。未生成任何内容；可用 --keep-going 生成标记为失败的报告。") from None
        if i % 200 == 0:
            progress(f"已评分 {i}/{len(companies)}")
    progress(f"已评分 {len(assessments)} 份")

    outputs = render_site(project, engine, assessments)
    progress(f"已生成 {len({a.company.company_id for a in assessments})} 家企业的报告")
    notices: list[str] = []
    writer = publish_outputs(project, outputs, run_site=run_site, progress=progress, engine=site_engine,
                             notice=notices.append)
    return BuildResult(pages=sum(1 for k in writer.new if k.endswith(".md")), rendered=writer.rendered,
                       reused=writer.reused, skipped_files=data.invalid_files, site_built=run_site,
                       notices=tuple(notices))
