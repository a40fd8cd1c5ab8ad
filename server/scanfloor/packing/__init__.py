"""Packing: totes into cartons (containers with an SSCC), carton types, pack verification."""
