"""Returns: authorisations (RMAs), receipt into the returns area, inspection with a
disposition per line, photos of an item's condition, and the credit due."""
