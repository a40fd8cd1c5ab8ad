"""The carrier adapter registry and the manual adapter's database-free answers (its tracking
numbers are issued under the carrier row's lock: tests/integration/test_shipping*.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scanfloor.errors import NotConfigured
from scanfloor.shipping import carriers
from scanfloor.shipping.carriers import (
    CarrierAdapter,
    CarrierConfig,
    ManualCarrier,
    Parcel,
    adapter_for,
    adapter_names,
    register_adapter,
)


def config(**kw):
    base = {
        "id": 1,
        "code": "OWN",
        "name": "Own fleet",
        "adapter": "manual",
        "services": ("standard", "express"),
        "tracking_prefix": "SF",
        "tracking_url_template": "https://track.example.com/{tracking_number}",
        "settings": {"currency": "EUR", "rates": {"express": "7.50"}},
    }
    base.update(kw)
    return CarrierConfig(**base)


PARCELS = [Parcel(1, "006141410000000012", 1200), Parcel(2, "006141410000000029", None)]


def test_a_manual_carrier_row_gets_the_manual_adapter():
    adapter = adapter_for(config())
    assert isinstance(adapter, ManualCarrier)


def test_the_manual_adapter_quotes_configured_rates_and_the_own_fleet_at_zero():
    adapter = adapter_for(config())
    express, standard = adapter.rate("express", PARCELS), adapter.rate("standard", PARCELS)
    assert (express.amount, express.basis, express.cartons) == (
        Decimal("15.00"),
        "flat_per_carton",
        2,
    )
    assert (standard.amount, standard.basis) == (Decimal("0"), "own_fleet")


def test_the_manual_adapter_links_a_number_to_the_carriers_tracking_page():
    assert adapter_for(config()).tracking_url("SF01") == "https://track.example.com/SF01"
    assert adapter_for(config(tracking_url_template=None)).tracking_url("SF01") is None


def test_a_carrier_whose_adapter_is_not_installed_is_not_configured():
    with pytest.raises(NotConfigured) as caught:
        adapter_for(config(adapter="acme_parcel"))
    assert caught.value.details == {"carrier": "OWN", "adapter": "acme_parcel"}


def test_an_adapter_registered_under_a_name_serves_rows_naming_it(monkeypatch):
    # A carrier integration registers its factory at app start; the manual adapter stands in
    # for it here under another name (the registry does not care what the adapter is).
    monkeypatch.setattr(carriers, "_ADAPTERS", dict(carriers._ADAPTERS))
    register_adapter("own_van", ManualCarrier)
    assert "own_van" in adapter_names()
    adapter: CarrierAdapter = adapter_for(config(adapter="own_van"))
    assert adapter.tracking_url("V1") == "https://track.example.com/V1"
