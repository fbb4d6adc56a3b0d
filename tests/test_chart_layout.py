"""Chart legibility, measured on the drawn figures: no two labels overlap and none
leaves the figure, legends stay outside the plotted data, value axes name their
unit, series stay apart in a grey print, and a figure reused for many charts
gives the same bytes as a fresh one."""

from __future__ import annotations

import io
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from matplotlib.colors import to_rgb

from zjtx_site.render import charts, svgout
from zjtx_site.render.pages import Chart

REPO = Path(__file__).resolve().parent.parent
F = Fraction
DIMS = ["专业化", "精细化", "特色化", "创新能力", "产业链配套", "主导产品所属领域"]

# Hard cases beside the examples: close and crossing lines, negatives, equal
# values, unreported years and series, large and tiny figures, one year only.
HARD_TRENDS = [
    ([2023, 2024, 2025], {"营业收入": [F(6800), F(6810), F(6805)], "主营业务收入": [F(6790), F(6812), F(6800)],
                          "研发费用": [F(300), F(310), F(305)], "净利润": [F(301), F(309), F(306)]}),
    ([2023, 2024, 2025], {"营业收入": [F(123456), F(234567), F(345678)], "主营业务收入": [None, None, None],
                          "研发费用": [F(-5), F(0), F(5)], "净利润": [F(-900), F(-950), F(-1000)]}),
    ([2023, 2024, 2025], {"营业收入": [F(1, 2), F(1, 2), F(1, 2)], "主营业务收入": [F(1, 2), F(1, 2), F(1, 2)],
                          "研发费用": [None, F(10), None], "净利润": [F(0), F(0), F(0)]}),
    ([2025], {"营业收入": [F(500)], "主营业务收入": [F(480)], "研发费用": [F(20)], "净利润": [F(-3)]}),
    ([2021, 2022, 2023, 2024, 2025], {"营业收入": [F(10), F(2000), F(40), F(3000), F(50)],
                                      "主营业务收入": [F(2000), F(10), F(3000), F(40), F(2990)],
                                      "研发费用": [F(1), F(2), F(3), F(4), F(5)], "净利润": [F(5), F(4), F(3), F(2), F(1)]}),
]


def example_charts() -> list[Chart]:
    """Every chart of the example site, with the arguments the build draws it with."""
    from zjtx_site.intake.loader import load_project
    from zjtx_site.render.site import render_site
    from zjtx_site.scoring.engine import assess, make_engine

    engine = make_engine(REPO)
    data = load_project(REPO)
    outputs = render_site(REPO, engine, [assess(engine, c) for c in data.companies])
    return [o for o in outputs if isinstance(o, Chart)]


@pytest.fixture(scope="module")
def figures() -> list[tuple[str, object]]:
    out = [(c.path, charts.__dict__[c.kind].__wrapped__, c.args) for c in example_charts()]
    out += [(f"hard-trend-{i}", charts.trend.__wrapped__, args) for i, args in enumerate(HARD_TRENDS)]
    out += [("hard-radar", charts.radar.__wrapped__, (DIMS, [F(0), F(100), F(0), F(100), F(0), F(100)], "标题"))]
    out += [("hard-bars", charts.bars.__wrapped__, (["L1", "L2", "L3", "L4", "L5"], [0, 999, 1000, 0, 7]))]
    out += [("hard-rounds", charts.rounds.__wrapped__,
             ([f"{y}" for y in range(2019, 2027)], {d: [F(10 * k + i) for i in range(8)] for k, d in enumerate(DIMS)}))]
    return out


class Recorder(svgout._Renderer):
    """The SVG renderer, noting every text artist it draws (tick labels outside the view are not drawn)."""

    def __init__(self, fig):
        w, h = fig.get_size_inches() * 72
        super().__init__(w, h, io.StringIO(), image_dpi=72)
        self.drawn: dict[int, object] = {}

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if mtext is not None and s.strip():
            self.drawn[id(mtext)] = mtext
        super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)


def drawn_texts(make, args):
    fig = make(*args)
    rec = Recorder(fig)
    with charts._our_settings():            # as the build draws it
        fig.draw(rec)
        return fig, [(t, t.get_window_extent(rec)) for t in rec.drawn.values()]


