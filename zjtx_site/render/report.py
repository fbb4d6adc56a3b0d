"""The 诊断规划报告 of one company round: the page's data, then the page.

Everything shown is taken from the Assessment (scores, statuses, gaps) or
the validated Company (the due-diligence tables); nothing is recomputed
here. Personal data (``basic.contact``) is never read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import jinja2

from zjtx_site.intake.fields import lookup
from zjtx_site.intake.provenance import Revision, company_file
from zjtx_site.intake.schema import COMPANY
from zjtx_site.render.changes import data_changes, tier_columns
from zjtx_site.render.escape import Raw
from zjtx_site.render.evidence import criterion_fields
from zjtx_site.render.history import History, history_context
from zjtx_site.render.marks import STATUS_MARK
from zjtx_site.render.missing import manual_items, missing_items
from zjtx_site.render.plan import plan_context, target_lines
from zjtx_site.render.shared import SharedBlock, shared_block
from zjtx_site.render.summary import executive_summary
from zjtx_site.scoring.figures import LAST_YEAR_CELL, YEAR_RATIOS, year_ratio_name
from zjtx_site.scoring.fmt import fmt_exact, fmt_number, score1
from zjtx_site.scoring.results import Assessment, Criterion
from zjtx_site.scoring.spans import Status
from zjtx_site.version import __version__
from zjtx_site.vocabulary import DIMENSION_SECTIONS, TIER_LABELS, TIERS


def _money(v: Any) -> str:
    return "未报告" if v is None else fmt_number(Fraction(v))


def _choices(key: str, values: tuple | None) -> str:
    if values is None:
        return "未报告"
    if not values:
        return "无"
    f = lookup(COMPANY, key)
    return "、".join(f.choice_label(v) for v in values)


def _bool(v: bool | None) -> str:
    return "未报告" if v is None else ("是" if v else "否")



def financial_rows(a: Assessment) -> list[list[str]]:
    """The 3-year table (采集表 二) and, per year, the ratios derived from it
    (computed once by the metrics and carried on the Assessment)."""
    c = a.company
    rows = []
    labels = (("employees", "全职员工数量（人）"), ("rd_staff", "其中：研发人员数量（人）"),
              ("revenue", "营业收入（万元）"), ("main_revenue", "其中：主营业务收入（万元）"),
              ("net_profit", "净利润总额（万元）"), ("total_assets", "资产总额（万元）"),
              ("debt_ratio", "资产负债率（%）"), ("rd_expense", "研发费用总额（万元）"))
    for key, label in labels:
        rows.append([label] + [_money(getattr(y, key)) for y in c.financials])
    years = [y.year for y in c.financials]

    def shown(name: str, year: int) -> str:
        f = a.figure(year_ratio_name(name), year)
        return f.shown if f is not None else "—"

    for name, label, _, _ in YEAR_RATIOS:
        rows.append([label] + [shown(name, y) for y in years])
        if name == "main_share":
            rows.append(["主营业务收入增长率"] + ["—"] + [shown("main_growth", y) for y in years[1:]])
    return rows


def derived_rows(a: Assessment) -> list[list[str]]:
    return [[f.label, f.shown, f.evidence] for f in a.figures if f.year is None]


def multi_year_rows(a: Assessment) -> list[list[str]]:
    """The derived figures the three-year table does not already show (averages, sums, CAGR)."""
    return [[f.label, f.shown] for f in a.figures if f.year is None and f.name not in LAST_YEAR_CELL]


def _enum(key: str, value: str | None) -> str:
    return "未报告" if value is None else lookup(COMPANY, key).choice_label(value)


def _texts(values: tuple | None) -> str:
    return "未报告" if values is None else ("、".join(values) if values else "无")


def listing_text(c: Any) -> str:
    li = c.basic.listing
    if li.status is None:
        return "未报告"
    parts = [_enum("basic.listing.status", li.status)]
    if li.progress:
        parts.append(_enum("basic.listing.progress", li.progress))
    if li.venue:
        parts.append("拟上市地：" + _enum("basic.listing.venue", li.venue))
    if li.stock_code:
        parts.append(f"股票代码 {li.stock_code}")
    return "，".join(parts)


def financing_text(c: Any) -> str:
    f = c.financing
    parts = []
    if f.plan_amount is not None:
        parts.append(f"下一步融资需求 {_money(f.plan_amount)} 万元")
    if f.plan_methods:
        parts.append("方式：" + _choices("financing.plan_methods", f.plan_methods))
    if f.equity_raised_2y is not None:
        parts.append(f"近2年新增股权融资 {_money(f.equity_raised_2y)} 万元")
    if f.equity_raised_3y is not None:
        parts.append(f"近3年新增股权融资 {_money(f.equity_raised_3y)} 万元")
    return "；".join(parts) or "未报告"


# rows of the profile that the 评估表 (第三部分) already shows: its 其他指标 row (made here,
# by appendix_b_other) always, under these names ...
IN_OTHER_ROW = {"上市情况": "上市计划与融资", "融资情况": "上市计划与融资",
                "行业领军企业（对标）": "与行业领军企业对标", "获得的称号": "相关部门资质认定"}
# ... and an indicator's row when that indicator is scored (a plugin's own labels keep them)
SHOWN_IN_FORM: dict[str, tuple[tuple[str, str], ...]] = {      # (dimension, indicator id)
    "业务系统上云": (("refinement", "cloud_migration"),),
    "制造业与互联网融合试点示范": (("refinement", "internet_pilot"),),
    "数字化水平评测等级": (("refinement", "digital_level"),),
    "“创客中国”大赛": (("innovation", "maker"),),
    "补短板、填空白": (("chain", "fills_gap"),),
    "为知名大企业直接配套": (("chain", "supplies_leaders"),),
    "服务关键产业链重点龙头企业": (("chain", "serves_key_leader"),),
    "网络强国建设重点领域 / 战略性新兴产业": (("product", "network_power"), ("product", "strategic_emerging")),
}


def due_diligence_rows(a: Assessment) -> list[list[str]]:
    """The profile less what the 评估表 shows: each datum once in the report."""
    scored = {(d.key, i.id) for d in a.dimensions for i in d.indicators}
    return [r for r in profile_rows(a.company) if r[0] not in IN_OTHER_ROW
            and (r[0] not in SHOWN_IN_FORM or not set(SHOWN_IN_FORM[r[0]]) <= scored)]


def profile_rows(c: Any) -> list[list[str]]:
    r, i, d, ch, p, h = c.refinement, c.innovation, c.distinctiveness, c.chain, c.product, c.honors
    ri = i.rd_institutions
    inst = []
    for key in ("research_institute", "tech_center", "engineering_center", "design_center"):
        g = getattr(ri, key)
        label = lookup(COMPANY, f"innovation.rd_institutions.{key}").label
        parts = [f"{n}{getattr(g, k)}" for k, n in (("national", "国家级"), ("provincial", "省级"),
                                                      ("municipal", "市级"), ("own", "自建"))
                 if getattr(g, k)]
        if parts:
            inst.append(f"{label}（{'、'.join(parts)}）")
    if ri.academician_workstation:
        inst.append("院士专家工作站")
    if ri.postdoc_workstation:
        inst.append("博士后工作站")
    share = "；".join(f"{m.year}年 国内 {_money(m.domestic)}%、国际 {_money(m.international)}%"
                     for m in d.market_share) if d.market_share else "未报告"
    brands = "；".join(f"{b.year}年 {_money(b.count)} 个" for b in d.own_brands) if d.own_brands else "未报告"
    std = h.standards
    awards = ("无" if i.science_awards == () else "未报告" if i.science_awards is None else
              "；".join(f"{a.year}年 {'国家级' if a.level == 'national' else '省级'}（排名第{a.rank}）"
                       for a in i.science_awards))
    rank = lambda v: "未报告" if v is None else f"第 {v} 名"  # noqa: E731
    return [
        ["成立日期", c.basic.founded_on.isoformat() if c.basic.founded_on else "未报告"],
        ["上市情况", listing_text(c)],
        ["融资情况", financing_text(c)],
        ["从事特定细分市场时间", f"{fmt_number(c.specialization.niche_years)} 年"],
        ["管理体系认证", _choices("refinement.management_certs", r.management_certs)
         + (("；其他：" + "、".join(r.management_certs_other)) if r.management_certs_other else "")],
        ["核心业务信息系统", _choices("refinement.info_systems", r.info_systems)],
        ["国外权威机构产品认证", _choices("refinement.foreign_product_certs", r.foreign_product_certs)],
        ["业务系统上云", _bool(r.cloud_migration)],
        ["制造业与互联网融合试点示范", _bool(r.internet_integration_pilot)],
        ["数字化水平评测等级", "未报告" if r.digital_level is None else f"{r.digital_level} 级"],
        ["最高质量奖", _enum("refinement.quality_award", r.quality_award)],
        ["主导产品细分市场占有率", share],
        ["全国细分市场排名 / 全球市场占有率排名", f"{rank(d.domestic_rank)} / {rank(d.global_rank)}"],
        ["自有品牌", brands],
        ["研发机构", "、".join(inst) if inst else "无或未报告"],
        ["合作院校机构", _texts(i.partners)],
        ["Ⅰ类知识产权", f"{_money(i.ip.class1)} 项（自主研发 {_money(i.ip.class1_self_developed)}，"
                     f"高价值 {_money(i.ip.class1_high_value)}，已应用 {_money(i.ip.class1_applied)}）"],
        ["Ⅱ类知识产权", f"{_money(i.ip.class2)} 项"],
        ["科技奖励（近三年）", awards],
        ["“创客中国”大赛", _enum("innovation.maker_china", i.maker_china)],
        ["所属产业链", ch.name or "未报告"],
        ["补短板、填空白", _bool(ch.fills_gap)],
        ["为知名大企业直接配套", _bool(ch.supplies_leaders)],
        ["服务关键产业链重点龙头企业", _bool(ch.serves_key_leader)],
        ["主导产品", p.name or "未报告"],
        ["行业领军企业（对标）", _texts(p.industry_leaders)],
        ["中国制造十大产业领域", _choices("product.mic_fields", p.mic_fields)],
        ["工业“六基”领域", _choices("product.six_foundations", p.six_foundations)],
        ["网络强国建设重点领域 / 战略性新兴产业", f"{_bool(p.network_power)} / {_bool(p.strategic_emerging)}"],
        ["已发布标准（国际/国家/行业）", f"{_money(std.international)} / {_money(std.national)} / {_money(std.industry)}"],
        ["获得的称号", _choices("honors.titles", h.titles)
         + (("；其他：" + "、".join(h.titles_other)) if h.titles_other else "")],
        ["近2年承担国家重大科技项目 / 获国家级技术创新类项目",
         f"{_bool(h.national_major_project_2y)} / {_bool(h.national_innovation_project_2y)}"],
    ]


def indicator_verdict(points: Fraction, max_points: Fraction, status: Status) -> str:
    """An indicator is scored, not passed or failed: say how much of it is earned."""
    if status is Status.NEEDS_DATA:
        return STATUS_MARK[Status.NEEDS_DATA]
    if points >= max_points:
        return "满分"
    return "未得分" if points == 0 else "部分得分"


def criterion_rows(c: Criterion, depth: int = 0) -> list[dict[str, str]]:
    pad = "　" * depth + ("└ " if depth else "")
    gap = ""
    if c.gap is not None and c.status is not Status.MET:
        gap = "；".join(x for x in (c.gap.shortfall, c.gap.money) if x)
    rows = [{"label": pad + c.label, "status": STATUS_MARK[c.status], "value": c.value,
             "threshold": c.threshold, "gap": gap}]
    for k in c.children:
        rows += criterion_rows(k, depth + 1)
    return rows


def open_leaves(c: Criterion) -> list[Criterion]:
    """The leaf conditions still to settle under ``c``; an any-of group counts once."""
    if c.status in (Status.MET, Status.NOT_APPLICABLE):
        return []
    if not c.children:
        return [c]
    out: list[Criterion] = []
    for k in c.children:
        out += open_leaves(k)
    return out[:1] if c.threshold == "任一符合" else out


# the page ------------------------------------------------------------------------

def appendix_b_rows(a: Assessment) -> list[dict[str, str]]:
    rows = []
    for d in a.dimensions:
        # each indicator once in the report: its value and points here, its bands in 附录三
        have = [f"{i.label}：{i.value}（{fmt_number(i.points)}/{fmt_number(i.max_points)} 分）"
                for i in d.indicators if i.points >= i.max_points]
        lack = [f"{i.label}：{i.value}（{fmt_number(i.points)}/{fmt_number(i.max_points)} 分"
                + (f"；{i.gap}" if i.gap else "") + "）" for i in d.indicators if i.points < i.max_points]
        rows.append({"label": DIMENSION_SECTIONS.get(d.key, d.label), "score": f"{score1(d.score):.1f}",
                     "have": "；".join(have) or "—", "lack": "；".join(lack) or "—"})
    rows.append(appendix_b_other(a))
    return rows


def appendix_b_other(a: Assessment) -> dict[str, str]:
    """附录 B「其他指标」: compliance, the 专精特新 title, listing and financing,
    benchmarking against industry leaders, other qualifications. Not scored."""
    c = a.company
    have: list[str] = []
    lack: list[str] = []
    incident = c.compliance.no_major_incident_3y
    (have if incident else lack).append(
        "近三年未发生重大安全、质量、环境污染事故及违法违规行为：" + _bool(incident))
    titles = c.honors.titles or ()
    if any(t in titles for t in ("srdi_sme", "little_giant", "single_champion")):
        have.append("专精特新中小企业认定（有效期内）：已获得")
    else:
        try:
            now = STATUS_MARK[a.tier("srdi_sme").status]
        except KeyError:
            now = "未评价"
        lack.append(f"专精特新中小企业认定（有效期内）：尚未获得（本次评价 {now}）")
    listing = listing_text(c)
    fin = financing_text(c)
    line = f"上市计划与融资：{listing}；{fin}"
    (lack if c.basic.listing.status is None and fin == "未报告" else have).append(line)
    leaders = c.product.industry_leaders
    if leaders:
        have.append("与行业领军企业对标：" + "、".join(leaders))
    else:
        lack.append("与行业领军企业对标：未填报对标企业")
    quals = [lookup(COMPANY, "honors.titles").choice_label(t) for t in titles] + list(c.honors.titles_other or ())
    if quals:
        have.append("相关部门资质认定：" + "、".join(quals))
    else:
        lack.append("相关部门资质认定：无")
    return {"label": "其他指标", "score": "—", "have": "；".join(have) or "—", "lack": "；".join(lack) or "—"}


def pdf_path(c: Any) -> str:
    """Where the PDF of a report goes, relative to the site root (site/pdf/)."""
    return f"pdf/{c.company_id}-{c.round}.pdf"


def provenance_text(c: Any, revision: Revision | None) -> str:
    """The data file's last change: its commit when git knows it, else its digest."""
    if revision is None:
        return f"未取得版本库记录（未提交或不在 git 中），内容摘要 {c.digest[:12]}"
    return f"提交 {revision.short}（{revision.date}）“{revision.subject}”"


