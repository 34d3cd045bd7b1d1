"""Long letters: per-window urgency (danger anywhere), history and retraction, and the
boilerplate that must not steer the topic."""
import pytest

from nlp.letters import LONG, topic_text, windows, without_quoted_law
from nlp.normalize import normalize

from sample_letters import letter

DANGERS = [
    "说实话我现在真的不想活了，每天晚上都睁着眼到天亮。",                  # self-harm, stated
    "再不解决的话，我就到公司门口喝药，死给他们看。",                       # self-harm, conditional
    "老板的小舅子还放话说，再去劳动局告状就找人打断我的腿。",                 # a threat against the writer
    "二十多个姐妹已经商量好了，下个月一起去省里反映，一级一级往上反映。",       # planned group action
    "否则我们全体职工将采取进一步行动。",                                   # formal group action
    "现在车间的房顶裂开了大缝，一开机器就晃，里面还有三十多个工人在干活。",   # immediate danger
    "上周老板把我锁在仓库里，到现在还不让我出去，孩子发着烧没人管。",        # locked up now
]
NOT_DANGERS = [
    "前年我们车间的人一起上访过一次，后来公司补发了一部分。",                 # history
    "上次我在电话里说要去跳楼，那是气话，我不会那样做的，请领导原谅。",       # retracted
    "我们不是要闹事，只是想要回自己的血汗钱。",                             # negation
]


def test_the_letters_are_long():
    assert len(letter(repeat=1)) > 500 and len(letter(repeat=6)) > 3000


@pytest.mark.parametrize("danger", DANGERS)
@pytest.mark.parametrize("repeat", [1, 6])
def test_danger_deep_in_a_long_letter_is_urgent(clf, danger, repeat):
    text = letter(danger, repeat=repeat)
    assert text.index(danger) > len(text) * 0.4
    assert clf.classify(text).urgent


@pytest.mark.parametrize("sentence", NOT_DANGERS)
def test_history_retraction_negation_in_a_letter_are_not_urgent(clf, sentence):
    assert not clf.classify(letter(sentence, repeat=2)).urgent


def test_plain_letter_is_not_urgent_and_keeps_its_topic(clf):
    r = clf.classify(letter(repeat=3))
    assert not r.urgent
    assert (r.issue_type, r.department, r.township) == ("labor", "hrss", "dongtun")


@pytest.mark.parametrize("text", [
    "上次我说要跳楼那是气话，对不起，我不会那样做了",
    "我昨天说要去县政府喝药。那是一时冲动，请领导原谅。",
    "前年我们几十户一起去县里上访过，问题到现在还没解决",
    "2019年我们村五十多户集体上访，当时县里答应解决",
    "村里有人焚烧秸秆，火苗窜得老高，烟呛得人喘不上气",
])
def test_history_retraction_and_nuisance_fire_short(clf, text):
    assert not clf.classify(text).urgent


@pytest.mark.parametrize("text", [
    "前年我们一起上访过，这次再不解决我们还要集体去省里上访",   # history, then a new plan
    "对方说要弄死我们全家，我们现在都不敢出门",               # threat against the writer
    "如果下周再不给答复，我就在你们单位门口喝农药",            # conditional
    "化工厂的桶漏了，黑水流到小孩天天玩的空地上",             # a leak where children play
    "我们准备抬着棺材去医院讨个说法",                         # coffin
    "再不解决，我就……",                                       # implied
])
def test_urgent_short(clf, text):
    assert clf.classify(text).urgent


def test_windows_cover_the_text_in_order():
    text = normalize(letter(repeat=3))
    spans = windows(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(end - start <= 200 for start, end in spans)
    assert windows(text[:LONG]) == [(0, LONG)]


def test_boilerplate_does_not_reach_the_topic_features():
    text = normalize(letter(repeat=1))
    topic = topic_text(text)
    for gone in ("尊敬的", "人社局领导", "劳动合同法", "用人单位应当", "13912345678", "2024年", "3200元",
                 "此致", "敬礼", "反映人", "情况反映"):
        assert gone not in topic, gone
    assert "拖欠" in topic and "社会保险" in topic


def test_quoted_law_is_blanked_for_the_urgent_rules():
    text = normalize("根据《刑法》第二百三十二条规定：“故意杀人的，处死刑。”村干部侵占我家补偿款")
    blanked = without_quoted_law(text)
    assert len(blanked) == len(text) and "杀人" not in blanked and "补偿款" in blanked


def test_greeting_to_a_department_does_not_steer_the_type(clf):
    body = "我们小区的物业公司收了物业费却不管事，电梯坏了一个月没人修，垃圾堆在楼道里没人清。"
    plain = clf.classify(body)
    greeted = clf.classify("尊敬的县人社局领导：您好！" + body + "此致敬礼！")
    assert greeted.issue_type == plain.issue_type == "urban"


def test_long_letters_cost_linear_time(clf):
    import time

    def seconds(text: str) -> float:
        start = time.perf_counter()
        for _ in range(3):
            clf.classify(text)
        return time.perf_counter() - start
    short, long = letter(repeat=1), letter(repeat=8)
    ratio = seconds(long) / seconds(short)
    assert ratio < 2.5 * len(long) / len(short)
