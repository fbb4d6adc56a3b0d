"""The Appendix C measure catalogue: data, checked on load, chosen by situation.

Each measure (``data/measures.yaml``, or a plugin's) belongs to one Appendix C
area and item, serves some levers (the figures a plan moves: ``rd``, ``sales``,
``patent`` ...), applies under stated conditions (the L level, the tier, the
company's own figures and fields), names a suggested owner department, the
§7.5 association service that fits, a rough cost where its effect has no
money equivalent (for ranking only), and several wordings drawing on the
company's own figures and names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from zjtx_site.errors import PluginError
from zjtx_site.scoring.bands import frac
from zjtx_site.scoring.spans import Status
from zjtx_site.vocabulary import APPENDIX_C, TIERS

KINDS = ("improve", "qualify", "data", "evidence", "not_recoverable")
LEVERS = ("sales", "focus", "rd", "profit", "debt", "staff", "patent", "patent_high", "patent_applied", "ip2",
          "institution", "award", "award_national", "maker", "title", "equity", "share", "rank",
          "global_rank", "brand", "standards", "quality_award", "certification", "foreign_certs",
          "info_systems", "digital_level", "chain", "field", "platform", "local", "manual", "time")
LEVELS = ("L1", "L2", "L3", "L4", "L5")
# placeholders a wording may use; the first group is the company's own (each
# wording needs one), the optional ones are skipped when the company has none
SPECIFIC = {"product", "chain", "leader", "partner", "current", "target", "shortfall", "money", "amount",
            "count", "facts", "figure", "revenue"}
OPTIONAL = {"product", "chain", "leader", "partner"}
PLACEHOLDERS = SPECIFIC | {"data_year", "apply_year", "last_year", "tier", "criterion", "level", "evidence",
                           "year_from", "unit", "metric"}
_FIELD_TESTS = ("nonempty", "empty", "true", "false", "absent")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, kw_only=True)
class Measure:
    id: str
    kind: str
    area: str
    item: str
    levers: tuple[str, ...]
    owner: str
    wordings: tuple[str, ...]
    metrics: tuple[str, ...] = ()       # only for requirements on these metrics
    criteria: tuple[str, ...] = ()      # evidence: only for these "<tier>.<criterion>"
    when: Mapping[str, Any] = field(default_factory=dict)
    estimate_wan: Fraction | None = None   # per unit of shortfall, where money does not convert
    service: str = ""
    plugin: str = ""

    @property
    def area_label(self) -> str:
        return APPENDIX_C[self.area][0]


class CatalogueError(PluginError):
    """A measure that does not make sense; the message names it and the field."""


def measure_from_dict(d: Mapping[str, Any], where: str) -> Measure:
    """A checked Measure from catalogue data (``where`` names the file and entry)."""
    def bad(msg: str) -> CatalogueError:
        return CatalogueError(f"{where}：{msg}")

    if not isinstance(d, Mapping):
        raise bad("每条措施应为映射（id、kind、area、item、levers、owner、wordings …）")
    unknown = set(d) - {"id", "kind", "area", "item", "levers", "owner", "wordings", "metrics", "criteria",
                        "when", "estimate_wan", "service"}
    if unknown:
        raise bad(f"未知字段 {', '.join(sorted(unknown))}")
    for key in ("id", "kind", "area", "item", "levers", "owner", "wordings"):
        if not d.get(key):
            raise bad(f"缺少 {key}")
    if d["kind"] not in KINDS:
        raise bad(f"kind 应为 {'、'.join(KINDS)} 之一，实际是 {d['kind']!r}")
    if d["area"] not in APPENDIX_C:
        raise bad(f"area 应为附录 C 六个方面之一（{'、'.join(APPENDIX_C)}），实际是 {d['area']!r}")
    if d["item"] not in APPENDIX_C[d["area"]][1]:
        raise bad(f"item “{d['item']}”不是附录 C“{APPENDIX_C[d['area']][0]}”的条目"
                  f"（可选：{'、'.join(APPENDIX_C[d['area']][1])}）")
    levers = tuple(d["levers"])
    wild = levers == ("*",) and d["kind"] in ("data", "not_recoverable")
    if not wild and not set(levers) <= set(LEVERS):
        raise bad(f"levers 中有未知的杠杆 {', '.join(sorted(set(levers) - set(LEVERS)))}")
    wordings = tuple(d["wordings"])
    if len(wordings) < 2:
        raise bad("至少要有两种措辞（wordings），以免各家企业的建议千篇一律")
    fallback = False
    for w in wordings:
        names = set(_PLACEHOLDER.findall(w))
        if names - PLACEHOLDERS:
            raise bad(f"措辞中有未知占位符 {', '.join(sorted(names - PLACEHOLDERS))}：{w}")
        if not names & SPECIFIC:
            raise bad(f"措辞须引用企业自己的数据或名称（{'、'.join(sorted(SPECIFIC))} 之一）：{w}")
        fallback = fallback or not names & OPTIONAL
    if not fallback:
        raise bad("至少要有一种措辞不依赖可能缺失的名称（product、chain、leader、partner）")
    when = dict(d.get("when") or {})
    _check_when(when, bad)
    estimate = d.get("estimate_wan")
    if estimate is not None and (not isinstance(estimate, (int, float, str)) or frac(estimate) < 0):
        raise bad("estimate_wan 应为不小于 0 的数")
    if d["kind"] in ("improve", "qualify") and estimate is None and not set(levers) <= _MONEY_LEVERS:
        raise bad("不折合金额的杠杆需要 estimate_wan（每单位的估算投入，仅用于排序）")
    return Measure(id=str(d["id"]), kind=d["kind"], area=d["area"], item=d["item"], levers=levers,
                   owner=str(d["owner"]), wordings=wordings, metrics=tuple(d.get("metrics") or ()),
                   criteria=tuple(d.get("criteria") or ()), when=when,
                   estimate_wan=None if estimate is None else frac(estimate), service=str(d.get("service") or ""))


_MONEY_LEVERS = {"sales", "focus", "rd", "profit", "equity"}


def _check_when(when: dict, bad) -> None:
    unknown = set(when) - {"levels", "tiers", "require"}
    if unknown:
        raise bad(f"when 中有未知条件 {', '.join(sorted(unknown))}（可用 levels、tiers、require）")
    if not set(when.get("levels", ())) <= set(LEVELS):
        raise bad(f"when.levels 应为 {'、'.join(LEVELS)} 中的级别")
    if not set(when.get("tiers", ())) <= set(TIERS):
        raise bad(f"when.tiers 应为 {'、'.join(TIERS)} 中的梯度")
    for cond in when.get("require", ()):
        if "metric" in cond:
            if cond.get("op") not in (">=", "<=", "true", "false"):
                raise bad(f"when.require 的 op 应为 >=、<=、true、false：{cond}")
            if cond["op"] in (">=", "<=") and "value" not in cond:
                raise bad(f"when.require 的比较需要 value：{cond}")
        elif "field" in cond:
            if cond.get("is") not in _FIELD_TESTS and "has" not in cond and "lacks" not in cond:
                raise bad(f"when.require 的字段条件需要 is（{'、'.join(_FIELD_TESTS)}）或 has/lacks：{cond}")
        else:
            raise bad(f"when.require 的每一项需要 metric 或 field：{cond}")


def check_metrics(measures: Iterable[Measure], registry: Mapping[str, Any]) -> None:
    """Metric names in measures must exist (checked once the plugins are loaded)."""
    for m in measures:
        names = list(m.metrics) + [c["metric"] for c in m.when.get("require", ()) if "metric" in c]
        missing = [n for n in names if n not in registry]
        if missing:
            raise CatalogueError(f"培育措施 {m.id}（{m.plugin or '内置'}）引用了不存在的指标 {', '.join(missing)}")


@lru_cache(maxsize=1)
def builtin_measures() -> tuple[Measure, ...]:
    text = resources.files("zjtx_site.scoring").joinpath("data", "measures.yaml").read_text("utf-8")
    data = YAML(typ="safe", pure=True).load(text)
    out, seen = [], set()
    for n, d in enumerate(data["measures"], start=1):
        m = measure_from_dict(d, f"measures.yaml 第 {n} 条（{d.get('id', '无 id') if isinstance(d, dict) else '?'}）")
        if m.id in seen:
            raise CatalogueError(f"measures.yaml：措施 id {m.id} 重复")
        seen.add(m.id)
        out.append(m)
    return tuple(out)


# choosing ---------------------------------------------------------------------

@dataclass(frozen=True)
class Situation:
    """What a measure's conditions look at."""
    company: Any        # as reported
    ctx: Any            # its metrics
    level: str


