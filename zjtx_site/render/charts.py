"""Deterministic SVG charts with Chinese text.

Drawn on ``matplotlib.figure.Figure`` objects (never pyplot's global state),
saved with a fixed hash salt and no date, so the same figures give the same
bytes. The CJK font is found through matplotlib's font manager on any system
(:mod:`zjtx_site.render.fonts`): a machine without one fails with a message
rather than drawing empty boxes.

Speed and size: each kind of chart has one figure per process, made once;
a chart replaces only the previous chart's data artists (lines, labels,
legend) and keeps the axes, grid and ticks. Positions that matplotlib would
find with a second layout pass (titles, axis labels, legends) are fixed, and
the text stays text (:mod:`.svgout`). Every chart draws under the same
complete set of matplotlib settings, restored afterwards, so settings changed
elsewhere in the process cannot change a chart's bytes. What would cost
bytes for nothing is drawn otherwise: a grid is one path (the radar's is
polygons, not matplotlib's circles), nothing that lies inside the axes
anyway is clipped, and a legend sample is drawn as its series is.

Legibility: legends sit outside the data, above the plot (beside it for many
series); value labels that would collide are moved apart; every value axis
names its unit; and each series differs from its neighbours in line style and
marker as well as colour, in colours dark enough for a grey print.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import matplotlib

matplotlib.use("Agg")
from cycler import cycler
from matplotlib import font_manager
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Polygon
from matplotlib.path import Path
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation, offset_copy

from zjtx_site.errors import FontMissing  # noqa: F401  (re-exported: callers catch it here)
from zjtx_site.render.fonts import CJKFont, find_cjk_font
from zjtx_site.render.svgout import _metrics, figure_svg

# the first family of each SVG's font stack; the font that measures the text is
# whichever CJK font this machine has (render.fonts)
FONT_FAMILY = "Noto Sans CJK SC"

# (colour, line style, marker) per series, in the order series are drawn. Each
# colour has a relative luminance of at most 0.3, so lines stay dark on white
# paper in grey; the two series of a panel (0/1, 2/3) differ by at least 0.15
# in grey and also in dash and marker.
STYLES: tuple[tuple[str, Any, str], ...] = (   # (colour, dash: a matplotlib line style, marker)
    ("#1f3a68", "-", "o"),     # navy      0.04
    ("#d9730d", "--", "s"),    # orange    0.27
    ("#2f9164", "-", "^"),     # green     0.22
    ("#7a1f3d", "--", "D"),    # wine      0.05
    ("#5c5c5c", ":", "v"),     # grey      0.11
    ("#6a4c93", "-.", "P"),    # purple    0.10
)
COLORS = tuple(s[0] for s in STYLES)
MUTED = "#666666"
MARKERSIZE = 4.5        # of every series and its legend sample

# Everything a chart's bytes depend on, applied (over matplotlib's defaults) around each drawing.
RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "font.size": 9,
    "axes.unicode_minus": False,
    "svg.hashsalt": "zjtx-site",
    "svg.fonttype": "none",          # text stays text; the SVG's stylesheet names the CJK fonts
    "path.simplify": True,
    "lines.solid_capstyle": "butt",   # the SVG default: no cap style written per line
    "figure.dpi": 72,
    "axes.titley": 1.0,              # fixed title position: no second layout pass
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#999999",
    "axes.linewidth": 0.6,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "text.color": "#222222",
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "axes.prop_cycle": cycler(color=list(COLORS)),
}

_font: CJKFont | None = None


def setup_fonts() -> None:
    """Find the CJK font once (see render.fonts); :class:`FontMissing` when none."""
    global _font
    if _font is not None:
        return
    font = find_cjk_font()
    RC["font.sans-serif"] = [font.family]
    _settings.cache_clear()
    _font = font


def font_path() -> str | None:
    """The font file the charts measure and draw with (None before :func:`setup_fonts` ran)."""
    return _font.path if _font else None


def font_family() -> str | None:
    return _font.family if _font else None


@functools.cache
def _settings() -> dict[str, Any]:
    """matplotlib's defaults with :data:`RC` over them, validated once."""
    params: Any = matplotlib.rcParams      # typed by its keys in the stubs: RC is checked at run time
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        params.update(RC)
        return dict(dict.items(params))


