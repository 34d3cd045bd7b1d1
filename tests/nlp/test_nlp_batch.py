"""Batch classification, the auto-route decision and the expected calibration error."""
import pytest

from nlp.batch import FIELDS, classify_records, record_text
from nlp.classifier import auto_route
from nlp.config import AUTO_ROUTE
from nlp.evaluate import auto_route_figures, expected_calibration_error

from sample_letters import letter

RECORDS = [
    {"id": "a1", "text": "公司拖欠我们农民工工资半年了，老板跑了，劳动局也不管"},
    {"id": "a2", "title": "关于小区物业不作为的反映", "body": "尊敬的领导：我们小区物业收费不管事，电梯坏了一个月没人修。"},
    {"id": "a3", "text": ""},
    {"id": "a4", "text": letter("再不解决的话，我就到公司门口喝药，死给他们看。", repeat=3)},
    {"id": 5, "content": "你好"},
]


def test_batch_yields_one_dict_per_record_in_order(clf):
    rows = list(classify_records(RECORDS, clf))
    assert [r["id"] for r in rows] == ["a1", "a2", "a3", "a4", 5]
    assert rows[2] == {"id": "a3", "error": "no text"}
    for row in rows[:2] + rows[3:]:
        assert set(row) == {"id", *FIELDS, "model_version"}
        assert isinstance(row["auto_routed"], bool) and isinstance(row["urgent"], bool)
        assert all(0.0 <= row[f] <= 1.0 for f in FIELDS if f.endswith("_confidence"))
    assert (rows[0]["issue_type"], rows[0]["department"]) == ("labor", "hrss")
    assert rows[1]["issue_type"] == "urban"
    assert rows[3]["urgent"] and not rows[0]["urgent"]


def test_batch_agrees_with_classify_and_is_lazy(clf):
    def endless():
        i = 0
        while True:
            i += 1
            yield {"id": i, "text": "村里的机井坏了浇不上地"}
    rows = classify_records(endless(), clf)
    first = next(rows)
    single = clf.classify("村里的机井坏了浇不上地")
    assert first["id"] == 1 and first["department"] == single.department == "water"
    assert first["auto_routed"] == single.auto_routed


def test_record_text_joins_title_and_body():
    assert record_text({"title": "标题", "body": "正文"}) == "标题\n正文"
    assert record_text({"text": "短信", "title": "标题"}) == "短信"
    assert record_text({"id": 1}) == ""


T = dict(AUTO_ROUTE)


@pytest.mark.parametrize("p_type, dept, p_dept, town, town_conf, routed", [
    (0.95, "hrss", 0.95, None, 0.95, True),                  # both confident
    (0.95, "hrss", 0.5, None, 0.95, False),                  # unit unsure
    (0.5, "hrss", 0.95, None, 0.95, False),                  # issue type unsure
    (0.95, "township_gov", 0.95, None, 0.95, False),         # township government, township unknown
    (0.95, "township_gov", 0.95, "tapu", 0.6, False),        # ... township unsure
    (0.95, "township_gov", 0.95, "tapu", 0.97, True),
])
def test_auto_route_needs_type_and_unit(p_type, dept, p_dept, town, town_conf, routed):
    assert auto_route(p_type, dept, p_dept, town, town_conf, T) is routed


def test_classifier_auto_routes_a_clear_case_and_not_a_vague_one(clf):
    assert clf.classify("公司拖欠我们农民工工资半年了，老板跑了，劳动局也不管").auto_routed
    assert not clf.classify("村里的事没人管").auto_routed


def test_expected_calibration_error():
    assert expected_calibration_error([], []) == 0.0
    assert expected_calibration_error([1.0, 1.0], [True, True]) == 0.0
    # bin [0.9, 1.0): confidence 0.9, accuracy 0.5 -> 0.4; bin [0.6, 0.7): 0.6 vs 1.0 -> 0.4
    assert expected_calibration_error([0.9, 0.9, 0.6], [True, False, True]) == pytest.approx(0.4)
    # two bins of equal weight: |0.75 - 0.25| (bin 0.2) and |0.55 - 1.0| (bin 0.5)
    conf, ok = [0.25, 0.25, 0.55, 0.55], [True, False, True, True]
    assert expected_calibration_error(conf, ok) == pytest.approx((2 * 0.25 + 2 * 0.45) / 4)


def test_auto_route_figures():
    records = [{"issue_type": "a", "department": "x"}] * 4
    preds = [{"issue_type": "a", "department": "x", "auto_routed": True},
             {"issue_type": "a", "department": "y", "auto_routed": True},
             {"issue_type": "a", "department": "x", "auto_routed": False},
             {"issue_type": "b", "department": "x", "auto_routed": False}]
    assert auto_route_figures(records, preds) == {"share": 0.5, "accuracy": 0.5}


def test_classify_many_equals_classify_one_by_one(clf, seed):
    texts = [r["text"] for r in seed[::7]] + ["", "!!!", "工资3000元，2023年5月", "a" * 300,
                                              letter("对方说要弄死我们全家。", repeat=3), letter(repeat=2)]
    many = clf.classify_many(texts, keywords=True)
    assert many == [clf.classify(t) for t in texts]
    assert [r.keywords for r in clf.classify_many(texts[:5])] == [[]] * 5


def test_auto_route_thresholds_come_from_config(tmp_path):
    import shutil

    import yaml

    from nlp.config import ConfigError, DEFAULT_CONFIG_DIR, load_taxonomy
    assert load_taxonomy().auto_route == {"issue_type": 0.8, "department": 0.8, "township": 0.7}
    shutil.copytree(DEFAULT_CONFIG_DIR, tmp_path / "config")
    path = tmp_path / "config" / "routing.yaml"
    routing = yaml.safe_load(path.read_text("utf-8"))
    routing["auto_route"] = {"issue_type": 0.95}
    path.write_text(yaml.safe_dump(routing, allow_unicode=True), "utf-8")
    assert load_taxonomy(tmp_path / "config").auto_route["issue_type"] == 0.95
    routing["auto_route"] = {"issue_typo": 0.9}
    path.write_text(yaml.safe_dump(routing, allow_unicode=True), "utf-8")
    with pytest.raises(ConfigError):
        load_taxonomy(tmp_path / "config")
