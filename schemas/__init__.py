"""Pandera models of every uploadable dataset and the warehouse's SQL migrations."""