@contextlib.contextmanager
def _our_settings() -> Iterator[None]:
    # rc_context() revalidates every setting on entry; these are valid already
    params: Any = matplotlib.rcParams
    saved = dict(dict.items(params))
    dict.update(params, _settings())
    try:
        yield
    finally:
        dict.update(params, saved)


def _chart(fn: Callable[..., Figure]) -> Callable[..., bytes]:
    def figure(*args: Any, **kwargs: Any) -> Figure:
        setup_fonts()
        with _our_settings():
            return fn(*args, **kwargs)

    @functools.wraps(fn)
    def draw(*args: Any, **kwargs: Any) -> bytes:
        setup_fonts()
        with _our_settings():
            return figure_svg(fn(*args, **kwargs))
    draw.__wrapped__ = figure       # the figure itself, for tests
    return draw


class _Slot:
    """One figure of a kind, kept for the process; the data artists of the last chart
    are removed before the next chart adds its own, in the same order every time."""

    def __init__(self, fig: Figure):
        self.fig = fig
        self.data: list[Any] = []

    def clear(self) -> None:
        for artist in self.data:
            artist.remove()
        self.data = []

    def add(self, artist: Any) -> Any:
        self.data.append(artist)
        return artist


_SLOTS: dict[tuple, Any] = {}


def _slot(key: tuple, make: Callable[[], Any]) -> Any:
    slot = _SLOTS.get(key)
    if slot is None:
        slot = _SLOTS[key] = make()
    slot.clear()
    return slot


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}".rstrip("0").rstrip(".")


def _width(text: str, size: float) -> float:
    """Width in points of one line of text in the chart font."""
    prop = font_manager.FontProperties(family=font_family() or FONT_FAMILY, size=size)
    return max(_metrics(line, prop, False)[0] for line in text.split("\n"))


def _pts(ax: Any, x: float = 0, y: float = 0) -> Any:
    """Axes coordinates shifted by (x, y) points."""
    return offset_copy(ax.transAxes, ax.figure, x=x, y=y, units="points")


def _frame(ax: Any, unit: str, title: str = "") -> None:
    """Static parts of a value chart: no tick marks, the unit above the value axis, a
    grid placed at the value ticks by :func:`_grid` once the limits are known."""
    ax.set_axisbelow(True)
    ax.tick_params(left=False, bottom=False, labelsize=8)
    ax.patch.set_visible(False)
    for spine in ax.spines.values():
        spine.set_joinstyle("round")          # a straight line has no join; round is the one left unwritten
    ax.xaxis.set_label_coords(0.5, -0.1)      # fixed: no search for a place among the tick labels
    ax.yaxis.set_label_coords(-0.1, 0.5)
    # above the value axis, starting at it (a legend row above the plot starts after it)
    ax.text(0, 1, unit, transform=_pts(ax, 0, 6), ha="left", va="bottom", fontsize=8, color=MUTED)
    if title:
        ax.text(0, 1, title, transform=_pts(ax, 0, 22), ha="left", va="bottom", fontsize=10)
    # one line for all the gridlines, under everything else (matplotlib's grid is a
    # clipped line per tick, drawn between the tick labels)
    ax.add_line(Line2D([], [], transform=ax.get_yaxis_transform(), color="#dddddd", linewidth=0.6, zorder=0.5,
                       clip_on=False, gid="grid"))


def _grid(ax: Any) -> None:
    """The grid of :func:`_frame` at the value ticks within the limits."""
    lo, hi = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if lo <= t <= hi]
    line = next(line for line in ax.get_lines() if line.get_gid() == "grid")
    line.set_data([x for _ in ticks for x in (0, 1, math.nan)], [y for t in ticks for y in (t, t, math.nan)])


