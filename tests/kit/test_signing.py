"""HMAC signatures with key ids."""

from __future__ import annotations

import pytest

from contactnotes.kit.signing import BadSignature, Signer


def test_a_signature_verifies_only_the_fields_it_was_made_over() -> None:
    signer = Signer({"k1": b"s" * 32}, "k1")
    key_id, signature = signer.sign(["GET", "orgs/a/b", "100", "attachment:x.pdf"])
    signer.verify(key_id, signature, ["GET", "orgs/a/b", "100", "attachment:x.pdf"])
    for altered in (["PUT", "orgs/a/b", "100", "attachment:x.pdf"], ["GET", "orgs/a/b", "101", "attachment:x.pdf"]):
        with pytest.raises(BadSignature):
            signer.verify(key_id, signature, altered)


def test_fields_cannot_slide_into_each_other() -> None:
    signer = Signer({"k1": b"s" * 32}, "k1")
    key_id, signature = signer.sign(["ab", "c"])
    with pytest.raises(BadSignature):
        signer.verify(key_id, signature, ["a", "bc"])


def test_old_keys_verify_and_unknown_ones_do_not() -> None:
    old = Signer({"old": b"o" * 32}, "old")
    rotated = Signer({"new": b"n" * 32, "old": b"o" * 32}, "new")
    key_id, signature = old.sign(["x"])
    rotated.verify(key_id, signature, ["x"])
    assert rotated.sign(["x"])[0] == "new"
    with pytest.raises(BadSignature):
        Signer({"new": b"n" * 32}, "new").verify(key_id, signature, ["x"])


def test_short_secrets_and_a_missing_current_key_are_refused() -> None:
    with pytest.raises(ValueError):
        Signer({"k": b"short"}, "k")
    with pytest.raises(ValueError):
        Signer({"k": b"s" * 32}, "other")
