import dataclasses
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import nlp.training
from nlp import Classification, load_classifier
from nlp.analyzer import get_analyzer
from nlp.config import load_taxonomy
from nlp.tokenizer import Tokenizer, user_words

FIELDS = {"issue_type", "issue_type_confidence", "department", "department_confidence",
          "township", "township_confidence", "village", "urgent", "urgent_confidence",
          "keywords", "model_version", "auto_routed"}
REPO = Path(__file__).resolve().parents[2]


def test_classification_shape(clf):
    r = clf.classify("马庄乡小周庄村的低保评得不公平，村干部优亲厚友")
    assert isinstance(r, Classification)
    assert set(r.to_dict()) == FIELDS
    assert r.issue_type in clf.analyzer.taxonomy.issue_types
    assert r.department in clf.analyzer.taxonomy.departments
    assert (r.township, r.village) == ("mazhuang", "小周庄村")
    for name in ("issue_type_confidence", "department_confidence", "township_confidence", "urgent_confidence"):
        assert 0.0 <= getattr(r, name) <= 1.0
    assert r.keywords and all(isinstance(k, str) for k in r.keywords)
    assert r.model_version == clf.model_version
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.urgent = True  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "?", "a" * 5000])
def test_degenerate_input(clf, text):
    r = clf.classify(text)
    assert r.issue_type and r.department and 0.0 <= r.issue_type_confidence <= 1.0


def test_confidence_lower_on_vague_text(clf):
    clear = clf.classify("公司拖欠我们农民工工资半年了，老板跑了，劳动局也不管")
    vague = clf.classify("你好")
    assert clear.issue_type == "labor"
    assert clear.issue_type_confidence > vague.issue_type_confidence


@pytest.mark.parametrize("text, department", [
    ("住院花了两万，新农合医保报销比例太低，只报了三成", "medical_security"),
    ("小区门口路灯坏了一个多月，晚上黑乎乎的没人修", "urban_management"),
    ("法院判决已经生效两年了，对方一直不执行，申请强制执行也没结果", "political_legal"),
    ("村里的机井坏了浇不上地，麦子都快旱死了", "water"),
    ("公司拖欠我们农民工工资半年了", "hrss"),
])
def test_routing_exceptions(clf, text, department):
    assert clf.classify(text).department == department


@pytest.mark.parametrize("text, urgent", [
    ("拆迁款一分没给，再不解决我就从县政府楼上跳下去", True),
    ("邻居扬言要放火烧我家房子", True),
    ("我们不是要闹事，只是想要回工钱", False),
    ("问一下办低保需要带什么材料", False),
])
def test_urgent_through_classifier(clf, text, urgent):
    assert clf.classify(text).urgent is urgent


def test_one_tokenizer_per_process():
    assert get_analyzer().tokenizer is get_analyzer().tokenizer


BACKENDS = ["jieba"] + (["rjieba"] if importlib.util.find_spec("rjieba") else [])


@pytest.mark.parametrize("backend", BACKENDS)
def test_tokenizer_user_words(backend, tmp_path):
    tok = Tokenizer(user_words(load_taxonomy()), cache_dir=tmp_path, backend=backend)
    assert tok.cut("马庄乡位邱乡县医疗保障局拖欠工资") == ["马庄乡", "位邱乡", "县医疗保障局", "拖欠工资"]


def test_jieba_cache_is_private(tmp_path):
    Tokenizer(["马庄乡"], cache_dir=tmp_path, backend="jieba")
    assert (tmp_path / "jieba.cache").exists()


def test_empty_model_dir_bootstraps_from_seed(tmp_path, monkeypatch, seed):
    monkeypatch.setattr(nlp.training, "load_seed", lambda: seed[::4])
    clf = load_classifier(tmp_path / "fresh")
    assert (tmp_path / "fresh" / "CURRENT").read_text().strip() == clf.model_version
    assert clf.classify("工资被拖欠").model_version == clf.model_version


def test_model_of_older_format_is_retrained(model_dir, tmp_path, monkeypatch, seed):
    import json
    import shutil
    version = (model_dir / "CURRENT").read_text().strip()
    shutil.copytree(model_dir / version, tmp_path / version)
    (tmp_path / "CURRENT").write_text(version)
    meta = json.loads((tmp_path / version / "meta.json").read_text())
    (tmp_path / version / "meta.json").write_text(json.dumps({**meta, "format": 1}))
    monkeypatch.setattr(nlp.training, "load_seed", lambda: seed[::4])
    assert load_classifier(tmp_path).model_version != version
