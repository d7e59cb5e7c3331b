"""The researcher's own markdown (memos, definitions, summaries) inside a report.

One parser for every format.  In HTML nothing the user typed can become live
markup: raw HTML is escaped, and links and images are shown as text (the
address in brackets, ``[image: alt]``), so a report never fetches anything and
stays self-contained.  Headings are shifted below the heading they sit under.
In the md export the markdown is kept as written; only an unclosed code fence
is closed, so it cannot swallow the rest of the report.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from qualtui.text.normalise import strip_controls

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_BLOCK_START = re.compile(r"^ {0,3}(#{1,6}(\s|$)|>|[-+*]\s|\d{1,9}[.)]\s|`{3}|~{3}|\|)")


@lru_cache(maxsize=1)
def parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.add_render_rule("link_open", lambda *a: "")
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("image", _image)
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    return md


def clean(text: str | None) -> str:
    return strip_controls(text or "").strip()


def _link_target(tokens, idx: int) -> str:
    depth = 0
    for token in reversed(tokens[:idx]):
        if token.type == "link_close":
            depth += 1
        elif token.type == "link_open":
            if depth == 0:
                return token.attrGet("href") or ""
            depth -= 1
    return ""


def link_suffix(href: str, label: str) -> str:
    """' (address)' after a link's text, unless the text already is the address."""
    shown = href.removeprefix("mailto:")
    return "" if not href or shown == label else f" ({shown})"


def _link_close(self, tokens, idx, options, env) -> str:
    href = _link_target(tokens, idx)
    start = max(i for i in range(idx) if tokens[i].type == "link_open")
    label = "".join(t.content for t in tokens[start + 1:idx] if t.type in ("text", "code_inline"))
    return html.escape(link_suffix(href, label))


def _image(self, tokens, idx, options, env) -> str:
    alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
    return html.escape(f"[image: {alt}]" if alt else "[image]")


def _level(tag: str, env) -> int:
    return min(6, int(tag[1]) + int((env or {}).get("heading_offset", 0)))


def _heading_open(self, tokens, idx, options, env) -> str:
    return f"<h{_level(tokens[idx].tag, env)}>"


def _heading_close(self, tokens, idx, options, env) -> str:
    return f"</h{_level(tokens[idx].tag, env)}>\n"


def to_html(text: str | None, *, heading_offset: int = 0, lead: str = "") -> str:
    """Rendered, safe HTML; *lead* (HTML) starts the first paragraph, or stands before the blocks."""
    body = parser().render(clean(text), {"heading_offset": heading_offset})
    if not lead:
        return body
    if body.startswith("<p>"):
        return f"<p>{lead} {body[3:]}"
    return f"<p>{lead}</p>\n{body}"


def to_html_inline(text: str | None) -> str:
    """One short cell (a table): a lone paragraph loses its <p>."""
    body = to_html(text).strip()
    if body.startswith("<p>") and body.endswith("</p>") and body.count("<p>") == 1:
        return body[3:-4]
    return body


def as_written(text: str | None) -> str:
    """The markdown for the md export: as typed, controls removed, an open fence closed."""
    body = clean(text)
    fence: str | None = None
    for match in _FENCE.finditer(body):
        mark = match.group(1)
        if fence is None:
            fence = mark
        elif mark[0] == fence[0] and len(mark) >= len(fence):
            fence = None
    return body + (f"\n{fence}" if fence else "")


def with_lead(text: str | None, lead: str) -> str:
    """Markdown with a *lead* (markdown) before it: inline when it starts with prose, else its own paragraph."""
    body = as_written(text)
    if not body:
        return lead
    if _BLOCK_START.match(body):
        return f"{lead}\n\n{body}"
    return f"{lead} {body}"


def one_line(text: str | None) -> str:
    """User markdown squeezed into one md table cell (inline markup kept, pipes escaped)."""
    return " ".join(clean(text).split()).replace("|", "\\|")