def _legend(slot: _Slot, ax: Any, entries: list[tuple[str, int]], *, across: bool, start: float = 0,
            linewidth: float = 1.4) -> None:
    """A legend of (label, style index) outside the plot: a row above it (from ``start``
    points), or a column to its right. A sample is drawn as its series is (``linewidth``,
    :data:`MARKERSIZE`)."""
    anchor = (0.0, 1.0) if across else (1.0, 1.0)
    # points from the anchor (the figure is drawn at 72 dpi: a point is a unit)
    at = ScaledTranslation(*anchor, ax.transAxes)
    x, y = (start, 10.0) if across else (14.0, -6.0)
    for label, k in entries:
        color, dash, marker = STYLES[k % len(STYLES)]
        slot.add(ax.add_line(Line2D([x, x + 9, x + 18], [y, y, y], transform=at, color=color, linestyle=dash,
                                    marker=marker, markevery=[1], markersize=MARKERSIZE, linewidth=linewidth,
                                    label="_legend", clip_on=False)))
        slot.add(ax.text(*anchor, label, transform=_pts(ax, x + 22, y), ha="left", va="center", fontsize=8,
                         gid="legend"))
        if across:
            x += 22 + _width(label, 8) + 12
        else:
            y -= 15


@_chart
def radar(labels: list[str], scores: list[Fraction], title: str = "") -> Figure:
    """Six-dimension radar (专精特新链品), scores 0–100, clockwise from the top."""
    n = len(labels)
    slot = _slot(("radar", n), lambda: _radar_slot(n))
    ax = slot.fig.axes[0]
    angles = _spokes(n)
    values = [float(s) for s in scores]
    color = COLORS[0]
    # the scores' polygon, filled and outlined in one path, and a marker at each score;
    # nothing is clipped: scores lie within 0–100
    slot.add(ax.add_patch(Polygon(list(zip(angles, values)), closed=True, facecolor=(*to_rgb(color), 0.2),
                                  edgecolor=color, linewidth=1.8, joinstyle="round", zorder=2, clip_on=False)))
    slot.add(ax.plot(angles, values, linestyle="none", color=color, marker="o", markersize=4, zorder=2.1,
                     clip_on=False)[0])
    ax.set_xticklabels([f"{lb}\n{v:.1f}" for lb, v in zip(labels, values)])
    if title:
        slot.add(ax.text(0.5, 1, title, transform=_pts(ax, 0, 30), ha="center", va="bottom", fontsize=11))
    return slot.fig


RINGS = (20, 40, 60, 80, 100)


def _spokes(n: int) -> list[float]:
    return [2 * math.pi * i / n for i in range(n)]


def _ring(n: int, r: float) -> tuple[list[tuple[float, float]], list[Any]]:
    """A closed polygon through the spokes at score ``r``: (vertices, path codes)."""
    return ([(a, r) for a in _spokes(n)] + [(0, r)],
            [Path.MOVETO] + [Path.LINETO] * (n - 1) + [Path.CLOSEPOLY])


def _radar_slot(n: int) -> _Slot:
    fig = Figure(figsize=(5.2, 4.6), dpi=72)
    ax: Any = fig.add_subplot(projection="polar")      # PolarAxes; the stubs say Axes
    # 0..2π, turned by the axes (not by negative angles, which would stretch
    # the axes' angular limits into a wedge)
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_thetalim(0, 2 * math.pi)
    ax.xaxis.set_major_locator(FixedLocator(_spokes(n)))
    ax.tick_params(axis="x", pad=10, labelsize=10)
    ax.set_ylim(0, 100)
    # The grid is polygons (a hexagon for six dimensions), as a radar chart's is: rings
    # and spokes in one path, the outer ring darker, drawn once for every chart of
    # the figure. matplotlib's polar grid and frame are circles (long Bézier paths).
    ax.grid(False)
    ax.spines["polar"].set_visible(False)
    verts: list[tuple[float, float]] = []
    codes: list[Any] = []
    for r in RINGS[:-1]:
        v, c = _ring(n, r)
        verts += v
        codes += c
    for a in _spokes(n):
        verts += [(a, 0), (a, RINGS[-1])]
        codes += [Path.MOVETO, Path.LINETO]
    for path, color, z in ((Path(verts, codes), "#cccccc", 1.5), (Path(*_ring(n, RINGS[-1])), "#999999", 2.5)):
        ax.add_patch(PathPatch(path, fill=False, edgecolor=color, linewidth=0.6, joinstyle="round", zorder=z,
                               clip_on=False))
    # the scale between the first two spokes, each number on its ring (a polygon's side
    # is nearer the centre than its corners)
    inset = math.cos(math.pi / n)
    ax.set_yticks([r * inset for r in RINGS])
    ax.set_yticklabels([str(r) for r in RINGS[:-1]] + [f"{RINGS[-1]}分"], fontsize=7, color="#888888")
    ax.set_rlabel_position(180 / n)
    ax.patch.set_visible(False)
    fig.subplots_adjust(left=0.17, right=0.83, bottom=0.12, top=0.84)
    return _Slot(fig)


