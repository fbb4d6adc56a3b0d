"""Every page of the site, as values: reports, company pages, portfolios, home, methodology.

This is render's one entry point for the website stage. It receives the
assessments and the plugin host (through the engine) and returns
:class:`~zjtx_site.render.pages.Page` and :class:`~zjtx_site.render.pages.Chart`
values; it writes no file.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from pathlib import Path
from typing import Any, Mapping

import jinja2

from zjtx_site.intake.fields import lookup
from zjtx_site.intake.layout import round_sort_key
from zjtx_site.intake.provenance import Revision, company_file
from zjtx_site.intake.schema import COMPANY
from zjtx_site.render import paging
from zjtx_site.render.changes import movers
from zjtx_site.render.environment import (
    builtin_template_names,
    environment,
    template_digest,
)
from zjtx_site.render.escape import Raw, md
from zjtx_site.render.history import History
from zjtx_site.render.marks import STATUS_MARK
from zjtx_site.render.pages import Chart, Output, Page, digest
from zjtx_site.render.portfolio import (
    INCOMPLETE,
    level_of,
    methodology_context,
    portfolio_context,
)
from zjtx_site.render.report import pdf_path, report_blocks, report_context
from zjtx_site.render.shared import SHARED_DIR, SharedBlock
from zjtx_site.render.tables import page_bytes
from zjtx_site.scoring.engine import Engine, methodology
from zjtx_site.scoring.fmt import score1
from zjtx_site.scoring.results import Assessment
from zjtx_site.version import __version__, code_digest
from zjtx_site.vocabulary import TIERS, next_tier_label

ASSETS = Path(__file__).resolve().parent / "assets"


def data_revision(companies: list[Any]) -> str:
    """A revision of the data itself (not of git), so content stays stable."""
    # ids, not paths: the same data gives the same revision wherever the build runs
    return digest(*sorted(f"{c.company_id}/{c.round}:{c.digest}" for c in companies))[:12]


def reuse_bases(env: jinja2.Environment, engine: Engine) -> tuple[str, str]:
    """The parts of every reuse key that are not the page's own data: (pages, charts).

    A chart's bytes are a function of its arguments and the drawing code; a page's
    also of the templates, the rule sets and the plugins (name, version, source
    digest, allow-list), which decide every figure it shows."""
    chart_base = digest(__version__, code_digest(), _version("matplotlib"))
    base = digest(chart_base, template_digest(env, builtin_template_names()), engine.digest(), _version("jinja2"))
    return base, chart_base


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def chart(path: str, chart_base: str, kind: str, args: tuple[Any, ...]) -> Chart:
    """A chart keyed by its own arguments: it is drawn again exactly when they change."""
    return Chart(path=path, key=digest(chart_base, kind, repr(args)), kind=kind, args=args)


def complete_enough(a: Assessment) -> bool:
    """Whether the full report can be written: a grade and every tier (a failed dimension or
    plan maker still leaves a report, marked 评分不完整)."""
    return a.grade is not None and len(a.tiers) == len(TIERS)


def render_site(project: Path, engine: Engine, assessments: list[Assessment],
                revisions: Mapping[str, Revision] | None = None) -> list[Output]:
    """``revisions``: each company file's last commit (by its path in the project), for the footers."""
    revisions = revisions or {}
    env = environment(project)
    base, chart_base = reuse_bases(env, engine)
    by_company: dict[str, list[Assessment]] = {}
    for a in assessments:
        by_company.setdefault(a.company.company_id, []).append(a)
    out: list[Output] = []
    shared: set[str] = set()
    blocks: dict[tuple[str, str], SharedBlock] = {}
    for cid in sorted(by_company):
        by_company[cid] = sorted(by_company[cid], key=lambda a: round_sort_key(a.company.round))
        for o in company_pages(env, engine, base, chart_base, by_company[cid], revisions, blocks):
            if o.path.startswith(SHARED_DIR + "/"):
                if o.path in shared:
                    continue        # named by its text: the same file
                shared.add(o.path)
            out.append(o)
    revision = data_revision([a.company for a in assessments])
    # our own identifiers, printed as they are
    footer = {"version": Raw(__version__), "rulesets": Raw(", ".join(sorted(engine.rulesets))),
              "data_revision": Raw(revision)}
    # the overview pages show which rows are incomplete and why
    failed = digest(*(f for a in assessments for f in a.failures))
    out += overview_pages(env, digest(base, failed), by_company, assessments, footer)
    out += site_assets()
    out.append(methodology_page(env, engine, base, footer))
    return out


