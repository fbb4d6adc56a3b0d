"""示例插件：在特色化维度加入一个广东省级指标（示意，并非广东省的实际规则）。

它演示 zjtx-site 插件接口的两个钩子：

- zjtx_register_metrics：注册派生指标 gd_specialty_product，读取企业数据文件
  中自由映射 extra 下的 extra.guangdong.specialty_product（true / false）；
- zjtx_register_dimensions：用 register(..., replace=True) 替换内置的特色化
  维度评价器。新评价器保留内置的全部指标，并为填写了 extra.guangdong 的企业
  增加一项“【示例】省级特色产品认定”指标。

没有填写 extra.guangdong 的企业，得到与内置评价器完全相同的结果。
"""

from __future__ import annotations

import dataclasses
from typing import Any

from zjtx_site import (
    BOOL_UNKNOWN,
    BandDimension,
    DimensionResult,
    Metric,
    MetricContext,
    Span,
    dimension_data,
    hookimpl,
)

PLUGIN = "guangdong-example"          # 入口点名，也写进评分结果的 plugin 字段
METRIC = "gd_specialty_product"
EVIDENCE = "extra.guangdong.specialty_product"

# 示意分档：已获认定得 5 分，否则 0 分；未填写为“待补充数据”。仅供演示。
INDICATOR = {
    "id": "gd_specialty_product",
    "label": "【示例】省级特色产品认定（广东，示意指标）",
    "metric": METRIC,
    "max": 5,
    "bands": [[1, 5]],
    "source": "示例插件 zjtx-plugin-guangdong-example（示意，非广东省官方规则）",
}


def guangdong_data(company: Any) -> dict | None:
    """企业数据文件中的 extra.guangdong；没有填写时为 None。"""
    value = (company.extra or {}).get("guangdong")
    if value is not None and not isinstance(value, dict):
        raise ValueError(f"extra.guangdong 应为映射（例如 specialty_product: true），实际是 {value!r}")
    return value


def specialty_product(company: Any) -> Span:
    value = (guangdong_data(company) or {}).get("specialty_product")
    if value is None:
        return BOOL_UNKNOWN               # 未填写：是或否都有可能，不当作“否”
    if not isinstance(value, bool):
        raise ValueError(f"{EVIDENCE} 应为 true 或 false，实际是 {value!r}")
    return Span.of(value)


class GuangdongDistinctiveness:
    """特色化：内置指标 + 示例省级指标（仅对填写了 extra.guangdong 的企业）。"""

    key = "distinctiveness"

    def __init__(self) -> None:
        spec = dimension_data()[self.key]
        self.label = spec["label"]
        self.builtin = BandDimension(self.key, spec)
        self.extended = BandDimension(self.key, dict(spec, indicators=[*spec["indicators"], INDICATOR]))

    def describe(self) -> dict:
        """方法说明页展示的指标：内置指标加示例指标（只对填写了 extra.guangdong 的企业计分）。"""
        return self.extended.describe()

    def evaluate(self, company: Any, metrics: MetricContext) -> DimensionResult:
        if guangdong_data(company) is None:
            return self.builtin.evaluate(company, metrics)
        result = self.extended.evaluate(company, metrics)
        return dataclasses.replace(result, plugin=PLUGIN)


@hookimpl
def zjtx_register_metrics(register):
    register(Metric(name=METRIC, label="省级特色产品认定（示例）", unit="", boolean=True,
                    evidence=EVIDENCE, fn=specialty_product, plan="brand"))


@hookimpl
def zjtx_register_dimensions(register):
    register(GuangdongDistinctiveness(), replace=True)
