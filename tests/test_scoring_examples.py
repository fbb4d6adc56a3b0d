"""The example companies through ``zjtx score --json``, against hand-checked outcomes.

Every expectation below is a literal worked out by hand from
shared/spec/rules.md (and cross-checked with the fixture notes and an
independent re-computation with exact fractions), not produced by the code
under test. Columns:

- level: L1..L5 (rules.md §1)
- tiers: status of innovative_sme / srdi_sme / little_giant / single_champion
- rules: the rule set of srdi_sme and little_giant (创新型 and 单项冠军 are
  always miit-2022)
- inno: (score, innovation, growth, specialization) of 创新型 (§3.1), with
  missing items counted as 0
- routes: route of each met tier that has one (score or direct)
- srdi22: (score, specialization, refinement, distinctiveness, innovation)
  of 专精特新 under miit-2022 (§3.2), when that rule set applies
- next: next_tier (score-output.md): the lowest tier neither met nor held (a held
  higher SME title counts for the lower ones); a non-SME goes to 单项冠军
- dims: the six dimension scores (one decimal) from data/dimensions.yaml
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scoring_helpers import COMPANIES, ROOT

from zjtx_site import cli

M, U, ND, MR = "met", "unmet", "needs_data", "manual_review"
DIMS = ("specialization", "refinement", "distinctiveness", "innovation", "chain", "product")
TIERS = ("innovative_sme", "srdi_sme", "little_giant", "single_champion")

EXPECTED = {
    # file: level, (inno, srdi, lg, champion), rules, inno score+groups, routes, srdi22, next, dims
    "gz-chengsuan-ai/2025": dict(
        level="L2", tiers=(M, U, U, U), rules="miit-2022", inno=(95, 35, 30, 30),
        routes={"innovative_sme": "score"}, srdi22=(61, 19, 17, 0, 25), next="srdi_sme",
        dims=(80.0, 56.8, 30.0, 58.7, 43.3, 87.5)),
    "gz-chengsuan-ai/2026": dict(
        level="L2", tiers=(M, U, U, U), rules="miit-2026", inno=(95, 35, 30, 30),
        routes={"innovative_sme": "score"}, srdi22=None, next="srdi_sme",
        dims=(85.0, 78.4, 35.0, 60.9, 43.3, 87.5)),
    "gz-chiche-thermal/2025": dict(
        level="L4", tiers=(M, ND, U, U), rules="miit-2022", inno=(95, 35, 30, 30),
        routes={"innovative_sme": "score"}, srdi22=(57, 20, 12, 0, 25), next="srdi_sme",
        dims=(85.0, 45.9, 50.0, 58.7, 60.0, 75.0)),
    # holds 专精特新: next is 小巨人
    "gz-chiche-thermal/2026": dict(
        level="L4", tiers=(M, ND, ND, U), rules="miit-2026", inno=(100, 40, 30, 30),
        routes={"innovative_sme": "score"}, srdi22=None, next="little_giant",
        dims=(90.0, 59.5, 75.0, 67.4, 60.0, 82.5)),
    # not an SME (公告条件): skips the SME ladder
    "gz-haijing-heavy/2026": dict(
        level="L5", tiers=(U, U, U, MR), rules="miit-2026", inno=(85, 35, 20, 30),
        routes={}, srdi22=None, next="single_champion",
        dims=(90.0, 91.9, 100.0, 91.3, 100.0, 87.5)),
    "gz-hechou-agritech/2026": dict(
        level="L3", tiers=(M, U, U, U), rules="miit-2026", inno=(90, 30, 30, 30),
        routes={"innovative_sme": "score"}, srdi22=None, next="srdi_sme",
        dims=(95.0, 62.2, 50.0, 54.3, 10.0, 57.5)),
    "gz-hengdun-security/2026": dict(
        level="L3", tiers=(M, MR, U, U), rules="miit-2026", inno=(95, 35, 30, 30),
        routes={"innovative_sme": "score"}, srdi22=None, next="srdi_sme",
        dims=(95.0, 81.1, 35.0, 71.7, 63.3, 45.0)),
    "gz-jirui-drive/2025": dict(
        level="L5", tiers=(M, M, M, U), rules="miit-2022", inno=(100, 40, 30, 30),
        routes={"innovative_sme": "score", "srdi_sme": "score"}, srdi22=(95, 25, 25, 12, 33),
        next="single_champion", dims=(100.0, 97.3, 85.0, 93.5, 96.7, 87.5)),
    # holds 小巨人 (so 创新型, 专精特新)
    "gz-jirui-drive/2026": dict(
        level="L5", tiers=(M, MR, M, U), rules="miit-2026", inno=(95, 40, 25, 30),
        routes={"innovative_sme": "score"}, srdi22=None, next="single_champion",
        dims=(100.0, 97.3, 90.0, 93.5, 96.7, 87.5)),
    "gz-lanqi-bio/2025": dict(
        level="L4", tiers=(M, M, U, U), rules="miit-2022", inno=(100, 40, 30, 30),
        routes={"innovative_sme": "score", "srdi_sme": "score"}, srdi22=(93, 24, 25, 11, 33),
        next="little_giant", dims=(95.0, 89.2, 55.0, 89.1, 80.0, 57.5)),
    # holds 专精特新: next is 小巨人
    "gz-lanqi-bio/2026": dict(
        level="L4", tiers=(M, MR, U, U), rules="miit-2026", inno=(100, 40, 30, 30),
        routes={"innovative_sme": "score"}, srdi22=None, next="little_giant",
        dims=(100.0, 89.2, 60.0, 89.1, 80.0, 57.5)),
    "gz-lingqiong-aero/2026": dict(
        level="L4", tiers=(M, U, U, U), rules="miit-2022", inno=(75, 15, 30, 30),
        routes={"innovative_sme": "direct"}, srdi22=(68, 21, 19, 9, 19), next="srdi_sme",
        dims=(90.0, 59.5, 35.0, 45.7, 43.3, 75.0)),
    # holds 专精特新: next is 小巨人
    "gz-qihe-medtech/2026": dict(
        level="L5", tiers=(M, MR, U, U), rules="miit-2026", inno=(90, 35, 25, 30),
        routes={"innovative_sme": "score"}, srdi22=None, next="little_giant",
        dims=(100.0, 89.2, 90.0, 91.3, 46.7, 87.5)),
    "gz-qintang-daily/2026": dict(
        level="L1", tiers=(U, U, U, U), rules="miit-2026", inno=(45, 10, 10, 25),
        routes={}, srdi22=None, next="innovative_sme",
        dims=(60.0, 40.5, 25.0, 10.9, 0.0, 12.5)),
    "gz-shuobai-materials/2026": dict(
        level="L3", tiers=(ND, ND, U, U), rules="miit-2026", inno=(65, 25, 10, 30),
        routes={}, srdi22=None, next="innovative_sme",
        dims=(85.0, 29.7, 0.0, 26.1, 76.7, 62.5)),
    "gz-suiheng-power/2026": dict(
        level="L3", tiers=(M, U, U, U), rules="miit-2026", inno=(55, 20, 10, 25),
        routes={"innovative_sme": "direct"}, srdi22=None, next="srdi_sme",
        dims=(30.0, 29.7, 15.0, 23.9, 43.3, 50.0)),
    "gz-xishuo-materials/2025": dict(
        level="L2", tiers=(U, U, U, U), rules="miit-2022", inno=(65, 10, 25, 30),
        routes={}, srdi22=(39, 19, 10, 5, 5), next="innovative_sme",
        dims=(80.0, 32.4, 15.0, 15.2, 43.3, 75.0)),
    "gz-xishuo-materials/2026": dict(
        level="L3", tiers=(M, U, U, U), rules="miit-2026", inno=(90, 35, 25, 30),
        routes={"innovative_sme": "score"}, srdi22=None, next="srdi_sme",
        dims=(85.0, 51.4, 30.0, 41.3, 43.3, 75.0)),
    "gz-zheheng-rail/2025": dict(
        level="L4", tiers=(M, M, ND, U), rules="miit-2022", inno=(95, 40, 25, 30),
        routes={"innovative_sme": "score", "srdi_sme": "score"}, srdi22=(81, 25, 23, 0, 33),
        next="little_giant", dims=(100.0, 86.5, 85.0, 89.1, 96.7, 82.5)),
}


def _example_files() -> list[str]:
    return sorted(str(p.relative_to(COMPANIES).with_suffix("")) for p in COMPANIES.glob("*/*.yaml"))


def score_json(capsys, monkeypatch, path: str, *extra: str) -> dict:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ZJTX_PLUGINS", "")
    rc = cli.main(["score", "--json", *extra, path])
    out, err = capsys.readouterr()
    assert rc == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def outputs():
    """Each example scored once through the command (stdout parsed as JSON)."""
    import contextlib
    import io
    import os

    results = {}
    old_cwd, old_env = os.getcwd(), os.environ.get("ZJTX_PLUGINS")
    os.chdir(ROOT)
    os.environ["ZJTX_PLUGINS"] = ""
    try:
        for name in _example_files():
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = cli.main(["score", "--json", f"companies/{name}.yaml"])
            results[name] = (rc, out.getvalue(), err.getvalue())
    finally:
        os.chdir(old_cwd)
        if old_env is None:
            os.environ.pop("ZJTX_PLUGINS", None)
        else:
            os.environ["ZJTX_PLUGINS"] = old_env
    return results


def _json(outputs, name):
    rc, out, err = outputs[name]
    assert rc == 0, err
    return json.loads(out)


def test_every_example_has_an_expectation():
    assert _example_files() == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_outcome(outputs, name):
    exp = EXPECTED[name]
    j = _json(outputs, name)
    assert j["level"] == exp["level"]
    assert tuple(j["tiers"][t]["status"] for t in TIERS) == exp["tiers"]
    # 创新型 keeps the 2022 rule (2026 rules 第三十条); 单项冠军 has one rule set
    assert j["tiers"]["innovative_sme"]["ruleset"] == "miit-2022"
    assert j["tiers"]["single_champion"]["ruleset"] == "miit-2022"
    assert j["tiers"]["srdi_sme"]["ruleset"] == exp["rules"]
    assert j["tiers"]["little_giant"]["ruleset"] == exp["rules"]
    inno = j["tiers"]["innovative_sme"]
    assert (inno["score"], inno["group_scores"]) == (
        exp["inno"][0], dict(zip(("innovation", "growth", "specialization"), exp["inno"][1:])))
    srdi = j["tiers"]["srdi_sme"]
    if exp["srdi22"] is None:
        # the 2026 专精特新 rule scores no points
        assert "score" not in srdi and "group_scores" not in srdi
    else:
        assert (srdi["score"], srdi["group_scores"]) == (exp["srdi22"][0], dict(zip(
            ("specialization", "refinement", "distinctiveness", "innovation"), exp["srdi22"][1:])))
    for t in ("innovative_sme", "srdi_sme"):
        if j["tiers"][t]["status"] == M:
            assert j["tiers"][t].get("route") == exp["routes"][t], t
        else:
            assert t not in exp["routes"]
            assert "route" not in j["tiers"][t], t
    assert j["next_tier"] == exp["next"]
    assert tuple(j["dimensions"][k]["score"] for k in DIMS) == exp["dims"]


def _check_criterion(c: dict, where: str) -> None:
    for key in ("id", "label", "status", "value", "threshold"):
        assert key in c, f"{where}: criterion without {key}: {c}"
    assert isinstance(c["id"], str) and c["id"]
    assert re.search(r"[\u4e00-\u9fff]", c["label"]), f"{where}/{c['id']}: label not Chinese"
    assert c["status"] in ("met", "unmet", "needs_data", "manual_review", "not_applicable")
    if c["status"] == "unmet":
        assert isinstance(c.get("gap"), dict), f"{where}/{c['id']}: unmet criterion without a gap"
    for k in c.get("criteria", ()):
        _check_criterion(k, f"{where}/{c['id']}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_json_contract_shape(outputs, name):
    j = _json(outputs, name)
    cid, rnd = name.split("/")
    assert j["schema"] == 1
    assert j["company_id"] == cid
    assert j["round"] == rnd
    assert isinstance(j["name"], str) and j["name"].startswith("广州")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", j["assessed_on"])
    assert j["level"] in ("L1", "L2", "L3", "L4", "L5")
    assert set(j["dimensions"]) == set(DIMS)
    for key, dim in j["dimensions"].items():
        s = dim["score"]
        assert isinstance(s, (int, float)) and 0 <= s <= 100, key
        assert round(s * 10) == pytest.approx(s * 10, abs=1e-9), f"{key}: more than one decimal"
        assert isinstance(dim["indicators"], list) and dim["indicators"]
    assert set(j["tiers"]) == set(TIERS)
    for t, tier in j["tiers"].items():
        assert tier["ruleset"] in ("miit-2022", "miit-2026")
        assert tier["status"] in ("met", "unmet", "needs_data", "manual_review")
        assert isinstance(tier["criteria"], list) and tier["criteria"]
        for c in tier["criteria"]:
            _check_criterion(c, f"{name}:{t}")
        if "route" in tier:
            assert tier["status"] == "met" and tier["route"] in ("score", "direct")
        if "score" in tier:
            # exact: an integer when whole, else its exact decimal (59.5, never 60)
            assert isinstance(tier["score"], (int, float))
            assert set(tier["group_scores"]) == ({"innovation", "growth", "specialization"}
                                                 if t == "innovative_sme" else
                                                 {"specialization", "refinement", "distinctiveness",
                                                  "innovation"})
    # scored tiers: 创新型 always; 专精特新 only under miit-2022
    assert "score" in j["tiers"]["innovative_sme"]
    assert ("score" in j["tiers"]["srdi_sme"]) == (j["tiers"]["srdi_sme"]["ruleset"] == "miit-2022")
    assert "score" not in j["tiers"]["little_giant"] and "score" not in j["tiers"]["single_champion"]
    met = [t for t in TIERS if j["tiers"][t]["status"] == "met"]
    assert j["ready_to_apply"] == [t for t in met if t not in j["held"]]
    assert j["next_tier"] not in met and j["next_tier"] not in j["held"]
    assert isinstance(j["plan"], list) and j["plan"]
    assert j["plan_target"]["tier"] == j["next_tier"]
    keys = {"id", "kind", "area", "item", "action", "closes", "metric", "unit", "current", "target", "shortfall",
            "money_wan", "points", "alternatives", "priority", "due", "data_year", "owner"}
    for p in j["plan"]:
        assert keys <= set(p) and p["area"] and p["item"]
    assert set(j["plan_target"]["minimal_set"]) <= {p["id"] for p in j["plan"]}


def test_output_is_utf8_not_ascii_escaped(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ZJTX_PLUGINS", "")
    assert cli.main(["score", "--json", "companies/gz-lanqi-bio/2026.yaml"]) == 0
    out = capsys.readouterr().out
    assert "广州澜启生物科技有限公司" in out and "\\u" not in out


def test_rules_flag_2022_on_a_2026_company(capsys, monkeypatch):
    # lanqi 2026 under the 2022 rules (what-if): 专精特新 score 83 (25+25+0+33, local
    # score absent counted as 0) ≥ 60 → met by score; 小巨人 特 fails (share 9.2 < 10).
    j = score_json(capsys, monkeypatch, "companies/gz-lanqi-bio/2026.yaml", "--rules", "miit-2022")
    assert j["tiers"]["innovative_sme"]["ruleset"] == "miit-2022"
    assert j["tiers"]["srdi_sme"]["ruleset"] == "miit-2022"
    assert j["tiers"]["little_giant"]["ruleset"] == "miit-2022"
    assert j["tiers"]["srdi_sme"]["status"] == "met"
    assert j["tiers"]["srdi_sme"]["route"] == "score"
    assert j["tiers"]["srdi_sme"]["score"] == 83
    assert j["tiers"]["little_giant"]["status"] == "unmet"
    # 创新型 is the same whatever is forced
    assert j["tiers"]["innovative_sme"]["status"] == "met"
    assert j["tiers"]["innovative_sme"]["score"] == 100
    assert "--rules" in j["tiers"]["srdi_sme"]["ruleset_reason"]


def test_rules_flag_2026_on_a_2025_company(capsys, monkeypatch):
    # jirui 2025 under the 2026 rules: platform_score is null, so both tiers need data
    j = score_json(capsys, monkeypatch, "companies/gz-jirui-drive/2025.yaml", "--rules", "miit-2026")
    assert j["tiers"]["innovative_sme"]["ruleset"] == "miit-2022"
    assert j["tiers"]["srdi_sme"]["ruleset"] == "miit-2026"
    assert j["tiers"]["little_giant"]["ruleset"] == "miit-2026"
    assert j["tiers"]["srdi_sme"]["status"] == "needs_data"
    assert j["tiers"]["little_giant"]["status"] == "needs_data"
    assert "score" not in j["tiers"]["srdi_sme"]
    assert j["tiers"]["innovative_sme"]["status"] == "met"


def test_unknown_rules_flag_is_a_usage_error(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ZJTX_PLUGINS", "")
    rc = cli.main(["score", "--json", "--rules", "miit-1999", "companies/gz-lanqi-bio/2026.yaml"])
    out, err = capsys.readouterr()
    assert rc != 0 and out == "" and "miit-1999" in err


def test_invalid_file_exits_nonzero_with_errors_on_stderr(capsys, monkeypatch, tmp_path: Path):
    folder = tmp_path / "companies" / "gz-bad-co"
    folder.mkdir(parents=True)
    text = (COMPANIES / "gz-lanqi-bio" / "2026.yaml").read_text(encoding="utf-8")
    # main_revenue above revenue, and a YAML 1.1 boolean
    text = re.sub(r"(?m)^(\s+main_revenue:) \d+", r"\1 99999999", text, count=1)
    text = text.replace("no_major_incident_3y: true", "no_major_incident_3y: yes")
    (folder / "2026.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZJTX_PLUGINS", "")
    rc = cli.main(["score", "--json", "companies/gz-bad-co/2026.yaml"])
    out, err = capsys.readouterr()
    assert rc != 0
    assert out == ""
    assert "companies/gz-bad-co/2026.yaml:" in err
    assert "main_revenue" in err and "no_major_incident_3y" in err
