"""A tiny document model rendered twice: self-contained HTML and Markdown (reports, comparisons).

A :class:`Document` is a list of blocks (headings, paragraphs, tables, figures, code). The HTML
rendering embeds every figure as a base64 PNG and carries its own CSS, so a reader can open it
offline; the Markdown rendering links the figure files written beside it.
"""

from __future__ import annotations

import base64
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

CSS = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #332288; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .88rem; }
th, td { border: 1px solid #ccc; padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.met { color: #0b6e4f; font-weight: bold; } td.missed { color: #b03000; font-weight: bold; }
figure { margin: 1.2rem 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: .88rem; color: #444; margin-top: .3rem; }
code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: .85rem; background: #f6f6f6; }
pre { padding: .5rem; overflow-x: auto; }
.note { font-size: .88rem; color: #444; }
"""


def format_value(value: float | None, unit: str = "") -> str:
    """A number as a reader wants it: fractions in %, years as integers, large values with commas."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    value = float(value)
    if unit == "fraction":
        return f"{value:.1%}"
    if unit in ("", "year") and value.is_integer():
        return f"{int(value)}"
    if unit == "years":
        return f"{value:+g} years"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    return f"{text} {unit}".strip()


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    classes: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> css class


@dataclass
class Figure:
    """A figure file (relative to the document) with the PNG bytes embedded in HTML."""

    path: str
    png: bytes
    caption: str
    alt: str


@dataclass
class Document:
    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(("heading", (level, text)))

    def paragraph(self, text: str, note: bool = False) -> None:
        self.blocks.append(("note" if note else "paragraph", text))

    def table(self, table: Table) -> None:
        self.blocks.append(("table", table))

    def figure(self, figure: Figure) -> None:
        self.blocks.append(("figure", figure))

    def code(self, text: str) -> None:
        self.blocks.append(("code", text))

    @property
    def figures(self) -> list[Figure]:
        return [b for kind, b in self.blocks if kind == "figure"]  # type: ignore[misc]

    # --- renderers ----------------------------------------------------------------------------

    def to_html(self) -> str:
        e = html.escape
        out = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(self.title)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            f"<h1>{e(self.title)}</h1>",
        ]
        for kind, block in self.blocks:
            if kind == "heading":
                level, text = block  # type: ignore[misc]
                out.append(f"<h{level}>{e(text)}</h{level}>")
            elif kind in ("paragraph", "note"):
                cls = ' class="note"' if kind == "note" else ""
                out.append(f"<p{cls}>{e(str(block))}</p>")
            elif kind == "code":
                out.append(f"<pre><code>{e(str(block))}</code></pre>")
            elif kind == "table":
                out.append(_html_table(block))  # type: ignore[arg-type]
            elif kind == "figure":
                fig: Figure = block  # type: ignore[assignment]
                data = base64.b64encode(fig.png).decode("ascii")
                out.append(
                    f'<figure><img src="data:image/png;base64,{data}" alt="{e(fig.alt)}">'
                    f"<figcaption>{e(fig.caption)}</figcaption></figure>"
                )
        out += ["</body>", "</html>", ""]
        return "\n".join(out)

    def to_markdown(self) -> str:
        """Markdown in which every text is literal: scenario descriptions, target and shock ids
        cannot inject HTML, links, images or headings (see :func:`md_text`)."""
        out = [f"# {md_text(self.title)}", ""]
        for kind, block in self.blocks:
            if kind == "heading":
                level, text = block  # type: ignore[misc]
                out += ["#" * level + " " + md_text(text), ""]
            elif kind in ("paragraph", "note"):
                out += [md_text(str(block)), ""]
            elif kind == "code":
                text = str(block)
                fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
                out += [fence, text, fence, ""]
            elif kind == "table":
                out += [_md_table(block), ""]  # type: ignore[arg-type]
            elif kind == "figure":
                fig: Figure = block  # type: ignore[assignment]
                out += [f"![{md_text(fig.alt)}]({fig.path})", "", f"*{md_text(fig.caption)}*", ""]
        return "\n".join(out)

    def write(self, folder: Path, stem: str) -> tuple[Path, Path]:
        """Write ``<stem>.html`` and ``<stem>.md`` into ``folder``; return their paths."""
        html_path, md_path = folder / f"{stem}.html", folder / f"{stem}.md"
        html_path.write_text(self.to_html(), encoding="utf-8")
        md_path.write_text(self.to_markdown(), encoding="utf-8")
        return html_path, md_path


def _html_table(table: Table) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in table.headers)
    rows = []
    for i, row in enumerate(table.rows):
        cells = []
        for j, cell in enumerate(row):
            classes = [c for c in ("num" if j in table.numeric else "",
                                   table.classes.get((i, j), "")) if c]
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{cls}>{e(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")
_MD_LINE_START = re.compile(r"^(\s*)([-+>=])|^(\s*\d+)([.)])")


def md_text(text: str) -> str:
    """``text`` as literal Markdown on one line: ``<``, ``>`` and ``&`` as HTML entities (no raw
    HTML such as ``<script>`` or ``<img onerror>``), the characters that start emphasis, code,
    links, images, headings and tables backslash-escaped, and a leading list or quote marker too."""
    one_line = " ".join(str(text).split())
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))
    return _MD_LINE_START.sub(lambda m: f"{m[1] or m[3] or ''}\\{m[2] or m[4]}", escaped)


def _md_table(table: Table) -> str:
    lines = ["| " + " | ".join(md_text(h) for h in table.headers) + " |"]
    lines.append("| " + " | ".join("---:" if j in table.numeric else "---"
                                   for j in range(len(table.headers))) + " |")
    for row in table.rows:
        lines.append("| " + " | ".join(md_text(c) for c in row) + " |")
    return "\n".join(lines)


def render_figure(fig, root: Path, stem: str, fmt: str, caption: str, alt: str) -> Figure:
    """Save a matplotlib figure as ``root/stem.fmt`` (stem may hold a sub-folder, e.g.
    ``figures/capacity``) and return a block that embeds its PNG and links the file.

    The PNG for the HTML is always made (browsers cannot show PDF inline); with ``fmt="png"`` the
    same bytes are written to the file.
    """
    import io

    from ctsim.plots.style import DPI

    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    png = buffer.getvalue()
    rel = f"{stem}.{fmt}"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "png":
        path.write_bytes(png)
    else:
        meta = {"Creator": None} if fmt == "pdf" else {"Date": None}
        fig.savefig(path, format=fmt, dpi=DPI, metadata=meta)
    return Figure(path=rel, png=png, caption=caption, alt=alt)


FORMATS = ("png", "svg", "pdf")


def check_output_options(fmt: str, out, force: bool) -> None:
    """Refuse a bad --format or an existing output folder without --force, before any work."""
    from pathlib import Path

    from ..errors import UsageError

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    if out is not None and Path(out).exists() and not Path(out).is_dir():  # --force does not change that
        raise UsageError(f"{out}: exists and is not a folder; --out names a folder")
    if out is not None and Path(out).exists() and not force:
        raise UsageError(f"{out}: output folder exists; use --force to replace it")
