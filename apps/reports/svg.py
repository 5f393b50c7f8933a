"""The data-flow diagram: our systems → the vendor → its subprocessors, edges labelled by the categories they carry.

Pure SVG with presentation attributes only (no CSS, no script), so it shows the same in a file opened from
disk, in a mail client and in a page served under our `style-src 'self'` policy.
"""

from collections import OrderedDict
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

BOX_WIDTH = 220
BOX_HEIGHT = 44
COLUMN_X = (20, 560, 1100)
WIDTH = COLUMN_X[2] + BOX_WIDTH + 20
LABEL_CHARS = 56
SHARED_LINES = 4
NOT_SHARED_LINES = 3
LINE_HEIGHT = 13
# Room for the shared labels above an edge and the not-shared ones below it.
ROW_PITCH = BOX_HEIGHT + (SHARED_LINES + NOT_SHARED_LINES) * LINE_HEIGHT + 10
TOP = 40 + SHARED_LINES * LINE_HEIGHT
SHARED_COLOUR = "#102a43"
NOT_SHARED_COLOUR = "#ab091e"


def _label_lines(names, max_lines, prefix=""):
    """Category names packed into a few short lines; the rest is counted, so a 50-category edge stays legible."""
    lines, current, used = [], prefix, 0
    for name in names:
        candidate = f"{current}, {name}" if current and current != prefix else f"{current}{name}"
        if len(candidate) <= LABEL_CHARS:
            current, used = candidate, used + 1
            continue
        if len(lines) + 1 == max_lines:
            break
        lines.append(current)
        current, used = name, used + 1
    if current:
        lines.append(current)
    if used < len(names):
        lines[-1] = f"{lines[-1]} … " + _("+%(count)d more") % {"count": len(names) - used}
    return lines


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


def _label(x, y, text, colour):
    return (
        f'<text x="{x}" y="{y}" text-anchor="middle" font-family="sans-serif" font-size="11" fill="{colour}"'
        f' stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(text)}</text>'
    )


def _edge(x1, y1, x2, y2, shared, not_shared=()):
    """An arrow with the shared categories above it and the explicitly not-shared ones (in red) below it."""
    mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
    parts = [
        f'<line x1="{x1}" y1="{y1}" x2="{x2 - 6}" y2="{y2}" stroke="#3e4c59" stroke-width="1.5"'
        ' marker-end="url(#arrow)"/>',
    ]
    above = _label_lines(shared, SHARED_LINES) or ["(no shared category recorded)"]
    for index, line in enumerate(reversed(above)):
        parts.append(_label(mid_x, mid_y - 5 - index * LINE_HEIGHT, line, SHARED_COLOUR))
    for index, line in enumerate(_label_lines(not_shared, NOT_SHARED_LINES, prefix="not shared: ")):
        parts.append(_label(mid_x, mid_y + 13 + index * LINE_HEIGHT, line, NOT_SHARED_COLOUR))
    return parts


def _systems(flows):
    """One node per system, carrying the union of the categories its flows share (in catalogue order)."""
    systems = OrderedDict()
    for flow in flows:
        node = systems.setdefault(
            flow["system"]["name"], {"mechanisms": set(), "shared": OrderedDict(), "not_shared": OrderedDict()}
        )
        node["mechanisms"].add(flow.get("mechanism_label") or flow["mechanism"])
        for category in flow["shared"]:
            node["shared"].setdefault(category["code"], category["name"])
        for category in flow["not_shared"]:
            node["not_shared"].setdefault(category["code"], category["name"])
    # A category one flow shares is not "not shared" by the system as a whole.
    for node in systems.values():
        for code in node["shared"]:
            node["not_shared"].pop(code, None)
    return systems


