"""The charts' SVG is small (issue 14: content/ ≤ 3 MB per 100 companies) and says
what matplotlib drew: a budget of bytes per kind of chart, the radar's grid as
polygons, path data that decodes to the points it was given, styles that keep
their meaning when they are shared, grouped or left to the document's defaults,
and (in Chromium) the same picture as matplotlib's own SVG of the same figure."""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import subprocess
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zjtx_site.render import charts, svgout

KB = 1024
# bytes per chart, the largest of each kind among the example site's charts (a
# trend has two panels of four series, value labels and legends; rounds has six)
BUDGET = {"radar": 2.5 * KB, "trend": 4.5 * KB, "rounds": 4 * KB, "bars": 2 * KB}
MEAN = 3.5 * KB


@pytest.fixture(scope="module")
def drawn() -> dict[str, tuple[str, bytes]]:
    """Every chart of the example site: path → (kind, SVG)."""
    from test_chart_layout import example_charts

    return {c.path: (c.kind, c.draw()) for c in example_charts()}


def test_each_kind_of_chart_keeps_to_its_budget(drawn):
    sizes: dict[str, list[int]] = {}
    for kind, svg in drawn.values():
        sizes.setdefault(kind, []).append(len(svg))
    assert set(sizes) == set(BUDGET)
    for kind, ns in sizes.items():
        assert max(ns) <= BUDGET[kind], f"{kind}: {max(ns)} B"
    every = [n for ns in sizes.values() for n in ns]
    assert sum(every) / len(every) <= MEAN, f"mean {sum(every) / len(every):.0f} B"


def test_nothing_clipped_referenced_or_declared(drawn):
    """Nothing of a chart lies outside its axes, so nothing is clipped; markers are
    paths, not references to a definition; UTF-8 needs no XML declaration."""
    for path, (_, svg) in drawn.items():
        for what in (b"clip-path", b"<use", b"xlink", b"<?xml", b"<defs"):
            assert what not in svg, f"{path}: {what.decode()}"


def test_every_class_is_defined_once_and_used(drawn):
    for path, (_, svg) in drawn.items():
        text = svg.decode()
        defined = re.findall(r"\.([A-Za-z]+)\{", text)
        used = set(re.findall(r'class="([A-Za-z]+)"', text))
        assert len(defined) == len(set(defined)), path
        assert set(defined) == used, path


# path data -------------------------------------------------------------------------

def decode(d: str) -> list[tuple[str, list[float]]]:
    """SVG path data as absolute commands (M, L, C, Q, A, Z), as a viewer reads it:
    relative commands, H and V, and a letter left out before repeated arguments."""
    counts = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "q": 4, "a": 7, "z": 0}
    toks = re.findall(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)", d)
    out: list[tuple[str, list[float]]] = []
    x = y = sx = sy = 0.0
    cmd, i = "", 0
    while i < len(toks):
        if toks[i].isalpha():
            cmd, i = toks[i], i + 1
        elif cmd in "Mm":
            cmd = "L" if cmd == "M" else "l"            # a move's further points are lines
        n = counts[cmd.lower()]
        a = [float(t) for t in toks[i:i + n]]
        i += n
        rel = cmd.islower()
        low = cmd.lower()
        if low == "z":
            out.append(("Z", []))
            x, y = sx, sy
            continue
        if low == "h":
            x = a[0] + (x if rel else 0)
            out.append(("L", [x, y]))
        elif low == "v":
            y = a[0] + (y if rel else 0)
            out.append(("L", [x, y]))
        elif low == "a":
            end = [a[5] + (x if rel else 0), a[6] + (y if rel else 0)]
            out.append(("A", a[:5] + end))
            x, y = end
        else:
            pts = [v + ((y if k % 2 else x) if rel else 0) for k, v in enumerate(a)]
            out.append((cmd.upper(), pts))
            x, y = pts[-2], pts[-1]
            if low == "m":
                sx, sy = x, y
    return out


def _tenth(v: float) -> float:
    return round(round(v * 10) / 10, 1)


