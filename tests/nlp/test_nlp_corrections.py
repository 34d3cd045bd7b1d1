"""Staff corrections teach the model: after training on corrected examples of a confusable
pair, those examples classify as corrected."""
from nlp import load_classifier
from nlp.training import train

PAIR = ("rural", "discipline")
TEXTS = [
    "村里把集体土地的租金收了好几年，账上一分没有，钱去哪了",
    "村组长把修水渠的上级拨款拿去给自己家盖房了",
    "村委把退耕还林的补助款扣下一半，说是村里统一用",
    "村里卖集体树木的钱没公开，村干部自己分了",
]


def test_corrections_move_the_model(clf, seed, tmp_path):
    before = [clf.classify(t).issue_type for t in TEXTS]
    # the staff label each text with the member of the pair the model did NOT choose
    targets = [PAIR[1] if b == PAIR[0] else PAIR[0] for b in before]
    corrections = [{"text": t, "issue_type": y, "department": None, "township": None, "urgent": False}
                   for t, y in zip(TEXTS, targets)]
    version = train(seed + corrections, tmp_path)
    after = load_classifier(tmp_path)
    assert after.model_version == version != clf.model_version
    assert [after.classify(t).issue_type for t in TEXTS] == targets
    assert before != targets


def test_clean_examples_last_label_wins_and_unknown_codes_dropped():
    from nlp.config import load_taxonomy
    from nlp.training import clean_examples
    tax = load_taxonomy()
    cleaned = clean_examples([
        {"text": "工资被拖欠", "issue_type": "rural"},
        {"text": "工资被拖欠！", "issue_type": "labor", "department": None},   # same text once normalised
        {"text": "无效代码", "issue_type": "no_such_type"},
    ], tax)
    assert [(c["issue_type"], c["department"]) for c in cleaned] == [("labor", "hrss")]


def test_an_example_written_for_urgency_only_teaches_only_the_urgent_head(seed):
    """``topic_weight: 0`` (nlp/data/seed/urgent_more.jsonl): the text and its urgency are
    learnt, its topic label is not (neither the issue type head nor the type → unit prior)."""
    from nlp.analyzer import get_analyzer
    from nlp.training import clean_examples, fit_bundle
    analyzer = get_analyzer()
    small = [r for r in seed if r["issue_type"] in ("labor", "land") and len(r["text"]) < 200][:80]
    extra = {"text": "退役老兵们约好明天一起去省里上访", "issue_type": "veterans",
             "department": "veterans", "township": None, "urgent": True, "topic_weight": 0}
    examples = clean_examples(small + [extra], analyzer.taxonomy)
    bundle = fit_bundle(examples, analyzer, calibrate=False)
    assert "veterans" not in bundle.heads["issue_type"].classes
    assert "veterans" not in bundle.heads["department"].classes
    assert bundle.pair_counts[analyzer.taxonomy.issue_types.index("veterans")].sum() == 0
    assert set(bundle.heads["urgent"].classes) == {"True", "False"}
    with_topic = fit_bundle(clean_examples(small + [{**extra, "topic_weight": 1}], analyzer.taxonomy),
                            analyzer, calibrate=False)
    assert "veterans" in with_topic.heads["issue_type"].classes
