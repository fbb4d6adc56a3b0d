"""A matplotlib figure as a small, deterministic SVG with its text kept as text.

matplotlib's SVG writer is made for fidelity, not size: every element has its
own inline style, group ids, six-decimal coordinates and an indented layout.
Here the figure is drawn with ``svg.fonttype: none`` (labels stay ``<text>``:
selectable, searchable, a few bytes each instead of one glyph outline per
character), text metrics are cached for the life of the process (the SVG
renderer is new on every save, and so was its cache), a line's markers are
one path (not a definition and a ``<use>`` per point), and the output is
compacted (:func:`compact`): coordinates rounded to 0.1 pt, paths written
short, each distinct style written once as a class, id-only groups
unwrapped, metadata dropped. A font stack in the SVG's own stylesheet picks
the CJK font the viewer has, the one the layout was measured with first.

What it writes is SVG 1.1 that browsers and WeasyPrint (the PDF reports,
which inline it as an image) draw alike.
"""

from __future__ import annotations

import functools
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.path import Path
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Affine2D

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# The font the layout is measured with comes first; then the same design under
# its other names, then the CJK fonts of common desktops; then the generic family.
# (Names of words need no quotes in CSS.)
FONT_STACK = ("Noto Sans CJK SC,Source Han Sans SC,Source Han Sans CN,PingFang SC,"
              "Hiragino Sans GB,Microsoft YaHei,WenQuanYi Micro Hei,sans-serif")

_TEXT2PATH = TextToPath()


def _metrics(s: str, prop: FontProperties, ismath: Any) -> tuple[float, float, float]:
    # keyed by the font file too: a generic family ("sans-serif") resolves by the settings in force
    return _cached_metrics(s, prop.copy(), ismath, findfont(prop))


@functools.lru_cache(maxsize=8192)
def _cached_metrics(s: str, prop: FontProperties, ismath: Any, _font: str) -> tuple[float, float, float]:
    return _TEXT2PATH.get_text_width_height_descent(s, prop, ismath)


class _Renderer(RendererSVG):
    """The SVG renderer with one text-metrics cache for every figure of the process,
    and a line's markers written as one path."""

    def get_text_width_height_descent(self, s, prop, ismath):
        return _metrics(s, prop, ismath)

    def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
        """Every marker of a line as a closed part of one path, a circle as two arcs;
        matplotlib writes a definition of the marker and a ``<use>`` of it per point.
        (The same picture where a line's markers do not overlap, or are filled with
        their edge colour, as every chart's are.)"""
        if not len(path.vertices) or gc.get_url() is not None:
            super().draw_markers(gc, marker_path, marker_trans, path, trans, rgbFace)
            return
        shape = marker_trans + Affine2D().scale(1.0, -1.0)
        flip = self._make_flip_transform(trans)
        clip = (0, 0, self.width * 72, self.height * 72)       # matplotlib's: markers off the page are left out
        points = [v[-2:] for v, _code in path.iter_segments(flip, clip=clip, simplify=False) if len(v)]
        # on the 0.1 pt grid of the output first, so that every marker has the same shape
        points = [(round(x, 1), round(y, 1)) for x, y in points]
        (x0, y0), (x1, y1), (x2, y2) = shape.transform([(0, 0), (1, 0), (0, 1)])
        r = round(abs(x1 - x0), 1)
        if marker_path is Path.unit_circle() and abs(x1 - x0) == abs(y2 - y0) and not (y1 - y0 or x2 - x0):
            d = "".join(f"M{x - r:.1f} {y:.1f}A{r} {r} 0 1 0 {x + r:.1f} {y:.1f}A{r} {r} 0 1 0 {x - r:.1f} {y:.1f}z"
                        for x, y in points)
        else:
            unit = Path(np.round(shape.transform(marker_path.vertices), 1), marker_path.codes)
            d = "".join(self._convert_path(unit, Affine2D().translate(x, y), simplify=False) for x, y in points)
        self.writer.element("path", d=d, **self._get_clip_attrs(gc), style=self._get_style(gc, rgbFace))


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
_TRANSLATE = re.compile(r"^translate\((\S+) (\S+)\)(?: rotate\(-?0\))?$")
_ROTATE_ZERO = re.compile(r"^rotate\(-?0 [^)]*\)$")
_REF = re.compile(r'(?:href="#|url\(#)([^")]+)')
_REF_ID = re.compile(r"(^#|url\(#)([^)]+)")      # an id where an attribute or a style names it
_SHORT_HEX = re.compile(r"#([0-9a-f])\1([0-9a-f])\2([0-9a-f])\3\b")
_REFERS = {f"{{{XLINK_NS}}}href", "href", "clip-path"}      # attributes that name an id
_SHAPES = {"path", "text", "use", "rect", "circle", "ellipse", "line", "polyline", "polygon"}
_GEOMETRY = ("x", "y", "width", "height", "x1", "x2", "y1", "y2", "cx", "cy", "r")
_ARGS = {"M": 2, "L": 2, "Q": 4, "C": 6, "A": 7, "Z": 0, "z": 0}   # the commands written here
# values that are SVG's initial ones: nothing up the tree sets another (a group has its
# children's style)
_INITIAL = {("text-anchor", "start")}
# properties a group passes on to its children (a group's opacity would act on the group as a whole)
_NOT_INHERITED = re.compile(r"(?:^|;)opacity:")