def _value_limits(ax: Any, values: list[float], pad_pt: float) -> tuple[float, float]:
    """Limits that leave ``pad_pt`` points above the highest and below the lowest value."""
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if hi == lo:
        lo, hi = lo - (abs(lo) or 1) * 0.2, hi + (abs(hi) or 1) * 0.2
    height = ax.get_position().height * ax.figure.get_figheight() * 72
    pad = (hi - lo) * pad_pt / (height - 2 * pad_pt)
    return lo - pad, hi + pad


def _value_labels(slot: _Slot, ax: Any, points: list[tuple[float, float, int]]) -> None:
    """Value labels at (x, y) of series k: at each x the highest point is labelled above
    and the others below, then moved apart so that no two labels touch."""
    by_x: dict[float, list[tuple[float, float, int]]] = {}
    texts: list[tuple[int, float, float, float]] = []
    for x, y, k in points:
        by_x.setdefault(x, []).append((x, y, k))
    for x, group in sorted(by_x.items()):
        group.sort(key=lambda p: (-p[1], p[2]))
        placed: list[float] = []                         # label centres in points, top down
        for i, (_, y, _k) in enumerate(group):
            centre = ax.transData.transform((x, y))[1] * 72 / ax.figure.dpi + (9 if i == 0 else -10)
            if placed and centre > placed[-1] - 11:
                centre = placed[-1] - 11
            placed.append(centre)
        for (_, y, k), centre in zip(group, placed):
            dy = centre - ax.transData.transform((x, y))[1] * 72 / ax.figure.dpi
            texts.append((k, x, y, dy))
    for k, x, y, dy in sorted(texts, key=lambda t: (t[0], t[1])):     # a series' labels together
        slot.add(ax.text(x, y, _num(y), transform=offset_copy(ax.transData, ax.figure, x=0, y=dy, units="points"),
                         ha="center", va="center", fontsize=7, color=STYLES[k % len(STYLES)][0]))


def _lines(slot: _Slot, ax: Any, years: list[int], series: dict[str, list[Fraction | None]], first: int,
           unit: str) -> None:
    entries: list[tuple[str, int]] = []
    labels: list[tuple[float, float, int]] = []
    values: list[float] = []
    for k, (name, raw) in enumerate(series.items(), start=first):
        pts = [(y, float(v)) for y, v in zip(years, raw) if v is not None]
        if not pts:
            entries.append((f"{name}（未报告）", k))
            continue
        entries.append((name if len(pts) == len(years) else f"{name}（部分年度未报告）", k))
        color, dash, marker = STYLES[k % len(STYLES)]
        # an unreported year is a gap in the line, not a straight line across it
        ys = [math.nan if v is None else float(v) for v in raw]
        slot.add(ax.plot(years, ys, color=color, linestyle=dash, marker=marker, markersize=MARKERSIZE,
                         linewidth=1.6, label=entries[-1][0], clip_on=False)[0])
        labels += [(x, y, k) for x, y in pts]
        values += [y for _, y in pts]
    lo, hi = _value_limits(ax, values, 20)
    ax.set_ylim(lo, hi)
    _grid(ax)
    if lo < 0 < hi:
        slot.add(ax.axhline(0, color="#999999", linewidth=0.6, zorder=1, clip_on=False,   # drawn as an axis is
                            solid_capstyle="projecting"))
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.set_xticks(years, [f"{y}年" for y in years])
    _value_labels(slot, ax, labels)
    _legend(slot, ax, entries, across=True, start=_width(unit, 8) + 14, linewidth=1.6)


