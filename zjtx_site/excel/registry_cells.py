"""What a registry row's field and revenue cells mean: the codes and
Chinese names of the fields (十大领域, 六基, 网络强国), yes/no words, and an
exact revenue in 万元 whatever unit it was written in.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from zjtx_site.excel import _PLAIN, normalize_text, parse_decimal
from zjtx_site.excel.registry_reader import NETWORK, UNIT_FACTORS
from zjtx_site.intake.fields import choice_key
from zjtx_site.intake.schema import MIC_FIELDS, SIX_FOUNDATIONS

NONE_FIELD = "none"


# Field tokens ------------------------------------------------------------------

_TOKEN_SPLIT = re.compile(r"[,，、;；/|\n]+")
_NONE_WORDS = {"", "无", "否", "-", "—", "--", "/", "none", "no", "n", "false", "0", "[]", "不属于"}
_TRUE_WORDS = {"是", "有", "true", "yes", "y", "1", "√", "属于"}


def _token_map() -> dict[str, tuple[str, str]]:
    """Every spelling of a field → (group, code): codes, Appendix A labels and
    the official names of the field table (中国制造2025, the standard's text)."""
    out: dict[str, tuple[str, str]] = {}
    for group, choices in (("mic_fields", MIC_FIELDS), ("six_foundations", SIX_FOUNDATIONS)):
        for c in choices:
            for name in (str(c.value), c.label, *c.aliases):
                for t in (name.lower(), normalize_text(name).replace(" ", "").lower(), choice_key(name)):
                    out[t] = (group, str(c.value))
    for t in ("网络强国", "网络强国建设重点领域", "属于网络强国建设重点领域", "network_power", "networkpower"):
        out[t] = (NETWORK, NETWORK)
    for t in ("六基", "工业六基"):
        out.pop(t, None)
    return out


TOKENS = _token_map()
FIELD_LABELS: dict[str, tuple[str, str]] = {
    **{str(c.value): ("十大领域", c.label) for c in MIC_FIELDS},
    **{str(c.value): ("六基", c.label) for c in SIX_FOUNDATIONS},
    NETWORK: ("网络强国", "网络强国建设重点领域"),
    NONE_FIELD: ("—", "不属于上述领域"),
}


class Cache(dict):
    """Parsed field cells; registries repeat a few values, so a small bounded
    cache saves the parsing without growing with the rows."""

    LIMIT = 4096

    def put(self, key: str, value: Any) -> Any:
        if len(self) >= self.LIMIT:
            self.clear()
        self[key] = value
        return value


def parse_fields(text: str, cache: Cache) -> tuple[tuple[str, ...], str | None]:
    """(field codes — ``network_power`` included — , error) of a field cell."""
    hit = cache.get(text)
    if hit is not None:
        return hit
    t = normalize_text(text).lower()
    if t in _NONE_WORDS:
        return cache.put(text, ((), None))
    codes: list[str] = []
    bad = []
    for raw in _TOKEN_SPLIT.split(t):
        tok = raw.strip().replace(" ", "")
        if tok in _NONE_WORDS and tok:
            continue
        if not tok:
            continue
        hit2 = TOKENS.get(tok) or TOKENS.get(choice_key(tok))
        if hit2 is None:
            bad.append(raw.strip())
        elif hit2[1] not in codes:
            codes.append(hit2[1])
    if bad:
        err = (f"不认识的领域“{'、'.join(bad)}”；请填十大领域、工业六基的名称或代码"
               "（如 新材料 / new_materials、关键软件 / key_software）或“网络强国”，多个用、分隔")
        return cache.put(text, ((), err))
    return cache.put(text, (tuple(codes), None))


def parse_flag(text: str) -> tuple[bool | None, str | None]:
    t = normalize_text(text).lower()
    if t == "":
        return None, None
    if t in _TRUE_WORDS or TOKENS.get(t, ("",))[0] == NETWORK:
        return True, None
    if t in _NONE_WORDS:
        return False, None
    return None, f"应填“是”或“否”，实际是“{text.strip()}”"


_REV_UNIT = re.compile(r"(万元|万|亿元|亿|元)\Z")


def parse_revenue(text: str, factor: Decimal) -> Decimal | None:
    if _PLAIN.match(text):     # the common case: plain ASCII digits
        d = Decimal(text)
        return d * factor if factor != 1 else d
    t = normalize_text(text)
    m = _REV_UNIT.search(t)
    if m:
        factor = UNIT_FACTORS[m.group(1)]
        t = t[: m.start()].strip()
    parsed = parse_decimal(t)
    if parsed is None:
        return None
    return parsed * factor if factor != 1 else parsed
