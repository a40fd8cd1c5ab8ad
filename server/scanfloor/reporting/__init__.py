"""Reporting: the one catalogue of KPIs (catalogue.py) and the pure rules behind each figure
(the *_rules modules), so every dashboard, CSV and API answer computes a figure one way. The
daily facts the figures are read from live beside them (facts_*.py).

The rules take small frozen records that a query (or the daily facts) fills, and return
typed results: int for units and counts, Decimal for rates, money, hours and days, never
float. Conventions shared by every rule (stats_rules.py holds the helpers):
- A rate is a Decimal fraction from 0 to 1, 4 places half up; None when there is nothing to
  rate (an empty period shows "none", never 0 % or 100 %).
- Hours and other derived measures: 2 places half up. Money: 2 places half up, in the
  company's functional currency, as the query passes it.
- Percentiles are nearest-rank (stats_rules.percentile): always a value that was observed.
- Dates and days are UTC, as the database stores them.
"""
