import pytest

from nlp.config import load_taxonomy
from nlp.normalize import normalize
from nlp.township import TownshipExtractor


@pytest.fixture(scope="module")
def extractor():
    return TownshipExtractor.from_taxonomy(load_taxonomy())


@pytest.mark.parametrize("text, code", [
    # current full names
    ("文岩街道某小区物业不管事", "wenyan"),
    ("潭龙街道安置房漏水", "tanlong"),
    ("塔铺街道有人占道", "tapu"),
    ("东屯镇的学校乱收费", "dongtun"),
    ("丰庄镇修路占地没补偿", "fengzhuang"),
    ("石婆固镇养殖场臭气", "shipogu"),
    ("王楼镇政府不作为", "wanglou"),
    ("僧固乡低保评的不公", "sengu"),
    ("魏邱乡拖欠工资", "weiqiu"),
    ("司寨乡村干部打人", "sizhai"),
    ("马庄乡小学校车超载", "mazhuang"),
    ("胙城乡秸秆焚烧", "zuocheng"),
    ("榆林乡的机井坏了", "yulin"),
    # old names and traditional script
    ("城关镇的路灯不亮", "wenyan"),
    ("万寿街道有个黑网吧", "wenyan"),
    ("小潭乡拆迁款没给", "tanlong"),
    ("塔铺乡的医院乱收费", "tapu"),
    ("石婆固乡砂场", "shipogu"),
    ("王楼乡的退伍军人", "wanglou"),
    ("位邱乡土地流转", "weiqiu"),
    ("王樓鎮政府", "wanglou"),
    # short forms that the text makes a place
    ("在东屯街上一家店买的手机", "dongtun"),
    ("我在王楼打工被欠薪", "wanglou"),
    ("城关派出所不出警", "wenyan"),
    ("住在小潭那边的老人", "tanlong"),
    ("到塔铺集上卖菜被收费", "tapu"),
    ("胙城卫生院乱收费", "zuocheng"),
    # an unambiguous short form standing free is the township; 马庄/王楼 need evidence
    ("司寨那个修车铺换的机油是假的", "sizhai"),
    ("非法集资投了二十万，塔铺的", "tapu"),
    ("马庄饭庄的老板不给开发票", None),
    ("陕西榆林来的人骗钱", None),
    # a bare short form or a village name is not a township
    ("王楼村的低保不公", None),
    ("马庄村有人乱占耕地", None),
    ("小马庄的路坏了", None),
    ("我们村里的路没人修", None),
    ("东屯庄的水渠堵了", None),
    # a full name beats a short one
    ("王楼镇马庄村的土地", "wanglou"),
    ("我在东屯打工，家是丰庄镇的", "fengzhuang"),
    ("", None),
])
def test_township(extractor, text, code):
    assert extractor.extract(normalize(text)).code == code


@pytest.mark.parametrize("text, village", [
    ("马庄乡小周庄村欠俺家工程款", "小周庄村"),
    ("俺们王楼村的低保", "王楼村"),
    ("东屯镇西街村的路灯", "西街村"),
    ("塔铺乡张庄村和李村争地", "张庄村"),
    ("我是大刘庄村的", "大刘庄村"),
    ("我们村里的路没人修", None),
    ("农村低保", None),
    ("新农村建设的钱", None),
    ("全村人都知道", None),
])
def test_village(extractor, text, village):
    assert extractor.extract(normalize(text)).village == village


def test_confidence_reflects_evidence(extractor):
    full = extractor.extract("马庄乡的事").confidence
    short = extractor.extract("我在马庄打工").confidence
    bare = extractor.extract("马庄村的事").confidence
    assert full > short > bare


def test_village_right_after_a_street_office_name():
    from nlp.config import load_taxonomy
    from nlp.township import TownshipExtractor

    hit = TownshipExtractor.from_taxonomy(load_taxonomy()).extract("王五，塔铺街道王庄村")
    assert (hit.code, hit.village) == ("tapu", "王庄村")


@pytest.mark.parametrize("text, village", [
    ("俺住在前进村，村里的路没人修", "前进村"),      # names holding a stop character
    ("我是和平村的村民", "和平村"),
    ("东屯镇向阳村的低保", "向阳村"),
    ("跃进村和李村争水", "跃进村"),
    ("我們村的路没人修", None),                       # never a fragment (們村)
    ("我们村的路没人修", None),
    ("他們村裡的事", None),
])
def test_village_names_with_stop_characters_and_no_fragments(extractor, text, village):
    assert extractor.village(text) == village          # raw text (a caller may not normalise)
    assert extractor.extract(normalize(text)).village == village
