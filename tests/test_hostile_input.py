"""Hostile input to ``zjtx check``: links, special files and numbers that would
cost unbounded time or memory are refused within seconds, each with one
message; control characters and personal data never reach the output."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from cli_helpers import run

from zjtx_site.intake.loader import validate_text
from zjtx_site.intake.numbers import out_of_bounds
from zjtx_site.intake.schema import MAX_DECIMALS, MAX_FILE_BYTES
from zjtx_site.intake.yamlload import LoadFailure, read_bytes

REPO = Path(__file__).resolve().parent.parent
SHOWN = "companies/gz-test/2026.yaml"
MEMORY_LIMIT = 768 * 1024 * 1024
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero, links without privileges")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def check_in_subprocess(project: Path, *args: str) -> subprocess.CompletedProcess:
    """``zjtx check`` in its own process, memory-bounded; the timeout is generous
    (a hang fails the test instead of the run), not a measure of speed."""
    return subprocess.run(
        [sys.executable, "-m", "zjtx_site", "-C", str(project), "check", *args],
        check=False, capture_output=True, text=True, cwd=project, preexec_fn=_limit_memory, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)})


def problem_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ": 错误：" in ln or ": 警告：" in ln]


# the done-when case ------------------------------------------------------------------------

@posix_only
def test_dev_zero_link_fifo_and_tiny_number_give_three_messages(make_project, valid_text):
    project = make_project({"gz-num/2026.yaml": replace_once(valid_text, "debt_ratio: 41.5",
                                                             "debt_ratio: 1e-999999999")})
    (project / "companies" / "gz-zero").mkdir()
    (project / "companies" / "gz-zero" / "2026.yaml").symlink_to("/dev/zero")
    (project / "companies" / "gz-fifo").mkdir()
    os.mkfifo(project / "companies" / "gz-fifo" / "2026.yaml")
    r = check_in_subprocess(project)
    assert r.returncode == 1, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    lines = problem_lines(r.stderr)
    assert len(lines) == 3, r.stderr
    by_file = {ln.split(":", 1)[0]: ln for ln in lines}
    assert "符号链接" in by_file["companies/gz-zero/2026.yaml"]
    assert "不是普通文件" in by_file["companies/gz-fifo/2026.yaml"]
    assert f"小数位数过多（999999999 位，最多 {MAX_DECIMALS} 位）" in by_file["companies/gz-num/2026.yaml"]


# links and special files ------------------------------------------------------------------

@posix_only
def test_link_to_a_file_outside_the_project_is_refused(make_project, valid_text, tmp_path, capsys):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(valid_text, "utf-8")
    project = make_project({})
    (project / "companies" / "gz-a").mkdir()
    (project / "companies" / "gz-a" / "2026.yaml").symlink_to(outside)
    code, _out, err = run(capsys, "-C", project, "check")
    assert code == 1
    (line,) = problem_lines(err)
    assert "gz-a/2026.yaml" in line and "符号链接" in line


@posix_only
def test_linked_company_folder_is_refused(make_project, valid_text, tmp_path, capsys):
    other = tmp_path / "other" / "gz-b"
    other.mkdir(parents=True)
    (other / "2026.yaml").write_text(valid_text, "utf-8")
    project = make_project({"gz-a/2026.yaml": valid_text})
    (project / "companies" / "gz-b").symlink_to(other, target_is_directory=True)
    code, _out, err = run(capsys, "-C", project, "check")
    assert code == 1
    (line,) = problem_lines(err)
    assert line.startswith(str(Path("companies") / "gz-b")) or "companies/gz-b" in line
    assert "符号链接" in line


@posix_only
def test_companies_folder_linked_out_of_the_project_is_refused(tmp_path, valid_text, capsys):
    data = tmp_path / "data"
    (data / "gz-a").mkdir(parents=True)
    (data / "gz-a" / "2026.yaml").write_text(valid_text, "utf-8")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "companies").symlink_to(data, target_is_directory=True)
    code, _out, err = run(capsys, "-C", project, "check")
    assert code == 1 and "指向项目以外的符号链接" in err


@posix_only
def test_explicit_target_that_is_a_link_is_refused(make_project, valid_text, tmp_path, capsys):
    outside = tmp_path / "x.yaml"
    outside.write_text(valid_text, "utf-8")
    project = make_project({})
    (project / "companies" / "gz-a").mkdir()
    (project / "companies" / "gz-a" / "2026.yaml").symlink_to(outside)
    code, _out, err = run(capsys, "-C", project, "check", "companies/gz-a/2026.yaml")
    assert code == 1 and "符号链接" in err


@posix_only
def test_reading_a_device_never_starts(tmp_path):
    # read_bytes refuses what is not a regular file before opening it (a FIFO
    # would block the open, /dev/zero would never end)
    with pytest.raises(LoadFailure, match="不是普通文件"):
        read_bytes(Path("/dev/zero"), "zero")
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    with pytest.raises(LoadFailure, match="不是普通文件"):
        read_bytes(fifo, "fifo")


def test_reading_stops_one_byte_past_the_limit(tmp_path):
    sparse = tmp_path / "huge.yaml"
    with sparse.open("wb") as fh:       # 10 GB on paper, nothing on disk
        fh.truncate(10 * 1024 ** 3)
    with pytest.raises(LoadFailure, match=f"超过上限 {MAX_FILE_BYTES} 字节"):
        read_bytes(sparse, "huge")


# numbers beyond what any field needs ---------------------------------------------------------

@pytest.mark.parametrize("literal, words", [
    ("1e-999999999", "小数位数过多（999999999 位"),
    ("0." + "0" * 299_999 + "1", "小数位数过多（300000 位"),
    ("45.1234567", "小数位数过多（7 位"),
    ("1e16", "数值过大"),
    ("0e-999999999", "写法异常"),
])
def test_precision_and_exponent_are_bounded_before_arithmetic(valid_text, literal, words):
    text = replace_once(valid_text, "debt_ratio: 41.5", f"debt_ratio: {literal}")
    _clean, problems = validate_text(text, SHOWN)
    (p,) = problems
    assert p.is_error and "（financials[2].debt_ratio）超出范围：" in p.message and words in p.message
    assert len(p.message) < 300      # the number itself is never echoed in full


def test_six_decimals_and_trailing_zeros_pass(valid_text):
    text = replace_once(valid_text, "debt_ratio: 41.5", "debt_ratio: 41.123456000")
    assert validate_text(text, SHOWN)[1] == []
    assert out_of_bounds(Decimal("999999999999999.999999")) is None


def test_numbers_under_extra_are_bounded_too(valid_text):
    text = valid_text.replace("extra:\n", "extra:\n  ratio: 1e-999999999\n  nested: {a: [1, 1e99]}\n", 1)
    problems = validate_text(text, SHOWN)[1]
    assert sorted(p.doc_path for p in problems) == [("extra", "nested", "a", 1), ("extra", "ratio")]
    assert all(p.is_error and "中的数字超出范围" in p.message for p in problems)


def test_score_and_build_never_see_a_hostile_number(make_project, valid_text):
    project = make_project({"gz-a/2026.yaml": replace_once(valid_text, "debt_ratio: 41.5",
                                                           "debt_ratio: 1e-999999999")})
    r = subprocess.run(
        [sys.executable, "-m", "zjtx_site", "-C", str(project), "score", "companies/gz-a/2026.yaml"],
        check=False, capture_output=True, text=True, cwd=project, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), "ZJTX_PLUGINS": ""})
    assert r.returncode != 0 and "小数位数过多" in r.stderr and "Traceback" not in r.stderr


# control characters and personal data in the output -------------------------------------------

def test_control_characters_in_text_are_refused_and_shown_escaped(make_project, valid_text, capsys):
    text = replace_once(valid_text, "name: 广州稷锐精密传动科技股份有限公司",
                        'name: "广州稷锐\\x7f\\e[2J\\0公司"')
    text = text.replace("extra:\n", 'extra:\n  "k\\e[31m": 1\n', 1)
    text = text.replace("  founded_on:", '  "x\\e]0;owned\\a": 1\n  founded_on:', 1)
    code, out, err = run(capsys, "-C", make_project({"gz-a/2026.yaml": text}), "check")
    assert code == 1
    assert "「企业名称」（basic.name）含有不可见的控制字符 U+007F" in err
    assert "\\u001b]0;owned\\u0007" in err                       # the unknown key, visible
    for raw in ("\x1b", "\x7f", "\x00", "\x07"):
        assert raw not in out + err


def test_raw_control_character_in_the_file_is_named_at_its_place(make_project, valid_text, capsys):
    text = replace_once(valid_text, "address: 广州市", "address: \x1b[2J广州市")
    code, _out, err = run(capsys, "-C", make_project({"gz-a/2026.yaml": text}), "check")
    assert code == 1 and "控制字符 U+001B" in err and "\x1b" not in err


def test_every_printed_line_is_made_visible(capsys):
    from zjtx_site import cli

    code = cli.main(["-C", "/nonexistent\x1b[2J\x07", "check"])
    _out, err = capsys.readouterr()
    assert code == 2 and "\x1b" not in err and "\\u001b[2J\\u0007" in err


MOBILE = "13912345678"


@pytest.mark.parametrize("contact", [
    f"    mobile: {MOBILE}",                       # a number: not text
    f"    mobile: [{MOBILE}]",                     # a list
    f"    {MOBILE}: x",                            # a number as a key
    f"    mobile: {{n: 张{MOBILE}}}",               # a mapping
])
def test_personal_values_are_never_echoed(make_project, valid_text, capsys, contact):
    text = replace_once(valid_text, '    mobile: "13900000002"', contact)
    code, out, err = run(capsys, "-C", make_project({"gz-a/2026.yaml": text}), "check")
    assert code == 1
    assert "basic.contact" in err
    assert MOBILE not in out + err


def test_a_contact_that_is_not_a_mapping_is_not_echoed(make_project, valid_text, capsys):
    text = valid_text.replace("  contact:  # 联系人（个人信息，不进入站点）\n    name: 黄振邦\n"
                              '    mobile: "13900000002"\n    email: huangzb@example.cn\n',
                              f"  contact: 黄振邦 {MOBILE}\n", 1)
    assert f"contact: 黄振邦 {MOBILE}" in text
    code, out, err = run(capsys, "-C", make_project({"gz-a/2026.yaml": text}), "check")
    assert code == 1 and "「联系人信息」（basic.contact）应为映射" in err
    assert MOBILE not in out + err and "黄振邦" not in out + err
