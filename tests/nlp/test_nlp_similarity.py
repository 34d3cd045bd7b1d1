"""The pure text side of repeat and group detection: similarity, joint letters, ID numbers."""
from __future__ import annotations

import pytest

from nlp.collective import Signers, chinese_number, signers
from nlp.config import load_taxonomy
from nlp.identity import find_id_number, valid_id_number
from nlp.records import load_seed
from nlp.similarity import Idf, TextSimilarity, cosine, matter_text
from nlp.tokenizer import get_tokenizer


@pytest.fixture(scope="module")
def sim() -> TextSimilarity:
    return TextSimilarity.fitted(get_tokenizer(load_taxonomy()).cut, (r["text"] for r in load_seed()))


def test_the_same_matter_in_other_words_is_closer_than_another_matter(sim):
    wages = "包工头拖欠工资两万三千元，找了好几次都说没钱。"
    again = "包工头欠我的两万多块工钱还是不给，电话也不接了。"
    other = "村里的路灯坏了一年多没人修，晚上走路黑灯瞎火。"
    assert sim.similarity(wages, wages) == pytest.approx(1.0)
    assert sim.similarity(wages, again) > 0.12 > sim.similarity(wages, other)


def test_who_and_where_are_left_out_of_the_matter(sim):
    a = "我叫张建国，东屯镇前屯村的，村里的路灯坏了。身份证号11010519491231002X"
    b = "我叫张建国，东屯镇前屯村的，我家的低保被取消了。电话13812345678"
    drop = ("张建国", "前屯村", "东屯镇")
    assert "张建国" not in matter_text(a, drop) and "11010519491231002X" not in matter_text(a, drop)
    assert cosine(sim.vector(a, drop), sim.vector(b, drop)) < sim.similarity(a, b)


def test_idf_weighs_rare_features_more():
    idf = Idf.fit([["工资", "村里"], ["村里"], ["村里", "养猪场"]])
    assert idf("养猪场") > idf("村里") and idf("never-seen") >= idf("养猪场")
    assert cosine({}, {"a": 1.0}) == 0.0


@pytest.mark.parametrize("text, expected", [
    ("我们王庄村张三、李四等32户村民联名反映", Signers(True, 32)),
    ("五十六名村民联名签字，要求退还承包费", Signers(True, 56)),
    ("王楼镇前楼村张保国等18户反映：桥断了", Signers(True, 18)),
    ("我们榆林乡北榆林村全体村民联名反映", Signers(True, None)),
    ("我们全村村民一起反映修路的事", Signers(True, None)),
    ("村里的戏台被拆了，全体村民都很气愤", Signers(False, None)),
    ("一家五口人住危房", Signers(False, None)),
    ("等了三天没人管", Signers(False, None)),
    ("我代表自己反映一下排水沟", Signers(False, None)),
])
def test_joint_letters(text, expected):
    assert signers(text) == expected


@pytest.mark.parametrize("token, value", [("32", 32), ("三十二", 32), ("十五", 15), ("一百二十", 120),
                                          ("两千", 2000), ("户", None)])
def test_chinese_numbers(token, value):
    assert chinese_number(token) == value


def test_id_numbers_need_their_checksum():
    assert valid_id_number("11010519491231002X") and valid_id_number("11010519491231002x")
    assert not valid_id_number("110105194912310021")
    assert find_id_number("身份证11010519491231002x，卡号6222021234567890123") == "11010519491231002X"
    assert find_id_number("电话13812345678，账号110105194912310021") is None
