"""Deterministic SVG charts with Chinese text.

Drawn on ``matplotlib.figure.Figure`` objects (never pyplot's global state),
saved with a fixed hash salt and no date, so the same figures give the same
bytes. The CJK font is found through matplotlib's font manager on any system
(:mod:`zjtx_site.render.fonts`): a machine without one fails with a message
rather than drawing empty boxes. Every chart draws
under its own ``rc_context`` from matplotlib's defaults, so settings changed
elsewhere in the process cannot change a chart's bytes. Margins are fixed
(the sizes are), which spares the second drawing pass of tight_layout.
"""

from __future__ import annotations

import functools
import io
import math
from fractions import Fraction
from typing import Callable

import matplotlib

matplotlib.use("Agg")
from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from zjtx_site.errors import FontMissing  # noqa: F401  (re-exported: callers catch it here)
from zjtx_site.render.fonts import CJKFont, find_cjk_font

COLORS = ("#3f51b5", "#009688", "#ff9800", "#e91e63", "#8e24aa", "#6d4c41")

# Everything a chart's bytes depend on, applied around each drawing.
RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [],           # the CJK family found by setup_fonts
    "axes.unicode_minus": False,
    "svg.hashsalt": "zjtx-site",
    "svg.fonttype": "path",          # glyphs as paths: the page needs no font
    "svg.image_inline": True,
    "path.simplify": True,
    "axes.prop_cycle": matplotlib.cycler(color=list(COLORS)),
}




_font: CJKFont | None = None


def setup_fonts() -> None:
    """Find the CJK font once (see render.fonts); :class:`FontMissing` when none."""
    global _font
    if _font is not None:
        return
    font = find_cjk_font()
    RC["font.sans-serif"] = [font.family]
    _font = font


def font_path() -> str | None:
    """The font file the charts draw with (None before :func:`setup_fonts` ran)."""
    return _font.path if _font else None


def font_family() -> str | None:
    return _font.family if _font else None


def _chart(fn: Callable[..., Figure]) -> Callable[..., bytes]:
    @functools.wraps(fn)
    def draw(*args, **kwargs) -> bytes:
        setup_fonts()
        with rc_context():
            # from matplotlib's defaults, not the process's or a matplotlibrc's
            matplotlib.rcdefaults()
            matplotlib.rcParams.update(RC)
            fig = fn(*args, **kwargs)
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        return buf.getvalue()
    return draw


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}".rstrip("0").rstrip(".")


@_chart
def radar(labels: list[str], scores: list[Fraction], title: str = "") -> Figure:
    """Six-dimension radar (专精特新链品), scores 0–100, clockwise from the top."""
    n = len(labels)
    # 0..2π, turned by the axes (not by negative angles, which would stretch
    # the axes' angular limits into a wedge)
    angles = [2 * math.pi * i / n for i in range(n)]
    values = [float(s) for s in scores]
    fig = Figure(figsize=(5.2, 4.6), dpi=72)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_thetalim(0, 2 * math.pi)
    closed_a, closed_v = angles + angles[:1], values + values[:1]
    ax.plot(closed_a, closed_v, color=COLORS[0], linewidth=2)
    ax.fill(closed_a, closed_v, color=COLORS[0], alpha=0.25)
    ax.scatter(angles, values, color=COLORS[0], s=14, zorder=3)
    ax.set_xticks(angles)
    ax.set_xticklabels([f"{lb}\n{v:.1f}" for lb, v in zip(labels, values)], fontsize=10)
    ax.tick_params(axis="x", pad=12)
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100])
    ax.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=7, color="#888")
    ax.set_rlabel_position(180 / n)       # between the first two spokes
    ax.grid(color="#ccc", linewidth=0.6)
    ax.spines["polar"].set_color("#999")
    if title:
        ax.set_title(title, fontsize=11, pad=18)
    fig.subplots_adjust(left=0.14, right=0.86, bottom=0.12, top=0.84 if title else 0.87)
    return fig


def _lines(ax, years: list[int], series: dict[str, list[Fraction | None]], colors: tuple[str, ...],
           unit: str) -> None:
    for k, ((name, values), color) in enumerate(zip(series.items(), colors)):
        pts = [(y, float(v)) for y, v in zip(years, values) if v is not None]
        if not pts:
            ax.plot([], [], label=f"{name}（未报告）", color=color)
            continue
        label = name if len(pts) == len(years) else f"{name}（部分年度未报告）"
        # an unreported year is a gap in the line, not a straight line across it
        ys = [math.nan if v is None else float(v) for v in values]
        ax.plot(years, ys, marker="o", label=label, color=color)
        for x, y in pts:
            # the first line labelled above its points, the second below: close lines stay legible
            ax.annotate(_num(y), (x, y), textcoords="offset points", xytext=(0, 7 if k == 0 else -13),
                        ha="center", fontsize=7, color=color)
    ax.set_xticks(years)
    ax.set_xticklabels([f"{y}年" for y in years])
    ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    ax.set_ylabel(unit)
    ax.margins(y=0.18)
    ax.grid(True, alpha=0.3)
    ax.axhline(0, color="#999", linewidth=0.6)
    ax.legend(fontsize=8, loc="upper left", frameon=False)


@_chart
def trend(years: list[int], series: dict[str, list[Fraction | None]], unit: str = "万元") -> Figure:
    """Three-year lines: the first two series (revenue, main revenue) on the left,
    the rest (R&D expense, net profit) on the right, each with its own scale so
    the smaller figures do not lie flat on the axis."""
    items = list(series.items())
    left, right = dict(items[:2]), dict(items[2:])
    fig = Figure(figsize=(8.4, 3.4), dpi=72)
    axes = fig.subplots(1, 2 if right else 1, squeeze=False)[0]
    _lines(axes[0], years, left, COLORS[:2], unit)
    axes[0].set_title("经营规模", fontsize=10)
    if right:
        _lines(axes[1], years, right, COLORS[2:], unit)
        axes[1].set_title("研发投入与效益", fontsize=10)
    fig.subplots_adjust(left=0.095, right=0.985, bottom=0.13, top=0.9, wspace=0.24)
    return fig


@_chart
def rounds(labels: list[str], series: dict[str, list[Fraction]]) -> Figure:
    """Dimension scores across assessment rounds."""
    fig = Figure(figsize=(6.8, 3.6), dpi=72)
    ax = fig.add_subplot()
    xs = list(range(len(labels)))
    for (name, values), color in zip(series.items(), COLORS * 2):
        ax.plot(xs, [float(v) for v in values], marker="o", label=name, color=color)
    ax.set_xticks(xs)
    ax.set_xticklabels([f"{x} 轮" for x in labels])
    ax.set_xlim(-0.3, len(labels) - 0.7)
    ax.set_ylim(0, 100)
    ax.set_ylabel("得分")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.subplots_adjust(left=0.09, right=0.75, bottom=0.12, top=0.95)
    return fig


@_chart
def bars(labels: list[str], counts: list[int], ylabel: str = "企业数") -> Figure:
    fig = Figure(figsize=(5.6, 3.0), dpi=72)
    ax = fig.add_subplot()
    ax.bar(labels, counts, color=COLORS[0])
    for x, c in zip(labels, counts):
        ax.annotate(str(c), (x, c), ha="center", va="bottom", fontsize=9)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, max(counts + [1]) * 1.2)
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.95)
    return fig
