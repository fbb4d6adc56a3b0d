"""``zjtx init`` and ``zjtx new``: a working project, and a commented form to fill in."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from zjtx_site.intake.fields import NUMERIC_KINDS, Kind, walk
from zjtx_site.intake.loader import validate_text
from zjtx_site.intake.scaffold import scaffold
from zjtx_site.intake.schema import COMPANY
from zjtx_site.intake.yamlload import parse

REPO = Path(__file__).resolve().parent.parent
JIRUI = REPO / "companies" / "gz-jirui-drive"
FIELDS = list(walk(COMPANY))
# required lists are left blank too: "none" must be written ([]), never assumed
REQUIRED_MISSING = {
    "assessed_on", "basic.name", "specialization.niche_years", "compliance.no_major_incident_3y",
    "product.mic_fields", "product.six_foundations", "honors.titles",
    *(f"financials[{i}].{k}" for i in range(3) for k in ("revenue", "main_revenue")),
}


def present(value):
    """``value`` without its blank entries (None, or a group of only blanks):
    the scaffold writes every key of the form."""
    if isinstance(value, dict):
        kept = {k: present(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in kept.items() if v != {}}
    if isinstance(value, list):
        return [present(v) for v in value]
    return value


def rt() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    return y


def missing_fields(text: str) -> set[str]:
    """The keys named by "缺少必填项" problems; fails on any other problem."""
    _, problems = validate_text(text, "scaffold.yaml")
    out = set()
    for p in problems:
        assert p.message.startswith("缺少必填项"), p.format()
        out.add(re.search(r"（([A-Za-z0-9_.\[\]]+)）", p.message).group(1))
    return out


def fill_required(text: str, year: int = 2026) -> str:
    """Fill exactly the required blanks of a scaffold, leaving its comments."""
    doc = rt().load(text)
    doc["assessed_on"] = date(year, 5, 20)
    doc["basic"]["name"] = doc["basic"]["name"] or "广州测试科技有限公司"
    previous = None
    for i, rec in enumerate(doc["financials"]):
        if rec["revenue"] is None:
            # a carried year's figures go on (a jump would be a plausibility warning)
            rec["revenue"], rec["main_revenue"] = previous or (1000 + i, 900 + i)
        previous = rec["revenue"], rec["main_revenue"]
    if doc["specialization"]["niche_years"] is None:
        doc["specialization"]["niche_years"] = 5
    if doc["compliance"]["no_major_incident_3y"] is None:
        doc["compliance"]["no_major_incident_3y"] = True
    for group, key in (("product", "mic_fields"), ("product", "six_foundations"), ("honors", "titles")):
        if doc[group][key] is None:
            doc[group][key] = []
    buf = io.StringIO()
    rt().dump(doc, buf)
    return buf.getvalue()


# init ------------------------------------------------------------------------------

def test_init_creates_a_working_project(run_cli, tmp_path):
    target = tmp_path / "assoc-data"
    code, out, err = run_cli("init", target)
    assert code == 0, err
    assert (target / "companies").is_dir()
    assert (target / "plugins").is_dir()
    assert (target / "mkdocs.yml").read_text(encoding="utf-8").strip()
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "zjtx check" in readme and "zjtx new" in readme
    assert "已创建" in out
    # and it works: an empty project checks clean, then takes a first company
    code, out, err = run_cli("-C", target, "check")
    assert (code, err) == (0, "")
    assert "0 个企业数据文件" in out
    assert run_cli("-C", target, "new", "gz-first", "--round", "2026")[0] == 0
    assert (target / "companies" / "gz-first" / "2026.yaml").is_file()


def test_init_into_an_existing_empty_folder(run_cli, tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    assert run_cli("init", target)[0] == 0
    assert (target / "companies").is_dir()


def test_init_refuses_a_folder_with_files(run_cli, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("保留", encoding="utf-8")
    code, out, err = run_cli("init", target)
    assert code == 2
    assert "已存在且不是空文件夹" in err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "保留"


def test_init_refuses_a_folder_with_only_hidden_files(run_cli, tmp_path):
    target = tmp_path / "repo"
    (target / ".git").mkdir(parents=True)
    code, out, err = run_cli("init", target)
    assert code == 2
    assert not (target / "companies").exists()


# new: a blank form ------------------------------------------------------------------

def test_new_writes_a_scaffold_that_parses(make_project, run_cli):
    root = make_project({})
    code, out, err = run_cli("-C", root, "new", "gz-new-co", "--round", "2026")
    assert code == 0, err
    path = root / "companies" / "gz-new-co" / "2026.yaml"
    assert "已创建" in out and "gz-new-co/2026.yaml" in out
    text = path.read_text(encoding="utf-8")
    assert isinstance(parse(text, "x"), dict)
    assert isinstance(rt().load(text), dict)
    assert "gz-new-co / 2026" in text.splitlines()[0]


def test_blank_scaffold_misses_only_the_required_values():
    assert missing_fields(scaffold("gz-x", "2026")) == REQUIRED_MISSING


def test_blank_scaffold_years_end_before_the_round():
    data = parse(scaffold("gz-x", "2026"), "x")
    assert [r["year"] for r in data["financials"]] == [2023, 2024, 2025]
    assert [r["year"] for r in data["distinctiveness"]["market_share"]] == [2024, 2025]
    assert [r["year"] for r in data["distinctiveness"]["own_brands"]] == [2024, 2025]
    assert data["schema"] == 1
    assert data["assessed_on"] is None


@pytest.mark.parametrize("dotted,f", FIELDS, ids=[d for d, _ in FIELDS])
def test_scaffold_comments_every_field_with_label_and_unit(dotted, f):
    text = scaffold("gz-x", "2026")
    key = dotted.rsplit(".", 1)[-1].replace("[]", "")
    lines = [ln for ln in text.splitlines() if ln.lstrip(" #-").startswith(f"{key}:")]
    assert lines, f"no line for {dotted}"
    want = f.label + (f"（{f.unit}）" if f.unit and f.kind in NUMERIC_KINDS and f.kind is not Kind.YEAR
                      else "")
    assert any(f"# {want}" in ln for ln in lines), (want, lines)
    if f.required:
        assert any("必填" in ln for ln in lines)
    for c in f.choices:
        assert f"{c.value} {c.label}" in text


def test_scaffold_names_money_and_percent_units():
    text = scaffold("gz-x", "2026")
    for words in ("营业收入（万元）", "其中：主营业务收入（万元）", "资产负债率（%）", "全职员工数量（人）",
                  "研发费用总额（万元）", "企业从事特定细分市场时间（年）"):
        assert words in text


def test_scaffold_sections_follow_the_form():
    text = scaffold("gz-x", "2026")
    positions = [text.index(s) for s in ("一、企业基本情况", "二、经济效益和经营情况", "三、专业化", "四、精细化",
                                         "五、特色化", "六、创新能力", "七、产业链配套", "八、主导产品所属领域",
                                         "九、其他荣誉资质")]
    assert positions == sorted(positions)


def test_filled_scaffold_validates_cleanly(make_project, run_cli):
    root = make_project({})
    assert run_cli("-C", root, "new", "gz-new-co", "--round", "2026")[0] == 0
    path = root / "companies" / "gz-new-co" / "2026.yaml"
    filled = fill_required(path.read_text(encoding="utf-8"))
    assert validate_text(filled, "x")[1] == []
    path.write_text(filled, encoding="utf-8")
    code, out, err = run_cli("-C", root, "check")
    assert (code, err) == (0, "")


def test_filled_scaffold_keeps_its_comments():
    filled = fill_required(scaffold("gz-x", "2026"))
    assert "营业收入（万元）" in filled and "# ── 二、经济效益和经营情况" in filled


@pytest.mark.parametrize("cid,rnd,words", [
    ("Bad_ID", "2026", "企业编号"),
    ("gz_x", "2026", "企业编号"),
    ("gz-x", "26", "评估轮次"),
    ("gz-x", "2026-H2", "评估轮次"),
])
def test_new_refuses_bad_names(make_project, run_cli, cid, rnd, words):
    root = make_project({})
    code, out, err = run_cli("-C", root, "new", cid, "--round", rnd)
    assert code == 2
    assert words in err and "不合规" in err
    assert list((root / "companies").iterdir()) == []


def test_new_from_another_directory(make_project, run_cli, tmp_path, monkeypatch):
    root = make_project({})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run_cli("--project", root, "new", "gz-a", "--round", "2026-h2")[0] == 0
    assert (root / "companies" / "gz-a" / "2026-h2.yaml").is_file()
    assert list(elsewhere.iterdir()) == []


# new: from an earlier round -------------------------------------------------------------

@pytest.fixture
def jirui_2025(make_project):
    """A project holding only gz-jirui-drive's 2025 round."""
    text = (JIRUI / "2025.yaml").read_text(encoding="utf-8")
    root = make_project({"gz-jirui-drive/2025.yaml": text})
    return root, parse(text, "2025.yaml")


