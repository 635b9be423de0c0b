"""Sapat's tests."""
