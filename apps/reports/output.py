"""Writing a report to a file so that a failure leaves no file behind, nor half of one."""

import os
import tempfile
from pathlib import Path


def write_atomically(path, text):
    """Write `text` (a str, or an iterable of str such as CSV lines) to a temporary file beside `path`, then
    rename it over `path`. Raises OSError."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.writelines([text] if isinstance(text, str) else text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
