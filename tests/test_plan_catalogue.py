"""The Appendix C measure catalogue (data/measures.yaml): complete, checked on load."""

from __future__ import annotations

import pytest
from scoring_helpers import DATA, plain_yaml

from zjtx_site.scoring.plan.catalogue import (
    LEVERS,
    CatalogueError,
    builtin_measures,
    measure_from_dict,
)
from zjtx_site.vocabulary import APPENDIX_C

# standard Appendix C, as printed
STANDARD = {
    "创新能力提升": ["研发投入占比提升", "研发团队高效建设", "研发项目外部立项", "研发机构能级提升", "知识产权证券化",
                 "科技成果产业化"],
    "质量品牌价值提升": ["质量管理体系认证", "品牌培育建设", "主导/参与标准制定", "市场占有率提升"],
    "数字化赋能升级": ["数字化/信息化建设", "新业态/新模式"],
    "融资促进": ["保险补偿机制", "投融资获取"],
    "融通发展": ["产学研协同创新", "产业链上下游融通发展", "融入产业集群"],
    "开放合作": ["拓展市场网络", "开展国际合作"],
}

GOOD = {"id": "x", "kind": "improve", "area": "innovation", "item": "研发投入占比提升", "levers": ["rd"],
        "owner": "研发中心", "wordings": ["{data_year} 年研发费用达到 {amount}。", "研发费用占比 {current} → {target}。"]}


def test_the_six_areas_and_nineteen_items_of_appendix_c():
    assert {label: list(items) for label, items in APPENDIX_C.values()} == STANDARD


def test_every_item_has_a_measure_and_every_lever_one_improving_it():
    measures = builtin_measures()
    assert {(m.area, m.item) for m in measures} == {(a, i) for a, (_, items) in APPENDIX_C.items() for i in items}
    improving = {lever for m in measures if m.kind in ("improve", "qualify") for lever in m.levers}
    # every lever the plan moves has an Appendix C measure (local/manual/time are reported, prepared, awaited)
    assert set(LEVERS) - improving == {"local", "manual", "time"}
    data = plain_yaml().load((DATA / "measures.yaml").read_text(encoding="utf-8"))
    assert len({d["id"] for d in data["measures"]}) == len(data["measures"]) == len(measures)


@pytest.mark.parametrize("change, message", [
    ({"area": "quality"}, "area 应为附录 C 六个方面之一"),
    ({"item": "扩大销售"}, "不是附录 C“创新能力提升”的条目"),
    ({"kind": "plan"}, "kind 应为"),
    ({"levers": ["magic"]}, "未知的杠杆 magic"),
    ({"wordings": ["{data_year} 年研发费用达到 {amount}。"]}, "至少要有两种措辞"),
    ({"wordings": ["加大研发投入。", "研发费用达到 {amount}。"]}, "须引用企业自己的数据或名称"),
    ({"wordings": ["{product}研发费用 {amount}。", "{budget} 万元。"]}, "未知占位符 budget"),
    ({"wordings": ["{product}研发费用 {amount}。", "与{partner}合作 {amount}。"]}, "不依赖可能缺失的名称"),
    ({"levers": ["patent"]}, "需要 estimate_wan"),
    ({"when": {"levels": ["L9"]}}, "when.levels"),
    ({"when": {"require": [{"metric": "class1", "op": ">"}]}}, "op 应为"),
    ({"colour": "red"}, "未知字段 colour"),
])
def test_a_bad_measure_is_refused_with_its_name_and_field(change, message):
    with pytest.raises(CatalogueError, match="measures.yaml 第 3 条") as e:
        measure_from_dict(dict(GOOD, **change), "measures.yaml 第 3 条（x）")
    assert message in str(e.value)


def test_a_good_measure_loads():
    m = measure_from_dict(GOOD, "x")
    assert (m.area_label, m.levers, m.estimate_wan) == ("创新能力提升", ("rd",), None)
