"""The CJK font of the charts, found on any machine.

matplotlib's font manager already knows the fonts of Windows, macOS and
Linux; this module picks the first Chinese family of :data:`FAMILIES` it
knows, or the one the ``ZJTX_FONT`` setting names (a font file or a family
name). matplotlib keeps a cache of the fonts it has seen, so a font
installed after the cache was made is looked for once more by scanning the
system's font folders. Without any, :class:`FontMissing` says in Chinese
what to install on each system.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matplotlib import font_manager

from zjtx_site.errors import FontMissing

SETTING = "ZJTX_FONT"
# Sans-serif Chinese families, best first: what Debian/Ubuntu (Noto, WenQuanYi),
# Adobe/Google downloads (Source Han / Noto), Windows (YaHei, SimHei) and macOS
# (PingFang, Heiti, Hiragino) install
FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Microsoft YaHei", "PingFang SC", "Heiti SC", "STHeiti", "Hiragino Sans GB",
    "SimHei", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
)
INSTALL = (
    "找不到图表所需的中文字体（已在本机字体中查找：" + "、".join(FAMILIES) + "）。请安装其中一种后重试：\n"
    "  Windows：系统自带“微软雅黑”（Microsoft YaHei）和“黑体”（SimHei）；如已删除，可在“设置 → 个性化 → 字体”中重新安装，"
    "或安装思源黑体（Source Han Sans SC）；\n"
    "  macOS：系统自带“苹方”（PingFang SC）；也可用 Homebrew 安装：brew install --cask font-noto-sans-cjk-sc；\n"
    "  Debian/Ubuntu：sudo apt install fonts-noto-cjk（或运行 scripts/install-system-deps）；"
    "Fedora：sudo dnf install google-noto-sans-cjk-fonts；\n"
    f"  或者设置环境变量 {SETTING} 为一个中文字体文件的路径（如 C:\\Windows\\Fonts\\msyh.ttc）或字体名。"
)


@dataclass(frozen=True, slots=True)
class CJKFont:
    family: str     # the name matplotlib resolves (rcParams font.sans-serif)
    path: str       # the file


def installed() -> list[font_manager.FontEntry]:
    """The fonts matplotlib knows (its cache)."""
    return list(font_manager.fontManager.ttflist)


def rescanned() -> list[font_manager.FontEntry]:
    """The fonts in the system's font folders now (slow: only when nothing was found)."""
    return list(font_manager.FontManager().ttflist)


def _pick(entries: list[font_manager.FontEntry], family: str) -> font_manager.FontEntry | None:
    """The regular face of ``family`` (a family has bold and light faces too)."""
    faces = [e for e in entries if e.name.casefold() == family.casefold()]
    if not faces:
        return None
    return min(faces, key=lambda e: (e.style != "normal", abs(_weight(e.weight) - 400), e.fname))


def _weight(w: object) -> int:
    if isinstance(w, int):
        return w
    return font_manager.weight_dict.get(str(w), 400)


def find_cjk_font(setting: str | None = None, *, known: Callable[[], list] | None = None,
                  scan: Callable[[], list] | None = None) -> CJKFont:
    """The font the charts draw Chinese with; :class:`FontMissing` if none.

    ``setting`` defaults to the ``ZJTX_FONT`` environment variable; ``known``
    and ``scan`` to :func:`installed` and :func:`rescanned`."""
    known, scan = known or (lambda: installed()), scan or (lambda: rescanned())
    if setting is None:
        setting = os.environ.get(SETTING, "").strip()
    if setting:
        return _from_setting(setting, known, scan)
    for source in (known, scan):     # the cache may predate a newly installed font
        entries = source()
        for family in FAMILIES:
            face = _pick(entries, family)
            if face is not None:
                return _use(face)
    raise FontMissing(INSTALL)


def _use(face: font_manager.FontEntry) -> CJKFont:
    """Make sure this process's font manager resolves the face's family."""
    if not any(e.fname == face.fname and e.name == face.name for e in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(face.fname)
    return CJKFont(face.name, face.fname)


def _from_setting(setting: str, known: Callable[[], list], scan: Callable[[], list]) -> CJKFont:
    path = Path(setting).expanduser()
    if path.is_file():
        try:
            font_manager.fontManager.addfont(str(path))
            family = font_manager.FontProperties(fname=str(path)).get_name()
        except (OSError, RuntimeError, ValueError) as exc:
            raise FontMissing(f"{SETTING}={setting} 不是可用的字体文件（{exc}）。\n{INSTALL}") from None
        return CJKFont(family, str(path))
    for source in (known, scan):
        face = _pick(source(), setting)
        if face is not None:
            return _use(face)
    raise FontMissing(f"{SETTING}={setting}：既不是字体文件，也不是本机已安装的字体名。\n{INSTALL}")
