"""Sapat: shared code of the dashboard (warehouse, queries, charts, i18n)."""
