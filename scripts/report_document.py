"""A report as a list of blocks (headings, paragraphs, tables, charts), rendered to one
self-contained HTML file (charts as base64 PNG) or to Markdown (charts as PNG files beside it)."""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

from actbench_charts import Chart, render_in_parallel

PNG_DPI = 100
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1800px; padding: 0 1em;
       color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0 2em; }
figure img { max-width: 100%; }
figcaption { color: #555; font-size: 0.9em; }
.fail { color: #b00020; font-weight: bold; }
"""


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str
    emphasis: bool = False    # drawn as a warning (a failure, a noisy machine)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)   # columns aligned right


@dataclass
class ChartBlock:
    chart: Chart


Block = Heading | Paragraph | Table | ChartBlock


def _png(chart: Chart) -> bytes:
    buffer = io.BytesIO()
    chart.figure.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


def _render_charts(blocks: list[Block]) -> dict[int, bytes]:
    """The PNG of every chart block, by the block's id, drawn on all cores."""
    figures = [b for b in blocks if isinstance(b, ChartBlock)]
    return dict(zip(map(id, figures), render_in_parallel(_png, [f.chart for f in figures])))


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = []
    for row in table.rows:
        cells = "".join(f"<td class=\"num\">{html.escape(c)}</td>" if i in table.numeric
                        else f"<td>{html.escape(c)}</td>" for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(title: str, blocks: list[Block]) -> str:
    """One HTML file that needs nothing else: styles inline, charts as data: URIs."""
    pngs = _render_charts(blocks)
    parts = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
             f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>"]
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            css = " class=\"fail\"" if block.emphasis else ""
            parts.append(f"<p{css}>{html.escape(block.text)}</p>")
        elif isinstance(block, Table):
            parts.append(_html_table(block))
        else:
            data = base64.b64encode(pngs[id(block)]).decode("ascii")
            caption = html.escape(block.chart.title)
            parts.append(f"<figure><img alt=\"{caption}\" src=\"data:image/png;base64,{data}\">"
                         f"<figcaption>{caption}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(table: Table) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in table.headers) + " |",
             "|" + "|".join("---:" if i in table.numeric else "---"
                            for i in range(len(table.headers))) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def render_markdown(title: str, blocks: list[Block], output: Path) -> str:
    """Markdown text; the charts are written as PNG files to a folder named after the output."""
    chart_dir = output.with_name(f"{output.stem}_charts")
    pngs = _render_charts(blocks)
    parts = [f"# {title}"]
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Paragraph):
            parts.append(f"**{block.text}**" if block.emphasis else block.text)
        elif isinstance(block, Table):
            parts.append(_md_table(block))
        else:
            chart_dir.mkdir(parents=True, exist_ok=True)
            image = chart_dir / f"{block.chart.name}.png"
            image.write_bytes(pngs[id(block)])
            parts.append(f"![{_md_cell(block.chart.title)}]({chart_dir.name}/{image.name})")
    return "\n\n".join(parts) + "\n"
