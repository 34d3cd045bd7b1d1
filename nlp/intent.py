"""What a citizen's message asks for: keywords in Chinese and English, any width, case,
spacing or punctuation. Pure text in, typed result out."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nlp.normalize import to_simplified


class Kind:
    PETITION = "petition"
    STATUS_LIST = "status_list"
    STATUS = "status"
    SUPPLEMENT = "supplement"
    RATING = "rating"
    REVIEW = "review"          # 复查 (Art. 35)
    REEXAMINE = "reexamine"    # 复核 (Art. 36)
    HELP = "help"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    GREETING = "greeting"
    THANKS = "thanks"
    EMPTY = "empty"
    EMOJI = "emoji"            # only emoji or pictographs: no words to act on
    GARBAGE = "garbage"        # letters that read as no language ('asdfghjkl;;;')
    RECEPTION = "reception"   # 接访: when do leaders receive petitioners


@dataclass(frozen=True)
class Intent:
    kind: str
    case_number: str | None = None
    text: str = ""            # the free text that goes with it (supplement, petition)
    rating: str | None = None  # satisfied | basically | unsatisfied


# Separators people type between a keyword and a number: spaces, colons, dashes, commas.
_NOISE = r"[\s:：,，.。、\-_#＃=+＋/]*"
_NUMBER = re.compile(r"([A-Za-z]{1,4})?" + _NOISE + r"(\d{2})" + _NOISE + r"(\d{2})" + _NOISE
                     + r"(\d{2})" + _NOISE + r"(\d{4,5})(?!\d)")
_STATUS_WORDS = ("查询进度", "查进度", "查询", "进度", "查件", "cx", "status", "query")
_SUPPLEMENT_WORDS = ("补充", "追加", "bc", "add")
_REVIEW_WORDS = ("申请复查", "复查", "fc", "review")
_REEXAMINE_WORDS = ("申请复核", "复核", "fh", "reexamine")
_HELP_WORDS = {"帮助", "help", "?", "怎么用", "使用说明", "bz", "h"}
_OPT_OUT_WORDS = {"退订", "td", "stop", "unsubscribe", "取消订阅", "cancel", "quit", "end", "stopall"}
_OPT_IN_WORDS = {"订阅", "start", "unstop", "恢复订阅", "dy", "yes"}
_RATINGS = {"1": "satisfied", "满意": "satisfied", "非常满意": "satisfied",
            "2": "basically", "基本满意": "basically", "一般": "basically",
            "3": "unsatisfied", "不满意": "unsatisfied", "很不满意": "unsatisfied"}
_GREETINGS = {"你好", "您好", "在吗", "在不在", "hi", "hello", "好的", "收到", "ok", "嗯", "好", "知道了"}
_THANKS = {"谢谢", "感谢", "谢谢你", "谢谢您", "多谢", "thanks", "thankyou", "thx", "谢谢了", "非常感谢",
           "太感谢了", "辛苦了", "谢谢你们", "感谢你们"}
_RECEPTION_WORDS = {"接访", "领导接访", "接访日", "接访安排", "接访时间", "接访日期", "jf"}
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Full-width to half-width (NFKC), traditional to simplified, lower case, trimmed:
    '查詢', '補充', '幫助' are the commands their simplified forms are."""
    return to_simplified(unicodedata.normalize("NFKC", text or "").strip().lower())


def squeeze(text: str) -> str:
    """Letters and digits only: '查 询！' -> '查询', 'S.T.O.P' -> 'stop'."""
    return _STRIP.sub("", text)


def find_case_number(text: str) -> str | None:
    """The first case number in the text, normalised: 'yj 261127-0001' -> 'YJ2611270001'."""
    match = _NUMBER.search(fold(text))
    if not match:
        return None
    prefix, yy, mm, dd, seq = match.groups()
    return f"{(prefix or '').upper()}{yy}{mm}{dd}{seq}"


def _strip_keyword(folded: str, words: tuple[str, ...]) -> str | None:
    """The rest of the message after a leading keyword, or None when it has none."""
    for word in words:
        if folded.startswith(word):
            rest = folded[len(word):]
            # An English keyword must end at a word boundary ('cxk' is not 'cx').
            if word.isascii() and rest[:1].isascii() and rest[:1].isalpha():
                continue
            return rest
    return None


def parse(text: str) -> Intent:
    folded = fold(text)
    bare = squeeze(folded)
    if not bare:
        return Intent(Kind.EMPTY) if not folded else Intent(_symbol_only(folded))
    if bare in _HELP_WORDS:
        return Intent(Kind.HELP)
    if bare in _OPT_OUT_WORDS:
        return Intent(Kind.OPT_OUT)
    if bare in _OPT_IN_WORDS:
        return Intent(Kind.OPT_IN)
    if bare in _RATINGS:
        return Intent(Kind.RATING, rating=_RATINGS[bare])
    if bare in _GREETINGS:
        return Intent(Kind.GREETING)
    if bare in _THANKS:
        return Intent(Kind.THANKS)
    if bare in _RECEPTION_WORDS:
        return Intent(Kind.RECEPTION)
    return (_keyword_intent(folded) or _rating_with_number(folded) or _number_alone(folded, bare)
            or (Intent(Kind.GARBAGE) if _is_garbage(bare) else Intent(Kind.PETITION, text=text.strip())))


