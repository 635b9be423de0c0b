"""Charts of the overview: the mobility trend's traces in the user's language."""

import pandas as pd

from sapat.charts.overview import mobility_trend
from sapat.i18n import catalog


def test_mobility_chart_has_both_directions_in_the_language():
    frame = pd.DataFrame(
        {
            "academic_year": ["2024-2025", "2024-2025", "2025-2026"],
            "direction": ["outgoing", "incoming", "outgoing"],
            "participants": [10, 4, 12],
        }
    )
    fig = mobility_trend(frame, "ru")
    names = [trace.name for trace in fig.data]
    assert names == [catalog("ru")["code.outgoing"], catalog("ru")["code.incoming"]]
    assert list(fig.data[0].y) == [10, 12] and list(fig.data[1].y) == [4]
    assert fig.layout.yaxis.range[1] > 12  # the labels above the bars have room
