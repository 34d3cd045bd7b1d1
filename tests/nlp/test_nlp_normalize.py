import pytest

from nlp.normalize import normalize


@pytest.mark.parametrize("raw, expected", [
    ("ＡＢＣ１２３，拖欠工资", "abc123,拖欠工资"),            # full-width -> half-width, lower case
    ("我們鄉鎮政府說話不算數", "我们乡镇政府说话不算数"),        # traditional -> simplified
    ("工資拖欠半年了😡😡👎", "工资拖欠半年了"),                  # emoji dropped
    ("★☆快来人☆★", "快来人"),                                # decorative symbols dropped
    ("怎么没人管！！！！？？？", "怎么没人管!"),                # punctuation runs collapsed
    ("救命救命救命", "救命"),                                    # repeated pairs
    ("啊啊啊啊啊啊", "啊啊"),                                    # repeated characters
    ("拖 欠 工 资", "拖欠工资"),                                 # spaces between characters
    ("村支书贪物补尝款", "村支书贪污补偿款"),                    # homophone typos
    ("我要上仿，宅机地被占了", "我要上访,宅基地被占了"),
    ("燃气泄露了", "燃气泄漏了"),
    ("工资3000元", "工资3000元"),                                # digits untouched
    ("", ""),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["我們村１２户😡要去上仿！！！", "  王樓鎮  ☆ 東屯 ", "哈哈哈哈"])
def test_normalize_is_idempotent(raw):
    once = normalize(raw)
    assert normalize(once) == once
