"""Pre-set table lines (portal/reports/layout.py): every cell starts at its column."""

from __future__ import annotations

import math

from portal.reports.layout import MM, PAD_SPACES, TAB_PT, TableLayout, metrics, wrap

TABLE = TableLayout.from_mm([10, 20, 25.5, 24, 28, 27, 90, 52.5])
CELLS = ["12", "2026-000012", "01.03.2026 00:47", "Солтүстік Қазақстан облысы",
         "Әбдірахманов Айгүл", "Қызметкерлердің әрекеті",
         "ХҚКО қызметкері сұраққа жауап бермей, өтініш берушіге дөрекі сөйледі. " * 3,
         "Өтініш берушіге түсіндірме берілді. № ЖТ-12"]


def cell_starts(line: str) -> list[tuple[float, str]]:
    """(x in points, text) of each run of text in a pre-set line, as Pango places it:
    leading tabs on TAB_PT stops, every other character at its advance width."""
    m = metrics()
    x, runs, current = 0.0, [], ""
    for i, ch in enumerate(line):
        if ch == "\t":
            assert not line[:i].strip("\t"), "tabs only at the start of a line"
            x = (math.floor(x / TAB_PT + 1e-6) + 1) * TAB_PT
            continue
        if ch in PAD_SPACES:
            if current:
                runs[-1] = (runs[-1][0], current)
                current = ""
        else:
            if not current:
                runs.append((x, ""))
            current += ch
        x += m.em(ch) * TABLE.size
    if current:
        runs[-1] = (runs[-1][0], current)
    return runs


def test_every_fragment_starts_at_its_column_within_a_fraction_of_a_point():
    lines = TABLE.compose(CELLS).split("\n")
    assert len(lines) >= 4  # the content wraps
    starts = TABLE.starts
    for line in lines:
        for x, text in cell_starts(line):
            column = max(i for i, s in enumerate(starts) if s <= x + 0.5)
            assert abs(x - starts[column]) <= 0.4, (text, x, starts[column])


def test_a_wrapped_line_starts_with_tabs_to_its_first_filled_column():
    lines = TABLE.compose(CELLS).split("\n")
    second = lines[1]  # region, applicant, character and content go on; No. does not
    assert second.startswith("\t" * int(TABLE.starts[3] // TAB_PT))
    assert "\u2003" * 5 not in second.split("Қазақстан")[0]  # no run of em spaces first
    last = lines[-1]  # only the content is left: tabs straight to its column
    (x, _text), = cell_starts(last)
    assert abs(x - TABLE.starts[6]) <= 0.4
    assert last.count("\t") == int(TABLE.starts[6] // TAB_PT)


def test_compound_words_break_after_their_hyphen_not_inside_a_word():
    m = metrics()
    column = 24 * MM - 4  # the text width of a 24 mm column
    lines = [text for text, _w in wrap("Северо-Казахстанская область", column, 7.5, m)]
    assert lines == ["Северо-", "Казахстанская", "область"]
    # where the whole compound fits, it stays whole; numbers like 2026-000123 too
    assert [t for t, _w in wrap("Северо-Казахстанская", 200, 7.5, m)] == \
        ["Северо-Казахстанская"]
    number = [t for t, _w in wrap("№ 2026-000123 ЖТ-17", 30, 7.5, m)]
    # 2026-000123 is wider than 30 pt, so it is cut, but not at its hyphen
    assert number[0] == "№" and number[-1] == "ЖТ-17" and number[1] != "2026-"
    assert "".join(number[1:-1]) == "2026-000123"
    # a word with no break in it is still cut where it must be, and nothing is lost
    cut = [t for t, _w in wrap("Қызметкерлердің", 40, 7.5, m)]
    assert len(cut) > 1 and "".join(cut) == "Қызметкерлердің"
