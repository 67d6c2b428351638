"""The pieces every report page is made of: the page itself, its style, safe text and links.

Every text that can come from a submission (names, messages) goes through
:func:`text`, which escapes it for HTML; every link to a submission's page
or picture through :func:`href`, which percent-encodes its name. The pages
are static files with no script, so they open from disk, from a web server or
from an LMS's file area alike.
"""

from __future__ import annotations

import html
from urllib.parse import quote

STYLE = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --good: #2f855a;
        --bad: #c53030; --bar: #3c6e9f; --paper: #ffffff; --shade: #f5f7fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       background: var(--shade); margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; background: var(--paper); }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); }
p.lead { color: var(--muted); margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; }
th { background: var(--shade); font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; min-width: 140px; }
.card strong { display: block; font-size: 22px; }
.meter { background: var(--shade); border-radius: 3px; height: 10px; width: 160px; }
.meter span { display: block; height: 10px; border-radius: 3px; background: var(--bar); }
.status-graded { color: var(--good); }
.status-other { color: var(--bad); }
figure { margin: 12px 0; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
img { display: block; max-width: 100%; margin: 8px 0; border: 1px solid var(--line); }
nav a { color: var(--bar); }
"""


def text(value: object) -> str:
    """Any value as HTML text: what it says, never markup."""
    return html.escape(str(value), quote=True)


def href(name: str, suffix: str = "") -> str:
    """A relative link to a file named after ``name`` (a submission's), percent-encoded."""
    return quote(name + suffix, safe="", errors="surrogateescape")


def page(title: str, body: str) -> str:
    """A whole page: ``title`` (plain text) and ``body`` (HTML made with :func:`text`)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "img-src 'self' file:; style-src 'unsafe-inline'\">\n"
        f"<title>{text(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def table(
    header: list[str],
    rows: list[list[str]],
    numeric: set[int] | None = None,
    row_ids: list[str] | None = None,
) -> str:
    """An HTML table; ``header`` is plain text, cells are HTML; ``numeric`` columns align right."""
    numeric = numeric or set()

    def cells(tag: str, contents: list[str]) -> str:
        return "".join(
            f'<{tag} class="number">{content}</{tag}>' if at in numeric
            else f"<{tag}>{content}</{tag}>"
            for at, content in enumerate(contents)
        )

    head = cells("th", [text(name) for name in header])
    body = "\n".join(
        (f'<tr id="{text(row_ids[at])}">' if row_ids else "<tr>") + cells("td", row) + "</tr>"
        for at, row in enumerate(rows)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def meter(fraction: float) -> str:
    """A horizontal bar filled to ``fraction`` (0 to 1)."""
    width = max(0.0, min(fraction, 1.0)) * 100
    return f'<div class="meter"><span style="width: {width:.1f}%"></span></div>'
