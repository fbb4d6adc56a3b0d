"""``zjtx build``: validate, score, render ``content/``, build ``site/``.

The build is atomic. Everything is written into a staging folder first, and
the mkdocs build runs on the staged Markdown; only when every stage has
succeeded are the staged ``content/`` and ``site/`` swapped in. A failure at
any stage leaves the last good ``content/`` and ``site/`` as they were.

Pages and charts are keyed by a hash of their inputs (company data, tool
version, templates, rule sets), so an unchanged page is copied from the last
build instead of being drawn again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .loader import load_project
from .problems import Problem
from .render import charts
from .render.environment import builtin_template_names, environment, template_digest
from .render.escape import Raw, md
from .render.portfolio import methodology_context, portfolio_context
from .render.report import History, report_context
from .results import Assessment
from .ruleset import TIER_LABELS
from .scoring import Engine, EvaluationError, assess, make_engine

STATE_DIR = ".zjtx"
MANIFEST = "manifest.json"


class BuildError(Exception):
    def __init__(self, message: str, problems: tuple[Problem, ...] = ()):
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class BuildResult:
    pages: int
    rendered: int
    reused: int
    skipped_files: tuple[str, ...]
    site_built: bool


def _hash(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") + b"\0")
    return h.hexdigest()


class Writer:
    """Writes the staged tree, reusing last build's file when its key matches."""

    def __init__(self, staging: Path, previous: Path, manifest: dict[str, str]):
        self.staging, self.previous, self.old = staging, previous, manifest
        self.new: dict[str, str] = {}
        self.rendered = self.reused = 0

        self.charts: list[tuple[str, str, tuple]] = []   # (rel, chart function, args) to draw

    def _reuse(self, rel: str, key: str) -> bool:
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        self.new[rel] = key
        prev = self.previous / rel
        if self.old.get(rel) == key and prev.is_file():
            shutil.copyfile(prev, target)
            self.reused += 1
            return True
        return False

    def put(self, rel: str, key: str, make: Callable[[], bytes]) -> None:
        if not self._reuse(rel, key):
            (self.staging / rel).write_bytes(make())
            self.rendered += 1

    def put_chart(self, rel: str, key: str, chart: str, *args: Any) -> None:
        """A chart (a function of render.charts) to draw unless reusable.

        Charts are the slow part of a cold build, so they are drawn together
        at the end, on every core; each is a pure function of its arguments,
        so the bytes are the same however the work is split."""
        if not self._reuse(rel, key):
            self.charts.append((rel, chart, args))

    def draw_charts(self, progress: Callable[[str], None]) -> None:
        jobs, self.charts = self.charts, []
        if not jobs:
            return
        workers = min(os.cpu_count() or 1, 8)
        if len(jobs) < 16 or workers < 2:
            results = map(_draw_chart, jobs)
        else:
            import concurrent.futures
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx)
            results = pool.map(_draw_chart, jobs, chunksize=8)
        for (rel, _, _), data in zip(jobs, results):
            (self.staging / rel).write_bytes(data)
            self.rendered += 1
        if len(jobs) >= 16 and workers >= 2:
            pool.shutdown()
        progress(f"已绘制 {len(jobs)} 张图表")


def _draw_chart(job: tuple[str, str, tuple]) -> bytes:
    _, name, args = job
    return getattr(charts, name)(*args)


def data_revision(companies: list[Any]) -> str:
    """A revision of the data itself (not of git), so content stays stable."""
    # ids, not paths: the same data gives the same revision wherever the build runs
    return _hash(*sorted(f"{c.company_id}/{c.round}:{c.digest}" for c in companies))[:12]