coordinate = st.floats(min_value=-700, max_value=700, allow_nan=False).map(lambda v: round(v, 6))
segment = st.one_of(
    st.tuples(st.just("L"), st.lists(coordinate, min_size=2, max_size=2)),
    st.tuples(st.just("C"), st.lists(coordinate, min_size=6, max_size=6)),
    st.tuples(st.just("Q"), st.lists(coordinate, min_size=4, max_size=4)),
    st.tuples(st.just("A"), st.tuples(st.floats(0.1, 9).map(lambda v: round(v, 1)), st.sampled_from([0, 1]),
                                      st.sampled_from([0, 1]), coordinate, coordinate)
              .map(lambda t: [t[0], t[0], 0, t[1], t[2], t[3], t[4]])),
    st.tuples(st.just("Z"), st.just([])),
    st.tuples(st.just("M"), st.lists(coordinate, min_size=2, max_size=2)),
)
# matplotlib's lines often run level or upright: repeated coordinates as well as any
level = st.lists(st.sampled_from([0, 0.5, -0.5, 10, 123.45]), min_size=2, max_size=2)


@settings(max_examples=300, deadline=None)
@given(start=st.lists(coordinate, min_size=2, max_size=2),
       rest=st.lists(st.one_of(segment, st.tuples(st.just("L"), level)), max_size=12))
def test_path_data_decodes_to_the_points_given(start, rest):
    segs = [("M", start), *rest]
    d = " ".join(f"{c} {' '.join(f'{v:f}' for v in a)}".strip() for c, a in segs)
    expected = [(c, [_tenth(v) for v in a]) for c, a in segs]
    # what the compactor may leave out: a line back to the start just before a close
    # (the close draws it), and a path of moves only (nothing is drawn)
    kept, begin = [], [0.0, 0.0]
    for k, (c, a) in enumerate(expected):
        if c == "M":
            begin = a
        if (c == "L" and a == begin and k + 1 < len(expected) and expected[k + 1][0] == "Z"
                and expected[k - 1][0] != "M"):
            continue
        kept.append((c, a))
    written = svgout._path(d)
    if all(c == "M" for c, _ in kept):
        assert written == ""
        return
    assert re.fullmatch(r"[MLHVCQAZmlhvcqaz0-9. -]*", written), written
    got = [(c, [_tenth(v) for v in a]) for c, a in decode(written)]
    assert got == kept, (d, written)


def test_path_data_is_short():
    assert svgout._path("M 0 331.2 L 374.4 331.2 L 374.4 0 L 0 0 z") == "M0 331.2H374.4V0H0z"
    assert svgout._path("M 81.4 39 L 90.4 39 L 99.4 39") == "M81.4 39h9 9"
    assert svgout._path("M 100.5 200.5 L 101 200 L 101.5 199.5") == "M100.5 200.5l.5-.5.5-.5"
    assert svgout._path("M 0 0 L 3 4 L 6 0 L 0 0 z") == "M0 0 3 4 6 0z"


# styles ----------------------------------------------------------------------------

def _svg(body: str) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="100pt" height="100pt" viewBox="0 0 100 100">{body}</svg>')


def _classes(svg: str) -> dict[str, str]:
    return dict(re.findall(r"\.([A-Za-z]+)\{([^}]*)\}", svg))


def test_black_stays_black_where_nothing_is_filled_by_default():
    """matplotlib leaves a black fill unwritten (SVG's default); the document's default
    is no fill, so black is written out."""
    out = svgout.compact(_svg('<path d="M 0 0 L 9 9 L 0 9 z" style="stroke: #ff0000"/>'
                              '<text x="1" y="1" style="font-size: 8px">黑</text>'
                              '<path d="M 0 0 L 9 9" style="fill: none; stroke: #ff0000"/>')).decode()
    assert 'fill="none"' in out.split(">", 1)[0]
    styles = _classes(out)
    black = [name for name, style in styles.items() if "fill:#000" in style]
    assert len(black) == 2                                       # the filled path and the text
    assert sum("fill:" not in style for style in styles.values()) == 1   # the line: no fill