def test_no_label_overlaps_another_or_leaves_the_figure(figures):
    problems = []
    for name, make, args in figures:
        fig, texts = drawn_texts(make, args)
        w, h = fig.get_size_inches() * 72
        for i, (t, box) in enumerate(texts):
            if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > w + 0.5 or box.y1 > h + 0.5:
                problems.append(f"{name}: {t.get_text()!r} outside the figure {box.bounds}")
            for u, other in texts[i + 1:]:
                dx = min(box.x1, other.x1) - max(box.x0, other.x0)
                dy = min(box.y1, other.y1) - max(box.y0, other.y0)
                if dx > 0.5 and dy > 0.5:
                    problems.append(f"{name}: {t.get_text()!r} overlaps {u.get_text()!r}")
    assert not problems, "\n".join(problems[:20])


def test_the_overlap_check_can_fail():
    """The measurement itself: two labels drawn at one spot are caught."""
    fig, _ = drawn_texts(charts.bars.__wrapped__, (["L1", "L1"], [3, 3]))
    ax = fig.axes[0]
    ax.text(0.5, 0.5, "重叠", transform=ax.transAxes)
    ax.text(0.5, 0.5, "重叠", transform=ax.transAxes)
    _, texts = drawn_texts(lambda: fig, ())
    boxes = [b for t, b in texts if t.get_text() == "重叠"]
    assert len(boxes) == 2 and boxes[0].overlaps(boxes[1])
    charts.bars(["L1"], [1])          # the reused figure is cleared by the next chart


def test_legends_are_outside_the_data(figures):
    for name, make, args in figures:
        fig, texts = drawn_texts(make, args)
        for ax in fig.axes:
            if make is charts.radar.__wrapped__ or all(line.get_label().startswith("_") for line in ax.get_lines()):
                continue                          # one series, or bars (and the grid is a line): no legend
            samples = [line for line in ax.get_lines() if line.get_label() == "_legend"]
            labels = [box for t, box in texts if t.get_gid() == "legend" and t.axes is ax]
            assert samples and len(labels) == len(samples), f"{name}: no legend"
            with charts._our_settings():
                boxes = labels + [line.get_window_extent(Recorder(fig)) for line in samples]
            for box in boxes:
                assert not box.overlaps(ax.bbox), f"{name}: a legend entry lies over the plot"


def test_value_axes_name_their_unit():
    args = HARD_TRENDS[0]
    assert charts.trend(*args).count(b">\xe4\xb8\x87\xe5\x85\x83<") == 2      # "万元" on both panels
    assert "得分（分）".encode() in charts.rounds(["2025", "2026"], {"专业化": [F(1), F(2)]})
    assert "企业数（家）".encode() in charts.bars(["L1"], [1])
    assert "100分".encode() in charts.radar(DIMS, [F(50)] * 6)


def luminance(color: str) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_palette_is_readable_in_grey():
    for color, _, _ in charts.STYLES:
        assert luminance(color) <= 0.3, f"{color} too light for a grey print on white"
    for a, b in ((0, 1), (2, 3)):           # the two series of each trend panel
        assert abs(luminance(charts.STYLES[a][0]) - luminance(charts.STYLES[b][0])) >= 0.15
    assert len({(dash, marker) for _, dash, marker in charts.STYLES}) == len(charts.STYLES)


def test_series_in_one_panel_differ_in_dash_and_marker(figures):
    for name, make, args in figures:
        fig = make(*args)
        for ax in fig.axes:
            lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
            styles = [(line.get_linestyle(), line.get_marker()) for line in lines]
            assert len(set(styles)) == len(styles), f"{name}: two series drawn alike {styles}"


def test_a_reused_figure_draws_the_same_bytes_as_a_fresh_process():
    a = (DIMS, [F(90), F(595, 10), F(75), F(674, 10), F(60), F(165, 2)])
    first = charts.radar(*a)
    charts.radar(DIMS, [F(1)] * 6, "别的标题")
    for args in HARD_TRENDS:
        charts.trend(*args)
    assert charts.radar(*a) == first
    code = ("import sys; from fractions import Fraction as F; from zjtx_site.render import charts; "
            f"sys.stdout.buffer.write(charts.radar({DIMS!r}, [F(90), F(595, 10), F(75), F(674, 10), F(60), F(165, 2)]))")
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}).stdout
    assert fresh == first


def test_example_charts_are_small(figures):
    sizes = [len(charts.__dict__[c.kind](*c.args)) for c in example_charts()]
    assert sum(sizes) / len(sizes) <= 12 * 1024, f"mean chart {sum(sizes) / len(sizes):.0f} B"
