"""Finance: what the stock is worth (cost methods, layers), the journal every valued
movement posts, accounting periods, and the checks that hold them to the ledger."""
