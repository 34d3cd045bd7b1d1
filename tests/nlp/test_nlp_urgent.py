import pytest

from nlp.config import load_taxonomy
from nlp.normalize import normalize
from nlp.urgent import UrgentRules


@pytest.fixture(scope="module")
def rules():
    return UrgentRules(load_taxonomy().urgent)


def fires(rules, text):
    return any(not h.negated for h in rules.find(normalize(text)))


@pytest.mark.parametrize("text", [
    "再不给钱我就去跳楼",                     # self-harm, conditional is not negation
    "实在活不下去了，不如喝药算了",
    "我爸说要喝农药，我们劝不住",             # third party
    "担心有人会想不开",                       # worry about a third party
    "逼急了就跟他同归于尽",                   # violence
    "他说要放火烧了村委会",
    "十几户商量好下周一起去县政府上访",       # organised group action
    "明天我们集体上访",
    "村民准备堵路拉横幅",
    "要去北京上访讨个说法",
    "家里燃气泄漏了，闻着很冲",               # immediate danger
    "墙上裂了大缝，房子随时会塌",
    "孩子被困在电梯里了",
])
def test_urgent_hits(rules, text):
    assert fires(rules, text)


@pytest.mark.parametrize("text", [
    "我们不是要闹事，只想要回工钱",           # negation alone
    "我不会跳楼的，请放心",
    "没想过要自杀，就是想讨个说法",
    "我们不会去集体上访",
    "我要去上访",                             # one person's visit
    "这个事反映了好几次了，太气人了",          # mere anger, repeated complaints
    "楼下炸鸡店油烟太大",                     # hard negatives
    "商场搞跳楼价甩卖是假的",
    "家里生活困难，申请低保",
    "他被村干部打击报复了",
    "爷爷去世了，火化费太贵",
    "危房改造补贴没发",
])
def test_not_urgent(rules, text):
    assert not fires(rules, text)


@pytest.mark.parametrize("text", [
    "俺一个人去省里上访也要问清楚",                 # one person alone
    "万一着火了人都跑不出来",                       # hypothetical
    "怕那个厂老板报复俺",                           # fear of retaliation, not a threat
    "药店不要处方就卖安眠药",
])
def test_not_urgent_contexts(rules, text):
    assert not fires(rules, text)
