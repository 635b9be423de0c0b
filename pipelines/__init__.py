"""Ingestion pipelines: read, normalise headers, parse, validate and load uploads."""
