"""Where company files live: companies/<company-id>/<round>.yaml, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from zjtx_site.intake import layout


def discover_in(project: Path, targets=None):
    return layout.discover(project, targets)


def messages_by_file(problems) -> dict[str, str]:
    return {p.file: p.message for p in problems}


@pytest.fixture
def in_project(make_project, monkeypatch):
    """A project made from ``files`` with the working directory inside it, so
    paths are shown exactly as staff would type them."""

    def make(files):
        root = make_project(files)
        monkeypatch.chdir(root)
        return root

    return make


# company ids and rounds ---------------------------------------------------------

@pytest.mark.parametrize("cid", ["gz", "ab", "a1", "1a", "gz-ruixin-bio", "0-", "a" * 63, "x" + "-" * 62])
def test_company_id_accepted(cid):
    assert layout.COMPANY_ID_RE.match(cid)


@pytest.mark.parametrize("cid", ["a", "", "a" * 64, "-gz", "Bad_ID", "GZ-a", "gz_a", "gz.a", "gz a",
                                 "广州", "gz-a\n"])
def test_company_id_refused(cid):
    assert not layout.COMPANY_ID_RE.match(cid)


@pytest.mark.parametrize("rnd", ["2026", "2025", "2026-h2", "2026-a", "1999-q4x"])
def test_round_accepted(rnd):
    assert layout.ROUND_RE.match(rnd)


@pytest.mark.parametrize("rnd", ["26", "202", "20260", "2026-", "2026-H2", "2026_h2", "h2-2026",
                                 "2026-h2-x", "2026.h2", "2026\n"])
def test_round_refused(rnd):
    assert not layout.ROUND_RE.match(rnd)


def test_rounds_sort_by_year_then_suffix():
    rounds = ["2027", "2026-h2", "2025", "2026"]
    assert sorted(rounds, key=layout.round_sort_key) == ["2025", "2026", "2026-h2", "2027"]


# discovering a project -------------------------------------------------------------

def test_valid_files_are_found_with_id_and_round(in_project, valid_text):
    root = in_project({"gz-b/2026.yaml": valid_text, "gz-a/2026-h2.yaml": valid_text,
                       "gz-a/2025.yaml": valid_text, ".gitkeep": ""})
    entries, problems = discover_in(root)
    assert problems == []
    assert [(e.company_id, e.round, e.shown) for e in entries] == [
        ("gz-a", "2025", "companies/gz-a/2025.yaml"),
        ("gz-a", "2026-h2", "companies/gz-a/2026-h2.yaml"),
        ("gz-b", "2026", "companies/gz-b/2026.yaml"),
    ]


def test_stray_file_under_companies(in_project, valid_text):
    root = in_project({"gz-a/2026.yaml": valid_text, "notes.txt": "备注", "2026.yaml": valid_text})
    entries, problems = discover_in(root)
    assert [e.shown for e in entries] == ["companies/gz-a/2026.yaml"]
    msgs = messages_by_file(problems)
    assert set(msgs) == {"companies/notes.txt", "companies/2026.yaml"}
    for m in msgs.values():
        assert "companies/ 下只能放企业文件夹" in m
    assert all((p.line, p.column) == (1, 1) and p.is_error for p in problems)


def test_bad_company_id_folder(in_project, valid_text):
    root = in_project({"Bad_ID/2026.yaml": valid_text})
    entries, problems = discover_in(root)
    assert entries == []
    (p,) = problems
    assert p.file == "companies/Bad_ID/2026.yaml"
    assert "企业编号（文件夹名）“Bad_ID”不合规" in p.message


def test_bad_round_name(in_project, valid_text):
    root = in_project({"gz-a/26.yaml": valid_text})
    entries, problems = discover_in(root)
    assert entries == []
    (p,) = problems
    assert p.file == "companies/gz-a/26.yaml"
    assert "评估轮次（文件名）“26”不合规" in p.message


def test_yml_extension(in_project, valid_text):
    root = in_project({"gz-a/2026.yml": valid_text})
    entries, problems = discover_in(root)
    assert entries == []
    (p,) = problems
    assert p.file == "companies/gz-a/2026.yml"
    assert "请把扩展名改为 .yaml" in p.message


@pytest.mark.parametrize("name", ["2026.yaml.bak", "2026.YAML", ".DS_Store", "README.md", "2026"])
def test_other_files_in_a_company_folder(in_project, valid_text, name):
    root = in_project({"gz-a/2026.yaml": valid_text, f"gz-a/{name}": "x"})
    entries, problems = discover_in(root)
    assert [e.shown for e in entries] == ["companies/gz-a/2026.yaml"]
    (p,) = problems
    assert p.file == f"companies/gz-a/{name}"
    assert "不是企业数据文件" in p.message or "不合规" in p.message


def test_subfolder_in_a_company_folder(in_project, valid_text):
    root = in_project({"gz-a/2026.yaml": valid_text, "gz-a/old/2025.yaml": valid_text})
    entries, problems = discover_in(root)
    assert [e.shown for e in entries] == ["companies/gz-a/2026.yaml"]
    (p,) = problems
    assert p.file == "companies/gz-a/old"
    assert "企业文件夹里不应再有子文件夹" in p.message


def test_every_layout_problem_at_once(in_project, valid_text):
    root = in_project({"gz-ok/2026.yaml": valid_text, "Bad_ID/2026.yaml": valid_text,
                       "gz-ok/26.yaml": valid_text, "gz-ok/2025.yml": valid_text,
                       "gz-ok/sub/2024.yaml": valid_text, "stray.txt": ""})
    entries, problems = discover_in(root)
    assert [e.shown for e in entries] == ["companies/gz-ok/2026.yaml"]
    assert sorted(p.file for p in problems) == sorted([
        "companies/Bad_ID/2026.yaml", "companies/gz-ok/26.yaml", "companies/gz-ok/2025.yml",
        "companies/gz-ok/sub", "companies/stray.txt"])


def test_bad_id_and_bad_round_in_one_path(in_project, valid_text):
    root = in_project({"Bad_ID/26.yaml": valid_text})
    _, problems = discover_in(root)
    assert len(problems) == 2
    assert {p.file for p in problems} == {"companies/Bad_ID/26.yaml"}


def test_missing_companies_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    entries, problems = layout.discover(tmp_path)
    assert entries == []
    (p,) = problems
    assert "找不到 companies/ 文件夹" in p.message and "-C" in p.message


def test_empty_companies_folder_is_fine(in_project):
    root = in_project({".gitkeep": ""})
    assert discover_in(root) == ([], [])


# explicit targets --------------------------------------------------------------------

def test_target_file(in_project, valid_text):
    root = in_project({"gz-a/2026.yaml": valid_text, "gz-b/2026.yaml": valid_text, "junk": ""})
    entries, problems = discover_in(root, [Path("companies/gz-b/2026.yaml")])
    assert problems == []
    assert [(e.company_id, e.round) for e in entries] == [("gz-b", "2026")]


def test_target_company_folder(in_project, valid_text):
    root = in_project({"gz-a/2026.yaml": valid_text, "gz-a/2025.yaml": valid_text,
                       "gz-b/2026.yaml": valid_text})
    entries, problems = discover_in(root, [Path("companies/gz-a")])
    assert problems == []
    assert [e.round for e in entries] == ["2025", "2026"]


def test_target_company_folder_still_reports_strays(in_project, valid_text):
    root = in_project({"gz-a/2026.yaml": valid_text, "gz-a/26.yaml": valid_text})
    entries, problems = discover_in(root, [Path("companies/gz-a")])
    assert [p.file for p in problems] == ["companies/gz-a/26.yaml"]


def test_target_that_does_not_exist(in_project):
    root = in_project({})
    entries, problems = discover_in(root, [Path("companies/gz-x/2026.yaml")])
    (p,) = problems
    assert p.file == "companies/gz-x/2026.yaml"
    assert "文件或文件夹不存在" in p.message


def test_target_bad_file_name(in_project, valid_text):
    root = in_project({"gz-a/draft.yaml": valid_text})
    entries, problems = discover_in(root, [Path("companies/gz-a/draft.yaml")])
    assert entries == []
    assert "“draft”不合规" in problems[0].message


def test_project_folder_as_target_checks_only_companies(in_project, valid_text):
    # ``zjtx check .`` must not read the YAML of .venv/, the package or plugins/
    root = in_project({"gz-a/2026.yaml": valid_text})
    for other in (".venv/lib/site-packages/mkdocs/theme.yml", "plugins/config.yaml",
                  "zjtx_site/scoring/data/rulesets/miit-2026.yaml", "mkdocs.yml"):
        (root / other).parent.mkdir(parents=True, exist_ok=True)
        (root / other).write_text("a: 1\n", encoding="utf-8")
    for target in (Path("."), root):
        entries, problems = discover_in(root, [target])
        assert problems == [], problems
        assert [(e.company_id, e.round) for e in entries] == [("gz-a", "2026")]


def test_folder_of_loose_company_folders(tmp_path, monkeypatch, valid_text):
    # a folder that is not a project (for example an inbox of received files)
    inbox = tmp_path / "inbox"
    (inbox / "gz-a").mkdir(parents=True)
    (inbox / "gz-a" / "2026.yaml").write_text(valid_text, encoding="utf-8")
    (inbox / ".git").mkdir()
    (inbox / ".git" / "config.yaml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    entries, problems = layout.discover(tmp_path, [Path("inbox")])
    assert problems == []
    assert [(e.company_id, e.round, e.shown) for e in entries] == [("gz-a", "2026", "inbox/gz-a/2026.yaml")]


def test_paths_shown_relative_to_where_the_command_runs(make_project, valid_text, monkeypatch):
    root = make_project({"gz-a/26.yaml": valid_text})
    monkeypatch.chdir(root / "companies")
    _, problems = layout.discover(root)
    assert problems[0].file == "gz-a/26.yaml"
