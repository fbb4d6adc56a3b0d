"""§四 of the report: the plan as a table a manager can delegate from.

The 最小达标组合 box comes first (the cheapest items that together meet the
target tier, and the earliest year to apply), then every item: the measure,
current → target, the shortfall in the rule's own unit, its money, priority,
due month and suggested owner. Everything is taken from the Assessment.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from zjtx_site.scoring.fmt import fmt_number
from zjtx_site.scoring.metrics import INSTITUTION_LEVEL_NAMES
from zjtx_site.scoring.results import Assessment, PlanItem, PlanTarget
from zjtx_site.vocabulary import TIER_LABELS

PRIORITY = {"high": "高", "medium": "中", "low": "低"}
KIND = {"data": "补报数据", "evidence": "准备材料", "qualify": "取得资质", "improve": "提升",
        "not_recoverable": "已成定局"}


def _value(x: Fraction | None, unit: str, rank_target: bool = False) -> str:
    if x is None:
        return "未报告"
    if unit == "名":
        return f"前 {fmt_number(x)} 名" if rank_target else f"第 {fmt_number(x)} 名"
    if unit == "级":
        return INSTITUTION_LEVEL_NAMES.get(int(x), fmt_number(x))
    return f"{fmt_number(x)}{unit}"


def change_text(p: PlanItem) -> str:
    """现值 → 目标值."""
    if p.kind == "evidence" or (p.metric and p.target is None and p.current is None and not p.unit):
        return "—" if p.kind == "evidence" else "否 → 是"
    if p.target is None:
        return "—"
    op = "≤" if p.current is not None and p.target < p.current and p.unit != "名" else ""
    if p.kind == "data":
        return f"未报告 → {'≤' if p.metric == 'debt_ratio' else '≥'}{_value(p.target, p.unit, True)}"
    return f"{_value(p.current, p.unit)} → {op}{_value(p.target, p.unit, True)}"


def shortfall_text(p: PlanItem) -> str:
    parts = []
    if p.shortfall is not None:
        if p.unit == "名":
            parts.append(f"需前进 {fmt_number(p.shortfall)} 名")
        else:
            up = p.target is None or p.current is None or p.target >= p.current
            unit = "个百分点" if p.unit == "%" else p.unit
            parts.append(f"{'+' if up else '-'}{fmt_number(p.shortfall)} {unit}".strip())
    if p.points:
        parts.append(f"+{fmt_number(p.points)} 分")
    return "，".join(parts) or "—"


def money_text(p: PlanItem) -> str:
    if p.money_wan is not None:
        return f"约 {fmt_number(p.money_wan, 1)} 万元"
    if p.estimate_wan:
        return f"估算约 {fmt_number(p.estimate_wan, 1)} 万元"
    return "—"


def due_text(p: PlanItem) -> str:
    if p.kind == "not_recoverable" and p.apply_from:
        return f"{p.apply_from} 年起不再计入" if p.data_year else f"{p.apply_from} 年起满足"
    return p.due


def _rows(items: list[PlanItem], by_alt: dict[str, list[str]]) -> list[dict[str, str]]:
    rows = []
    for p in items:
        others = [x for x in by_alt.get(p.alternatives or "", []) if x != p.id]
        note = f"（与 {'、'.join(others)} 任选其一即可）" if others else ""
        rows.append({"id": p.id, "mark": "★" if p.minimal else "", "kind": KIND[p.kind],
                     "measure": f"{p.area_label} · {p.item}：{p.action}{note}",
                     "change": change_text(p), "shortfall": shortfall_text(p), "money": money_text(p),
                     "priority": PRIORITY[p.priority], "due": due_text(p), "owner": p.owner})
    return rows


def _box(t: PlanTarget, items: dict[str, PlanItem], step: str) -> dict[str, Any]:
    chosen = [items[i] for i in t.minimal_set]
    money = sum((p.money_wan for p in chosen if p.money_wan is not None), Fraction(0))
    estimate = sum((p.estimate_wan for p in chosen if p.money_wan is None and p.estimate_wan), Fraction(0))
    label = TIER_LABELS[t.tier]
    if t.apply_in is None:
        head = f"{step}{label}：三年内按现有措施无法达到"
    else:
        head = f"{step}{label}：最早 {t.apply_in} 年申报（适用 {t.ruleset}）"
    cost = []
    if money:
        cost.append(f"折合约 {fmt_number(money, 1)} 万元")
    if estimate:
        cost.append(f"另估算投入约 {fmt_number(estimate, 1)} 万元")
    judgement = chosen and all(p.kind in ("data", "evidence") for p in chosen)
    return {"head": head, "reason": t.reason,
            "items": [_box_line(p) for p in chosen],
            "count": len(chosen), "cost": "，".join(cost) or "无需额外投入",
            "judgement": bool(judgement) and any(p.kind == "evidence" for p in chosen)}


def _box_line(p: PlanItem) -> str:
    what = {"data": "补报", "evidence": "准备材料："}.get(p.kind, "")
    if p.kind == "evidence":
        # the criterion's label, never its id (ids are for the appendix)
        body = next((g.label for g in p.gaps), p.item)
    else:
        body = change_text(p)
        label = next((g.label for g in p.gaps), p.item)
        body = f"{label}：{body}" if body != "—" else label
        if p.data_year and p.kind == "improve":
            body = f"{p.data_year} 年数据 · {body}"
    cost = money_text(p)
    tail = f"，{cost}" if cost != "—" else ""
    return f"{p.id} {what}{body}{tail}（{p.owner}，{p.due} 前）"


def rules_in_words(a: Assessment, text: str) -> str:
    """``text`` with each rule-set id replaced by its title in 《》 (ids are for 附录三)."""
    for rid, title in sorted(a.ruleset_titles, key=lambda x: -len(x[0])):
        text = text.replace(f"规则集 {rid}", f"《{title}》").replace(rid, f"《{title}》")
    return text


def plan_context(a: Assessment) -> dict[str, Any]:
    items = {p.id: p for p in a.plan}
    by_alt: dict[str, list[str]] = {}
    for p in a.plan:
        if p.alternatives:
            by_alt.setdefault(p.alternatives, []).append(p.id)
    boxes, groups = [], []
    t, n = a.plan_target, 1
    while t is not None:
        box = _box(t, items, "" if n == 1 else "随后对准")
        # rule sets by title in the client's text; their ids are in 附录三
        boxes.append(dict(box, head=rules_in_words(a, box["head"]), reason=rules_in_words(a, box["reason"])))
        mine = [p for p in a.plan if p.tier == t.tier]
        groups.append({"label": TIER_LABELS[t.tier], "why": "下一梯度" if n == 1 else "路径上的下一步",
                       "rows": _rows(mine, by_alt)})
        t, n = t.following, n + 1
    services: dict[str, list[str]] = {}
    for p in a.plan:
        if p.service:
            services.setdefault(p.service, []).append(p.id)
    return {"boxes": boxes, "groups": groups, "count": len(a.plan),
            "services": [f"{text}（{'、'.join(ids)}）" for text, ids in services.items()],
            "none": _none_text(a) if not a.plan else ""}


def _none_text(a: Assessment) -> str:
    if "single_champion" in a.held:
        return "企业已持有制造业单项冠军称号，不再设梯度培育目标；建议围绕附录 C 六个方面保持优势，并按 §8.2 向上市企业方向推进。"
    if a.next_tier is None:
        return "企业已符合全部梯度，可按“可申报”所列梯度申报。"
    return "本轮没有可列出的培育措施。"


def target_lines(a: Assessment) -> dict[str, str]:
    """The cover's 已持有 / 可申报 / 下一梯度 lines."""
    held = "、".join(TIER_LABELS[t] for t in a.held) or "无"
    ready = "、".join(TIER_LABELS[t] for t in a.ready_to_apply)
    if a.next_tier is None:
        nxt = "无（已持有制造业单项冠军称号）" if "single_champion" in a.held else "无（已符合全部梯度）"
    else:
        nxt = TIER_LABELS[a.next_tier]
        t = a.plan_target
        if t is not None and t.tier == a.next_tier:
            nxt += (f"（最早 {t.apply_in} 年申报）" if t.apply_in else "（三年内按现有措施无法达到）")
    return {"held": held, "ready": ready or "无", "next": nxt,
            "apply_in": str(a.plan_target.apply_in) if a.plan_target and a.plan_target.apply_in else ""}