def _fmt(tenths: int) -> str:
    """A number given in tenths, as short as SVG and CSS read it: 5 → ".5", -12 → "-1.2"."""
    whole, tenth = divmod(abs(tenths), 10)
    text = (str(whole) if whole else "") + (f".{tenth}" if tenth else "")
    return ("-" if tenths < 0 else "") + (text or "0")


def _round(m: re.Match) -> str:
    return _fmt(round(float(m.group(0)) * 10))


def _path(d: str) -> str:
    """Path data at 0.1 pt, each segment absolute or relative, whichever is shorter, with
    H/V for level lines and no repeated command letters; "" for moves only."""
    toks = re.findall(r"[A-Za-z]|" + _NUM.pattern, d)
    segs: list[tuple[str, list[int]]] = []
    i = 0
    while i < len(toks):
        cmd, n = toks[i], _ARGS.get(toks[i], -1)
        args = toks[i + 1:i + 1 + n]
        if n < 0 or len(args) != n or any(a.isalpha() for a in args):
            return _NUM.sub(_round, d)                  # not matplotlib's: only rounded
        segs.append((cmd, [round(float(a) * 10) for a in args]))
        i += 1 + n
    # a line back to the start just before a close: the close draws it (and joins it)
    start: list[int] = []
    for k, (cmd, a) in enumerate(segs):
        if cmd == "M":
            start = a
        elif (cmd == "L" and a == start and k + 1 < len(segs) and segs[k + 1][0] in "Zz"
              and segs[k - 1][0] != "M"):
            segs[k] = ("", [])
    segs = [s for s in segs if s[0]]
    if all(cmd == "M" for cmd, _ in segs):
        return ""                                       # draws nothing
    out: list[str] = []
    last = ("", "")                                     # the command letter and the number written last
    cx = cy = sx = sy = 0
    for cmd, a in segs:
        if cmd in "Zz":
            out.append("z")
            last = ("z", "")
            cx, cy = sx, sy
            continue
        if cmd == "L" and a[1] == cy:
            options = [("H", [a[0]]), ("h", [a[0] - cx])]
        elif cmd == "L" and a[0] == cx:
            options = [("V", [a[1]]), ("v", [a[1] - cy])]
        elif cmd == "A":                                  # radii, rotation and flags, then the end
            options = [(cmd, a), ("a", [*a[:5], a[5] - cx, a[6] - cy])]
        else:
            options = [(cmd, a), (cmd.lower(), [v - (cy if k % 2 else cx) for k, v in enumerate(a)])]
        if not out:
            options = options[:1]                         # a path starts with an absolute move
        text, number = min((_segment(last, *o) for o in options), key=lambda t: len(t[0]))
        out.append(text)
        last = (text[0] if text[0].isalpha() else last[0], number)
        cx, cy = a[-2], a[-1]
        if cmd == "M":
            sx, sy = cx, cy
    return "".join(out)