def build(project: Path, *, keep_going: bool = False, forced: str | None = None,
          run_site: bool = True, progress: Callable[[str], None] = lambda s: None) -> BuildResult:
    project = project.resolve()
    data = load_project(project)
    if not data.ok and not keep_going:
        raise BuildError("数据有错误，未生成任何内容；上一次的 content/ 和 site/ 保持不变。", data.problems)
    skipped = data.invalid_files
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

    state = project / STATE_DIR
    staging = state / "staging"
    if staging.exists():
        shutil.rmtree(staging)
    content_new = staging / "content"
    content_new.mkdir(parents=True)
    manifest_path = state / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
    except (OSError, ValueError):
        manifest = {}
    writer = Writer(content_new, project / "content", manifest)
    render_content(project, engine, assessments, writer, progress)
    writer.draw_charts(progress)
    progress(f"content/：重新生成 {writer.rendered} 个文件，沿用 {writer.reused} 个")

    site_new = staging / "site"
    if run_site:
        run_mkdocs(project, content_new, site_new)
        progress("网站构建完成")
    _swap(content_new, project / "content")
    if run_site:
        _swap(site_new, project / "site")
    manifest_path.write_text(json.dumps(writer.new, ensure_ascii=False, indent=0, sort_keys=True), "utf-8")
    shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(pages=sum(1 for k in writer.new if k.endswith(".md")), rendered=writer.rendered,
                       reused=writer.reused, skipped_files=skipped, site_built=run_site)


