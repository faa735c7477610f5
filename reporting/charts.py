"""Charts drawn on the server with pygal (a maintained library from PyPI): SVG, no JavaScript, no CDN.

Each chart is an SVG image given as a data URI (the page's strict CSP allows `data:` images, while it
would refuse the style sheet inside an inline SVG). Series differ by dash pattern and marker size, not
only by colour, and every chart is shown next to its data table.
"""

import base64
import sys
from decimal import Decimal

import pygal
from pygal.style import Style

# pygal puts an import hook first in `sys.meta_path` for its optional `pygal.maps.*` plugins, which we do
# not use; the hook is an old-style finder that every later import in the process trips over (an
# ImportWarning each time). Taking it out changes nothing for the charts drawn here.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

# Distinguishable in grey: solid, long dashes, short dashes, dots.
DASHES = (None, "12, 6", "4, 4", "1, 5")
STYLE = Style(
    background="white", plot_background="white", foreground="#212529", foreground_strong="#212529",
    foreground_subtle="#6c757d", colors=("#0d6efd", "#212529", "#6f42c1", "#b35c00"), font_family="sans-serif",
    label_font_size=12, major_label_font_size=12, legend_font_size=12, title_font_size=14,
)  # fmt: skip


def _data_uri(chart: pygal.graph.graph.Graph) -> str:
    return "data:image/svg+xml;charset=utf-8;base64," + base64.b64encode(chart.render()).decode("ascii")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def trend_chart(*, title: str, labels: list[str], series: list[tuple[str, list[Decimal | None]]]) -> str:
    """A line chart of figures over periods, as a data URI."""
    chart = pygal.Line(style=STYLE, js=[], width=720, height=280, title=title,
                       x_label_rotation=30, show_legend=True, legend_at_bottom=True, dots_size=3,
                       allow_interruptions=True, truncate_legend=-1)  # fmt: skip
    chart.x_labels = labels
    for index, (name, values) in enumerate(series):
        dash = DASHES[index % len(DASHES)]
        options = {"stroke_style": {"width": 2, "dasharray": dash}} if dash else {"stroke_style": {"width": 2}}
        chart.add(name, [_number(value) for value in values], dots_size=2 + index, **options)
    return _data_uri(chart)


def bar_chart(*, title: str, rows: list[tuple[str, Decimal | None]]) -> str:
    """Units side by side on one figure: horizontal bars labelled with their value."""
    chart = pygal.HorizontalBar(style=STYLE, js=[], width=720,
                                height=max(160, 40 * len(rows) + 80), title=title, show_legend=False,
                                print_values=True, print_values_position="top")  # fmt: skip
    chart.x_labels = [name for name, _value in rows]
    chart.add(title, [_number(value) for _name, value in rows])
    return _data_uri(chart)