def applies(m: Measure, s: Situation, kind: str, lever: str, metric: str, closes: Iterable[str],
            tier: str, strict: bool = True) -> bool:
    if m.kind != kind:
        return False
    if m.levers != ("*",) and lever not in m.levers:
        return False
    if m.metrics and metric not in m.metrics:
        return False
    if m.criteria and not set(m.criteria) & set(closes):
        return False
    if not strict:
        return True
    w = m.when
    if "levels" in w and s.level not in w["levels"]:
        return False
    if "tiers" in w and tier not in w["tiers"]:
        return False
    return all(_holds(c, s) for c in w.get("require", ()))


def _holds(cond: Mapping[str, Any], s: Situation) -> bool:
    if "metric" in cond:
        span = s.ctx.get(cond["metric"])
        op = cond["op"]
        if op in ("true", "false"):
            st = span.at_least(Fraction(1))
            return st is (Status.MET if op == "true" else Status.UNMET)
        st = span.at_least(frac(cond["value"])) if op == ">=" else span.at_most(frac(cond["value"]))
        return st is Status.MET
    value: Any = s.company
    for part in cond["field"].split("."):
        value = getattr(value, part, None)
    if "has" in cond:
        return value is not None and cond["has"] in value
    if "lacks" in cond:
        return value is not None and cond["lacks"] not in value
    test = cond["is"]
    if test == "absent":
        return value is None
    if test == "nonempty":
        return bool(value)
    if test == "empty":
        return value is not None and not value
    return value is (test == "true")


def select(measures: Iterable[Measure], s: Situation, kind: str, lever: str, metric: str,
           closes: Iterable[str], tier: str, strict: bool = True) -> Measure | None:
    """The first applicable measure (plugins' come before the built-in ones);
    ``strict=False`` ignores the conditions (the Appendix C home of a figure)."""
    closes = tuple(closes)
    for m in measures:
        if applies(m, s, kind, lever, metric, closes, tier, strict):
            return m
    return None
