"""Is this message the answer to our question, a new matter, or the repeat of an old one?
Pure text rules, so the conversation can tell a name from a second petition."""
from __future__ import annotations

import re

from nlp.intent import find_name, fold, squeeze

# Words with which people start a second, different matter ('另外' alone counts: a split
# story costs a merge by staff, a second matter lost in the first costs its legal clock).
_NEW_MATTER = re.compile(r"^(?:另外|另|还有|再|又|另有)[，,:：\s]*(?:反映|说|举报|投诉|问)?[一个]*"
                         r"(?:件事|个事|个问题|事情|事|问题)|^另外|^另一件|^再反映|^还想反映")
SHORT_REPLY = 6     # characters: '塔铺', '好的我姓王' read as a reply, not as a petition
ANSWER_LIMIT = 24   # characters: an answer with a name or a place is rarely longer


def is_new_matter(text: str) -> bool:
    """'另外反映一件事：…', '还有一件事', '再反映个问题': the citizen says it is another matter."""
    return bool(_NEW_MATTER.search(squeeze(fold(text))))


def reads_as_details(text: str, has_place: bool) -> bool:
    """The message reads as the answer to 'your name / township and village?': a short
    reply, or a short text that gives a name or a place, and no new-matter opening."""
    bare = squeeze(fold(text))
    if is_new_matter(text):
        return False
    if len(bare) <= SHORT_REPLY:
        return True
    return len(bare) <= ANSWER_LIMIT and (has_place or find_name(text, answer=True) is not None)


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u3400-\u9fffa-z0-9]", "", fold(text))
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def same_matter(text: str, earlier: str, threshold: float = 0.6) -> bool:
    """Two petitions tell the same matter when most character pairs of the shorter one occur
    in the other (overlap coefficient). Short texts never match: too little to judge."""
    a, b = _bigrams(text), _bigrams(earlier)
    if min(len(a), len(b)) < 6:
        return False
    return len(a & b) / min(len(a), len(b)) >= threshold
