"""Password and PIN hashing: argon2id, verification, and the decoy for unknown users."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask import Flask

from scanfloor.auth.passwords import hash_secret, needs_rehash, verify_secret


@pytest.fixture
def test_mode():
    """A bare app context in test mode: cheap argon2 parameters, no database."""
    app = Flask(__name__)
    app.config["SCANFLOOR_MODE"] = "test"
    with app.app_context():
        yield


def test_outside_test_mode_secrets_get_full_cost_argon2id():
    stored = hash_secret("correct horse")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("pw")
    assert needs_rehash(cheap)
    assert not needs_rehash(stored)


def test_test_mode_is_still_argon2id(test_mode):
    assert hash_secret("pw").startswith("$argon2id$")


def test_the_right_secret_verifies_and_a_wrong_one_does_not(test_mode):
    stored = hash_secret("4321")
    assert verify_secret(stored, "4321")
    assert not verify_secret(stored, "4320")


def test_nothing_stored_never_verifies_whatever_is_presented(test_mode):
    assert not verify_secret(None, "")
    assert not verify_secret("", "anything")


def test_a_damaged_hash_is_a_refusal_not_an_error(test_mode):
    assert not verify_secret("$argon2id$garbage", "x")
    assert not verify_secret("plain-text-password", "plain-text-password")


def test_a_hash_with_other_parameters_is_marked_for_rehashing(test_mode):
    older = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1).hash("pw")
    assert needs_rehash(older)
    assert not needs_rehash(hash_secret("pw"))
