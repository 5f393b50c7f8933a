"""The data-flow diagram: our systems → the vendor → its subprocessors, edges labelled by the categories they carry.

Pure SVG with presentation attributes only (no CSS, no script), so it shows the same in a file opened from
disk, in a mail client and in a page served under our `style-src 'self'` policy.
"""

from collections import OrderedDict
from xml.sax.saxutils import escape

BOX_WIDTH = 220
BOX_HEIGHT = 44
ROW_GAP = 30
COLUMN_X = (20, 520, 1020)
WIDTH = COLUMN_X[2] + BOX_WIDTH + 20
LABEL_CHARS = 48
LABEL_LINES = 3
LINE_HEIGHT = 14


def _label_lines(names):
    """Category names packed into a few short lines; the rest is counted, so a 50-category edge stays legible."""
    lines, current, used = [], "", 0
    for name in names:
        candidate = f"{current}, {name}" if current else name
        if len(candidate) <= LABEL_CHARS:
            current, used = candidate, used + 1
            continue
        if len(lines) + 1 == LABEL_LINES:
            break
        lines.append(current)
        current, used = name, used + 1
    if current:
        lines.append(current)
    if used < len(names):
        lines[-1] = f"{lines[-1]} … +{len(names) - used} more"
    return lines or ["(no category recorded)"]


def _box(x, y, title, subtitle, fill, stroke):
    parts = [
        f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6" fill="{fill}" stroke="{stroke}"'
        ' stroke-width="1.5"/>',
        f'<text x="{x + BOX_WIDTH / 2}" y="{y + 19}" text-anchor="middle" font-family="sans-serif" font-size="13"'
        f' font-weight="bold" fill="#1f2933">{escape(title[:32])}</text>',
    ]
    if subtitle:
        parts.append(
            f'<text x="{x + BOX_WIDTH / 2}" y="{y + 35}" text-anchor="middle" font-family="sans-serif"'
            f' font-size="11" fill="#52606d">{escape(subtitle[:40])}</text>'
        )
    return parts


def _edge(x1, y1, x2, y2, names):
    mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
    lines = _label_lines(names)
    top = mid_y - (len(lines) * LINE_HEIGHT) / 2 - 4
    parts = [
        f'<line x1="{x1}" y1="{y1}" x2="{x2 - 6}" y2="{y2}" stroke="#3e4c59" stroke-width="1.5"'
        ' marker-end="url(#arrow)"/>',
    ]
    for index, line in enumerate(lines):
        parts.append(
            f'<text x="{mid_x}" y="{top + (index + 1) * LINE_HEIGHT}" text-anchor="middle" font-family="sans-serif"'
            f' font-size="10" fill="#102a43" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f"{escape(line)}</text>"
        )
    return parts


def _systems(flows):
    """One node per system, carrying the union of the categories its flows share (in catalogue order)."""
    systems = OrderedDict()
    for flow in flows:
        node = systems.setdefault(flow["system"]["name"], {"mechanisms": set(), "categories": OrderedDict()})
        node["mechanisms"].add(flow.get("mechanism_label") or flow["mechanism"])
        for category in flow["shared"]:
            node["categories"].setdefault(category["code"], category["name"])
    return systems


def dataflow_svg(*, vendor_name, flows, subprocessors, title="Data-flow diagram"):
    """An inline <svg> element. `flows` and `subprocessors` are the report's lists."""
    systems = _systems(flows)
    rows = max(len(systems), len(subprocessors), 1)
    height = 40 + rows * (BOX_HEIGHT + ROW_GAP) + 20
    vendor_y = 40 + (rows * (BOX_HEIGHT + ROW_GAP) - ROW_GAP) / 2 - BOX_HEIGHT / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="diagram-title" width="{WIDTH}"'
        f' height="{height}" viewBox="0 0 {WIDTH} {height}" id="dataflow-diagram">',
        f'<title id="diagram-title">{escape(title)}: {escape(vendor_name)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8"'
        ' orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#3e4c59"/></marker></defs>',
        '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
    ]
    for x, heading in zip(COLUMN_X, ("Our systems", "Vendor", "Subprocessors"), strict=True):
        parts.append(
            f'<text x="{x + BOX_WIDTH / 2}" y="22" text-anchor="middle" font-family="sans-serif" font-size="12"'
            f' fill="#52606d">{heading}</text>'
        )
    vendor_mid = vendor_y + BOX_HEIGHT / 2
    for index, (name, node) in enumerate(systems.items()):
        y = 40 + index * (BOX_HEIGHT + ROW_GAP)
        parts += _edge(
            COLUMN_X[0] + BOX_WIDTH, y + BOX_HEIGHT / 2, COLUMN_X[1], vendor_mid, list(node["categories"].values())
        )
        parts += _box(COLUMN_X[0], y, name, ", ".join(sorted(node["mechanisms"])), "#e3f8ff", "#0b69a3")
    for index, link in enumerate(subprocessors):
        y = 40 + index * (BOX_HEIGHT + ROW_GAP)
        names = [category["name"] for category in link["categories"]]
        parts += _edge(COLUMN_X[1] + BOX_WIDTH, vendor_mid, COLUMN_X[2], y + BOX_HEIGHT / 2, names)
        parts += _box(COLUMN_X[2], y, link["name"], link.get("purpose", ""), "#fffbea", "#b44d12")
    parts += _box(COLUMN_X[1], vendor_y, vendor_name, "vendor", "#ffe3e3", "#ab091e")
    parts.append("</svg>")
    return "\n".join(parts)
