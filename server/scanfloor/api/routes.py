"""Every blueprint of the REST API, registered in one place."""

from __future__ import annotations

from flask_smorest import Api


def register_blueprints(api: Api) -> None:
    from .auth_api import blp as auth_blp
    from .balances_api import blp as balances_blp
    from .barcodes_api import blp as barcodes_blp
    from .containers_api import blp as containers_blp
    from .health_api import blp as health_blp
    from .items_api import blp as items_blp
    from .ledger_api import blp as ledger_blp
    from .locations_api import blp as locations_blp
    from .lots_api import blp as lots_blp
    from .movements_api import blp as movements_blp

    for blp in (
        health_blp,
        auth_blp,
        items_blp,
        lots_blp,
        barcodes_blp,
        locations_blp,
        containers_blp,
        movements_blp,
        balances_blp,
        ledger_blp,
    ):
        api.register_blueprint(blp)
