"""``zjtx check``: every problem of every file in one run, as path:line:column: message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zjtx_site import cli

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "companies").glob("*/*.yaml"))
LINE_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>错误|警告)：(?P<msg>.+)$")


def problem_lines(err: str) -> list[re.Match]:
    """Every problem line; every other line of stderr is the one summary."""
    lines = err.splitlines()
    matches = [LINE_RE.match(ln) for ln in lines]
    others = [ln for ln, m in zip(lines, matches) if not m]
    assert len(others) <= 1 and all(ln.startswith("检查未通过") for ln in others), others
    return [m for m in matches if m]


def line_of(text: str, needle: str) -> int:
    hits = [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture
def in_project(make_project, monkeypatch):
    def make(files):
        root = make_project(files)
        monkeypatch.chdir(root)
        return root

    return make


# the examples --------------------------------------------------------------------

def test_there_are_examples():
    assert len(EXAMPLES) >= 14


def test_every_example_passes(run_cli):
    code, out, err = run_cli("-C", REPO, "check")
    assert (code, err) == (0, "")
    assert f"检查通过：{len(EXAMPLES)} 个企业数据文件，0 个警告。" in out


@pytest.mark.parametrize("path", EXAMPLES, ids=[f"{p.parent.name}/{p.name}" for p in EXAMPLES])
def test_each_example_passes_alone(run_cli, path):
    code, out, err = run_cli("-C", REPO, "check", path)
    assert (code, err) == (0, "")
    assert "检查通过：1 个企业数据文件" in out


# bad input through the command: exit 1, the right line, label and key ---------------

def _drop_first_year(t: str) -> str:
    return t[:t.index("  - year: 2023")] + t[t.index("  - year: 2024"):]


CASES = [
    # id, change, (needle on the expected line), column or None, words in the message
    ("syntax", lambda t: replace_once(t, "  address: 广州市黄埔区开创大道稷锐产业园1号", "  address: 广州市: 黄埔区"),
     "广州市: 黄埔区", 15, ["YAML 格式错误"]),
    ("duplicate-key", lambda t: replace_once(t, "  address:", "  name: 重复\n  address:"),
     "name: 重复", 3, ["重复的键", '"name"']),
    ("unknown-key", lambda t: replace_once(t, "    class2: 71", "    clas2: 71"),
     "clas2: 71", 5, ["未知的键 “clas2”", "innovation.ip.clas2", "是不是想写 “class2”"]),
    ("text-for-number", lambda t: replace_once(t, "revenue: 30500", "revenue: 三万"),
     "revenue: 三万", 14, ["「营业收入」", "financials[2].revenue", "“三万”", "应为数字"]),
    ("yes-for-bool", lambda t: replace_once(t, "cloud_migration: true", "cloud_migration: yes"),
     "cloud_migration: yes", 20, ["「业务系统是否向云端迁移」", "refinement.cloud_migration", "“yes”", "YAML 1.2"]),
    ("out-of-range", lambda t: replace_once(t, "domestic: 15.8", "domestic: 101"),
     "domestic: 101", None, ["「主导产品全国细分市场占有率」", "distinctiveness.market_share[1].domestic",
                             "超出范围：101", "0～100"]),
    ("main-above-revenue", lambda t: replace_once(t, "main_revenue: 29600", "main_revenue: 31000"),
     "main_revenue: 31000", 19, ["「其中：主营业务收入」", "financials[2].main_revenue", "31000 大于「营业收入」30500"]),
    ("rd-expense-above-revenue", lambda t: replace_once(t, "rd_expense: 1960", "rd_expense: 40000"),
     "rd_expense: 40000", 17, ["「研发费用总额」", "financials[2].rd_expense", "40000 大于「营业收入」30500"]),
    ("rd-staff-above-employees", lambda t: replace_once(t, "rd_staff: 170", "rd_staff: 800"),
     "rd_staff: 800", 15, ["「其中：研发人员数量」", "financials[2].rd_staff", "800 大于「全职员工数量」700"]),
    ("years-not-consecutive", lambda t: replace_once(t, "  - year: 2024  # 第2年", "  - year: 2021  # 第2年"),
     "financials:", 1, ["「年度」", "（financials）", "连续递增", "2023、2021、2025"]),
    ("two-years", _drop_first_year,
     "financials:", 1, ["「经济效益和经营情况」", "（financials）", "有 2 条记录", "恰好 3 条记录"]),
    ("credit-code", lambda t: replace_once(t, "credit_code: 91440101MA9JR2D6XM", "credit_code: 91440101MA9JR2D6X1"),
     "credit_code:", 16, ["「统一社会信用代码」", "basic.credit_code", "校验位应为 M，实际为 1"]),
    ("enum", lambda t: replace_once(t, "maker_china: top500", "maker_china: top100"),
     "maker_china: top100", 16, ["「近三年“创客中国”中小企业创新创业大赛」", "innovation.maker_china", "“top100”",
                                 "top500（全国 500 强）"]),
    ("schema", lambda t: replace_once(t, "schema: 1 ", "schema: 2 "),
     "schema: 2", 9, ["「数据格式版本」", "（schema）", "超出范围：2"]),
    ("date", lambda t: replace_once(t, "assessed_on: 2026-05-20", "assessed_on: 2026-02-30"),
     "assessed_on:", 14, ["「评估日期」", "（assessed_on）", "2026-02-30", "该日期不存在"]),
    ("missing-required", lambda t: replace_once(t, "  name: 广州稷锐精密传动科技股份有限公司  # 企业名称\n", ""),
     "basic:", 1, ["缺少必填项「企业名称」", "basic.name"]),
    ("missing-section", lambda t: replace_once(t, "  niche_years: 13  # 从事特定细分市场时间（年）\n", ""),
     "specialization:", 1, ["缺少必填项「专业化」", "specialization"]),
    ("top-level-list", lambda t: "- schema: 1\n- assessed_on: 2026-05-20\n", None, 1, ["顶层应为映射", "列表"]),
    ("empty", lambda t: "", None, 1, ["文件是空的"]),
    ("comments-only", lambda t: "# 待填写\n", None, 1, ["文件是空的"]),
    ("python-tag", lambda t: t + "evil: !!python/object:os.system {}\n",
     "evil:", 7, ["不支持的 YAML 标签"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_with_its_line(in_project, run_cli, valid_text, case):
    _, change, needle, column, words = case
    text = change(valid_text)
    in_project({"gz-a/2026.yaml": text, "gz-ok/2026.yaml": valid_text})
    code, out, err = run_cli("check")
    assert code == 1
    assert out == ""
    (m,) = problem_lines(err)
    assert m["file"] == "companies/gz-a/2026.yaml"
    assert m["sev"] == "错误"
    assert int(m["line"]) == (line_of(text, needle) if needle else 1)
    if column:
        assert int(m["col"]) == column
    for w in words:
        assert w in m["msg"]
    assert "检查未通过：2 个文件，1 个错误，0 个警告（涉及 1 个文件）。" in err


LAYOUT_CASES = [
    ("stray-file", "notes.txt", "companies/ 下只能放企业文件夹"),
    ("bad-company-id", "Bad_ID/2026.yaml", "企业编号（文件夹名）“Bad_ID”不合规"),
    ("bad-round", "gz-a/26.yaml", "评估轮次（文件名）“26”不合规"),
    ("yml", "gz-a/2026.yml", "请把扩展名改为 .yaml"),
]


@pytest.mark.parametrize("case", LAYOUT_CASES, ids=[c[0] for c in LAYOUT_CASES])
def test_bad_path_is_reported_naming_it(in_project, run_cli, valid_text, case):
    _, rel, words = case
    in_project({"gz-ok/2026.yaml": valid_text, rel: valid_text})
    code, out, err = run_cli("check")
    assert code == 1
    (m,) = problem_lines(err)
    assert (m["file"], m["line"], m["col"]) == (f"companies/{rel}", "1", "1")
    assert words in m["msg"]


def test_subfolder_is_reported_naming_it(in_project, run_cli, valid_text):
    in_project({"gz-ok/2026.yaml": valid_text, "gz-ok/drafts/2027.yaml": valid_text})
    code, out, err = run_cli("check")
    assert code == 1
    (m,) = problem_lines(err)
    assert m["file"] == "companies/gz-ok/drafts"
    assert "不应再有子文件夹" in m["msg"]


def test_every_problem_in_every_file_in_one_run(in_project, run_cli, valid_text):
    def three_problems(t, revenue):
        t = replace_once(t, "schema: 1 ", "schema: 9 ")
        t = replace_once(t, "cloud_migration: true", "cloud_migration: on")
        return replace_once(t, "revenue: 30500", f"revenue: {revenue}")

    a = three_problems(valid_text, "多少")
    b = three_problems(valid_text, "-1")
    in_project({"gz-a/2026.yaml": a, "gz-b/2026.yaml": b, "gz-c/2026.yaml": valid_text})
    code, out, err = run_cli("check")
    assert code == 1
    found = [(m["file"], int(m["line"])) for m in problem_lines(err)]
    expected = [(f"companies/{cid}/2026.yaml", line_of(text, needle))
                for cid, text, revenue in (("gz-a", a, "多少"), ("gz-b", b, "-1"))
                for needle in ("schema: 9", "cloud_migration: on", f"  revenue: {revenue}")]
    assert found == sorted(expected)  # six lines, sorted by file then line
    assert "检查未通过：3 个文件，6 个错误，0 个警告（涉及 2 个文件）。" in err


def test_layout_and_content_problems_together(in_project, run_cli, valid_text):
    bad = replace_once(valid_text, "schema: 1 ", "schema: 0 ")
    in_project({"gz-a/2026.yaml": bad, "Bad_ID/2026.yaml": valid_text, "x.txt": ""})
    code, out, err = run_cli("check")
    assert code == 1
    assert [m["file"] for m in problem_lines(err)] == [
        "companies/Bad_ID/2026.yaml", "companies/gz-a/2026.yaml", "companies/x.txt"]


# warnings ---------------------------------------------------------------------------

def test_warning_is_printed_but_does_not_fail(in_project, run_cli, valid_text):
    text = replace_once(valid_text, "debt_ratio: 41.5", "debt_ratio: 120")
    in_project({"gz-a/2026.yaml": text})
    code, out, err = run_cli("check")
    assert code == 0
    (m,) = [LINE_RE.match(ln) for ln in err.splitlines()]
    assert m["sev"] == "警告"
    assert (m["file"], int(m["line"]), int(m["col"])) == (
        "companies/gz-a/2026.yaml", line_of(text, "debt_ratio: 120"), len("    debt_ratio: ") + 1)
    assert "「资产负债率」（financials[2].debt_ratio）为 120，超过 100，请核对" in m["msg"]
    assert "检查通过：1 个企业数据文件，1 个警告。" in out


def test_round_and_assessment_year_disagree_is_a_warning(in_project, run_cli, valid_text):
    in_project({"gz-a/2027.yaml": valid_text})
    code, out, err = run_cli("check")
    assert code == 0
    (m,) = [LINE_RE.match(ln) for ln in err.splitlines()]
    assert m["sev"] == "警告" and "评估轮次 2027 与评估日期 2026-05-20 不在同一年" in m["msg"]


def test_warning_and_error_together_fail(in_project, run_cli, valid_text):
    text = replace_once(valid_text, "debt_ratio: 41.5", "debt_ratio: 120")
    text = replace_once(text, "schema: 1 ", "schema: 2 ")
    in_project({"gz-a/2026.yaml": text})
    code, out, err = run_cli("check")
    assert code == 1
    assert [m["sev"] for m in problem_lines(err)] == ["错误", "警告"]
    assert "1 个错误，1 个警告" in err


# check never writes ----------------------------------------------------------------------

def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_check_never_writes(make_project, run_cli, valid_text, tmp_path, monkeypatch):
    files = {
        "gz-ok/2026.yaml": valid_text,
        "gz-bad/2026.yaml": replace_once(valid_text, "cloud_migration: true", "cloud_migration: yes"),
        "gz-warn/2026.yaml": replace_once(valid_text, "debt_ratio: 41.5", "debt_ratio: 150"),
        "gz-syntax/2026.yaml": valid_text[:200] + "\n  : : [\n",
        "gz-bytes/2026.yaml": b"\xff\xfe\x00garbage",
        "gz-empty/2026.yaml": "",
        "Bad_ID/2026.yaml": valid_text,
        "notes.txt": "x",
    }
    root = make_project(files)
    before = _snapshot(root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for argv in (("-C", root, "check"), ("-C", root, "check", "companies/gz-bad"),
                 ("-C", root, "check", root / "companies" / "gz-ok" / "2026.yaml")):
        run_cli(*argv)
    assert _snapshot(root) == before
    assert list(elsewhere.iterdir()) == []


# where it runs -----------------------------------------------------------------------------

def test_project_option_from_another_directory(make_project, run_cli, valid_text, tmp_path, monkeypatch):
    root = make_project({"gz-a/2026.yaml": valid_text})
    monkeypatch.chdir(tmp_path)
    assert run_cli("-C", root, "check")[0] == 0
    assert run_cli("--project", str(root), "check")[0] == 0
    assert run_cli("-C", "proj", "check")[0] == 0  # relative to where it runs
    code, out, err = run_cli("check")  # tmp_path is no project
    assert code == 1 and "找不到 companies/ 文件夹" in err


def test_project_option_with_relative_paths(make_project, run_cli, valid_text, tmp_path, monkeypatch):
    # like git -C and make -C, the paths are the project's
    root = make_project({"gz-a/2026.yaml": valid_text,
                         "gz-b/2026.yaml": replace_once(valid_text, "schema: 1 ", "schema: 2 ")})
    monkeypatch.chdir(tmp_path)
    assert run_cli("-C", root, "check", "companies/gz-a/2026.yaml")[0] == 0
    code, out, err = run_cli("-C", root, "check", "companies/gz-b")
    assert code == 1
    (m,) = problem_lines(err)
    assert m["file"].endswith("companies/gz-b/2026.yaml")
    assert Path(m["file"]).resolve() == (root / "companies/gz-b/2026.yaml").resolve()


def test_problem_paths_can_be_opened_from_where_it_runs(make_project, run_cli, valid_text, tmp_path,
                                                        monkeypatch):
    make_project({"gz-b/2026.yaml": replace_once(valid_text, "schema: 1 ", "schema: 2 ")})
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("-C", "proj", "check")
    (m,) = problem_lines(err)
    assert m["file"] == "proj/companies/gz-b/2026.yaml"
    assert Path(m["file"]).is_file()


def test_missing_project_directory(run_cli, tmp_path):
    code, out, err = run_cli("-C", tmp_path / "nowhere", "check")
    assert code == 2
    assert "项目目录不存在" in err


def test_check_given_files_checks_only_those(in_project, run_cli, valid_text):
    bad = replace_once(valid_text, "schema: 1 ", "schema: 2 ")
    in_project({"gz-a/2026.yaml": valid_text, "gz-b/2026.yaml": bad, "Bad_ID/2026.yaml": valid_text})
    code, out, err = run_cli("check", "companies/gz-a/2026.yaml")
    assert (code, err) == (0, "")
    assert "1 个企业数据文件" in out
    code, out, err = run_cli("check", "companies/gz-a", "companies/gz-b/2026.yaml")
    assert code == 1
    assert [m["file"] for m in problem_lines(err)] == ["companies/gz-b/2026.yaml"]
    code, out, err = run_cli("check", "companies/gz-zz/2026.yaml")
    assert code == 1 and "文件或文件夹不存在" in err


def test_check_dot_in_a_project_with_other_yaml(in_project, run_cli, valid_text):
    root = in_project({"gz-a/2026.yaml": valid_text})
    (root / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    code, out, err = run_cli("check", ".")
    assert (code, err) == (0, "")
    assert "1 个企业数据文件" in out


def test_no_command_prints_help(run_cli):
    code, out, err = run_cli()
    assert code == 2
    assert "check" in out


def test_main_returns_exit_code_without_exiting(in_project, valid_text):
    in_project({"gz-a/2026.yaml": valid_text})
    assert cli.main(["check"]) == 0
