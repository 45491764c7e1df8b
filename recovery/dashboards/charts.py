"""Charts as inline SVG, rendered on the server: no CDN, no JavaScript, readable in print.

Labels are plain text (any script: Latin, Cyrillic, Kazakh), escaped; each bar segment is a link to
the records behind it. Colours come from CSS classes (templates/dashboard/base.html), kept in print
(print-color-adjust); every chart sits beside a table with the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass
class Segment:
    value: float
    url: str = ""


@dataclass
class Row:
    label: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _legend(series: list[str], y: int, width: int) -> tuple[list[str], int]:
    """Legend entries left to right, wrapping at `width`; returns the parts and the height used."""
    parts, x, line = [], 0, 0
    for index, name in enumerate(series):
        item_w = 24 + 7 * len(name)
        if x and x + item_w > width:
            x, line = 0, line + 1
        ly = y + line * 18
        parts.append(
            f'<rect x="{x}" y="{ly}" width="12" height="12" class="series-{index}"></rect>'
            f'<text x="{x + 16}" y="{ly + 10}" class="legend">{escape(name)}</text>'
        )
        x += item_w
    return parts, (line + 1) * 18 if series else 0


def _link(url: str, inner: str, title: str) -> str:
    tooltip = f"<title>{escape(title)}</title>"
    if not url:
        return f"<g>{tooltip}{inner}</g>"
    # The link's own name: a screen reader does not always take it from an SVG <title>.
    return f'<a href="{escape(url)}" aria-label="{escape(title)}">{tooltip}{inner}</a>'


def _open_svg(width: int, height: int, title: str, linked: bool) -> str:
    """The chart's <svg>: an image when it holds no link; a labelled group when it does, since an
    image's content is presentational and links inside it would be nested controls."""
    role = "group" if linked else "img"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="{role}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def _linked(rows: list[Row]) -> bool:
    return any(segment.url for row in rows for segment in row.segments)


def hbar_chart(
    rows: list[Row], series: list[str], *, title: str, width: int = 760, label_width: int = 190
) -> SafeString:
    """A horizontal (stacked when several series) bar chart, rows in the order given."""
    bar_h, gap = 20, 8
    legend, legend_h = _legend(series, 4, width) if len(series) > 1 else ([], 0)
    top = legend_h + 10
    height = top + len(rows) * (bar_h + gap) + 10
    plot_w = width - label_width - 70
    scale_max = max((r.total for r in rows), default=0) or 1
    parts = [_open_svg(width, height, title, _linked(rows)), *legend]
    for index, row in enumerate(rows):
        y = top + index * (bar_h + gap)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" class="label">'
            f"<title>{escape(row.label)}</title>{escape(_short(row.label, 30))}</text>"
        )
        x = float(label_width)
        for s_index, segment in enumerate(row.segments):
            if not segment.value:
                continue
            w = plot_w * segment.value / scale_max
            rect = (
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" class="series-{s_index}"></rect>'
            )
            name = series[s_index] if s_index < len(series) else ""
            parts.append(_link(segment.url, rect, f"{row.label} — {name}: {_fmt(segment.value)}"))
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + bar_h * 0.7:.1f}" class="value">{_fmt(row.total)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and URL above is escaped


def column_chart(
    columns: list[Row], series: list[str], *, title: str, width: int = 760, height: int = 240
) -> SafeString:
    """Grouped vertical columns (one group per label, one column per series), e.g. per month."""
    legend, legend_h = _legend(series, 4, width)
    top, bottom, left = legend_h + 10, 40, 40
    plot_h = height - top - bottom
    n = max(len(columns), 1)
    group_w = (width - left - 10) / n
    col_w = max(min(group_w * 0.8 / max(len(series), 1), 28), 2)
    scale_max = max((s.value for c in columns for s in c.segments), default=0) or 1
    parts = [_open_svg(width, height, title, _linked(columns))]
    parts.extend(legend)
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" class="axis"></line>'
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" class="value">{_fmt(scale_max)}</text>'
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" class="value">0</text>'
    )
    label_every = max(1, int(n / 12 + 0.999))
    for index, column in enumerate(columns):
        gx = left + index * group_w + (group_w - col_w * len(column.segments)) / 2
        for s_index, segment in enumerate(column.segments):
            h = plot_h * segment.value / scale_max
            rect = (
                f'<rect x="{gx + s_index * col_w:.1f}" y="{top + plot_h - h:.1f}" width="{col_w:.1f}" '
                f'height="{max(h, 0):.1f}" class="series-{s_index}"></rect>'
            )
            name = series[s_index] if s_index < len(series) else ""
            parts.append(_link(segment.url, rect, f"{column.label} — {name}: {_fmt(segment.value)}"))
        if index % label_every == 0:
            cx = left + index * group_w + group_w / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle" class="label">'
                f"{escape(column.label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and URL above is escaped