def _segment(last: tuple[str, str], cmd: str, nums: list[int]) -> tuple[str, str]:
    """A segment written after ``last`` (letter, number): the letter left out where SVG
    implies it (a move's further points are lines), numbers apart only where they must
    be ("1-2", ".5.5", "1 2"); with the last number it writes."""
    implied = {"M": "L", "m": "l"}.get(last[0], last[0]) == cmd
    text, prev = ("", last[1]) if implied else (cmd, "")
    for v in nums:
        num = _fmt(v)
        if prev and num[0] != "-" and not (num[0] == "." and "." in prev):
            text += " "
        text += num
        prev = num
    return text, prev


def _style(style: str) -> str:
    parts = []
    for p in style.split(";"):
        name, _, value = (x.strip() for x in p.partition(":"))
        if not name or (name, value) in _INITIAL or (name == "stroke-dashoffset" and float(value) == 0):
            continue
        if name in ("stroke-width", "stroke-dasharray", "opacity", "fill-opacity", "stroke-opacity"):
            value = _NUM.sub(_round, value)
        parts.append(f"{name}:{_SHORT_HEX.sub(_short_hex, value)}")
    return ";".join(parts)


def _short_hex(m: re.Match) -> str:
    return "#" + m.group(1) + m.group(2) + m.group(3)


def _name(k: int) -> str:
    """Short names for classes and ids: a … z, A … Z, ba, bb …"""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    name = ""
    while True:
        k, r = divmod(k, len(letters))
        name = letters[r] + name
        if not k:
            return name


