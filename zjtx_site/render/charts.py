"""Deterministic SVG charts with Chinese text.

Drawn on ``matplotlib.figure.Figure`` objects (never pyplot's global state),
saved with a fixed hash salt and no date, so the same figures give the same
bytes. The CJK font is registered explicitly by path: a machine without it
fails with a message rather than drawing empty boxes.
"""

from __future__ import annotations

import io
import math
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager, rcParams  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
FONT_FAMILY = "Noto Sans CJK SC"


class FontMissing(RuntimeError):
    pass


_ready = False


def setup_fonts() -> None:
    global _ready
    if _ready:
        return
    path = next((p for p in FONT_CANDIDATES if Path(p).is_file()), None)
    if path is None:
        raise FontMissing("找不到中文字体 Noto Sans CJK（Debian 软件包 fonts-noto-cjk）。"
                          "请运行 scripts/install-system-deps 或 make setup 安装后再生成图表。")
    font_manager.fontManager.addfont(path)
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [FONT_FAMILY]
    rcParams["axes.unicode_minus"] = False
    rcParams["svg.hashsalt"] = "zjtx-site"
    rcParams["svg.fonttype"] = "path"   # glyphs as paths: the page needs no font
    _ready = True


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def radar(labels: list[str], scores: list[Fraction], title: str = "") -> bytes:
    """Six-dimension radar (专精特新链品), scores 0–100."""
    setup_fonts()
    n = len(labels)
    angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]
    values = [float(s) for s in scores]
    fig = Figure(figsize=(4.6, 4.2), dpi=72)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(0)
    closed_a, closed_v = angles + angles[:1], values + values[:1]
    ax.plot(closed_a, closed_v, color="#3f51b5", linewidth=2)
    ax.fill(closed_a, closed_v, color="#3f51b5", alpha=0.25)
    ax.set_xticks(angles)
    ax.set_xticklabels([f"{lb}\n{v:.1f}" for lb, v in zip(labels, values)], fontsize=9)
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100])
    ax.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=7, color="#777")
    if title:
        ax.set_title(title, fontsize=11, pad=14)
    fig.tight_layout()
    return _svg(fig)


def trend(years: list[int], series: dict[str, list[Fraction | None]], unit: str = "万元") -> bytes:
    """Three-year lines for revenue, main revenue, R&D expense, net profit."""
    setup_fonts()
    fig = Figure(figsize=(6.4, 3.4), dpi=72)
    ax = fig.add_subplot()
    for (name, values), color in zip(series.items(), ("#3f51b5", "#009688", "#ff9800", "#e91e63")):
        pts = [(y, float(v)) for y, v in zip(years, values) if v is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name, color=color)
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years])
    ax.set_ylabel(unit)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    fig.tight_layout()
    return _svg(fig)


def rounds(labels: list[str], series: dict[str, list[Fraction]]) -> bytes:
    """Dimension scores across assessment rounds."""
    setup_fonts()
    fig = Figure(figsize=(6.4, 3.4), dpi=72)
    ax = fig.add_subplot()
    xs = list(range(len(labels)))
    for name, values in series.items():
        ax.plot(xs, [float(v) for v in values], marker="o", label=name)
    ax.set_xticks(xs)
    ax.set_xticklabels(labels)
    ax.set_ylim(0, 100)
    ax.set_ylabel("得分")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, ncol=3, loc="lower right", frameon=False)
    fig.tight_layout()
    return _svg(fig)


def bars(labels: list[str], counts: list[int], ylabel: str = "企业数") -> bytes:
    setup_fonts()
    fig = Figure(figsize=(5.6, 3.0), dpi=72)
    ax = fig.add_subplot()
    ax.bar(labels, counts, color="#3f51b5")
    for x, c in zip(labels, counts):
        ax.annotate(str(c), (x, c), ha="center", va="bottom", fontsize=9)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, max(counts + [1]) * 1.2)
    fig.tight_layout()
    return _svg(fig)
