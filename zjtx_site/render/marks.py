"""How a verdict looks on a page: a mark from the CJK font itself and its word.

(No emoji font is needed to read the site or the PDF.)"""

from __future__ import annotations

from zjtx_site.scoring.spans import Status

STATUS_MARK = {
    Status.MET: "○ 符合", Status.UNMET: "× 不符合", Status.NEEDS_DATA: "△ 待补充数据",
    Status.MANUAL_REVIEW: "◇ 待人工判断", Status.NOT_APPLICABLE: "— 不适用",
}
