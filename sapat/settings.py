"""Rules an administrator may set in .streamlit/secrets.toml under [sapat]."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import streamlit as st

from sapat.queries.staff import DEFAULT_DEGREE_THRESHOLD

log = logging.getLogger(__name__)


def secrets() -> Mapping[str, Any]:
    """The secrets file as a mapping; an absent or unreadable file means no secrets."""
    try:
        return st.secrets.to_dict()
    except Exception:  # Streamlit raises when there is no secrets.toml at all
        return {}


def _sapat_section() -> dict[str, Any]:
    """The [sapat] table of the secrets file."""
    return dict(secrets().get("sapat", {}))


def degree_threshold() -> float:
    """The licensing threshold of the share of staff with a degree, as a fraction.

    ``degree_share_threshold = 0.6`` or ``= 60`` (percent) both mean 60 %; anything else
    falls back to the default with a warning in the server log.
    """
    raw = _sapat_section().get("degree_share_threshold", DEFAULT_DEGREE_THRESHOLD)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = -1.0
    if 1 < value <= 100:
        value /= 100
    if not 0 < value <= 1:
        log.warning("degree_share_threshold %r is not a share; using the default", raw)
        return DEFAULT_DEGREE_THRESHOLD
    return value
