import logging

from core.logging import RedactingFilter, redact


def test_redacts_phones_and_id_numbers():
    line = redact("from +8613812345678 id 410726199001011234 and 13900001111")
    assert "13812345678" not in line and "410726199001011234" not in line and "13900001111" not in line
    assert "+86138****5678" in line and "410726********1234" in line


def test_filter_applies_to_records(caplog):
    logger = logging.getLogger("test.redact")
    handler = logging.Handler()
    handler.addFilter(RedactingFilter())
    record = logger.makeRecord("t", logging.INFO, __file__, 1, "sender %s", ("+8613812345678",), None)
    handler.filter(record)
    assert record.getMessage() == "sender +86138****5678"
