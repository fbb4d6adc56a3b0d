"""Windows and macOS: the chart font is found wherever the system keeps it (or
named by ZJTX_FONT), a machine without one gets install advice, not a
traceback, and the chart pool works where there is no fork."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_helpers import run
from matplotlib import font_manager

from zjtx_site.errors import FontMissing
from zjtx_site.render import charts, fonts

REPO = Path(__file__).resolve().parent.parent
DEBIAN_FONTS = "/usr/share/fonts"


def cjk_file() -> Path:
    for f in font_manager.fontManager.ttflist:
        if f.name == "Noto Sans CJK SC":
            return Path(f.fname)
    pytest.skip("no Noto Sans CJK on this machine to copy")


def python(script: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], check=False, capture_output=True, text=True,
        cwd=REPO, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO), "ZJTX_PLUGINS": "", **env})


# a machine without the Debian font --------------------------------------------------------

HIDE_DEBIAN_FONTS = f"""
from matplotlib import font_manager
from zjtx_site.render import charts, fonts
# this machine has no /usr/share/fonts: neither in matplotlib's cache nor on disk
kept = [f for f in font_manager.fontManager.ttflist if not f.fname.startswith({DEBIAN_FONTS!r})]
font_manager.fontManager.ttflist = kept
fonts.rescanned = lambda: list(font_manager.fontManager.ttflist)
"""


def test_a_font_installed_elsewhere_is_found_through_the_font_manager(tmp_path):
    # as on Windows (C:/Windows/Fonts) or macOS (~/Library/Fonts): the file is
    # not where Debian puts it, matplotlib knows it all the same
    copy = tmp_path / "UserFonts" / "NotoSansCJK-Regular.ttc"
    copy.parent.mkdir()
    shutil.copy(cjk_file(), copy)
    r = python(HIDE_DEBIAN_FONTS + f"""
font_manager.fontManager.addfont({str(copy)!r})
svg = charts.bars(["一级", "二级"], [1, 2])
assert charts.font_path() == {str(copy)!r}, charts.font_path()
assert charts.font_family() in fonts.FAMILIES
print(len(svg))
""", ZJTX_FONT="")
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) > 1000


def test_zjtx_font_names_a_font_file(tmp_path):
    copy = tmp_path / "my font.ttc"
    shutil.copy(cjk_file(), copy)
    r = python(HIDE_DEBIAN_FONTS + f"""
svg = charts.bars(["一级"], [1])
assert charts.font_path() == {str(copy)!r}
""", ZJTX_FONT=str(copy))
    assert r.returncode == 0, r.stderr


def test_zjtx_font_names_an_installed_family(monkeypatch):
    monkeypatch.setattr(charts, "_font", None)
    monkeypatch.setenv(fonts.SETTING, "noto sans cjk sc")
    cjk_file()
    charts.setup_fonts()
    assert charts.font_family() == "Noto Sans CJK SC"


def test_zjtx_font_that_names_nothing_says_so(monkeypatch):
    with pytest.raises(FontMissing, match="ZJTX_FONT=Comic Sans CJK：既不是字体文件"):
        fonts.find_cjk_font("Comic Sans CJK", known=list, scan=list)


def test_a_newly_installed_font_is_found_by_scanning_once():
    cjk_file()
    on_disk = [f for f in font_manager.fontManager.ttflist if f.name == "Noto Sans CJK SC"]
    font = fonts.find_cjk_font("", known=list, scan=lambda: on_disk)
    assert font.family == "Noto Sans CJK SC"


# a machine without any Chinese font -------------------------------------------------------------

ADVICE = ("Windows", "Microsoft YaHei", "macOS", "PingFang SC", "Debian/Ubuntu", "fonts-noto-cjk", "ZJTX_FONT")


def test_build_without_a_font_says_what_to_install(no_cjk_font, tmp_path, capsys):
    root = tmp_path / "p"
    shutil.copytree(REPO / "companies" / "gz-jirui-drive", root / "companies" / "gz-jirui-drive")
    code, _out, err = run(capsys, "-C", root, "build")
    assert code == 1
    assert "构建失败：找不到图表所需的中文字体" in err and "保持不变" in err
    for word in ADVICE:
        assert word in err, word


def test_classify_without_a_font_still_writes_its_results(no_cjk_font, tmp_path, capsys):
    src = tmp_path / "r.csv"
    src.write_text("企业名称,统一社会信用代码,营业收入（万元）,主导产品所属领域\n", encoding="utf-8")
    code, _out, err = run(capsys, "classify", src)
    assert code == 0 and "未生成图表：找不到图表所需的中文字体" in err and "Windows" in err


# a machine without fork ---------------------------------------------------------------------------

def test_the_chart_pool_works_without_fork():
    r = python("""
    import multiprocessing, os
    from zjtx_site.render.pages import Chart
    from zjtx_site.website import drawing

    def no_fork(*a, **k):
        raise OSError("no fork on this system")

    if __name__ == "__main__":
        multiprocessing.set_start_method("spawn", force=True)     # as on Windows and macOS
        os.fork = no_fork
        jobs = [Chart(path=f"c{i}.svg", key=str(i), kind="bars", args=(["一级", "二级"], [i, i + 1]))
                for i in range(drawing.POOL_FROM + 4)]
        pooled = list(drawing.draw_all(jobs))
        serial = [job.draw() for job in jobs]
        assert pooled == serial
        print(len(pooled))
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(drawing_jobs())


def drawing_jobs() -> int:
    from zjtx_site.website import drawing

    return drawing.POOL_FROM + 4


def test_the_main_module_does_nothing_when_a_worker_imports_it(capsys):
    # "spawn" runs the parent's main module again in each worker, as __mp_main__
    runpy.run_module("zjtx_site", run_name="__mp_main__")
    out, err = capsys.readouterr()
    assert out == err == ""
