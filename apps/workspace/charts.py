"""Server-drawn SVG bar charts whose bars are links. No script, no CSS: presentation attributes only, so the
charts show under `style-src 'self'` and in any saved copy (the same approach as apps.reports.svg).

Every chart is paired in the template with a table of the same figures, for screen readers and keyboard users.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import mark_safe

LABEL_WIDTH = 175
BAR_AREA = 140
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TEXT = "#1b1f24"
# Dark enough against white for WCAG's 3:1 for graphics, and told apart by their labels, not by colour alone.
DEFAULT_COLOUR = "#0b5cad"


def _short(label, limit=27):
    return label if len(label) <= limit else f"{label[: limit - 1]}…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str
    colour: str = DEFAULT_COLOUR


def bar_chart(*, title: str, bars: list[Bar], chart_id: str) -> str:
    """A horizontal bar chart; each bar (and its label) links to the list of rows it counts.

    A group, not an image: an image role would hide the links inside it from assistive technology.
    """
    height = max(len(bars), 1) * ROW_HEIGHT + 8
    width = LABEL_WIDTH + BAR_AREA + 45
    top = max((bar.value for bar in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="group" aria-labelledby="{chart_id}-title" width="100%"'
        f' viewBox="0 0 {width} {height}" id="{chart_id}" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if not bars:
        parts.append(f'<text x="0" y="18" font-family="sans-serif" font-size="13" fill="{TEXT}">Nothing to show</text>')
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        length = round(BAR_AREA * bar.value / top) if bar.value else 0
        parts += [
            f"<a href={quoteattr(bar.href)}>",
            f"<title>{escape(bar.label)}: {bar.value}</title>",
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 14}" text-anchor="end" font-family="sans-serif" font-size="12"'
            f' fill="{TEXT}">{escape(_short(bar.label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 2)}" height="{BAR_HEIGHT}" fill="{bar.colour}"/>',
            f'<text x="{LABEL_WIDTH + max(length, 2) + 6}" y="{y + 14}" font-family="sans-serif" font-size="13"'
            f' font-weight="bold" fill="{TEXT}">{bar.value}</text>',
            "</a>",
        ]
    parts.append("</svg>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every text and attribute above is escaped
