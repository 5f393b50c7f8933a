"""How the human-readable formats (Markdown, HTML) write the report's ISO timestamps."""

import datetime


def readable_time(value) -> str:
    """'2025-11-09T00:00:00+00:00' → '2025-11-09 00:00 UTC'; '' for None. The JSON keeps the ISO string."""
    if not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
