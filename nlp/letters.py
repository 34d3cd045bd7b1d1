"""Long letters: what of a letter may steer the topic, and how it splits for urgency.

A formal letter wraps the writer's matter in boilerplate that says nothing about it, or
says something misleading: a title's genre words (举报信, 申诉书), a greeting naming the
addressee (尊敬的人社局领导), quoted laws (根据《劳动合同法》第三十条规定: "…"), dates,
sums, phone and ID numbers, a signature block (反映人, 联系电话, 此致敬礼). ``topic_text``
removes them before the issue type and department features; the township rules and the
urgent rules still read the whole text (an address names the township; a date tells a
past event).

Urgency is decided per window of sentences (``windows``), so one dangerous sentence in a
3,000-character letter weighs what it weighs in a text message.
"""
from __future__ import annotations

import re

from .fastre import Prefiltered

LONG = 120        # characters: above this a text is scored for urgency window by window
WINDOW = 80       # characters: sentences are packed into windows of about this size

_NEWLINES = re.compile(r"[\r\n\u2028\u2029]+")
_LAW = re.compile(
    r"(根据|依据|按照|依照|对照|违反了?|符合)?《[^》]{1,40}》"
    r"(第[零一二三四五六七八九十百千0-9]+[条款项章](第[零一二三四五六七八九十百千0-9]+[条款项])*)*"
    r"(的)?(相关|有关)?(规定|明确规定|要求)?[:,]?(\s*[“\"][^”\"]{0,400}[”\"])?")
_ARTICLE = re.compile(r"第[零一二三四五六七八九十百千0-9]+条(第[零一二三四五六七八九十0-9]+[款项])?")
_BOILERPLATE = Prefiltered("|".join([
    # greetings and their addressee
    r"(尊敬的|敬爱的|各位|亲爱的)[^:,。!?]{0,24}[:,]", r"(您好|你们好|领导好|领导们好)[!,.。:]?",
    # a title's genre words
    r"关于", r"(情况反映|反映材料|信访材料|信访事项|举报信|投诉信|申诉书|申诉信|请求书|求助信|上访信|"
             r"联名信|紧急求助|紧急报告|情况说明|反映信)",
    # dates and times, sums, phone, ID and case numbers
    r"[0-9]{2,4}年([0-9]{1,2}月)?([0-9]{1,2}(日|号))?(份)?", r"[0-9]{1,2}月([0-9]{1,2}(日|号))?(份)?",
    r"[0-9]{4}[-./][0-9]{1,2}([-./][0-9]{1,2})?", r"[0-9]{1,2}[:点时][0-9]{1,2}分?",
    r"人民币[0-9]+(\.[0-9]+)?(多)?(万|千|百)?(多)?(元|块)(钱)?(整)?",
    r"[0-9]+(\.[0-9]+)?(多)?(万|千|百)?(多)?(元|块)(钱)?(整)?",
    r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元整?",
    r"1[3-9][0-9]{9}", r"[0-9]{3,4}-[0-9]{7,8}", r"[0-9]{17}[0-9x]", r"[a-z]{1,4}[0-9]{8,}", r"[0-9]{8,}",
    # signature block and closing formulas
    r"(反映人|举报人|投诉人|申诉人|信访人|联系人|具名人|署名|落款|联系电话|联系方式|电话|手机|手机号|"
    r"身份证号?码?|家庭住址|现住址|住址)[:]?",
    r"此致[,。]?敬礼[!。]?", r"特此(反映|申请|报告|举报|请求|申诉|说明)[!。]?",
    r"(恳请|恳求|请求|望|希望)(各位|上级|贵)?(领导|部门|单位)[^。!?]{0,4}(重视|批示|明察|过问|关注|主持公道|做主)",
    r"盼复", r"谢谢(领导|各位领导|你们)?[!。]?", r"年月日",
]))
_SPACES = re.compile(r"\s{2,}")
_SENTENCE_END = re.compile(r"(?<=[。!?；;])")
_CLAUSE_END = re.compile(r"(?<=[,，])")


def prepare(raw: str) -> str:
    """Line breaks (between a title, a greeting and the body) become sentence ends; the
    normaliser would otherwise fold them into spaces and glue the title to the body."""
    return _NEWLINES.sub("。", raw) if "\n" in raw or "\r" in raw else raw


def without_quoted_law(text: str) -> str:
    """The text with quoted laws and article numbers blanked (same length, so positions hold):
    a quoted article ("故意杀人的, 处…") is not the writer's threat."""
    if "《" not in text and "第" not in text:
        return text
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    return _ARTICLE.sub(blank, _LAW.sub(blank, text))


def topic_text(text: str) -> str:
    """The normalised text without what must not steer the issue type or department."""
    text = _BOILERPLATE.sub(" ", without_quoted_law(text))
    return _SPACES.sub(" ", text).strip() if "  " in text else text.strip()


def windows(text: str, size: int = WINDOW) -> list[tuple[int, int]]:
    """Spans of ``text``: whole sentences packed up to about ``size`` characters; a sentence
    longer than that is cut at its commas. One span for a text up to ``LONG``."""
    if len(text) <= LONG:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    start = end = 0
    for piece in _pieces(text, size):
        if end > start and end - start + len(piece) > size:
            spans.append((start, end))
            start = end
        end += len(piece)
    if end > start:
        spans.append((start, end))
    return spans


def _pieces(text: str, size: int) -> list[str]:
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        out += _CLAUSE_END.split(sentence) if len(sentence) > size else [sentence]
    return [p for p in out if p]
