"""Every rule-set validator error has a case that makes it fail, with a Chinese
message naming the rule set, the tier and the condition."""

from __future__ import annotations

import copy

import pytest

from zjtx_site.scoring.bands import SpecError
from zjtx_site.scoring.engine import make_engine
from zjtx_site.scoring.rules import builtin_ruleset_files, load_ruleset_file, resolve


@pytest.fixture(scope="module")
def registry():
    return make_engine().metrics


@pytest.fixture(scope="module")
def builtin():
    return {d["id"]: d for d in (load_ruleset_file(f) for f in builtin_ruleset_files())}


def _first(conditions, key):
    for c in conditions:
        if key in c:
            return c
        found = _first(list(c.get("all", ())) + list(c.get("any", ())) + list(c.get("cases", ())), key)
        if found:
            return found
    return None


def _score_tier(data):
    return next(t for t in data["tiers"].values() if t.get("score"))


CASES = {
    "missing key": (lambda d: d.pop("in_force"), "缺少 in_force"),
    "bad date": (lambda d: d.update(in_force="2026-13-01"), "施行日期 in_force 应为 YYYY-MM-DD"),
    "inherits undefined": (lambda d: d.update(inherits={"srdi_sme": "miit-1999"}), "沿用规则集 miit-1999"),
    "unknown tier": (lambda d: d["tiers"].update(gold_medal={"criteria": []}), "未知的梯度 gold_medal"),
    "tier not defined": (lambda d: d.pop("inherits"), "没有定义梯度"),
    "no criteria": (lambda d: d["tiers"]["little_giant"].pop("criteria"), "梯度应有条件列表 criteria"),
    "condition without id": (lambda d: d["tiers"]["little_giant"]["criteria"][0].pop("id"), "条件缺少 id 或 label"),
    "two forms": (lambda d: _first(d["tiers"]["little_giant"]["criteria"], "metric").update(manual="x"),
                  "条件应有且只有"),
    "unknown metric": (lambda d: _first(d["tiers"]["little_giant"]["criteria"], "metric").update(metric="nope"),
                       "引用了未注册的指标 nope"),
    "bad op": (lambda d: _first(d["tiers"]["little_giant"]["criteria"], "metric").update(op="=="),
               "op 应为"),
    "op without value": (lambda d: _first([c for c in d["tiers"]["little_giant"]["criteria"]
                                          if c.get("op") == ">="], "metric").pop("value"), "需要阈值 value"),
    "unknown prerequisite": (lambda d: _first(d["tiers"]["little_giant"]["criteria"], "prerequisite")
                             .update(prerequisite="gold_medal"), "前提条件引用了未知的梯度 gold_medal"),
    "score without table": (lambda d: _score_tier(d).pop("score"), "没有评分表 score"),
    "score without pass": (lambda d: _score_tier(d)["score"].pop("pass"), "及格线 pass 和分组 groups"),
    "group without key": (lambda d: _score_tier(d)["score"]["groups"][0].pop("key"), "评分分组应有 key"),
    "indicator without form": (lambda d: _score_tier(d)["score"]["groups"][0]["indicators"].append(
        {"id": "x", "label": "x", "max": 1}), "没有计分方式"),
    "indicator unknown metric": (lambda d: _score_tier(d)["score"]["groups"][0]["indicators"].append(
        {"id": "x", "label": "x", "max": 1, "metric": "nope", "bands": [[1, 1]]}), "引用了未注册的指标 nope"),
}


def test_the_builtin_rule_sets_pass(registry, builtin):
    assert sorted(resolve(copy.deepcopy(builtin), registry)) == ["miit-2022", "miit-2026"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_validator_error(case, registry, builtin):
    mutate, message = CASES[case]
    raw = copy.deepcopy(builtin)
    # the 2026 set defines little_giant and inherits others; the 2022 set has the scored tiers
    scored = any(w in case for w in ("score", "indicator", "group"))
    target = raw["miit-2022"] if scored else raw["miit-2026"]
    mutate(target)
    with pytest.raises(SpecError, match=message):
        resolve(raw, registry)


def test_branch_needs_cases_with_minimums(registry, builtin):
    raw = copy.deepcopy(builtin)
    branch = _first(raw["miit-2022"]["tiers"]["srdi_sme"]["criteria"], "branch") or \
        _first([c for t in raw["miit-2022"]["tiers"].values() for c in t["criteria"]], "branch")
    assert branch is not None
    branch["cases"][0].pop("min")
    with pytest.raises(SpecError, match="每档有下限 min"):
        resolve(raw, registry)
    branch["branch"] = "nope"
    with pytest.raises(SpecError, match="分档依据引用了未注册的指标 nope"):
        resolve(raw, registry)
