"""A matplotlib figure as a small, deterministic SVG with its text kept as text.

matplotlib's SVG writer is made for fidelity, not size: every element has its
own inline style, group ids, six-decimal coordinates and an indented layout.
Here the figure is drawn with ``svg.fonttype: none`` (labels stay ``<text>``:
selectable, searchable, a few bytes each instead of one glyph outline per
character), text metrics are cached for the life of the process (the SVG
renderer is new on every save, and so was its cache), and the output is
compacted: coordinates rounded to 0.1 pt, each distinct style written once
as a class, id-only groups unwrapped, metadata dropped. A font stack in the
SVG's own stylesheet picks the CJK font the viewer has, the one the layout
was measured with first.
"""

from __future__ import annotations

import functools
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.textpath import TextToPath

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# The font the layout is measured with comes first; then the same design under
# its other names, then the CJK fonts of common desktops; then the generic family.
FONT_STACK = ("'Noto Sans CJK SC','Source Han Sans SC','Source Han Sans CN','PingFang SC',"
              "'Hiragino Sans GB','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif")

_TEXT2PATH = TextToPath()


def _metrics(s: str, prop: FontProperties, ismath: Any) -> tuple[float, float, float]:
    # keyed by the font file too: a generic family ("sans-serif") resolves by the settings in force
    return _cached_metrics(s, prop.copy(), ismath, findfont(prop))


@functools.lru_cache(maxsize=8192)
def _cached_metrics(s: str, prop: FontProperties, ismath: Any, _font: str) -> tuple[float, float, float]:
    return _TEXT2PATH.get_text_width_height_descent(s, prop, ismath)


class _Renderer(RendererSVG):
    """The SVG renderer with one text-metrics cache for every figure of the process."""

    def get_text_width_height_descent(self, s, prop, ismath):
        return _metrics(s, prop, ismath)


def figure_svg(fig: Figure) -> bytes:
    """Draw ``fig`` (created at 72 dpi, no raster artists) and return the compact SVG."""
    buf = io.StringIO()
    width, height = fig.get_size_inches()
    renderer = _Renderer(width * 72, height * 72, buf, image_dpi=72, metadata={"Date": None, "Creator": None})
    fig.draw(renderer)
    renderer.finalize()
    return compact(buf.getvalue())


_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
_FONT_FAMILY = re.compile(r"font-family:[^;]*;?\s*")
_ROTATE_ZERO = re.compile(r"^rotate\(-?0 [^)]*\)$")
_REF = re.compile(r'(?:href="#|url\(#)([^")]+)')
_GEOMETRY = ("x", "y", "width", "height", "x1", "x2", "y1", "y2", "cx", "cy", "r")


def _round(m: re.Match) -> str:
    v = round(float(m.group(0)), 1)
    return str(int(v)) if v == int(v) else f"{v:.1f}"


def _path(d: str) -> str:
    out = []
    for tok in re.findall(r"[A-Za-z]|" + _NUM.pattern, d):
        if tok.isalpha():
            out.append(tok)
        else:
            num = _NUM.sub(_round, tok)
            out.append(num if not out or out[-1].isalpha() else " " + num)
    return "".join(out)


def _style(style: str) -> str:
    parts = [p.strip() for p in style.split(";") if p.strip()]
    return ";".join(re.sub(r"\s*:\s*", ":", p) for p in parts)


def compact(svg: str) -> bytes:
    root = ET.fromstring(svg)
    q = f"{{{SVG_NS}}}"
    for meta in root.findall(f"{q}metadata"):
        root.remove(meta)
    classes: dict[str, str] = {}
    used = set(_REF.findall(svg))               # ids that markers and clip paths are used by

    def visit(el: ET.Element) -> list[ET.Element]:
        kids: list[ET.Element] = []
        for child in list(el):
            kids += visit(child)
        el[:] = kids
        tag = el.tag.removeprefix(q)
        if el.get("id") not in used:
            el.attrib.pop("id", None)
        if "d" in el.attrib:
            el.set("d", _path(el.get("d", "")))
        for name in _GEOMETRY:
            if name in el.attrib:
                el.set(name, _NUM.sub(_round, el.get(name, "")))
        if "transform" in el.attrib:
            t = _NUM.sub(_round, el.get("transform", ""))
            if _ROTATE_ZERO.match(t):
                del el.attrib["transform"]
            else:
                el.set("transform", t)
        if "style" in el.attrib:
            style = _style(_FONT_FAMILY.sub("", el.get("style", "")))
            del el.attrib["style"]
            if style:
                el.set("class", classes.setdefault(style, f"c{len(classes)}"))
        if tag == "g" and not el.attrib:
            return kids                               # an id-only group: its children take its place
        if tag == "defs" and not len(el):
            return []
        el.tail = None
        el.text = el.text if tag == "text" else None
        return [el]

    body = []
    for child in list(root):
        body += visit(child)
    rules = "".join(f".{name}{{{style}}}" for style, name in classes.items())
    sheet = ET.Element(f"{q}style")
    sheet.text = f"*{{stroke-linejoin:round;stroke-linecap:butt}}text{{font-family:{FONT_STACK}}}{rules}"
    root[:] = [sheet, *body]
    root.text = root.tail = None
    for name in ("width", "height"):
        root.set(name, _NUM.sub(_round, root.get(name, "")))
    root.set("viewBox", _NUM.sub(_round, root.get("viewBox", "")))
    root.attrib.pop("version", None)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

