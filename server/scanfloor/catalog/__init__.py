"""Items, pack levels, barcodes, locations, containers and lots."""
