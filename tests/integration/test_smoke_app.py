"""The app boots on every backend and answers its health check."""


def test_health_answers_without_auth(client, backend):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json()["database"] == backend


def test_virtual_locations_exist_from_the_first_migration(app):
    from sqlalchemy import select

    from scanfloor.catalog.models import Location
    from scanfloor.extensions import db

    codes = set(db.session.scalars(select(Location.code).where(Location.is_virtual)))
    assert codes == {"VENDOR", "CUSTOMER", "INV-ADJ", "SCRAP", "IN-TRANSIT"}


def test_users_fixture_gives_tokens_per_role(auth, client):
    assert client.get("/healthz", headers=auth("admin")).status_code == 200
