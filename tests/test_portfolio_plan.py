"""The portfolio's funnel and 临门一脚 list, from held titles and the minimal sets."""

from __future__ import annotations

import re

import pytest
from scoring_helpers import COMPANIES, base_dict, company_from_dict, engine, run

from zjtx_site.render.portfolio import portfolio_context
from zjtx_site.scoring.engine import assess

SME_LADDER = ("创新型中小企业", "专精特新中小企业", "专精特新“小巨人”企业")


@pytest.fixture(scope="module")
def latest():
    out = []
    for folder in sorted(p for p in COMPANIES.iterdir() if p.is_dir()):
        last = max(folder.glob("*.yaml"))
        data = base_dict(f"{folder.name}/{last.name}")
        out.append(assess(engine(), company_from_dict(data, company_id=folder.name, round=last.stem)))
    return out


def _names(rows) -> list[str]:
    return [re.match(r"\[(.*?)\]", str(r["link"])).group(1) for r in rows]


def test_funnel_counts_held_or_met_and_cannot_invert(latest):
    funnel = {row["label"]: row for row in portfolio_context(latest, {})["funnel"]}
    have = [funnel[t]["have"] for t in SME_LADDER]
    assert have == sorted(have, reverse=True)
    # 2026: jirui holds 小巨人 (and so the two below) though 专精特新 waits on judgement for it
    assert (have, funnel["制造业单项冠军企业"]["have"]) == ([11, 5, 1], 0)
    assert [funnel[t]["ready"] for t in SME_LADDER] == [3, 1, 0]
    for row in funnel.values():
        assert row["have"] + row["manual_review"] + row["needs_data"] + row["unmet"] == len(latest)


def test_funnel_with_a_higher_title_only():
    a = run({"honors.titles": ["little_giant"]})
    funnel = portfolio_context([a], {})["funnel"]
    assert [row["have"] for row in funnel[:3]] == [1, 1, 1]


def test_near_misses_come_from_the_minimal_set(latest):
    ctx = portfolio_context(latest, {})
    near, judged = _names(ctx["near"]), _names(ctx["judged"])
    # judgement only: listed apart, never as a near miss
    assert set(judged) == {"广州珩盾信息安全技术有限公司", "广州海璟重工股份有限公司"}
    assert not set(judged) & set(near)
    # jirui's cheapest path to 单项冠军 is 3.49 亿元 of sales: not a near miss
    assert "广州稷锐精密传动科技股份有限公司" not in near
    # shuobai only has to report 资产负债率; qintang two items of about 178.6 万元 in all
    assert "广州烁柏新材料科技有限公司" in near and "广州沁棠日化科技有限公司" in near
    for row in ctx["near"]:
        assert 1 <= row["count"] <= 2
