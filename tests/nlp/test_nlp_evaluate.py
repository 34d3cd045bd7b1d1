from nlp.evaluate import evaluate, macro_f1, report


def test_evaluate_shape(clf, seed):
    records = seed[::10]
    result = evaluate(clf, records)
    assert set(result) == {"n", "issue_type", "department", "township", "urgent", "calibration", "auto_route"}
    assert result["n"] == len(records)
    assert set(result["issue_type"]) == set(result["department"]) == {"accuracy", "macro_f1"}
    assert set(result["township"]) == {"accuracy"}
    assert set(result["urgent"]) == {"precision", "recall"}
    assert set(result["calibration"]) == {"issue_type_ece", "department_ece"}
    assert set(result["auto_route"]) == {"share", "accuracy"}
    for block in ("issue_type", "department", "township", "urgent", "calibration", "auto_route"):
        assert all(0.0 <= v <= 1.0 for v in result[block].values())


def test_report_lists_confused_pairs(clf, seed):
    text = report(clf, seed[::10])
    assert "worst confused pairs" in text and "gold\\pred" in text


def test_macro_f1_matches_definition():
    assert macro_f1(["a", "a", "b"], ["a", "a", "b"]) == 1.0
    assert round(macro_f1(["a", "a", "b", "b"], ["a", "b", "b", "b"]), 4) == round((2 / 3 + 0.8) / 2, 4)