def _swap(new: Path, live: Path) -> None:
    old = live.with_name(live.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if live.exists():
        os.replace(live, old)
    os.replace(new, live)
    if old.exists():
        shutil.rmtree(old)


def render_content(project: Path, engine: Engine, assessments: list[Assessment], w: Writer,
                   progress: Callable[[str], None]) -> None:
    env = environment(project)
    tdigest = template_digest(env, builtin_template_names())
    rules_digest = _hash(*(json.dumps(engine.rulesets[k].tiers, sort_keys=True, default=str)
                           for k in sorted(engine.rulesets)))
    # charts depend on the code and their data only; pages also on templates and rules
    chart_base = _hash(__version__, code_digest())
    base = _hash(chart_base, tdigest, rules_digest)
    companies = [a.company for a in assessments]
    revision = data_revision(companies)
    by_company: dict[str, list[Assessment]] = {}
    for a in assessments:
        by_company.setdefault(a.company.company_id, []).append(a)
    from .layout import round_sort_key
    from .metrics import MetricContext

    for cid in sorted(by_company):
        rounds = sorted(by_company[cid], key=lambda a: round_sort_key(a.company.round))
        by_company[cid] = rounds
        chain = ""
        for idx, a in enumerate(rounds):
            c = a.company
            chain = _hash(chain, c.digest)        # a round's page depends on its earlier rounds
            key = _hash(base, chain)    # this round and its earlier ones, never later ones
            prefix = f"companies/{cid}/{c.round}"
            dims = a.dimensions
            w.put_chart(f"{prefix}-radar.svg", _hash(chart_base, c.digest, "radar"), "radar",
                        [d.label for d in dims], [d.score for d in dims])
            years = [y.year for y in c.financials]
            w.put_chart(f"{prefix}-trend.svg", _hash(chart_base, c.digest, "trend"), "trend", years, {
                "营业收入": [y.revenue for y in c.financials],
                "主营业务收入": [y.main_revenue for y in c.financials],
                "研发费用": [y.rd_expense for y in c.financials],
                "净利润": [y.net_profit for y in c.financials]})
            chart_md = {"radar": f"![六维诊断雷达图]({c.round}-radar.svg)",
                        "trend": f"![近三年经营趋势]({c.round}-trend.svg)", "rounds": ""}
            if idx > 0:
                upto = rounds[: idx + 1]
                w.put_chart(f"{prefix}-rounds.svg", _hash(chart_base, chain, "rounds"), "rounds",
                            [r.company.round for r in upto],
                            {d.label: [r.dimension(d.key).score for r in upto] for d in upto[-1].dimensions})
                chart_md["rounds"] = f"![各轮六维得分]({c.round}-rounds.svg)"
            hist = History(previous=rounds[idx - 1] if idx else None, rounds=tuple(rounds[: idx + 1]))
            w.put(f"{prefix}.md", key, lambda a=a, hist=hist, chart_md=chart_md: env.get_template(
                "report.md.j2").render(**report_context(a, MetricContext(a.company, engine.metrics), hist,
                                                       chart_md, c_rev(a))).encode("utf-8"))
        w.put(f"companies/{cid}/index.md", _hash(base, *(r.company.digest for r in rounds), "company"),
              lambda rounds=rounds: env.get_template("company.md.j2").render(
                  name=rounds[-1].company.basic.name,
                  footer={"version": Raw(__version__),
                          "rulesets": Raw(", ".join(sorted({t for r in rounds for t in r.rulesets}))),
                          "data_revision": Raw(_hash(*(r.company.digest for r in rounds))[:12])},
                  rounds=[{"round": r.company.round, "assessed_on": r.company.assessed_on.isoformat(),
                           "level": r.grade.level,
                           "next": TIER_LABELS.get(r.next_tier, "全部符合") if r.next_tier else "全部符合",
                           "link": Raw(f"[诊断规划报告]({r.company.round}.md)")} for r in reversed(rounds)]
              ).encode("utf-8"))
    progress(f"已生成 {len(by_company)} 家企业的报告")

    # our own identifiers, printed as they are
    footer = {"version": Raw(__version__), "rulesets": Raw(", ".join(sorted(engine.rulesets))),
              "data_revision": Raw(revision)}
    render_overview_pages(env, base, by_company, assessments, footer, w)
    copy_site_assets(w)
    from .builtin.dimensions import dimension_data
    from .builtin.grading import grading_data
    from .builtin.plan import plan_catalog
    from .scoring import interpretations

    w.put("methodology.md", _hash(base, footer["rulesets"], "methodology"), lambda: env.get_template(
        "methodology.md.j2").render(footer=dict(footer, data_revision=Raw("—")), **methodology_context(
            engine.rulesets, dimension_data(), grading_data(), interpretations(), plan_catalog())
    ).encode("utf-8"))


def render_overview_pages(env: Any, base: str, by_company: dict[str, list[Assessment]],
                          assessments: list[Assessment], footer: dict[str, str], w: Writer) -> None:
    """Home, portfolio (latest round of each company) and one portfolio per round."""
    from .layout import round_sort_key

    latest = [by_company[cid][-1] for cid in sorted(by_company)]
    all_key = _hash(base, *footer.values())
    round_ids = sorted({a.company.round for a in assessments}, key=round_sort_key)
    round_links = [Raw(f"[{r}](rounds/{r}.md)") for r in round_ids]

    def portfolio(page: str, subset: list[Assessment], title: str, prefix: str, chart: str,
                  links: list[Any]) -> None:
        levels = portfolio_context(subset, {})["levels"]
        w.put(f"assets/{chart}", all_key + chart,
              lambda: charts.bars([x["level"] for x in levels], [x["count"] for x in levels]))
        w.put(page, all_key + page, lambda: env.get_template("portfolio.md.j2").render(
            **portfolio_context(subset, {"levels": f"![L1–L5 分布]({prefix}assets/{chart})"}, base=prefix,
                                title=title, rounds=links, footer=footer)).encode("utf-8"))

    portfolio("portfolio.md", latest, "企业总览", "", "levels.svg", round_links)
    for r in round_ids:
        subset = [a for cid in sorted(by_company) for a in by_company[cid] if a.company.round == r]
        portfolio(f"rounds/{r}.md", subset, f"{r} 轮企业总览", "../", f"levels-{r}.svg", [])
    w.put("index.md", all_key + "index", lambda: env.get_template("index.md.j2").render(
        companies=[{"link": Raw(f"[{md(a.company.basic.name)}](companies/{a.company.company_id}/index.md)"),
                    "round": a.company.round, "level": a.grade.level,
                    "next": TIER_LABELS.get(a.next_tier, "全部符合") if a.next_tier else "全部符合",
                    "rounds": [Raw(f"[{r.company.round}](companies/{r.company.company_id}/{r.company.round}.md)")
                               for r in by_company[a.company.company_id]]} for a in latest],
        rounds=len(assessments), round_links=round_links, data_revision=footer["data_revision"],
        version=__version__, rulesets=footer["rulesets"], footer=footer).encode("utf-8"))


def copy_site_assets(w: Writer) -> None:
    """Static files the site needs offline (scripts, styles, the search shim),
    shipped in the package under site_assets/ and copied to content/assets/."""
    root = Path(__file__).parent / "site_assets"
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "README.md"):
        data = path.read_bytes()
        w.put(f"assets/{path.relative_to(root).as_posix()}", hashlib.sha256(data).hexdigest(),
              lambda data=data: data)