def company_pages(env: jinja2.Environment, engine: Engine, base: str, chart_base: str,
                  rounds: list[Assessment], revisions: Mapping[str, Revision] | None = None,
                  blocks_made: dict[tuple[str, str], SharedBlock] | None = None) -> list[Output]:
    """One report per round (with its charts) and the company's index page."""
    out: list[Output] = []
    cid = rounds[0].company.company_id
    chain = ""
    for idx, a in enumerate(rounds):
        c = a.company
        # a round's page depends on its earlier rounds (and on what failed in them)
        chain = digest(chain, c.digest, *a.failures)
        revision = (revisions or {}).get(company_file(cid, c.round))
        # this round and its earlier ones, never later ones; and where the file comes from
        key = digest(base, chain, repr(revision))
        prefix = f"companies/{cid}/{c.round}"
        dims = a.dimensions
        out.append(chart(f"{prefix}-radar.svg", chart_base, "radar", ([d.label for d in dims], [d.score for d in dims])))
        out.append(chart(f"{prefix}-trend.svg", chart_base, "trend", ([y.year for y in c.financials], {
            "营业收入": [y.revenue for y in c.financials],
            "主营业务收入": [y.main_revenue for y in c.financials],
            "研发费用": [y.rd_expense for y in c.financials],
            "净利润": [y.net_profit for y in c.financials]})))
        chart_md = {"radar": f"![六维诊断雷达图]({c.round}-radar.svg)",
                    "trend": f"![近三年经营趋势]({c.round}-trend.svg)", "rounds": ""}
        if idx > 0:
            upto = rounds[: idx + 1]
            # keyed by dimension: a dimension that failed in some round is left out, never shifted
            shared = [d for d in a.dimensions if all(_has(r, d.key) for r in upto)]
            out.append(chart(f"{prefix}-rounds.svg", chart_base, "rounds", (
                [r.company.round for r in upto], {d.label: [r.dimension(d.key).score for r in upto] for d in shared})))
            chart_md["rounds"] = f"![各轮六维得分]({c.round}-rounds.svg)"
        if not complete_enough(a):
            out.append(Page(path=f"{prefix}.md", key=key, make=functools.partial(incomplete_page, env, a, chart_md)))
            continue
        previous = rounds[idx - 1] if idx and complete_enough(rounds[idx - 1]) else None
        hist = History(previous=previous, rounds=tuple(rounds[: idx + 1]))

        blocks = report_blocks(env, a, blocks_made)
        for b in blocks.values():
            # the same text, the same name: one file however many reports include it
            out.append(Page(path=b.path, key=digest(base, "shared", b.text), make=functools.partial(page_bytes, b.text)))
        includes = {k: b.include for k, b in blocks.items()}

        def report(a: Assessment = a, hist: History = hist, chart_md: dict[str, str] = chart_md,
                   revision: Revision | None = revision, includes: dict[str, str] = includes) -> bytes:
            ctx = report_context(a, hist, chart_md, a.company.digest[:12], revision=revision, shared=includes)
            return page_bytes(env.get_template("report.md.j2").render(**ctx))

        out.append(Page(path=f"{prefix}.md", key=key, make=report, meta=(
            ("kind", "report"), ("company_id", cid), ("name", c.basic.name), ("round", c.round),
            ("assessed_on", c.assessed_on.isoformat()), ("pdf", pdf_path(c)))))

    def index() -> bytes:
        return page_bytes(env.get_template("company.md.j2").render(
            name=rounds[-1].company.basic.name, profile=company_profile(rounds[-1].company),
            footer={"version": Raw(__version__),
                    "rulesets": Raw(", ".join(sorted({t for r in rounds for t in r.rulesets}))),
                    "data_revision": Raw(digest(*(r.company.digest for r in rounds))[:12])},
            rounds=[{"round": r.company.round, "assessed_on": r.company.assessed_on.isoformat(),
                     "level": level_of(r), "next": _next_label(r),
                     "link": Raw(f"[诊断规划报告]({r.company.round}.md)")} for r in reversed(rounds)]
        ))

    out.append(Page(path=f"companies/{cid}/index.md", key=digest(base, chain, "company"), make=index))
    return out


def _has(a: Assessment, key: str) -> bool:
    return any(d.key == key for d in a.dimensions)


def company_profile(c: Any) -> list[tuple[str, str]]:
    """What a company is looked up by besides its name (its page is its search entry)."""
    mic = lookup(COMPANY, "product.mic_fields")
    return [("主导产品", c.product.name or "未报告"), ("所属产业链", c.chain.name or "未报告"),
            ("中国制造十大产业领域", "、".join(mic.choice_label(f) for f in c.product.mic_fields or ()) or "—")]


def _next_label(a: Assessment) -> str:
    return next_tier_label(a.next_tier) if a.complete else INCOMPLETE


def incomplete_page(env: jinja2.Environment, a: Assessment, chart_md: dict[str, str]) -> bytes:
    """The page of a round whose grade or tiers failed: what failed and what is known, no report."""
    c = a.company
    return page_bytes(env.get_template("incomplete.md.j2").render(
        name=c.basic.name, round=c.round, failures=a.failures, level=level_of(a),
        dimensions=[{"label": d.label, "score": f"{score1(d.score):.1f}"} for d in a.dimensions],
        tiers=[{"label": t.label, "status": STATUS_MARK[t.status]} for t in a.tiers],
        charts={k: Raw(v) for k, v in chart_md.items()},
        footer={"version": Raw(__version__), "rulesets": Raw(", ".join(a.rulesets) or "—"),
                "data_revision": Raw(c.digest[:12])}))


