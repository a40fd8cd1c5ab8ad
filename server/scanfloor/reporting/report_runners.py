"""Every runner module, imported once so their @runner registrations are made
(report_service._load_runners). A KPI whose module is not listed has no runner: the API
answers 404 kpi_not_available for it."""

from __future__ import annotations

from . import (
    anomaly_report,  # noqa: F401
    finance_kpi_report,  # noqa: F401
    labour_report,  # noqa: F401
    margin_supplier_report,  # noqa: F401
    service_dock,  # noqa: F401
    service_priority,  # noqa: F401
    service_report,  # noqa: F401
    service_returns,  # noqa: F401
    stock_kpi_report,  # noqa: F401
    stock_report,  # noqa: F401
)
