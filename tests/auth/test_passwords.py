"""Passwords are hashed with argon2id: salted, verifiable, never stored or compared in clear."""

import pytest

from alambic.auth.passwords import WeakPassword, check_strength, hash_password, needs_rehash, verify_password


def test_hash_is_argon2id_salted_and_verifiable():
    first, second = hash_password("motdepasse-solide"), hash_password("motdepasse-solide")
    assert first.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert "motdepasse-solide" not in first
    assert verify_password(first, "motdepasse-solide")
    assert verify_password(second, "motdepasse-solide")
    assert not needs_rehash(first)


@pytest.mark.parametrize("attempt", ["motdepasse-solidE", "", "motdepasse-solide ", "x" * 1000])
def test_wrong_passwords_do_not_verify(attempt):
    assert not verify_password(hash_password("motdepasse-solide"), attempt)


@pytest.mark.parametrize("stored", [None, "", "pas-un-hash", "$argon2id$abîmé"])
def test_a_missing_or_damaged_hash_never_matches(stored):
    assert not verify_password(stored, "motdepasse-solide")


def test_strength_rules_speak_french():
    check_strength("dix-caract")
    with pytest.raises(WeakPassword, match="au moins 10 caractères"):
        check_strength("court")
    with pytest.raises(WeakPassword, match="espace"):
        check_strength(" motdepasse-solide")
