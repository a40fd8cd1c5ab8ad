"""Every blueprint of the REST API, registered in one place."""

from __future__ import annotations

from flask_smorest import Api


def register_blueprints(api: Api) -> None:
    from .allocation_reports_api import blp as allocation_reports_blp
    from .anomaly_acks_api import blp as anomaly_acks_blp
    from .auth_api import blp as auth_blp
    from .balances_api import blp as balances_blp
    from .barcodes_api import blp as barcodes_blp
    from .board_api import blp as board_blp
    from .channels_api import blp as channels_blp
    from .containers_api import blp as containers_blp
    from .count_plans_api import blp as count_plans_blp
    from .count_tasks_api import blp as count_tasks_blp
    from .exchange_rates_api import blp as exchange_rates_blp
    from .finance_api import blp as finance_blp
    from .grni_api import blp as grni_blp
    from .health_api import blp as health_blp
    from .invoices_api import blp as invoices_blp
    from .items_api import blp as items_blp
    from .labels_api import blp as labels_blp
    from .landed_costs_api import blp as landed_costs_blp
    from .ledger_api import blp as ledger_blp
    from .locations_api import blp as locations_blp
    from .lots_api import blp as lots_blp
    from .margin_api import blp as margin_blp
    from .movement_detail_api import blp as movement_detail_blp
    from .movements_api import blp as movements_blp
    from .orders_api import blp as orders_blp
    from .outbox_api import blp as outbox_blp
    from .packing_api import blp as packing_blp
    from .pick_faces_api import blp as pick_faces_blp
    from .pick_tasks_api import blp as pick_tasks_blp
    from .picks_api import blp as picks_blp
    from .po_lifecycle_api import blp as po_lifecycle_blp
    from .putaway_api import blp as putaway_blp
    from .receiving_api import blp as receiving_blp
    from .reorder_policies_api import blp as reorder_policies_blp
    from .replenishment_api import blp as replenishment_blp
    from .reports_api import blp as reports_blp
    from .returns_api import blp as returns_blp
    from .settlements_api import blp as settlements_blp
    from .shipping_api import blp as shipping_blp
    from .suggestions_api import blp as suggestions_blp
    from .supplier_items_api import blp as supplier_items_blp
    from .supplier_performance_api import blp as supplier_performance_blp
    from .suppliers_api import blp as suppliers_blp
    from .warehouse_rights_api import blp as warehouse_rights_blp
    from .waves_api import blp as waves_blp

    for blp in (
        health_blp,
        auth_blp,
        items_blp,
        lots_blp,
        barcodes_blp,
        locations_blp,
        containers_blp,
        movements_blp,
        movement_detail_blp,
        balances_blp,
        ledger_blp,
        labels_blp,
        suppliers_blp,
        supplier_items_blp,
        reorder_policies_blp,
        supplier_performance_blp,
        receiving_blp,
        po_lifecycle_blp,
        putaway_blp,
        channels_blp,
        orders_blp,
        allocation_reports_blp,
        outbox_blp,
        warehouse_rights_blp,
        waves_blp,
        pick_tasks_blp,
        count_tasks_blp,
        count_plans_blp,
        picks_blp,
        packing_blp,
        board_blp,
        shipping_blp,
        returns_blp,
        pick_faces_blp,
        replenishment_blp,
        suggestions_blp,
        finance_blp,
        grni_blp,
        landed_costs_blp,
        invoices_blp,
        settlements_blp,
        margin_blp,
        exchange_rates_blp,
        reports_blp,
        anomaly_acks_blp,
    ):
        api.register_blueprint(blp)
