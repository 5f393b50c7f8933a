"""Report endpoints use `?format=json|md|html|csv` for the report's format, not for DRF's renderer choice."""

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer


class IgnoreFormatParameterNegotiation(DefaultContentNegotiation):
    """DRF reads `?format=` (URL_FORMAT_OVERRIDE) to pick a renderer and answers 404 for an unknown one.

    The report views render their own body; this negotiation only chooses how errors are rendered: JSON.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = next((r for r in renderers if isinstance(r, JSONRenderer)), renderers[0])
        return renderer, renderer.media_type