def test_runs_of_one_style_are_shared_without_changing_the_picture():
    out = svgout.compact(_svg(
        '<path d="M 0 0 L 9 0" style="fill: none; stroke: #999999"/>'
        '<path d="M 0 0 L 0 9" style="fill: none; stroke: #999999"/>'                 # joined: one path
        '<path d="M 0 0 L 9 9 z" style="fill: #ff0000; stroke: #000000"/>'
        '<path d="M 5 5 L 9 9 z" style="fill: #ff0000; stroke: #000000"/>'             # grouped
        '<path d="M 0 0 L 9 9 z" style="fill: #ff0000; opacity: 0.5"/>'
        '<path d="M 1 1 L 9 9 z" style="fill: #ff0000; opacity: 0.5"/>'                # apart: opacity
        '<text x="1" y="1" style="font-size: 8px; fill: #444444">一</text>'
        '<text x="1" y="9" style="font-size: 8px; fill: #444444">二</text>')).decode()   # grouped
    assert '<path d="M0 0H9M0 0V9" class=' in out
    assert len(re.findall(r'<g class="[a-z]+"><path d="[^"]*"/><path d="[^"]*"/></g>', out)) == 1
    assert len(re.findall(r'<path d="[^"]*" class="([a-z]+)"/>', out)) == 3
    assert re.search(r'<g class="[a-z]+"><text x="1" y="1">一</text><text x="1" y="9">二</text></g>', out)


def test_ids_are_short_and_references_follow():
    out = svgout.compact(_svg(
        '<defs><clipPath id="p0123456789"><rect x="0" y="0" width="5" height="5"/></clipPath></defs>'
        '<path d="M 0 0 L 9 9" clip-path="url(#p0123456789)" style="fill: none; stroke: #000000"/>')).decode()
    assert '<clipPath id="a">' in out and 'clip-path="url(#a)"' in out


def test_a_text_placed_by_a_translation_is_placed_by_x_and_y():
    out = svgout.compact(_svg('<text style="font-size: 10px" transform="translate(172.2 31.292) rotate(-0)">专</text>'))
    assert b'<text x="172.2" y="31.3"' in out and b"transform" not in out


# the radar's grid --------------------------------------------------------------------

def test_the_radar_grid_is_polygons_not_curves():
    """The rings are regular polygons (a hexagon for six dimensions) at 20, 40 … 100
    points, drawn as straight lines: no Bézier curve in the radar, and markers are
    arcs."""
    for n in (6, 5):
        labels = [f"维度{i}" for i in range(n)]
        svg = charts.radar(labels, [Fraction(50 + 5 * i) for i in range(n)]).decode()
        paths = re.findall(r'<path d="([^"]+)"', svg)
        assert not any(re.search(r"[CcQqSsTt]", d) for d in paths), "a curve in the radar"
        polygons = []                                # closed subpaths of straight lines
        for d in paths:
            points: list[list[float]] = []
            for cmd, a in decode(d):
                if cmd == "M":
                    points = [a]
                elif cmd == "L":
                    points.append(a)
                elif cmd == "Z":
                    polygons.append(points)
                else:
                    points = []                      # an arc: a marker
                    break
        radii = []
        for pts in polygons:
            if len(pts) != n:
                continue
            cx, cy = sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n
            r = [math.dist(p, (cx, cy)) for p in pts]
            if max(r) - min(r) < 0.3:                # regular: every corner as far from the centre
                radii.append(sum(r) / n)
        radii.sort()
        assert len(radii) == 5, radii
        for k, r in enumerate(radii, start=1):
            assert r == pytest.approx(radii[-1] * k / 5, abs=0.3)


# the picture -------------------------------------------------------------------------

