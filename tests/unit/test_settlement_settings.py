"""How long a channel has to settle a shipment: SCANFLOOR_SETTLEMENT_DAYS for every channel,
SCANFLOOR_SETTLEMENT_DAYS_<CHANNEL> for one, each checked when the server starts."""

from __future__ import annotations

import pytest

from scanfloor.config import ConfigError, Settings


def _settings(**env: str) -> Settings:
    return Settings.from_env({"SCANFLOOR_MODE": "production", "SECRET_KEY": "k" * 40, **env})


def test_a_channel_of_its_own_rhythm_gets_its_own_settlement_days():
    s = _settings(SCANFLOOR_SETTLEMENT_DAYS="14", SCANFLOOR_SETTLEMENT_DAYS_market="21")
    s.check()
    cfg = s.flask_config()
    assert cfg["SCANFLOOR_SETTLEMENT_DAYS"] == 14
    assert cfg["SCANFLOOR_SETTLEMENT_DAYS_MARKET"] == 21


def test_settlement_days_out_of_range_stop_the_server():
    with pytest.raises(ConfigError):
        _settings(SCANFLOOR_SETTLEMENT_DAYS_WEB="-1").check()
