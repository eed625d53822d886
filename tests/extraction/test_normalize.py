"""Normalisation of plain text, HTML and Markdown, and the map back to the source."""

from __future__ import annotations

import pytest

from factdesk.extraction import normalize


def test_plain_text_is_kept_exactly_except_crlf() -> None:
    body = "Title line\r\n\r\nIt cost \u201c$5\u201d.\r\nNext line  with  spaces.\n"
    nt = normalize(body)
    assert nt.text == body.replace("\r\n", "\n")
    i = nt.text.index("Next")
    assert body[nt.source_offset(i) : nt.source_offset(i) + 4] == "Next"


def test_title_comes_first_then_a_blank_line() -> None:
    nt = normalize("Body text.", title="A title")
    assert nt.text == "A title\n\nBody text."
    assert nt.source_offset(nt.text.index("Body")) == 0
    assert nt.source_offset(0) == -1


def test_html_paragraphs_entities_comments_and_inline_tags() -> None:
    body = (
        "<!-- wp:paragraph --><p>The council voted <strong>7&ndash;2</strong> on Tuesday &amp; "
        'raised the budget by <a href="/x">4.2%</a>.</p><!-- /wp:paragraph -->'
        "<h2>Next steps</h2><p>It costs &euro;200,000&nbsp;a year.</p><script>var x = 1;</script>"
    )
    nt = normalize(body, "html")
    want = "The council voted 7\u20132 on Tuesday & raised the budget by 4.2%.\n\n"
    want += "Next steps\n\nIt costs \u20ac200,000\u00a0a year."
    assert nt.text == want
    assert ("heading", "Next steps") in [(k, nt.text[s:e]) for s, e, k in nt.blocks]
    start = nt.text.index("4.2%")
    src = nt.source_span(start, start + 4)
    assert body[src[0] : src[1]] == "4.2%"
    euro = nt.text.index("\u20ac")
    assert body[nt.source_offset(euro) :].startswith("&euro;")


def test_html_br_is_a_line_break() -> None:
    nt = normalize("<p>First line.<br>Second line.<br/>Third.</p>", "html")
    assert nt.text == "First line.\nSecond line.\nThird."


def test_html_unclosed_tags_and_bare_angle_brackets_do_not_break_it() -> None:
    nt = normalize("<p>5 < 7 and <b>bold", "html")
    assert nt.text == "5 < 7 and bold"


def test_markdown_headings_links_emphasis_and_lists() -> None:
    body = "# Budget vote\n\nThe **council** voted [7-2](https://x.test) on *Tuesday*.\n\n- first item\n- second item\n"
    nt = normalize(body, "markdown")
    assert nt.text == "Budget vote\n\nThe council voted 7-2 on Tuesday.\n\nfirst item\nsecond item"
    assert (0, len("Budget vote"), "heading") in nt.blocks
    i = nt.text.index("7-2")
    assert body[nt.source_offset(i) : nt.source_offset(i) + 3] == "7-2"


def test_markdown_soft_line_breaks_join_a_paragraph() -> None:
    nt = normalize("It rose\nto 5% in May.", "markdown")
    assert nt.text == "It rose to 5% in May."


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError):
        normalize("x", "rtf")


@pytest.mark.parametrize("fmt", ["text", "html", "markdown"])
def test_every_character_maps_to_a_source_position(fmt: str) -> None:
    body = "<p>Caf&eacute; \u201cquoted\u201d</p>\n\n**bold** text"
    nt = normalize(body, fmt)
    assert len(nt.offsets) == len(nt.text) + 1
    assert all(0 <= nt.source_offset(i) <= len(body) for i in range(len(nt.text) + 1))
