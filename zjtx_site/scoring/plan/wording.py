"""A measure's words for one company: its figures, its product, chain and partners.

A measure has several wordings; each company gets one chosen by a stable hash
of its id and the measure's, among those whose placeholders it can fill, so
two companies rarely read the same sentence and a rebuild reads the same one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from zjtx_site.scoring.plan.catalogue import _PLACEHOLDER, Measure


def names(company: Any) -> dict[str, str]:
    """The company's own names a wording may use (absent ones are left out)."""
    out = {}
    product = company.product.name
    chain = company.chain.name
    leaders = company.product.industry_leaders or ()
    partners = company.innovation.partners or ()
    if product:
        out["product"] = product
    if chain:
        out["chain"] = chain
    if leaders:
        out["leader"] = leaders[0]
    if partners:
        out["partner"] = "、".join(partners[:2])
    return out


def render(measure: Measure, company_id: str, values: Mapping[str, str]) -> str:
    usable = [w for w in measure.wordings if all(values.get(n) for n in _PLACEHOLDER.findall(w))]
    if not usable:
        # every wording needs a figure this item lacks: say it with what there is
        usable = [min(measure.wordings, key=lambda w: sum(not values.get(n) for n in _PLACEHOLDER.findall(w)))]
    digest = hashlib.sha256(f"{company_id}\0{measure.id}".encode()).digest()
    template = usable[int.from_bytes(digest[:4], "big") % len(usable)]
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or "—", template)
