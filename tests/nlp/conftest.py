import pytest

from nlp import load_classifier
from nlp.training import load_seed, train


@pytest.fixture(scope="session")
def seed() -> list[dict]:
    records = load_seed()
    assert records, "seed corpus nlp/data/seed/*.jsonl is empty"
    return records


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, seed):
    """One model trained on the seed corpus for the whole session."""
    path = tmp_path_factory.mktemp("models")
    train(seed, path)
    return path


@pytest.fixture(scope="session")
def clf(model_dir):
    return load_classifier(model_dir)