def code_digest() -> str:
    """The tool's own source, so a code change between releases re-renders too."""
    pkg = Path(__file__).parent
    return _hash(*(f"{p.relative_to(pkg)}:{hashlib.sha256(p.read_bytes()).hexdigest()}"
                   for p in sorted(pkg.rglob("*.py"))))


def c_rev(a: Assessment) -> str:
    return a.company.digest[:12]


def mkdocs_config(project: Path, docs: Path, site: Path) -> Path:
    """The project's mkdocs.yml (or the built-in one) pointed at the staged tree."""
    from ruamel.yaml import YAML

    own = project / "mkdocs.yml"
    y = YAML(typ="rt")
    if own.is_file():
        cfg = y.load(own.read_text("utf-8"))
    else:
        from importlib import resources

        cfg = y.load(resources.files("zjtx_site.data").joinpath("mkdocs.yml").read_text("utf-8"))
    cfg["docs_dir"] = str(docs)
    cfg["site_dir"] = str(site)
    resolve_search_dictionaries(cfg, project)
    # beside the project's own mkdocs.yml, so relative paths in it (overrides) still resolve
    path = project / ".zjtx-mkdocs.yml"
    with path.open("w", encoding="utf-8") as fh:
        y.dump(cfg, fh)
    return path


def resolve_search_dictionaries(cfg: Any, project: Path) -> None:
    """The search plugin's jieba dictionaries (``jieba_dict``, ``jieba_dict_user``):
    a relative path names a file in the project or, when the project has none, the
    file of that name shipped in zjtx_site/data/ (the domain dictionary
    jieba-dict.txt), so the repository and ``zjtx init`` projects share it and a
    project can still put its own beside its mkdocs.yml."""
    packaged = Path(__file__).parent / "data"
    for entry in cfg.get("plugins") or []:
        if not isinstance(entry, dict):
            continue
        opts = entry.get("search") or entry.get("material/search")
        if not isinstance(opts, dict):
            continue
        for key in ("jieba_dict", "jieba_dict_user"):
            value = opts.get(key)
            if not isinstance(value, str) or not value or Path(value).is_absolute():
                continue
            own, builtin = project / value, packaged / value
            opts[key] = str(own if own.is_file() or not builtin.is_file() else builtin)


def run_mkdocs(project: Path, docs: Path, site: Path) -> None:
    try:
        import jieba  # noqa: F401  (mkdocs-material segments Chinese only when it imports)
    except ImportError:
        raise BuildError("缺少 jieba（pip install jieba）：网站搜索无法对中文分词，未生成网站。") from None
    cfg = mkdocs_config(project, docs, site)
    try:
        # no --quiet: it raises mkdocs' log level to ERROR, so warnings never reach
        # the counter that --strict checks (the output is captured anyway)
        proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                               "-f", str(cfg)], cwd=project, capture_output=True, text=True,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    finally:
        cfg.unlink(missing_ok=True)
    if proc.returncode != 0:
        out = (proc.stderr or proc.stdout).strip()
        problems = [ln for ln in out.splitlines() if ln.startswith(("WARNING", "ERROR", "Aborted"))]
        raise BuildError("网站构建（mkdocs --strict）失败，content/ 和 site/ 保持不变：\n"
                         + "\n".join(problems or [out]))
