"""The editor's Markdown as Slack's mrkdwn (docs.slack.dev/messaging/formatting-message-text).

Slack does not render Markdown in ``text``; it has its own marks: ``*bold*``, ``_italic_``,
``~strike~``, `` `code` ``, ```` ```blocks``` ```` and links as ``<url|words>``. ``&``,
``<`` and ``>`` in text must be escaped as HTML entities, so a person's ``<`` is never read
as the start of a link or a mention. Lists keep their bullets as text.
"""

from __future__ import annotations

from markdown_it.token import Token

from app.text.image_refs import is_internal
from app.text.plain import render

_MARKS = {"strong": "*", "em": "_", "s": "~"}


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown_text: str) -> str:
    return render(markdown_text, _inline, lambda code: f"```\n{escape(code)}\n```", escape)


def _inline(children: list[Token]) -> str:
    parts: list[str] = []
    links: list[tuple[str, int]] = []
    for child in children:
        kind = child.type
        if kind == "text":
            parts.append(escape(child.content))
        elif kind == "code_inline":
            parts.append(f"`{escape(child.content)}`")
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind.endswith(("_open", "_close")) and kind.rsplit("_", 1)[0] in _MARKS:
            parts.append(_MARKS[kind.rsplit("_", 1)[0]])
        elif kind == "link_open":
            links.append((str(child.attrGet("href") or ""), len(parts)))
        elif kind == "link_close" and links:
            href, start = links.pop()
            words = "".join(parts[start:])
            del parts[start:]
            parts.append(f"<{href}|{words}>" if words and words != escape(href) else f"<{href}>")
        elif kind == "image" and not is_internal(child.attrGet("src")):
            parts.append(f"<{child.attrGet('src')}|{escape(child.content)}>")
    return "".join(parts)
