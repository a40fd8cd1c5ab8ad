"""Labels that scan: location, item, LPN and SSCC labels as PNG, PDF and ZPL.

Layers, inward first: `gs1` and `symbols` (pure: GS1 element strings, SSCC check digits,
barcode module strings from python-barcode), `layouts` (where each text, bar and box goes,
in printer dots), then the painters `png`, `pdf` and `zpl` (the ZPL from Jinja templates in
label_templates/), and `service` / `sscc_service` (read the catalog, pick a layout, render).
"""
