"""Insights: what a company's staff see of how they answer (the insights page, staff only)
and what everyone sees (the public scorecard). Reads only; charts are drawn on the server
as SVG."""
