"""One self-contained HTML page: inline CSS, figures as base64 PNG, no external reference.

Everything that is not markup goes through ``esc``, which also breaks any ``scheme://``
sequence (``://`` is written ``&#58;//``, shown the same), so that no URL can appear in the file
even if a description or a source note holds one.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping, Sequence

from matplotlib.figure import Figure

CSS = """
:root { --ink: #1d2733; --muted: #5b6673; --line: #d9dee4; --accent: #1f5f8b; --soft: #eef3f8; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--ink);
  font: 16px/1.55 "DejaVu Sans", "Segoe UI", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 40px 64px; background: white; }
header { border-bottom: 4px solid var(--accent); margin-bottom: 24px; padding-bottom: 12px; }
h1 { font-size: 1.9em; margin: 0 0 6px; line-height: 1.2; }
h2 { font-size: 1.35em; margin: 34px 0 10px; color: var(--accent);
  border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.08em; margin: 20px 0 6px; }
p.meta, .muted { color: var(--muted); font-size: 0.92em; }
.question { font-size: 1.2em; background: var(--soft); border-left: 5px solid var(--accent);
  padding: 12px 18px; margin: 8px 0; }
.headline { background: #fff8e6; border: 1px solid #f0d9a0; border-radius: 6px;
  padding: 10px 18px; }
.headline p { margin: 6px 0; font-size: 1.05em; }
ul { padding-left: 1.3em; } li { margin: 4px 0; }
dl.scenarios dt { font-weight: bold; margin-top: 12px; }
dl.scenarios dd { margin: 2px 0 0 1.2em; }
table { border-collapse: collapse; width: 100%; margin: 10px 0; font-size: 0.86em; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left;
  vertical-align: top; }
th { background: var(--soft); }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 22px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 0.9em; margin-top: 4px; }
pre, code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.86em; }
pre { background: #f3f4f6; padding: 10px 12px; overflow-x: auto; border-radius: 4px; }
details summary { cursor: pointer; color: var(--accent); }
.note { border-left: 4px solid #d1495b; padding: 4px 12px; background: #fdf0f2; }
"""


def esc(text: object) -> str:
    """HTML-escaped text in which no ``scheme://`` sequence survives."""
    return html.escape(str(text), quote=True).replace("://", "&#58;//")


def png_data(fig: Figure, dpi: int = 110) -> str:
    """The figure as a ``data:image/png;base64,...`` URI (no Software metadata)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure(fig: Figure, caption: str, alt: str) -> str:
    """A ``<figure>`` holding the embedded PNG and its caption."""
    return (
        f'<figure><img src="{png_data(fig)}" alt="{esc(alt)}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def paragraphs(texts: Iterable[str], cls: str = "") -> str:
    """``<p>`` per text (escaped)."""
    attr = f' class="{cls}"' if cls else ""
    return "".join(f"<p{attr}>{esc(text)}</p>" for text in texts)


def bullets(texts: Iterable[str], lang: str | None = None) -> str:
    """An unordered list (escaped items); empty when there is none. ``lang``: the items are
    quoted in that language."""
    attr = f' lang="{lang}"' if lang else ""
    items = "".join(f"<li{attr}>{esc(text)}</li>" for text in texts)
    return f"<ul>{items}</ul>" if items else ""


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: set[int],
    quoted: Mapping[int, str] | None = None,
) -> str:
    """A table; columns in ``numeric`` are right-aligned; columns in ``quoted`` hold text
    quoted in another language (e.g. ``{2: "en"}``: sources cited as written) and say so."""
    quoted = quoted or {}
    head = "".join(f"<th>{esc(h)}</th>" for h in header)

    def cell(i: int, text: str) -> str:
        cls = ' class="num"' if i in numeric else ""
        attr = f' lang="{quoted[i]}"' if i in quoted else ""
        return f"<td{cls}{attr}>{esc(text)}</td>"

    body = "".join(
        "<tr>" + "".join(cell(i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def details(summary: str, text: str) -> str:
    """A folded block of preformatted text."""
    return f"<details><summary>{esc(summary)}</summary><pre>{esc(text)}</pre></details>"


def section(anchor: str, title: str, body: str) -> str:
    """A titled section."""
    return f'<section id="{anchor}"><h2>{esc(title)}</h2>{body}</section>'


def page(lang: str, title: str, subtitle: str, sections: Sequence[str]) -> str:
    """The whole document."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f'<body><main><header><h1>{esc(title)}</h1><p class="meta">{esc(subtitle)}</p></header>'
        + "".join(sections)
        + "</main></body></html>\n"
    )
