"""mdschema: Markdown schema docs as the single source of truth for models and migrations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mdschema")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"
