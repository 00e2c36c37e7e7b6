"""Turn the model's HTML documentation into plain docstring text."""

from __future__ import annotations

import functools
import re
import textwrap
from html.parser import HTMLParser

_WS = re.compile(r"\s+")
_BLOCK = frozenset(
    {
        "p",
        "note",
        "important",
        "div",
        "dl",
        "dt",
        "dd",
        "ul",
        "ol",
        "li",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "br",
        "fullname",
    }
)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # (prefix, text)
        self._text: list[str] = []
        self._prefix = ""
        self._lists = 0
        self._href: list[str | None] = []
        self._skip = 0
        self._label = ""

    def _indent(self) -> str:
        return "  " * self._lists

    def _flush(self) -> None:
        text = _WS.sub(" ", "".join(self._text)).strip()
        self._text = []
        if not text:
            return  # an empty block keeps a pending list bullet or label
        self.blocks.append((self._prefix, self._label + text))
        self._label = ""
        # Later paragraphs of the same list item line up under its text.
        self._prefix = self._indent() if self._lists else ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists += 1
        elif tag == "li":
            self._flush()
            self._prefix = "  " * max(self._lists - 1, 0) + "- "
        elif tag in ("note", "important"):
            self._flush()
            self._label = "Note: " if tag == "note" else "Important: "
        elif tag in _BLOCK:
            self._flush()
        elif tag == "code":
            self._text.append("`")
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(self._skip - 1, 0)
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists = max(self._lists - 1, 0)
            self._prefix = self._indent()
        elif tag == "li":
            self._flush()
            self._prefix = self._indent()
        elif tag in _BLOCK:
            self._flush()
        elif tag == "code":
            self._text.append("`")
        elif tag == "a":
            href = self._href.pop() if self._href else None
            if href and href.startswith("http"):
                self._text.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


# Three in four of botocore's documentation strings are one paragraph of plain text.
_ONE_PARAGRAPH = re.compile(r"\s*<p>([^<>&]*)</p>\s*")


def blocks(html: str) -> list[tuple[str, str]]:
    """The (prefix, text) blocks of ``html``: what `_Converter` gives, without running the
    HTML parser where it has nothing to do."""
    plain = _ONE_PARAGRAPH.fullmatch(html)
    if plain is not None:
        text = _WS.sub(" ", plain.group(1)).strip()
        return [("", text)] if text else []
    conv = _Converter()
    conv.feed(html)
    conv.close()
    return conv.blocks


# The same documentation is converted for the shape, its stub and the methods that take
# it: a quarter of the conversions repeat (bounded: a process may render many models).
@functools.lru_cache(maxsize=16384)
def html_to_text(html: str, width: int = 80) -> str:
    """Readable, wrapped plain text; list items stay one per line."""
    if not html.strip():
        return ""
    paragraphs: list[str] = []
    for prefix, text in blocks(html):
        text = text.replace("``", "").strip()
        wrapped = wrap(text, max(width, 40), prefix, " " * len(prefix))
        if prefix.endswith("- ") and paragraphs and paragraphs[-1].lstrip().startswith("- "):
            paragraphs[-1] += "\n" + wrapped
        else:
            paragraphs.append(wrapped)
    return "\n\n".join(paragraphs)


def wrap(text: str, width: int, first: str, rest: str) -> str:
    """``textwrap.fill(text, width, initial_indent=first, subsequent_indent=rest,
    break_long_words=False, break_on_hyphens=False)``, in a third of its time for the
    text `_Converter` gives (single spaces, stripped); anything else goes to textwrap."""
    if not text or "  " in text or not text.isprintable() or text != text.strip():
        return textwrap.fill(
            text,
            width=width,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
    if len(first) + len(text) <= width:
        return first + text
    words = text.split(" ")
    lines: list[str] = []
    i, n = 0, len(words)
    while i < n:
        indent = rest if lines else first
        room = width - len(indent)
        start, used = i, len(words[i])
        i += 1  # the first word of a line goes on it, however long (no word is broken)
        while i < n and used + 1 + len(words[i]) <= room:
            used += 1 + len(words[i])
            i += 1
        lines.append(indent + " ".join(words[start:i]))
    return "\n".join(lines)


def docstring(text: str, indent: int) -> str:
    """A triple-quoted docstring literal (indented body) for ``text``; '' when empty."""
    if not text.strip():
        return ""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    pad = " " * indent
    lines = [line.rstrip() for line in text.split("\n")]
    if len(lines) == 1 and len(lines[0]) + indent + 6 <= 100:
        return f'"""{lines[0]}"""'
    body = "\n".join((pad + line) if line else "" for line in lines)
    return f'"""\n{body}\n{pad}"""'
