"""sapat.settings: the degree-share threshold as a share or a percentage."""

from __future__ import annotations

import pytest

from sapat import settings
from sapat.queries import staff as sq


def test_the_threshold_setting_reads_a_share_or_a_percentage(monkeypatch):
    for raw, expected in ((0.5, 0.5), (55, 0.55), ("0.7", 0.7), ("abc", 0.6), (0, 0.6), (150, 0.6)):
        monkeypatch.setattr(
            settings, "_sapat_section", lambda raw=raw: {"degree_share_threshold": raw}
        )
        assert settings.degree_threshold() == pytest.approx(expected), raw
    monkeypatch.setattr(settings, "_sapat_section", dict)
    assert settings.degree_threshold() == sq.DEFAULT_DEGREE_THRESHOLD