def _matplotlib_svg(kind: str, args: tuple) -> bytes:
    """The same figure as matplotlib's own SVG writer draws it."""
    from matplotlib.backends.backend_svg import RendererSVG

    fig = getattr(charts, kind).__wrapped__(*args)
    buf = io.StringIO()
    w, h = fig.get_size_inches() * 72
    with charts._our_settings():
        renderer = RendererSVG(w, h, buf, image_dpi=72, metadata={"Date": None})
        fig.draw(renderer)
        renderer.finalize()
    return buf.getvalue().encode("utf-8")


def _shot(chromium: str, svg_path, png_path, size: tuple[int, int]) -> None:
    html = svg_path.with_suffix(".html")
    html.write_text(f"<html><body style='margin:0'><img src='{svg_path.name}'></body></html>", "utf-8")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--force-device-scale-factor=2", f"--window-size={size[0]},{size[1]}",
                    f"--screenshot={png_path}", html.as_uri()], check=True, capture_output=True, timeout=120)


@pytest.mark.browser
def test_chromium_draws_the_compact_svg_as_matplotlib_s_own(tmp_path):
    """Pixel by pixel in Chromium at twice the size: what differs is rounding to 0.1 pt
    and circles drawn as arcs, so only a few pixels along edges, never a shape, a
    colour or a label."""
    from PIL import Image, ImageChops
    from test_chart_layout import HARD_TRENDS

    found = ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
    chromium = next((p for p in found if p and os.path.isfile(p)), None)
    assert chromium, "Chromium is required (scripts/install-system-deps)"
    dims = ["专业化", "精细化", "特色化", "创新能力", "产业链配套", "主导产品所属领域"]
    cases = {
        "radar": ("radar", (dims, [Fraction(85), Fraction(784, 10), Fraction(35), Fraction(609, 10),
                                   Fraction(433, 10), Fraction(875, 10)], "六维诊断")),
        "trend": ("trend", HARD_TRENDS[0]),
        "trend-gaps": ("trend", HARD_TRENDS[1]),
        "rounds": ("rounds", (["2025", "2026", "2026-h2"], {d: [Fraction(10 * k + 20), Fraction(50), Fraction(60 - k)]
                                                           for k, d in enumerate(dims)})),
        "bars": ("bars", (["L1", "L2", "L3", "L4", "L5"], [1, 3, 5, 2, 0])),
    }
    for name, (kind, args) in cases.items():
        ours = getattr(charts, kind)(*args)
        theirs = _matplotlib_svg(kind, args)
        w, h = (float(v) for v in re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', ours).groups())
        size = (math.ceil(w * 4 / 3) + 8, math.ceil(h * 4 / 3) + 8)          # pt → CSS px
        shots = []
        for label, svg in (("ours", ours), ("theirs", theirs)):
            (tmp_path / f"{name}-{label}.svg").write_bytes(svg)
            _shot(chromium, tmp_path / f"{name}-{label}.svg", tmp_path / f"{name}-{label}.png", size)
            shots.append(Image.open(tmp_path / f"{name}-{label}.png").convert("RGB"))
        diff = ImageChops.difference(*shots).convert("L")
        hist = diff.histogram()
        off = sum(hist[96:]) / (diff.width * diff.height)
        assert off < 0.002, f"{name}: {off:.2%} of the pixels differ"
        # and the picture is there at all: not a blank page on both sides
        assert sum(Image.open(tmp_path / f"{name}-ours.png").convert("L").histogram()[:128]) > 1000, name


def test_the_svg_namespace_survives_a_library_that_maps_the_empty_prefix():
    """WeasyPrint's PDF metadata registers '' for ElementTree: charts drawn after it (a
    build with --pdf in one process) were written as <ns0:svg>."""
    import xml.etree.ElementTree as ET
    from fractions import Fraction

    from zjtx_site.render import charts

    ET.register_namespace("", "")                   # what weasyprint.pdf.metadata does on import
    svg = charts.radar(["专业化", "精细化", "特色化", "创新能力", "产业链配套", "主导产品所属领域"], [Fraction(50)] * 6)
    assert svg.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"') and b"ns0" not in svg