def test_new_round_carries_the_earlier_round_over(jirui_2025, run_cli):
    root, before = jirui_2025
    code, out, err = run_cli("-C", root, "new", "gz-jirui-drive", "--round", "2026")
    assert code == 0, err
    assert "已从上一轮" in out and "2025.yaml" in out
    text = (root / "companies" / "gz-jirui-drive" / "2026.yaml").read_text(encoding="utf-8")
    new = parse(text, "2026.yaml")

    # the years move on: the oldest drops out, the newest is blank
    assert [r["year"] for r in before["financials"]] == [2022, 2023, 2024]
    assert [r["year"] for r in new["financials"]] == [2023, 2024, 2025]
    assert present(new["financials"][0]) == before["financials"][1]
    assert present(new["financials"][1]) == before["financials"][2]
    assert {k: v for k, v in new["financials"][2].items() if v is not None} == {"year": 2025}
    ms = new["distinctiveness"]["market_share"]
    assert [r["year"] for r in ms] == [2024, 2025]
    assert present(ms[0]) == next(r for r in before["distinctiveness"]["market_share"] if r["year"] == 2024)
    assert ms[1]["international"] is None

    # a new date for a new round; everything else as it was
    assert before["assessed_on"] and new["assessed_on"] is None
    for section in ("basic", "financing", "specialization", "refinement", "chain", "product",
                    "honors", "extra"):
        assert present(new[section]) == present(before[section]), section
    for key in ("rd_institutions", "partners", "ip", "maker_china"):
        assert present(new["innovation"][key]) == present(before["innovation"][key]), key

    # and only the new figures remain to be filled in
    assert missing_fields(text) == {"assessed_on", "financials[2].revenue", "financials[2].main_revenue"}