def _more(rows, hidden_systems, hidden_subprocessors, href):
    """The last row's "and N more" under each column that was cut, a link when `href` is given."""
    parts = []
    y = TOP + (rows - 1) * ROW_PITCH + BOX_HEIGHT / 2
    for x, hidden, noun in (
        (COLUMN_X[0], hidden_systems, _("systems")),
        (COLUMN_X[2], hidden_subprocessors, _("subprocessors")),
    ):
        if not hidden:
            continue
        text = (
            f'<text x="{x + BOX_WIDTH / 2}" y="{y}" text-anchor="middle" font-family="sans-serif" font-size="12"'
            f' fill="#102a43">{escape(_("and %(n)s more %(noun)s") % {"n": hidden, "noun": noun})}</text>'
        )
        parts.append(f'<a href="{escape(href)}">{text}</a>' if href else text)
    return parts


def dataflow_svg(*, vendor_name, flows, subprocessors, title=None, max_rows=None, more_href=None):
    """An inline <svg> element. `flows` and `subprocessors` are the report's lists.

    With `max_rows`, at most that many systems and subprocessors are drawn (the first ones) and a last line counts
    the rest, linking to `more_href`: a page stays legible and light for a vendor fed by a hundred systems."""
    title = title or _("Data-flow diagram")
    systems = _systems(flows)
    hidden_systems = hidden_subprocessors = 0
    if max_rows is not None:
        hidden_systems = max(len(systems) - max_rows, 0)
        hidden_subprocessors = max(len(subprocessors) - max_rows, 0)
        systems = OrderedDict(list(systems.items())[:max_rows])
        subprocessors = subprocessors[:max_rows]
    rows = max(len(systems), len(subprocessors), 1) + (1 if hidden_systems or hidden_subprocessors else 0)
    height = TOP + rows * ROW_PITCH
    vendor_y = TOP + ((rows - 1) * ROW_PITCH) / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="diagram-title" width="100%"'
        f' viewBox="0 0 {WIDTH} {height}" id="dataflow-diagram">',
        f'<title id="diagram-title">{escape(title)}: {escape(vendor_name)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8"'
        ' orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#3e4c59"/></marker></defs>',
        '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
    ]
    headings = (_("Our systems"), _("Vendor"), _("Subprocessors"))  # in the report's language (render() sets it)
    for x, heading in zip(COLUMN_X, headings, strict=True):
        parts.append(
            f'<text x="{x + BOX_WIDTH / 2}" y="22" text-anchor="middle" font-family="sans-serif" font-size="12"'
            f' fill="#52606d">{heading}</text>'
        )
    vendor_mid = vendor_y + BOX_HEIGHT / 2
    for index, (name, node) in enumerate(systems.items()):
        y = TOP + index * ROW_PITCH
        start, end = (COLUMN_X[0] + BOX_WIDTH, y + BOX_HEIGHT / 2), (COLUMN_X[1], vendor_mid)
        parts += _edge(*start, *end, list(node["shared"].values()), list(node["not_shared"].values()))
        parts += _box(COLUMN_X[0], y, name, ", ".join(sorted(node["mechanisms"])), "#e3f8ff", "#0b69a3")
    if not subprocessors:
        parts.append(
            f'<text x="{COLUMN_X[2] + BOX_WIDTH / 2}" y="{vendor_mid + 4}" text-anchor="middle"'
            ' font-family="sans-serif" font-size="11" fill="#52606d">none recorded</text>'
        )
    for index, link in enumerate(subprocessors):
        y = TOP + index * ROW_PITCH
        names = [category["name"] for category in link["categories"]]
        parts += _edge(COLUMN_X[1] + BOX_WIDTH, vendor_mid, COLUMN_X[2], y + BOX_HEIGHT / 2, names)
        parts += _box(COLUMN_X[2], y, link["name"], link.get("purpose", ""), "#fffbea", "#b44d12")
    parts += _box(COLUMN_X[1], vendor_y, vendor_name, "vendor", "#ffe3e3", "#ab091e")
    parts += _more(rows, hidden_systems, hidden_subprocessors, more_href)
    parts.append("</svg>")
    return "\n".join(parts)
