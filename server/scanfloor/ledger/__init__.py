"""The stock ledger: movements (append-only), balances (a projection), one writer."""