def compact(svg: str) -> bytes:
    """matplotlib's SVG, smaller, with the same picture: styles as classes with short
    names, and what most elements have (no fill, round joins) said once at the top;
    runs of elements of one style grouped under it, and runs of unfilled paths as one
    path; text placed by x and y; paths written short (:func:`_path`); definitions at
    the top under short ids; no metadata, no XML declaration (UTF-8 is XML's default)."""
    root = ET.fromstring(svg)
    q = f"{{{SVG_NS}}}"
    used = set(_REF.findall(svg))               # ids that clip paths (and uses) are used by
    styles: dict[ET.Element, str] = {}          # an element's compacted style
    defs: list[ET.Element] = []                 # every definition, gathered in one <defs>

    def visit(el: ET.Element, drawn: bool) -> list[ET.Element]:
        tag = el.tag.removeprefix(q)
        if tag in ("metadata", "style"):
            return []                           # matplotlib's stylesheet: ours replaces it
        kids: list[ET.Element] = []
        for child in list(el):
            kids += visit(child, drawn and tag not in ("defs", "clipPath"))
        el[:] = kids
        if el.get("id") not in used:
            el.attrib.pop("id", None)
        if "d" in el.attrib:
            el.set("d", _path(el.get("d", "")))
            if not el.get("d"):
                return []                       # moves only: nothing drawn
        if "transform" in el.attrib:
            t = _NUM.sub(_round, el.get("transform", ""))
            moved = _TRANSLATE.match(t)
            if tag == "text" and moved and "x" not in el.attrib and "y" not in el.attrib:
                del el.attrib["transform"]
                el.set("x", moved.group(1))
                el.set("y", moved.group(2))
            elif _ROTATE_ZERO.match(t):
                del el.attrib["transform"]
            else:
                el.set("transform", t)
        for name in _GEOMETRY:
            if name in el.attrib:
                el.set(name, _NUM.sub(_round, el.get(name, "")))
        style = _style(_FONT_FAMILY.sub("", el.attrib.pop("style", "")))
        if drawn and tag in _SHAPES:
            # no fill is the document's default (below); matplotlib leaves black unwritten
            parts = style.split(";") if style else []
            if not any(p.startswith("fill:") for p in parts):
                parts.append("fill:#000")
            style = ";".join(p for p in parts if p != "fill:none")
        if style:
            styles[el] = style
        el.tail = None
        el.text = el.text if tag == "text" else None
        if tag == "defs":
            defs.extend(kids)
            return []
        if tag == "g" and not el.attrib:
            return kids                               # an id-only group: its children take its place
        return [el]

    body: list[ET.Element] = []
    for child in list(root):
        body += visit(child, True)
    body = _grouped(body, styles)
    # short ids and class names, in the order they appear
    nodes = [node for el in [*defs, *body] for node in el.iter()]
    ids = {old: _name(k) for k, old in enumerate(n.attrib["id"] for n in nodes if "id" in n.attrib)}

    def renamed(value: str) -> str:                     # "#id", "url(#id)"
        return _REF_ID.sub(lambda m: m.group(1) + ids.get(m.group(2), m.group(2)), value)

    classes: dict[str, str] = {}
    for node in nodes:
        for attr, value in node.attrib.items():
            if attr == "id":
                node.set(attr, ids[value])
            elif attr in _REFERS:
                node.set(attr, renamed(value))
        if node in styles:
            node.set("class", classes.setdefault(renamed(styles[node]), _name(len(classes))))
    rules = "".join(f".{name}{{{style}}}" for style, name in classes.items())
    sheet = ET.Element(f"{q}style")
    sheet.text = f"text{{font-family:{FONT_STACK}}}{rules}"
    top: list[ET.Element] = [sheet]
    if defs:
        holder = ET.Element(f"{q}defs")
        holder[:] = defs
        top.append(holder)
    root[:] = [*top, *body]
    root.text = root.tail = None
    for name in ("width", "height"):
        root.set(name, _NUM.sub(_round, root.get(name, "")))
    root.set("viewBox", _NUM.sub(_round, root.get("viewBox", "")))
    root.attrib.pop("version", None)
    # inherited by every element that does not say otherwise: its fill (above), and the
    # join matplotlib leaves unwritten as SVG's default, which is a mitre, not round
    root.set("fill", "none")
    root.set("stroke-linejoin", "round")
    # registered again each time: the registry is module-wide, and another library in the
    # process (WeasyPrint's PDF metadata maps the empty prefix) undoes ours: <ns0:svg>
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode").replace('" />', '"/>').encode("utf-8") + b"\n"


def _grouped(elements: list[ET.Element], styles: dict[ET.Element, str]) -> list[ET.Element]:
    """Siblings of one style in a row: unfilled paths as one path, anything else as a
    group of that style (which its children inherit). The order of painting is kept."""
    out: list[ET.Element] = []
    run: list[ET.Element] = []

    def flush() -> None:
        if len(run) > 1 and _joinable(run, styles):
            run[0].set("d", "".join(el.get("d", "") for el in run))      # each starts with an absolute move
            for el in run[1:]:
                del styles[el]
            out.append(run[0])
        elif len(run) > 1:
            group = ET.Element(f"{{{SVG_NS}}}g")
            styles[group] = styles[run[0]]
            for el in run:
                del styles[el]
            group[:] = run
            out.append(group)
        else:
            out.extend(run)
        run.clear()

    for el in elements:
        if len(el):
            el[:] = _grouped(list(el), styles)
        style = styles.get(el)
        if run and style == styles.get(run[0]):
            run.append(el)
            continue
        flush()
        if style is not None and not _NOT_INHERITED.search(style):
            run.append(el)
        else:
            out.append(el)
    flush()
    return out


def _joinable(run: list[ET.Element], styles: dict[ET.Element, str]) -> bool:
    """Whether paths in a row draw the same as one path: strokes only, opaque, nothing
    but their data differs. (Filled, one path's fill would no longer cover the stroke
    of the path before it.)"""
    style = styles[run[0]]
    return ("fill:" not in style and "opacity" not in style
            and all(el.tag == f"{{{SVG_NS}}}path" and set(el.attrib) == {"d"} for el in run))
