"""Directed putaway: tasks derived from stock on the dock, bin suggestions, confirmation."""