def without_contact(c: Any) -> Any:
    """The company as templates see it: ``basic.contact`` (personal data) emptied,
    so not even a project's own template can print it into content/."""
    contact = c.basic.contact
    if contact is None:
        return c
    empty = type(contact)(**{f.name: None for f in dataclasses.fields(contact)})
    return dataclasses.replace(c, basic=dataclasses.replace(c.basic, contact=empty))


def report_context(a: Assessment, h: History, charts: dict[str, str],
                   data_revision: str, *, revision: Revision | None = None,
                   shared: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``shared``: the include line of each of :func:`report_blocks` (the template needs
    them all to render)."""
    c = a.company
    g = a.grade
    fields = criterion_fields(a)
    tiers = []
    top = max((TIERS.index(p) for p in g.path_tiers), default=len(TIERS) - 1)
    for t in a.tiers:
        # a tier that is met (or waits on judgement only) is cited condition by condition in an
        # application; for one that is not, what stands in the way is shown in full and the
        # conditions already met are named (their figures are in 一、and the 评估表)
        settled = t.status in (Status.MET, Status.MANUAL_REVIEW)
        rows, met = [], []
        for crit in t.criteria:
            if not settled and crit.status is Status.MET:
                met.append(crit.label)
            else:
                rows += criterion_rows(crit)
        # a tier above the company's service path (§7.1) is not a goal of this plan: its
        # verdict and what it lacks are enough
        beyond = not settled and TIERS.index(t.tier) > top
        unmet = [f"{x.label}（{STATUS_MARK[x.status]}）" for x in t.criteria if x.status is not Status.MET]
        score = None
        if t.score is not None and not beyond:
            score = {
                "total": fmt_exact(t.score.total), "pass": fmt_number(t.score.pass_mark),
                "best": fmt_exact(t.score.best_total) if t.score.best_total != t.score.total else "",
                "lines": [{"group": next(gr.label for gr in t.score.groups if gr.key == ln.group),
                           "label": ln.label, "value": ln.value, "points": fmt_number(ln.points),
                           "max": fmt_number(ln.max_points), "bands": ln.bands,
                           "status": indicator_verdict(ln.points, ln.max_points, ln.status)}
                          for ln in t.score.lines],
                "groups": [{"label": gr.label, "points": fmt_exact(gr.points), "max": fmt_number(gr.max_points),
                            "min": "—" if gr.minimum is None else fmt_number(gr.minimum),
                            "ok": "—" if gr.minimum is None else (
                                "○ 达到" if gr.points >= gr.minimum else
                                "△ 待补充数据" if gr.best_points >= gr.minimum else "× 未达到")}
                           for gr in t.score.groups],
            }
        tiers.append({"id": t.tier, "label": t.label, "status": STATUS_MARK[t.status], "ruleset": t.ruleset,
                      "reason": t.ruleset_reason,
                      "route": {"score": "评分路线", "direct": "直通条件"}.get(t.route or "", ""),
                      "rows": [] if beyond else rows, "met": met, "score": score,
                      "beyond": unmet if beyond else [],
                      "open": sum(len(open_leaves(x)) for x in t.criteria)})
    covered = {(g.tier, g.criterion) for p in a.plan for g in p.gaps}
    other_gaps = [{"tier": TIER_LABELS[x.tier], "label": x.label, "value": x.value, "threshold": x.threshold,
                   "status": STATUS_MARK[x.status]}
                  for x in a.gaps if (x.tier, x.criterion) not in covered]
    # only rounds before this one: a published round's page never changes when new data lands
    earlier = []
    for r in h.rounds:
        if r.company.round == c.round:
            break
        earlier.append(r.company.round)
    missing = missing_items(a)
    path = [{"label": TIER_LABELS[t], "status": STATUS_MARK[a.tier(t).status]}
            for t in g.path_tiers if any(x.tier == t for x in a.tiers)]
    return {
        "c": without_contact(c),
        "name": c.basic.name,
        "company_id": c.company_id,
        "round": c.round,
        "assessed_on": c.assessed_on.isoformat(),
        "address": c.basic.address or "未报告",
        "credit_code": c.basic.credit_code or "未报告",
        "grade": g,
        "revenue": fmt_number(g.revenue),
        "path": path,
        "next_tier": TIER_LABELS[a.next_tier] if a.next_tier else "已符合全部梯度",
        "target": target_lines(a),
        "tier_glance": [{"label": t.label, "status": STATUS_MARK[t.status], "ruleset": t.ruleset,
                         "reason": t.ruleset_reason} for t in a.tiers],
        "ruleset_basis": ruleset_basis(a),
        "rulesets": ", ".join(a.rulesets),
        "version": __version__,
        "digest": c.digest[:12],
        "data_revision": data_revision,
        "summary": executive_summary(a),
        "pdf_link": Raw(f'<p class="zjtx-pdf-link" data-search-exclude><a href="../../{pdf_path(c)}">'
                        '下载 PDF 版（A4，可打印）</a></p>'),
        "source": company_file(c.company_id, c.round),
        "provenance": provenance_text(c, revision),
        "changes": data_changes(a, h.previous, fields) if h.previous is not None else [],
        "tier_columns": tier_columns(),
        "years": [y.year for y in c.financials],
        "financials": financial_rows(a),
        "derived": derived_rows(a),
        "multi_year": multi_year_rows(a),
        "profile": due_diligence_rows(a),
        "dimensions": [{"label": d.label, "score": f"{score1(d.score):.1f}", "plugin": d.plugin,
                        "complete": d.complete,
                        "earned": fmt_number(sum((i.points for i in d.indicators), Fraction(0))),
                        "max": fmt_number(sum((i.max_points for i in d.indicators), Fraction(0))),
                        "indicators": [{"label": i.label, "value": i.value, "target": i.target,
                                        "points": fmt_number(i.points), "max": fmt_number(i.max_points),
                                        "status": indicator_verdict(i.points, i.max_points, i.status),
                                        "source": i.source}
                                       for i in d.indicators]} for d in a.dimensions],
        "incomplete": [d.label for d in a.dimensions if not d.complete],
        "appendix_b": appendix_b_rows(a),
        "tiers": tiers,
        "plan": plan_context(a),
        "other_gaps": other_gaps,
        "history": history_context(a, h),
        "missing": missing,
        "manual": manual_items(a),
        "interpretations": a.interpretations,
        "shared": {k: Raw(v) for k, v in (shared or {}).items()},
        "charts": {k: Raw(v) for k, v in charts.items()},
        "earlier": [Raw(f"[{r}]({r}.md)") for r in earlier],
        "failures": a.failures,
        "tier_order": TIERS,
    }


def ruleset_basis(a: Assessment) -> dict[str, Any]:
    """Why each tier's rule set applies: the choice by date every tier shares, said once
    (``common``), and what a tier adds to it (a rule set that keeps an older one's tier)."""
    parts = [t.ruleset_reason.split("；", 1) for t in a.tiers]
    common = parts[0][0] if parts and all(p[0] == parts[0][0] for p in parts) else ""
    return {"common": common,
            "rows": [{"label": t.label, "ruleset": t.ruleset,
                      "reason": (p[1] if len(p) > 1 else "—") if common else t.ruleset_reason}
                     for t, p in zip(a.tiers, parts)]}


def report_blocks(env: jinja2.Environment, a: Assessment,
                  made: dict[tuple[str, str], SharedBlock] | None = None) -> dict[str, SharedBlock]:
    """The parts of a report that do not depend on the company's data, only on the rules
    and evaluators that scored it: kept once in content/_shared/ for all reports alike.

    ``made``: the blocks already rendered in this build, by their template and inputs, so
    a build renders each distinct block once, not once per report."""
    made = {} if made is None else made

    def block(kind: str, template: str, **inputs: Any) -> SharedBlock:
        key = (template, repr(inputs))
        if key not in made:
            made[key] = shared_block(kind, env.get_template(template).render(**inputs))
        return made[key]

    titles = dict(a.ruleset_titles)
    dims = [{"label": d.label, "indicators": [{"label": i.label, "max": fmt_number(i.max_points),
                                                "target": i.target} for i in d.indicators]}
            for d in a.dimensions]
    scored = []
    for t in a.tiers:
        if t.score is None:
            continue
        groups = {gr.key: gr.label for gr in t.score.groups}
        scored.append({"label": t.label, "ruleset": f"《{titles.get(t.ruleset, t.ruleset)}》",
                       "lines": [{"group": groups[ln.group], "label": ln.label,
                                  "max": fmt_number(ln.max_points), "bands": ln.bands} for ln in t.score.lines]})
    return {
        "fields": block("fields", "_report_fields.md.j2", derived=[(r[0], r[2]) for r in derived_rows(a)]),
        "rules": block("rules", "_report_rules.md.j2", interpretations=a.interpretations),
        "bands": block("bands", "_report_bands.md.j2", dimensions=dims, tiers=scored),
        # notes whose words never change: the legend of the plan, the lead of two tables,
        # the follow-up of a first round
        **{k: block(k, f"_report_note_{k}.md.j2") for k in ("legend", "gaps", "manual", "first")},
    }