def test_carried_round_validates_once_filled(jirui_2025, run_cli):
    root, _ = jirui_2025
    assert run_cli("-C", root, "new", "gz-jirui-drive", "--round", "2026")[0] == 0
    path = root / "companies" / "gz-jirui-drive" / "2026.yaml"
    path.write_text(fill_required(path.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, err = run_cli("-C", root, "check")
    assert (code, err) == (0, "")
    assert "2 个企业数据文件" in out


def test_new_refuses_to_overwrite(jirui_2025, run_cli):
    root, _ = jirui_2025
    assert run_cli("-C", root, "new", "gz-jirui-drive", "--round", "2026")[0] == 0
    path = root / "companies" / "gz-jirui-drive" / "2026.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 已经开始填写\n", encoding="utf-8")
    before = path.read_bytes(), path.stat().st_mtime_ns
    code, out, err = run_cli("-C", root, "new", "gz-jirui-drive", "--round", "2026")
    assert code == 2
    assert "已存在，不会覆盖" in err
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    earlier = root / "companies" / "gz-jirui-drive" / "2025.yaml"
    assert run_cli("-C", root, "new", "gz-jirui-drive", "--round", "2025")[0] == 2
    assert earlier.read_text(encoding="utf-8") == (JIRUI / "2025.yaml").read_text(encoding="utf-8")


def test_new_starts_from_the_latest_earlier_round(make_project, run_cli):
    old = (JIRUI / "2025.yaml").read_text(encoding="utf-8")
    root = make_project({
        "gz-a/2024.yaml": old.replace("广州稷锐精密传动科技股份有限公司", "旧名称有限公司"),
        "gz-a/2025.yaml": old,
        "gz-a/2027.yaml": old.replace("广州稷锐精密传动科技股份有限公司", "未来名称有限公司"),
    })
    assert run_cli("-C", root, "new", "gz-a", "--round", "2026")[0] == 0
    new = parse((root / "companies/gz-a/2026.yaml").read_text(encoding="utf-8"), "x")
    assert new["basic"]["name"] == "广州稷锐精密传动科技股份有限公司"


def test_new_suffix_round_starts_from_the_same_year(make_project, run_cli):
    root = make_project({"gz-a/2026.yaml": (JIRUI / "2026.yaml").read_text(encoding="utf-8")})
    assert run_cli("-C", root, "new", "gz-a", "--round", "2026-h2")[0] == 0
    new = parse((root / "companies/gz-a/2026-h2.yaml").read_text(encoding="utf-8"), "x")
    assert [r["year"] for r in new["financials"]] == [2023, 2024, 2025]
    assert all(r["revenue"] is not None for r in new["financials"])
    assert new["basic"]["name"] == "广州稷锐精密传动科技股份有限公司"


def test_new_earlier_than_every_round_is_blank(make_project, run_cli):
    root = make_project({"gz-a/2026.yaml": (JIRUI / "2026.yaml").read_text(encoding="utf-8")})
    assert run_cli("-C", root, "new", "gz-a", "--round", "2024")[0] == 0
    new = parse((root / "companies/gz-a/2024.yaml").read_text(encoding="utf-8"), "x")
    assert new["basic"]["name"] is None
    assert [r["year"] for r in new["financials"]] == [2021, 2022, 2023]


def test_new_with_an_unreadable_earlier_round(make_project, run_cli):
    root = make_project({"gz-a/2025.yaml": "schema: 1\n  broken: [\n"})
    code, out, err = run_cli("-C", root, "new", "gz-a", "--round", "2026")
    assert code == 2
    assert "无法读取上一轮数据" in err and "2025.yaml" in err
    assert not (root / "companies/gz-a/2026.yaml").exists()


def test_old_science_awards_drop_out():
    previous = parse((JIRUI / "2026.yaml").read_text(encoding="utf-8"), "x")
    previous["innovation"]["science_awards"] = [
        {"year": 2022, "level": "national", "rank": 1},
        {"year": 2024, "level": "provincial", "rank": 2},
    ]
    new = parse(scaffold("gz-jirui-drive", "2027", previous), "x")
    # 2027 round: 近三年 is 2024..2026
    assert new["innovation"]["science_awards"] == [{"year": 2024, "level": "provincial", "rank": 2}]


def test_text_that_looks_like_other_values_stays_text():
    previous = parse((JIRUI / "2026.yaml").read_text(encoding="utf-8"), "x")
    previous["refinement"]["management_certs_other"] = ["true", "null", "False", "IATF 16949", "2024",
                                                        "a: b", "#1", "质量体系"]
    previous["basic"]["address"] = "广州: 黄埔区 # 3号楼"
    previous["basic"]["contact"]["mobile"] = "13800000000"
    text = scaffold("gz-jirui-drive", "2027", previous)
    new = parse(text, "x")
    assert new["refinement"]["management_certs_other"] == previous["refinement"]["management_certs_other"]
    assert new["basic"]["address"] == "广州: 黄埔区 # 3号楼"
    assert new["basic"]["contact"]["mobile"] == "13800000000"


def test_scaffold_from_every_example_parses_and_keeps_values():
    for path in sorted((REPO / "companies").glob("*/*.yaml")):
        previous = parse(path.read_text(encoding="utf-8"), str(path))
        year = int(path.stem[:4]) + 1
        text = scaffold(path.parent.name, str(year), previous)
        new = parse(text, "x")
        assert missing_fields(text) >= {"assessed_on"}
        assert present(new["basic"]) == present(previous["basic"]), path
        assert present(new["product"]) == present(previous["product"]), path
        assert new["extra"] == (previous.get("extra") or {}), path
        assert present(new["financials"][:2]) == present(previous["financials"][1:]), path


def test_new_does_not_touch_other_files(jirui_2025, run_cli):
    root, _ = jirui_2025
    src = root / "companies" / "gz-jirui-drive" / "2025.yaml"
    before = src.read_bytes(), src.stat().st_mtime_ns
    assert run_cli("-C", root, "new", "gz-jirui-drive", "--round", "2026")[0] == 0
    assert (src.read_bytes(), src.stat().st_mtime_ns) == before
    assert sorted(p.name for p in src.parent.iterdir()) == ["2025.yaml", "2026.yaml"]


def test_copying_an_example_project_and_adding_a_round(tmp_path, run_cli):
    # the whole example set, plus one new round on top, still checks clean once filled
    root = tmp_path / "copy"
    shutil.copytree(REPO / "companies", root / "companies")
    assert run_cli("-C", root, "new", "gz-jirui-drive", "--round", "2027")[0] == 0
    path = root / "companies" / "gz-jirui-drive" / "2027.yaml"
    path.write_text(fill_required(path.read_text(encoding="utf-8"), year=2027), encoding="utf-8")
    code, out, err = run_cli("-C", root, "check")
    assert (code, err) == (0, "")


def test_new_from_an_invalid_earlier_round_does_not_crash(make_project, run_cli):
    # the earlier round parses but breaks the form: a group written as a number,
    # a list written as one value; the new round is still written, and check
    # then points at what is left to correct
    old = (JIRUI / "2025.yaml").read_text(encoding="utf-8")
    start = old.index("refinement:\n")
    end = old.index("\n\n", start)
    old = old[:start] + "refinement: 5" + old[end:]
    old = old.replace("plan_methods: [ipo, bank_loan]", "plan_methods: ipo")
    assert "plan_methods: ipo" in old
    root = make_project({"gz-a/2025.yaml": old})
    code, out, err = run_cli("-C", root, "new", "gz-a", "--round", "2026")
    assert code == 0, err
    text = (root / "companies/gz-a/2026.yaml").read_text(encoding="utf-8")
    new = parse(text, "x")
    assert new["financing"]["plan_methods"] == "ipo"
    assert set(new["refinement"]) >= {"management_certs", "digital_level"}
    _, problems = validate_text(text, "x")
    assert any("financing.plan_methods" in p.message and "应为列表" in p.message for p in problems)
