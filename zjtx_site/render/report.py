"""The 诊断规划报告 of one company round: the page's data, then the page.

Everything shown is taken from the Assessment (scores, statuses, gaps) or
the validated Company (the due-diligence tables); nothing is recomputed
here. Personal data (``basic.contact``) is never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .. import __version__
from ..fields import lookup
from ..fmt import fmt_number, score1
from ..metrics import MetricContext
from ..results import Assessment, Criterion
from ..ruleset import TIER_LABELS, TIERS
from ..schema import COMPANY
from ..spans import Status
from .escape import Raw

# Marks from the CJK font itself (no emoji font is needed to read the site)
STATUS_MARK = {
    Status.MET: "○ 符合", Status.UNMET: "× 不符合", Status.NEEDS_DATA: "△ 待补充数据",
    Status.MANUAL_REVIEW: "◇ 待人工判断", Status.NOT_APPLICABLE: "— 不适用",
}
DIMENSION_APPENDIX_B = {
    "specialization": "专业化指标", "refinement": "精细化指标", "distinctiveness": "特色化指标",
    "innovation": "创新能力指标", "chain": "产业链配套指标", "product": "主导产品所属领域指标",
}


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


@dataclass(frozen=True)
class History:
    previous: Assessment | None
    rounds: tuple[Assessment, ...]     # the company's rounds up to this one, oldest first


def financial_rows(c: Any, ctx: MetricContext) -> list[list[str]]:
    rows = []
    labels = (("employees", "全职员工数量（人）"), ("rd_staff", "其中：研发人员数量（人）"),
              ("revenue", "营业收入（万元）"), ("main_revenue", "其中：主营业务收入（万元）"),
              ("net_profit", "净利润总额（万元）"), ("total_assets", "资产总额（万元）"),
              ("debt_ratio", "资产负债率（%）"), ("rd_expense", "研发费用总额（万元）"))
    for key, label in labels:
        rows.append([label] + [_money(getattr(y, key)) for y in c.financials])
    ratio = []
    for y in c.financials:
        ratio.append("未报告" if y.rd_expense is None or not y.revenue
                     else fmt_number(Fraction(y.rd_expense) / Fraction(y.revenue) * 100) + "%")
    rows.append(["研发费用占比"] + ratio)
    return rows


def derived_rows(ctx: MetricContext) -> list[list[str]]:
    from ..fmt import fmt_span

    out = []
    for name in ("main_share", "main_growth", "main_growth_avg2", "revenue_cagr", "rd_ratio_y3",
                 "rd_staff_share", "net_margin", "debt_ratio"):
        m = ctx.registry[name]
        out.append([m.label, fmt_span(m, ctx.get(name)), m.evidence])
    return out


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
    return [
        ["从事特定细分市场时间", f"{fmt_number(c.specialization.niche_years)} 年"],
        ["管理体系认证", _choices("refinement.management_certs", r.management_certs)
         + (("；其他：" + "、".join(r.management_certs_other)) if r.management_certs_other else "")],
        ["核心业务信息系统", _choices("refinement.info_systems", r.info_systems)],
        ["国外权威机构产品认证", _choices("refinement.foreign_product_certs", r.foreign_product_certs)],
        ["业务系统上云", _bool(r.cloud_migration)],
        ["制造业与互联网融合试点示范", _bool(r.internet_integration_pilot)],
        ["数字化水平评测等级", "未报告" if r.digital_level is None else f"{r.digital_level} 级"],
        ["最高质量奖", "未报告" if r.quality_award is None
         else lookup(COMPANY, "refinement.quality_award").choice_label(r.quality_award)],
        ["主导产品细分市场占有率", share],
        ["自有品牌", brands],
        ["研发机构", "、".join(inst) if inst else "无或未报告"],
        ["合作院校机构", "、".join(i.partners) if i.partners else ("无" if i.partners == () else "未报告")],
        ["Ⅰ类知识产权", f"{_money(i.ip.class1)} 项（自主研发 {_money(i.ip.class1_self_developed)}，"
                     f"高价值 {_money(i.ip.class1_high_value)}，已应用 {_money(i.ip.class1_applied)}）"],
        ["Ⅱ类知识产权", f"{_money(i.ip.class2)} 项"],
        ["科技奖励（近三年）", awards],
        ["“创客中国”大赛", "未报告" if i.maker_china is None
         else lookup(COMPANY, "innovation.maker_china").choice_label(i.maker_china)],
        ["所属产业链", ch.name or "未报告"],
        ["补短板、填空白", _bool(ch.fills_gap)],
        ["为知名大企业直接配套", _bool(ch.supplies_leaders)],
        ["主导产品", p.name or "未报告"],
        ["中国制造十大产业领域", _choices("product.mic_fields", p.mic_fields)],
        ["工业“六基”领域", _choices("product.six_foundations", p.six_foundations)],
        ["已发布标准（国际/国家/行业）", f"{_money(std.international)} / {_money(std.national)} / {_money(std.industry)}"],
        ["获得的称号", _choices("honors.titles", h.titles)],
    ]


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


def missing_items(a: Assessment) -> list[dict[str, str]]:
    """Data to supply, from every needs_data leaf and indicator, deduplicated."""
    seen: dict[str, dict[str, str]] = {}

    def walk(c: Criterion, tier_label: str) -> None:
        if c.status is not Status.NEEDS_DATA:
            return
        if c.children:
            for k in c.children:
                walk(k, tier_label)
            return
        if c.id == "prerequisite":
            return
        seen.setdefault(c.label, {"what": c.label, "where": tier_label})
    for t in a.tiers:
        for c in t.criteria:
            walk(c, TIER_LABELS[t.tier])
    for d in a.dimensions:
        for i in d.indicators:
            if i.status is Status.NEEDS_DATA:
                seen.setdefault(i.label, {"what": f"{i.label}（{i.evidence}）", "where": f"六维诊断：{d.label}"})
    return list(seen.values())


def history_context(a: Assessment, h: History) -> dict[str, Any] | None:
    prev = h.previous
    if prev is None:
        return None
    dims = []
    for d in a.dimensions:
        try:
            p = prev.dimension(d.key)
        except KeyError:
            continue
        delta = score1(d.score) - score1(p.score)
        dims.append({"label": d.label, "before": f"{score1(p.score):.1f}", "now": f"{score1(d.score):.1f}",
                     "delta": f"{delta:+.1f}"})
    tiers = []
    for t in a.tiers:
        try:
            p = prev.tier(t.tier)
        except KeyError:
            continue
        tiers.append({"label": t.label, "before": p.status.label, "now": t.status.label,
                      "changed": "有变化" if p.status is not t.status else ""})
    now_gaps = {(g.tier, g.criterion) for g in a.gaps}
    closed = [g for g in prev.gaps if (g.tier, g.criterion) not in now_gaps]
    still = [g for g in prev.gaps if (g.tier, g.criterion) in now_gaps]
    now_items = {p.item for p in a.plan}
    return {
        "round": prev.company.round,
        "link": Raw(f"[{prev.company.round} 轮报告]({prev.company.round}.md)"),
        "dimensions": dims,
        "tiers": tiers,
        "closed": [{"tier": TIER_LABELS[g.tier], "label": g.label, "value": g.value} for g in closed],
        "still": [{"tier": TIER_LABELS[g.tier], "label": g.label, "value": g.value} for g in still],
        "plan_done": [p.item_label for p in prev.plan if p.item not in now_items],
        "plan_open": [p.item_label for p in prev.plan if p.item in now_items],
    }


def report_context(a: Assessment, ctx: MetricContext, h: History, charts: dict[str, str],
                   data_revision: str) -> dict[str, Any]:
    c = a.company
    g = a.grade
    tiers = []
    for t in a.tiers:
        rows = []
        for crit in t.criteria:
            rows += criterion_rows(crit)
        score = None
        if t.score is not None:
            score = {
                "total": fmt_number(t.score.total), "pass": fmt_number(t.score.pass_mark),
                "best": fmt_number(t.score.best_total) if t.score.best_total != t.score.total else "",
                "lines": [{"group": next(gr.label for gr in t.score.groups if gr.key == ln.group),
                           "label": ln.label, "value": ln.value, "points": fmt_number(ln.points),
                           "max": fmt_number(ln.max_points), "bands": ln.bands,
                           "status": STATUS_MARK[ln.status]} for ln in t.score.lines],
                "groups": [{"label": gr.label, "points": fmt_number(gr.points), "max": fmt_number(gr.max_points),
                            "min": "—" if gr.minimum is None else fmt_number(gr.minimum),
                            "ok": "—" if gr.minimum is None else ("○" if gr.points >= gr.minimum else "×")}
                           for gr in t.score.groups],
            }
        tiers.append({"id": t.tier, "label": t.label, "status": STATUS_MARK[t.status], "ruleset": t.ruleset,
                      "reason": t.ruleset_reason,
                      "route": {"score": "评分路线", "direct": "直通条件"}.get(t.route or "", ""),
                      "rows": rows, "score": score})
    appendix_b = []
    for d in a.dimensions:
        have = [f"{i.label}：{i.value}" for i in d.indicators if i.points == i.max_points]
        lack = [f"{i.label}：{i.value}" + (f"（{i.gap}）" if i.gap else "")
                for i in d.indicators if i.points < i.max_points]
        appendix_b.append({"label": DIMENSION_APPENDIX_B.get(d.key, d.label), "score": f"{score1(d.score):.1f}",
                           "have": "；".join(have) or "—", "lack": "；".join(lack) or "—"})
    plan = []
    for p in a.plan:
        plan.append({"order": p.order, "area": p.area_label, "item": p.item_label, "advice": p.advice,
                     "gaps": [{"tier": TIER_LABELS[x.tier], "label": x.label, "value": x.value,
                               "threshold": x.threshold, "status": STATUS_MARK[x.status],
                               "shortfall": "；".join(y for y in (x.shortfall, x.money) if y)} for x in p.gaps]})
    other_gaps = [{"tier": TIER_LABELS[x.tier], "label": x.label, "value": x.value, "threshold": x.threshold,
                   "status": STATUS_MARK[x.status]}
                  for x in a.gaps if not any(x in p.gaps for p in a.plan)]
    # only rounds before this one: a published round's page never changes when new data lands
    earlier = []
    for r in h.rounds:
        if r.company.round == c.round:
            break
        earlier.append(r.company.round)
    return {
        "c": c,
        "name": c.basic.name,
        "company_id": c.company_id,
        "round": c.round,
        "assessed_on": c.assessed_on.isoformat(),
        "address": c.basic.address or "未报告",
        "credit_code": c.basic.credit_code or "未报告",
        "grade": g,
        "revenue": fmt_number(g.revenue),
        "next_tier": TIER_LABELS[a.next_tier] if a.next_tier else "已符合全部梯度",
        "tier_glance": [{"label": t.label, "status": STATUS_MARK[t.status], "ruleset": t.ruleset} for t in a.tiers],
        "rulesets": ", ".join(a.rulesets),
        "version": __version__,
        "digest": c.digest[:12],
        "data_revision": data_revision,
        "years": [y.year for y in c.financials],
        "financials": financial_rows(c, ctx),
        "derived": derived_rows(ctx),
        "profile": profile_rows(c),
        "dimensions": [{"label": d.label, "score": f"{score1(d.score):.1f}", "plugin": d.plugin,
                        "complete": d.complete,
                        "indicators": [{"label": i.label, "value": i.value, "target": i.target,
                                        "points": fmt_number(i.points), "max": fmt_number(i.max_points),
                                        "status": STATUS_MARK[i.status], "source": i.source}
                                       for i in d.indicators]} for d in a.dimensions],
        "appendix_b": appendix_b,
        "tiers": tiers,
        "plan": plan,
        "other_gaps": other_gaps,
        "history": history_context(a, h),
        "missing": missing_items(a),
        "interpretations": a.interpretations,
        "charts": {k: Raw(v) for k, v in charts.items()},
        "earlier": [Raw(f"[{r}]({r}.md)") for r in earlier],
        "failures": a.failures,
        "tier_order": TIERS,
    }
