"""Write a file atomically: a temporary file beside it, then a rename (readers see old or new, never half)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text(path: Path, content: str) -> bool:
    """Write `content` (UTF-8) to `path` unless it already holds exactly that; True when written."""
    data = content.encode("utf-8")
    mode = 0o644
    try:
        if path.read_bytes() == data:
            return False
        mode = path.stat().st_mode & 0o777  # a doc keeps its permissions
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
