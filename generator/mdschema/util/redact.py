"""Hide passwords in database URLs and libpq keyword strings before they reach a message."""

from __future__ import annotations

import re

MASK = "***"

# scheme://user:password@host — the password runs to the last "@" that is followed by a host part
# (no "@", ends at "/", "?", "#", whitespace or the end), so an unencoded "@" in it is still hidden.
_URL_PASSWORD = re.compile(
    r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*:)(?P<password>\S*)@(?=[^@\s/?#]*(?:[/?#\s]|$))"
)
# password=secret, password = 'sec ret', ?password=secret&... (libpq keywords and URL query parameters)
_KEYWORD_PASSWORD = re.compile(
    r"(?P<head>\bpassword\s*=\s*)(?P<password>'(?:[^'\\]|\\.)*'|[^\s&'\"]+)", re.IGNORECASE
)


def redact(text_or_url: str) -> str:
    """Return the text with every password in a URL or libpq keyword string replaced by ``***``."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@", text_or_url)
    return _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}{MASK}", text)