def _symbol_only(folded: str) -> str:
    if folded in ("?", "？"):
        return Kind.HELP
    pictures = any(unicodedata.category(ch) == "So" for ch in folded)
    return Kind.EMOJI if pictures else Kind.EMPTY


_CJK = re.compile(r"[\u3400-\u9fff]")
_CONSONANT_RUN = re.compile(r"[bcdfghjklmnpqrstvwxz]{5,}")


def _is_garbage(bare: str) -> bool:
    """No Chinese and no word-like run of letters: a keyboard mash ('asdfghjkl', 'qwerty123')
    rather than English or pinyin. Digits alone are not garbage (a case number or a phone)."""
    if _CJK.search(bare) or not bare.isascii():
        return False
    letters = re.sub(r"[^a-z]", "", bare)
    if not letters:
        return False
    vowels = sum(ch in "aeiouy" for ch in letters)
    return bool(_CONSONANT_RUN.search(bare)) or (len(letters) >= 4 and vowels / len(letters) < 0.2)


def _keyword_intent(folded: str) -> Intent | None:
    # Leading punctuation or spaces are noise: '【查询】', ' 查询'.
    lead = re.sub(r"^[\W_]+", "", folded)
    lead = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", lead)  # '查 询' -> '查询'
    for kind, words in ((Kind.STATUS, _STATUS_WORDS), (Kind.SUPPLEMENT, _SUPPLEMENT_WORDS),
                        (Kind.REVIEW, _REVIEW_WORDS), (Kind.REEXAMINE, _REEXAMINE_WORDS)):
        rest = _strip_keyword(lead, words)
        if rest is None:
            continue
        number = find_case_number(rest)
        rest_bare = squeeze(rest)
        if kind == Kind.STATUS:
            if not rest_bare:
                return Intent(Kind.STATUS_LIST)
            if number and _is_just(rest_bare, number):
                return Intent(Kind.STATUS, case_number=number)
            return None  # '查询一下我家低保为啥停了' is a petition, not a keyword
        if kind == Kind.SUPPLEMENT:
            return Intent(Kind.SUPPLEMENT, case_number=number, text=_after_number(rest))
        if kind in (Kind.REVIEW, Kind.REEXAMINE) and (number or not rest_bare):
            return Intent(kind, case_number=number)
    return None


def _rating_with_number(folded: str) -> Intent | None:
    """'满意 YJ2611270001', '3 YJ2611270001': a rating naming its case."""
    number = find_case_number(folded)
    if not number:
        return None
    match = _NUMBER.search(folded)
    words = squeeze(folded[:match.start()] + folded[match.end():])
    if words in _RATINGS:
        return Intent(Kind.RATING, case_number=number, rating=_RATINGS[words])
    return None


def _is_just(rest_bare: str, number: str) -> bool:
    return rest_bare.upper() in (number, number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _number_alone(folded: str, bare: str) -> Intent | None:
    number = find_case_number(folded)
    if number and len(bare) <= len(number) + 1:
        return Intent(Kind.STATUS, case_number=number)
    return None


def _after_number(rest: str) -> str:
    """The supplement's text: what follows the case number (or the keyword alone)."""
    match = _NUMBER.search(rest)
    tail = rest[match.end():] if match else rest
    return tail.strip(" :：,，.。-")


# A name follows a self-introduction ('我叫', '本人') or a role the citizen gives themself
# ('村民赵六', '我是家长刘九'); it ends where a common next word or punctuation begins.
_ROLES = r"(?:村民|居民|家长|群众|职工|农民工|农民|党员|退伍军人|老兵|业主|学生家长|患者家属|家属)"
_NAME = re.compile(r"(?:我叫|我是(?:" + _ROLES + r")?|本人(?:是)?|" + _ROLES + r"|姓名[:：\s]*|名字叫|名叫|俺叫|俺是|联系人[:：\s]*)"
                   r"([\u4e00-\u9fff]{2,3}?)"
                   r"(?=[，,。.;；!！\s\d]|$|是|住|家|电话|手机|身份|村|在|反映|反应|要|想|向|的|今年|现年|男|女|来自|从|因|有)")
_NOT_NAMES = {"群众", "村民", "老百姓", "农民", "一个", "本村", "这个", "退伍", "残疾", "低保", "党员", "家长",
              "居民", "职工", "业主", "学生", "患者"}


_LEADING_NAME = re.compile(r"^([\u4e00-\u9fff]{2,3})(?:[,，。.\s]|$)")
_PLACE_ENDINGS = ("乡", "镇", "村", "街", "道", "庄", "屯", "寨", "营", "县", "区", "组")


def find_name(text: str, answer: bool = False) -> str | None:
    """A name the citizen gives for themself ('我叫张三', '姓名：李四'), or None. When the
    message answers our question for a name, a bare leading name counts too ('王五，塔铺…')."""
    folded = fold(text)
    for match in _NAME.finditer(folded):
        name = match.group(1)
        if name not in _NOT_NAMES and not any(name.startswith(w) for w in _NOT_NAMES):
            return name
    match = _LEADING_NAME.match(folded) if answer else None
    if match and not match.group(1).endswith(_PLACE_ENDINGS) and match.group(1) not in _NOT_NAMES:
        return match.group(1)
    return None
