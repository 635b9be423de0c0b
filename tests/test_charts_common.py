"""The pieces charts share: titles hung from the top, wrapped titles, room for the legend."""

from __future__ import annotations

from sapat.charts import common


def test_a_title_hangs_from_the_top_so_a_second_line_grows_downwards():
    assert common.title("A")["yanchor"] == "top"
    assert common.title("A<br>B")["pad"]["t"] > common.title("A")["pad"]["t"]


def test_wrapped_breaks_long_titles_between_words():
    text = "Факультеттер боюнча аккредиттелген жана лицензияланган программалар"
    lines = common.wrapped(text).split("<br>")
    assert len(lines) == 2 and all(len(line) <= common.HALF_TITLE for line in lines)
    assert " ".join(lines) == text
    assert common.wrapped("Short") == "Short"


def test_a_long_legend_takes_more_rows_and_a_larger_top_margin():
    short, long = ["On", "Off"], ["Аккредиттелген", "Шарттуу аккредиттелген", "Өз алдынча баалоо"]
    long += ["Пландалган", "Мөөнөтү бүткөн", "Четке кагылган", "Эксперттик баалоо"]
    assert common.legend_rows(short) == 1
    assert common.legend_rows(long) > 1
    assert common.legend_rows(long, width=2000) == 1
    assert common.top_margin("T", long) > common.top_margin("T", short) > common.top_margin("T")
    assert common.top_margin("T<br>U") > common.top_margin("T")
