"""The fixed words of the domain, defined once: the six dimensions and the tier ladder.

A leaf module (it imports nothing of the project), so every stage, from the
field table to the templates, reads the same keys and labels.
"""

from __future__ import annotations

# 专精特新链品 (standard §6, Appendix B), in the order the standard lists them
DIMENSIONS = ("specialization", "refinement", "distinctiveness", "innovation", "chain", "product")
DIMENSION_LABELS = {
    "specialization": "专业化", "refinement": "精细化", "distinctiveness": "特色化",
    "innovation": "创新能力", "chain": "产业链配套", "product": "主导产品所属领域",
}
# Appendix B's table heading for each dimension's indicators
DIMENSION_SECTIONS = {k: f"{v}指标" for k, v in DIMENSION_LABELS.items()}

# The national ladder, lowest first (standard §5)
TIERS = ("innovative_sme", "srdi_sme", "little_giant", "single_champion")
TIER_LABELS = {
    "innovative_sme": "创新型中小企业",
    "srdi_sme": "专精特新中小企业",
    "little_giant": "专精特新“小巨人”企业",
    "single_champion": "制造业单项冠军企业",
}
# the SME ladder: a held higher title counts for the lower ones (逐级进阶)
SME_LADDER = TIERS[:3]
ALL_MET = "全部符合"


# Appendix C 高新技术企业专精特新培育方案: six areas (§8.2) and their items, in the
# standard's order and wording. Plan items draw on these, and only these.
APPENDIX_C = {
    "innovation": ("创新能力提升", ("研发投入占比提升", "研发团队高效建设", "研发项目外部立项",
                                  "研发机构能级提升", "知识产权证券化", "科技成果产业化")),
    "quality_brand": ("质量品牌价值提升", ("质量管理体系认证", "品牌培育建设", "主导/参与标准制定",
                                       "市场占有率提升")),
    "digital": ("数字化赋能升级", ("数字化/信息化建设", "新业态/新模式")),
    "financing": ("融资促进", ("保险补偿机制", "投融资获取")),
    "integration": ("融通发展", ("产学研协同创新", "产业链上下游融通发展", "融入产业集群")),
    "opening": ("开放合作", ("拓展市场网络", "开展国际合作")),
}


def next_tier_label(tier: str | None) -> str:
    """The label of a next tier, or 全部符合 when there is none."""
    return TIER_LABELS[tier] if tier else ALL_MET