@_chart
def trend(years: list[int], series: dict[str, list[Fraction | None]], unit: str = "万元") -> Figure:
    """Three-year lines: the first two series (revenue, main revenue) on the left,
    the rest (R&D expense, net profit) on the right, each with its own scale so
    the smaller figures do not lie flat on the axis."""
    items = list(series.items())
    left, right = dict(items[:2]), dict(items[2:])
    panels = 2 if right else 1
    slot = _slot(("trend", panels, unit), lambda: _trend_slot(panels, unit))
    axes = slot.fig.axes
    _lines(slot, axes[0], years, left, 0, unit)
    if right:
        _lines(slot, axes[1], years, right, 2, unit)
    return slot.fig


def _trend_slot(panels: int, unit: str) -> _Slot:
    fig = Figure(figsize=(8.4, 3.4), dpi=72)
    axes = fig.subplots(1, panels, squeeze=False)[0]
    for ax, title in zip(axes, ("经营规模", "研发投入与效益")):
        _frame(ax, unit, title)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _num(v)))
    fig.subplots_adjust(left=0.085, right=0.985, bottom=0.1, top=0.8, wspace=0.2)
    return _Slot(fig)


@_chart
def rounds(labels: list[str], series: dict[str, list[Fraction]]) -> Figure:
    """Dimension scores across assessment rounds."""
    slot = _slot(("rounds",), _rounds_slot)
    ax = slot.fig.axes[0]
    xs = list(range(len(labels)))
    entries = []
    for k, (name, values) in enumerate(series.items()):
        color, dash, marker = STYLES[k % len(STYLES)]
        slot.add(ax.plot(xs, [float(v) for v in values], color=color, linestyle=dash, marker=marker,
                         markersize=MARKERSIZE, linewidth=1.4, label=name, clip_on=False)[0])
        entries.append((name, k))
    ax.set_xticks(xs, [f"{x} 轮" for x in labels])
    ax.set_xlim(-0.4, len(labels) - 0.6)
    _legend(slot, ax, entries, across=False)
    return slot.fig


def _rounds_slot() -> _Slot:
    fig = Figure(figsize=(6.8, 3.6), dpi=72)
    ax = fig.add_subplot()
    _frame(ax, "得分（分）")
    ax.set_ylim(0, 100)
    ax.set_yticks([0, 20, 40, 60, 80, 100])
    _grid(ax)                                    # the same for every chart
    fig.subplots_adjust(left=0.09, right=0.7, bottom=0.1, top=0.88)
    return _Slot(fig)


@_chart
def bars(labels: list[str], counts: list[int], ylabel: str = "企业数（家）") -> Figure:
    slot = _slot(("bars", ylabel), lambda: _bars_slot(ylabel))
    ax = slot.fig.axes[0]
    xs = list(range(len(labels)))
    slot.add(ax.bar(xs, counts, color=COLORS[0], width=0.6, clip_on=False))
    for x, c in zip(xs, counts):
        slot.add(ax.text(x, c, str(c), transform=offset_copy(ax.transData, slot.fig, y=3, units="points"),
                         ha="center", va="bottom", fontsize=9))
    ax.set_xticks(xs, labels)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    top = max(counts + [1])
    ax.set_ylim(0, _value_limits(ax, [0, top], 16)[1])
    _grid(ax)
    return slot.fig


def _bars_slot(ylabel: str) -> _Slot:
    fig = Figure(figsize=(5.6, 3.0), dpi=72)
    ax = fig.add_subplot()
    _frame(ax, ylabel)
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.1, top=0.88)
    return _Slot(fig)
