"""Shipping: carriers, shipments (manifests per carrier and dock door), ship confirm."""
