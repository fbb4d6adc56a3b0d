"""本地插件：国民经济行业分类（GB/T 4754-2017）代码是否属于制造业（C 门类）。

制造业单项冠军只面向制造业企业。附录 A 采集表没有行业代码一栏，协会可以在企业数据文件的
``extra.industry_code`` 中填写四位行业代码（例如 C3449）。本插件注册派生指标
``gbt4754_manufacturing``：代码以 C 开头、大类 13–43 时为“是”，其他门类为“否”，
未填写时为“待补充数据”（不当作“否”）。

它只注册指标、不改变任何评分；规则集或维度数据可以按名引用它。它也是本项目的本地插件示例：
按文件路径加载，只从公开接口 ``zjtx_site`` 导入。
"""

from __future__ import annotations

import re
from typing import Any

from zjtx_site import BOOL_UNKNOWN, Metric, Span, hookimpl

METRIC = "gbt4754_manufacturing"
EVIDENCE = "extra.industry_code"
# 门类字母 + 2 位大类 + 可选的中类、小类数字，例如 C34、C344、C3449
CODE = re.compile(r"^([A-T])(\d{2})(\d{0,2})$")


def is_manufacturing(company: Any) -> Span:
    code = (company.extra or {}).get("industry_code")
    if code is None:
        return BOOL_UNKNOWN
    m = CODE.match(str(code).strip().upper())
    if m is None:
        raise ValueError(f"{EVIDENCE} 应为 GB/T 4754 行业代码，例如 C3449，实际是 {code!r}")
    letter, division = m.group(1), int(m.group(2))
    return Span.of(letter == "C" and 13 <= division <= 43)


@hookimpl
def zjtx_register_metrics(register):
    register(Metric(name=METRIC, label="国民经济行业分类属于制造业（C 门类）", unit="", boolean=True,
                    evidence=EVIDENCE, fn=is_manufacturing))
