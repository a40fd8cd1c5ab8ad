"""The sign-in body takes one kind of credential, and no output schema has a hash."""

from __future__ import annotations

import marshmallow as ma
import pytest

from scanfloor.api import auth_schemas
from scanfloor.api.auth_schemas import TokenIn


@pytest.mark.parametrize(
    "body",
    [
        {"username": "dana", "password": "pw"},
        {"badge": "B-1", "pin": "1234", "device_id": "HH-1"},
    ],
)
def test_a_sign_in_with_one_credential_pair_loads(body):
    assert TokenIn().load(body) == {"device_id": None, **body}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "dana"},
        {"username": "dana", "pin": "1234"},
        {"username": "dana", "password": "pw", "badge": "B-1", "pin": "1234"},
        {"username": "dana", "password": "pw", "badge": "B-1"},
    ],
)
def test_anything_else_is_refused(body):
    with pytest.raises(ma.ValidationError):
        TokenIn().load(body)


def test_no_schema_dumps_a_hash_or_a_pin():
    for name in dir(auth_schemas):
        schema = getattr(auth_schemas, name)
        if isinstance(schema, type) and issubclass(schema, ma.Schema):
            dumped = {f.data_key or n for n, f in schema().fields.items() if not f.load_only}
            assert not any("hash" in f or f in {"password", "pin"} for f in dumped), name
