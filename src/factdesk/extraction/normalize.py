"""Input normalisation: plain text, Markdown or HTML to one text, with a map back to the source."""

from __future__ import annotations

import html
import re
from array import array
from dataclasses import dataclass, field

from .lexicon import word_set

FORMATS = ("text", "html", "markdown")

# Block-level HTML elements end a paragraph; everything else is inline and simply dropped.
_BLOCK_TAGS = word_set(
    """p div section article header footer aside main nav ul ol li dl dt dd blockquote pre table thead
    tbody tfoot tr td th h1 h2 h3 h4 h5 h6 figure figcaption hr address form fieldset details summary
    caption"""
)
_HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
# Their contents are never article text.
_SKIP_TAGS = frozenset(["script", "style", "noscript", "template", "iframe", "svg", "head"])
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?")
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus, for every character, its offset in the source body.

    Characters of a prepended title map to -1 (the title is not part of the body). `blocks` carries
    structure the markup made explicit: (start, end, kind) with kind "heading" or "caption".
    """

    text: str
    offsets: array
    title_length: int = 0
    blocks: tuple[tuple[int, int, str], ...] = field(default=())

    def source_offset(self, i: int) -> int:
        """The source offset of normalised position i (i == len(text) maps to the source's end)."""
        if i < 0 or i > len(self.text):
            raise IndexError(i)
        return self.offsets[i]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source range covering normalised text[start:end]."""
        if end <= start:
            return self.source_offset(start), self.source_offset(start)
        return self.source_offset(start), self.source_offset(end - 1) + 1


class _Builder:
    """Accumulates output text and its per-character source offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offsets = array("q")
        self.length = 0
        self.blocks: list[tuple[int, int, str]] = []

    def copy(self, source: str, start: int, end: int) -> None:
        """Append source[start:end] verbatim."""
        if end > start:
            self.parts.append(source[start:end])
            self.offsets.extend(range(start, end))
            self.length += end - start

    def put(self, s: str, at: int) -> None:
        """Append s, every character mapped to source offset `at` (entities, synthetic breaks)."""
        if s:
            self.parts.append(s)
            self.offsets.extend([at] * len(s))
            self.length += len(s)

    def last(self, n: int = 1) -> str:
        out = ""
        for p in reversed(self.parts):
            out = p + out
            if len(out) >= n:
                break
        return out[-n:]

    def paragraph_break(self, at: int) -> None:
        """End the paragraph: exactly one blank line, none at the very start."""
        if not self.length:
            return
        tail = self.last(2)
        self.trim_trailing_spaces()
        tail = self.last(2)
        if tail.endswith("\n\n"):
            return
        self.put("\n" if tail.endswith("\n") else "\n\n", at)

    def trim_trailing_spaces(self) -> None:
        while self.parts and self.parts[-1].endswith(" "):
            p = self.parts.pop()
            q = p.rstrip(" ")
            cut = len(p) - len(q)
            del self.offsets[len(self.offsets) - cut :]
            self.length -= cut
            if q:
                self.parts.append(q)

    def build(self, end: int) -> tuple[str, array]:
        self.trim_trailing_spaces()
        text = "".join(self.parts)
        while text.endswith("\n"):
            text = text[:-1]
            del self.offsets[-1]
        self.offsets.append(end)
        return text, self.offsets


def normalize(body: str, fmt: str = "text", title: str | None = None) -> NormalizedText:
    """Normalise a revision's body (and optional title) to the text claims refer to.

    For fmt="text" without a title the result equals the input except that \\r\\n becomes \\n.
    Raises ValueError for an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    body = body or ""
    if fmt == "html":
        text, offsets, blocks = _from_html(body)
    elif fmt == "markdown":
        text, offsets, blocks = _from_markdown(body)
    else:
        text, offsets, blocks = _from_text(body)
    if title is None:
        return NormalizedText(text, offsets, 0, tuple(blocks))
    title_text = _HTML_SPACE.sub(" ", html.unescape(title) if fmt != "text" else title).strip()
    prefix = title_text + "\n\n"
    shifted = array("q", [-1] * len(prefix))
    shifted.extend(offsets)
    moved = tuple((s + len(prefix), e + len(prefix), k) for s, e, k in blocks)
    return NormalizedText(prefix + text, shifted, len(title_text), moved)


def _from_text(body: str) -> tuple[str, array, list[tuple[int, int, str]]]:
    b = _Builder()
    pos = 0
    for m in re.finditer("\r\n?", body):
        b.copy(body, pos, m.start())
        b.put("\n", m.start())
        pos = m.end()
    b.copy(body, pos, len(body))
    text = "".join(b.parts)
    b.offsets.append(len(body))
    return text, b.offsets, []


def _decode_into(b: _Builder, source: str, start: int, end: int, collapse: bool) -> None:
    """Append source[start:end] with entities decoded and (for HTML) whitespace runs collapsed."""
    pos = start
    for m in _ENTITY.finditer(source, start, end):
        _plain_into(b, source, pos, m.start(), collapse)
        decoded = html.unescape(m.group(0))
        if decoded == "\u00a0" and collapse:
            decoded = "\u00a0"
        b.put(decoded, m.start())
        pos = m.end()
    _plain_into(b, source, pos, end, collapse)


def _plain_into(b: _Builder, source: str, start: int, end: int, collapse: bool) -> None:
    if not collapse:
        b.copy(source, start, end)
        return
    pos = start
    for m in _HTML_SPACE.finditer(source, start, end):
        b.copy(source, pos, m.start())
        # A run of whitespace renders as one space; none at a line start.
        if b.length and b.last() not in " \n":
            b.put(" ", m.start())
        pos = m.end()
    b.copy(source, pos, end)


def _from_html(body: str) -> tuple[str, array, list[tuple[int, int, str]]]:
    b = _Builder()
    pos, n = 0, len(body)
    block_start: tuple[int, str] | None = None
    while pos < n:
        lt = body.find("<", pos)
        if lt < 0:
            _decode_into(b, body, pos, n, collapse=True)
            break
        _decode_into(b, body, pos, lt, collapse=True)
        m = _TAG_NAME.match(body, lt)
        if not m:
            pos = _after_non_tag(b, body, lt)
            continue
        close = body.find(">", m.end())
        if close < 0:
            break  # a tag left open runs to the end: nothing after it is text
        name = m.group(1).lower()
        closing = body[lt + 1 : m.start(1)].strip() == "/"
        pos = close + 1
        if name in _SKIP_TAGS and not closing:
            end_tag = re.compile(r"</\s*" + name + r"\s*>", re.I).search(body, pos)
            pos = n if end_tag is None else end_tag.end()
            continue
        block_start = _html_tag_into(b, name, closing, lt, block_start)
    text, offsets = b.build(n)
    blocks = [(s, min(e, len(text)), k) for s, e, k in b.blocks if s < len(text)]
    return text, offsets, blocks


def _after_non_tag(b: _Builder, body: str, lt: int) -> int:
    """Past a '<' that opens no tag: a comment, a declaration, or a bare '<' kept as text."""
    if body.startswith("<!--", lt):
        # Comments, including editor block comments (<!-- wp:paragraph -->), are not text.
        close = body.find("-->", lt + 4)
        return len(body) if close < 0 else close + 3
    if body.startswith("<!", lt) or body.startswith("<?", lt):
        close = body.find(">", lt)
        return len(body) if close < 0 else close + 1
    b.put("<", lt)  # a bare "<" in text
    return lt + 1


def _html_tag_into(
    b: _Builder, name: str, closing: bool, lt: int, block_start: tuple[int, str] | None
) -> tuple[int, str] | None:
    """What a tag does to the text: a line break, a cell gap or a paragraph break; inline tags do nothing.

    Returns where an open heading or caption started, and its kind (None when none is open).
    """
    if name == "br":
        b.trim_trailing_spaces()
        b.put("\n", lt)
    elif name in ("td", "th"):
        if closing:
            b.put(" ", lt)
    elif name in _BLOCK_TAGS:
        labelled = name in _HEADING_TAGS or name == "figcaption"
        if closing and block_start is not None and labelled:
            b.trim_trailing_spaces()
            b.blocks.append((block_start[0], b.length, block_start[1]))
            block_start = None
        b.paragraph_break(lt)
        if not closing and labelled:
            block_start = (b.length, "heading" if name in _HEADING_TAGS else "caption")
    return block_start


_MD_HEADING = re.compile(r"[ ]{0,3}(#{1,6})[ \t]+")
_MD_SETEXT = re.compile(r"[ ]{0,3}(=+|-+)[ \t]*$")
_MD_RULE = re.compile(r"[ ]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_MD_PREFIX = re.compile(r"[ ]{0,3}(?:>[ \t]?)*(?:[-*+][ \t]+|[0-9]{1,9}[.)][ \t]+)?")
_MD_FENCE = re.compile(r"[ ]{0,3}(```|~~~)")
# Inline syntax: images (dropped), links (text kept), emphasis and code markers (dropped), inline HTML.
_MD_INLINE = re.compile(
    r"!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)"
    r"|\[(?P<label>[^\]\n]{0,500})\]\([^)\n]{0,2000}\)"
    r"|\[(?P<ref>[^\]\n]{1,500})\]\[[^\]\n]{0,100}\]"
    r"|\*{1,3}(?=\S)|(?<=\S)\*{1,3}|(?<![\w])_{1,3}(?=\S)|(?<=\S)_{1,3}(?![\w])|`+"
    r"|<!--[^\n]{0,2000}?-->|</?[a-zA-Z][^<>\n]{0,500}>"
)


def _from_markdown(body: str) -> tuple[str, array, list[tuple[int, int, str]]]:
    b = _Builder()
    lines = body.split("\n")
    pos = 0
    in_fence = False
    prev_blank = True
    for line_no, raw in enumerate(lines):
        line = raw[:-1] if raw.endswith("\r") else raw
        start, end = pos, pos + len(line)
        pos += len(raw) + 1
        kind = _md_line_kind(lines, line_no, line, in_fence, prev_blank)
        if kind == "code":
            b.copy(body, start, end)
            b.put("\n", end)
        elif kind == "heading":
            _md_heading_into(b, body, line, start, end)
            prev_blank = True
        elif kind == "text":
            _md_text_into(b, body, line, start, end, prev_blank)
            prev_blank = False
        elif kind != "underline":  # a fence, a blank line or a rule ends the paragraph
            b.paragraph_break(start)
            prev_blank = True
            in_fence = not in_fence if kind == "fence" else in_fence
    text, offsets = b.build(len(body))
    return text, offsets, b.blocks


def _md_line_kind(lines: list[str], line_no: int, line: str, in_fence: bool, prev_blank: bool) -> str:
    """What a Markdown line is: fence, code, blank, rule, heading, underline (of a setext heading) or text."""
    if _MD_FENCE.match(line):
        return "fence"
    if in_fence:
        return "code"
    if not line.strip():
        return "blank"
    if _MD_RULE.match(line) and prev_blank:
        return "rule"
    nxt = lines[line_no + 1].rstrip("\r") if line_no + 1 < len(lines) else ""
    setext = bool(_MD_SETEXT.match(nxt)) and prev_blank and bool(nxt.strip())
    if _MD_HEADING.match(line) or setext:
        return "heading"
    if _MD_SETEXT.match(line) and not prev_blank:
        return "underline"  # already read with the heading above it
    return "text"


def _md_heading_into(b: _Builder, body: str, line: str, start: int, end: int) -> None:
    """An ATX ('## Title') or setext heading line, as a paragraph of its own recorded as a heading block."""
    heading = _MD_HEADING.match(line)
    b.paragraph_break(start)
    head_start = b.length
    content_start = start + (heading.end() if heading else 0)
    stripped_end = start + len(line.rstrip(" #\t")) if heading else end
    _md_inline_into(b, body, content_start, max(content_start, stripped_end))
    b.blocks.append((head_start, b.length, "heading"))
    b.paragraph_break(end)


def _md_text_into(b: _Builder, body: str, line: str, start: int, end: int, prev_blank: bool) -> None:
    """A line of a paragraph, list item or block quote, without its Markdown prefix."""
    prefix = _MD_PREFIX.match(line)
    content_start = start + (prefix.end() if prefix else 0)
    if not prev_blank:
        # A soft line break inside a paragraph reads as a space; a list item or quote starts a line.
        b.trim_trailing_spaces()
        b.put("\n" if prefix and prefix.end() else " ", start - 1)
    _md_inline_into(b, body, content_start, end)
    if line.endswith("  "):  # a hard line break
        b.trim_trailing_spaces()


def _md_inline_into(b: _Builder, body: str, start: int, end: int) -> None:
    pos = start
    for m in _MD_INLINE.finditer(body, start, end):
        _decode_into(b, body, pos, m.start(), collapse=False)
        group = "label" if m.group("label") is not None else "ref" if m.group("ref") is not None else None
        if group:
            _md_inline_into(b, body, m.start(group), m.end(group))
        pos = m.end()
    _decode_into(b, body, pos, end, collapse=False)
