"""身份证号 sealing: check digit, width and case folded, Fernet round trip, keyed digest, mask."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken

from cases import identity

NUMBER = "11010519491231002X"  # GB 11643's own example


def test_normalize_folds_width_case_and_spaces():
    assert identity.normalize("１１０１０５ １９４９１２３１００２ｘ") == NUMBER
    with pytest.raises(identity.IdNumberError):
        identity.normalize("110105194912310021")  # wrong check character


def test_seal_is_not_reversible_without_the_key_and_digests_match(app, make_app):
    with app.app_context():
        sealed = identity.seal(NUMBER.lower())
        assert NUMBER not in sealed.encrypted and identity.unseal(sealed.encrypted) == NUMBER
        assert sealed.digest == identity.digest(NUMBER) and sealed.masked == "1101**********002X"
    other = make_app(SECRET_KEY="another-secret", ID_ENCRYPTION_KEY=Fernet.generate_key().decode())
    with other.app_context():
        assert identity.digest(NUMBER) != sealed.digest
        with pytest.raises(InvalidToken):
            identity.unseal(sealed.encrypted)
