"""What a village information officer's message is: a 零报告 (nothing to report this
month) or a dispute report. Pure text in, answer out."""
from __future__ import annotations

import re

from nlp.intent import fold, squeeze

# Whole messages that say "nothing to report", after folding width, script and punctuation.
_ZERO = re.compile(
    r"^(?:本月|本周|今天|今日|本村|我村|[0-9一二三四五六七八九十]{1,2}月(?:份)?)?"
    r"(?:无|没有|暂无|零报告|0报告|无矛盾纠纷|没有矛盾纠纷|暂无矛盾纠纷|无矛盾|无纠纷|无矛盾纠纷报告|无情况|"
    r"平安无事|一切正常|无异常|无新情况|零)"
    r"(?:矛盾纠纷|矛盾|纠纷|情况)?(?:零报告)?(?:报告)?$")


def is_zero_report(text: str) -> bool:
    """'无', '零报告', '本月无矛盾纠纷', '12月无矛盾纠纷，零报告' → True; a report that
    tells something ('无人管的水渠堵了') → False."""
    squeezed = squeeze(fold(text))
    if not squeezed or len(squeezed) > 16:
        return False
    return bool(_ZERO.match(squeezed)) or squeezed in {"0", "零", "nil", "nilreport", "none", "nothingtoreport"}
