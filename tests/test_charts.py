"""Charts: deterministic SVG, Chinese drawn with the registered CJK font,
no missing glyphs, and a clear failure when the font is not installed."""

from __future__ import annotations

import logging
import math
import re
import warnings
from fractions import Fraction

import matplotlib
import pytest
from matplotlib import font_manager

from zjtx_site.render import charts, fonts

DIMS = ["专业化", "精细化", "特色化", "创新能力", "产业链配套", "主导产品所属领域"]
SCORES = [Fraction(90), Fraction(595, 10), Fraction(75), Fraction(674, 10), Fraction(60), Fraction(165, 2)]
YEARS = [2023, 2024, 2025]
SERIES = {"营业收入": [Fraction(6800), Fraction(8600), Fraction(10400)],
          "主营业务收入": [Fraction(6530), Fraction(8320), Fraction(10080)],
          "研发费用": [Fraction(290), None, Fraction(760)],
          "净利润": [Fraction(-420), Fraction(450), Fraction(690)]}


def _all_charts() -> dict[str, bytes]:
    return {
        "radar": charts.radar(DIMS, SCORES),
        "radar_titled": charts.radar(DIMS, SCORES, title="六维诊断（2026 轮）"),
        "trend": charts.trend(YEARS, SERIES),
        "rounds": charts.rounds(["2025", "2026", "2026-h2"], {d: [Fraction(40), Fraction(50), s]
                                                              for d, s in zip(DIMS, SCORES)}),
        "bars": charts.bars(["L1", "L2", "L3", "L4", "L5"], [1, 3, 4, 2, 0]),
    }


def _cjk_font():
    """The face of the registered file that the family name resolves to (a .ttc holds several)."""
    charts.setup_fonts()
    return font_manager.get_font(font_manager.findfont(font_manager.FontProperties(family=charts.font_family()),
                                                       fallback_to_default=False))


def test_same_input_gives_the_same_bytes():
    first, second = _all_charts(), _all_charts()
    for name in first:
        assert first[name] == second[name], name
        assert first[name].startswith(b"<svg ")         # no XML declaration: UTF-8 is XML's default


def test_bytes_do_not_depend_on_global_matplotlib_settings():
    before = _all_charts()
    with matplotlib.rc_context({"lines.linewidth": 9, "font.size": 20, "svg.hashsalt": "other",
                                "axes.prop_cycle": matplotlib.cycler(color=["#000000"]),
                                "svg.fonttype": "none"}):
        during = _all_charts()
    assert during == before


def test_different_input_gives_different_bytes():
    assert charts.radar(DIMS, SCORES) != charts.radar(DIMS, SCORES[::-1])


def test_no_date_or_creator_metadata():
    for name, svg in _all_charts().items():
        assert b"<dc:date" not in svg, name
        assert b"<dc:creator" not in svg and b"Matplotlib v" not in svg, name
        assert not re.search(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", svg), name


def test_the_cjk_font_is_found_through_the_font_manager():
    charts.setup_fonts()
    path, family = charts.font_path(), charts.font_family()
    assert family in fonts.FAMILIES
    entries = [f for f in font_manager.fontManager.ttflist if f.fname == path]
    assert any(f.name == family for f in entries)
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert found == path
    assert _cjk_font().family_name == family


def _texts(svg: bytes) -> str:
    return "".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode("utf-8")))


def test_chinese_labels_are_text_in_the_cjk_font():
    """Text stays text (svg.fonttype none): every label is a <text> element, no glyph
    outline is defined, and the SVG's stylesheet names the CJK font the layout was
    measured with before any other."""
    svgs = _all_charts()
    for name, svg in svgs.items():
        assert b"<text" in svg, name
        assert not re.search(rb'<path id="[^"]*-[0-9a-f]+"', svg), f"{name}: glyph outlines defined"
        families = re.search(rb"text\{font-family:([^}]*)\}", svg).group(1).decode()
        assert families.split(",")[0].strip("'") == charts.FONT_FAMILY, name
        assert families.endswith("sans-serif"), name
        assert b"font-family" not in svg.replace(b"text{font-family", b""), f"{name}: per-text font styles"
    text = {name: _texts(svg) for name, svg in svgs.items()}
    for d in DIMS:
        assert d in text["radar"], d
    for label in ("营业收入", "主营业务收入", "研发费用", "净利润", "经营规模", "2023年", "万元"):
        assert label in text["trend"], label
    assert "2026-h2 轮" in text["rounds"] and "得分（分）" in text["rounds"]
    assert "企业数（家）" in text["bars"]
    assert "六维诊断（2026 轮）" in text["radar_titled"]


def test_coordinates_are_rounded():
    for name, svg in _all_charts().items():
        assert not re.search(rb"\d\.\d\d", re.sub(rb"<style>.*?</style>", b"", svg)), name


def test_no_missing_glyph_warnings(caplog):
    """Warnings made errors while every chart is drawn, and no findfont fallback logged."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.DEBUG, logger="matplotlib.font_manager"):
            _all_charts()
            charts.radar(["网络强国", "“六基”", "Ⅰ/Ⅱ类", "－–—", "≥≤", "小巨人"], SCORES)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert "findfont: Font family" not in caplog.text


def test_radar_is_a_full_circle_starting_at_the_top():
    """Regression: negative spoke angles stretched the polar axes into a wedge."""
    charts.setup_fonts()
    fig = charts.radar.__wrapped__(DIMS, SCORES)
    ax = fig.axes[0]
    assert ax.get_thetamin() == pytest.approx(0) and ax.get_thetamax() == pytest.approx(360)
    assert ax.get_theta_offset() == pytest.approx(math.pi / 2)     # first spoke at 12 o'clock
    assert ax.get_theta_direction() == -1                            # clockwise
    assert ax.get_ylim() == (0, 100)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == [f"{d}\n{float(s):.1f}" for d, s in zip(DIMS, SCORES)]


def test_trend_leaves_a_gap_for_an_unreported_year():
    charts.setup_fonts()
    fig = charts.trend.__wrapped__(YEARS, SERIES)
    left, right = fig.axes
    rd = next(line for line in right.get_lines() if line.get_label().startswith("研发费用"))
    ys = list(rd.get_ydata())
    assert ys[0] == 290 and math.isnan(ys[1]) and ys[2] == 760
    assert rd.get_label() == "研发费用（部分年度未报告）"
    assert {line.get_label() for line in left.get_lines()} >= {"营业收入", "主营业务收入"}


def test_a_missing_font_fails_with_a_clear_message(no_cjk_font):
    with pytest.raises(charts.FontMissing) as exc:
        charts.radar(DIMS, SCORES)
    msg = str(exc.value)
    assert "找不到图表所需的中文字体" in msg and "Noto Sans CJK SC" in msg   # what it looked for
    for what in ("fonts-noto-cjk", "Windows", "Microsoft YaHei", "macOS", "PingFang SC", "ZJTX_FONT"):
        assert what in msg, what                                             # what to install where
    for draw in (lambda: charts.trend(YEARS, SERIES), lambda: charts.bars(["L1"], [1]),
                 lambda: charts.rounds(["2025"], {"专业化": [Fraction(1)]})):
        with pytest.raises(charts.FontMissing):
            draw()


def test_a_missing_font_stops_the_build(no_cjk_font, tmp_path):
    from report_helpers import build, make_project

    project = make_project(tmp_path / "p", ["gz-shuobai-materials"])
    with pytest.raises(charts.FontMissing, match="找不到图表所需的中文字体"):
        build(project)
    assert not (project / "content").exists()
