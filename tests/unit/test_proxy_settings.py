"""How many reverse proxies the server trusts for the client's address: SCANFLOOR_PROXY_HOPS,
none by default (forwarded headers can be forged), checked when the server starts."""

from __future__ import annotations

import pytest

from scanfloor.config import ConfigError, Settings


def _settings(**env: str) -> Settings:
    return Settings.from_env({"SCANFLOOR_MODE": "production", "SECRET_KEY": "k" * 40, **env})


def test_no_proxy_is_trusted_unless_configured():
    assert _settings().proxy_hops == 0


def test_one_proxy_hop_is_read_from_the_environment():
    s = _settings(SCANFLOOR_PROXY_HOPS="1")
    s.check()
    assert s.proxy_hops == 1


@pytest.mark.parametrize("hops", ["-1", "6"])
def test_proxy_hops_out_of_range_stop_the_server(hops):
    with pytest.raises(ConfigError):
        _settings(SCANFLOOR_PROXY_HOPS=hops).check()