def overview_pages(env: jinja2.Environment, base: str, by_company: dict[str, list[Assessment]],
                   assessments: list[Assessment], footer: dict[str, Any]) -> list[Output]:
    """Home, portfolio (latest round of each company) and one portfolio per round."""
    out: list[Output] = []
    latest = [by_company[cid][-1] for cid in sorted(by_company)]
    all_key = digest(base, *footer.values())
    round_ids = sorted({a.company.round for a in assessments}, key=round_sort_key)
    round_links = [Raw(f"[{r}](rounds/{r}.md)") for r in round_ids]

    def portfolio(page: str, subset: list[Assessment], title: str, prefix: str, chart: str,
                  links: list[Any], moved: list[dict[str, Any]] | None = None) -> None:
        levels = portfolio_context(subset, {})["levels"]
        # a Chart, drawn with the others at the end: matplotlib is imported only if one is drawn
        out.append(Chart(path=f"assets/{chart}", key=digest(base, chart, *(str(x["count"]) for x in levels)),
                         kind="bars", args=([x["level"] for x in levels], [x["count"] for x in levels])))
        def render() -> bytes:
            ctx = portfolio_context(subset, {"levels": f"![L1–L5 分布]({prefix}assets/{chart})"}, base=prefix,
                                    title=title, rounds=links, footer=footer)
            ctx["movers"] = moved
            if paging.is_paged(len(ctx["table"])):
                ctx["paging"] = {"script": Raw(prefix + script), "key": Raw(script), "total": len(ctx["table"]),
                                 "size": paging.PAGE_SIZE}
                ctx["table"] = ctx["table"][: paging.PAGE_SIZE]
                # the closest ones: these lists grow with the portfolio
                ctx["near_total"], ctx["judged_total"] = len(ctx["near"]), len(ctx["judged"])
                ctx["near"] = ctx["near"][: paging.NEAR_SHOWN]
                ctx["judged"] = ctx["judged"][: paging.NEAR_SHOWN]
            else:
                ctx["paging"] = None
                ctx["near_total"], ctx["judged_total"] = len(ctx["near"]), len(ctx["judged"])
            return page_bytes(env.get_template("portfolio.md.j2").render(**ctx))

        script = paging.rows_script_path(page)
        out.append(Page(path=page, key=all_key + page, make=render))
        if paging.is_paged(len(subset)):
            out.append(Page(path=script, key=all_key + script, make=lambda: paging.rows_script(
                script, portfolio_context(subset, {}, base=prefix)["table"])))

    portfolio("portfolio.md", latest, "企业总览", "", "levels.svg", round_links)
    for r in round_ids:
        subset = [a for cid in sorted(by_company) for a in by_company[cid] if a.company.round == r]
        moved = [dict(m, link=Raw(f"[{md(m['name'])}](../companies/{m['cid']}/{r}.md)"))
                 for m in movers(by_company, r)]
        portfolio(f"rounds/{r}.md", subset, f"{r} 轮企业总览", "../", f"levels-{r}.svg", [], moved)
    out.append(Page(path="index.md", key=all_key + "index", make=lambda: page_bytes(env.get_template("index.md.j2").render(
        companies=[{"link": Raw(f"[{md(a.company.basic.name)}](companies/{a.company.company_id}/index.md)"),
                    "round": a.company.round, "level": level_of(a), "next": _next_label(a),
                    "rounds": [Raw(f"[{r.company.round}](companies/{r.company.company_id}/{r.company.round}.md)")
                               for r in by_company[a.company.company_id]]} for a in latest],
        # a long list belongs to the paged portfolio, not to the first page a reader opens
        paged=paging.is_paged(len(latest)),
        rounds=len(assessments), round_links=round_links, data_revision=footer["data_revision"],
        version=__version__, rulesets=footer["rulesets"], footer=footer))))
    return out


def site_assets() -> list[Output]:
    """Static files the site needs offline (scripts, styles, the search shim),
    shipped in render/assets/ and copied to content/assets/."""
    out: list[Output] = []
    for path in sorted(p for p in ASSETS.rglob("*") if p.is_file() and p.name != "README.md"):
        data = path.read_bytes()
        out.append(Page(path=f"assets/{path.relative_to(ASSETS).as_posix()}",
                        key=hashlib.sha256(data).hexdigest(), make=functools.partial(bytes, data)))
    return out


def methodology_page(env: jinja2.Environment, engine: Engine, base: str, footer: dict[str, Any]) -> Page:
    return Page(path="methodology.md", key=digest(base, footer["rulesets"], "methodology"),
                make=lambda: page_bytes(env.get_template("methodology.md.j2").render(
                    footer=dict(footer, data_revision=Raw("—")), **methodology_context(
                        methodology(engine))
                )))
