"""Local state that can be trusted: JSON signed with a key that lives outside the checkout.

Caches and the manifest can give a "clean" verdict, so they are trusted only when their HMAC verifies. The
key is made once per machine and user (`$XDG_CACHE_HOME/mdschema/cache-key`, mode 0600): an entry that was
copied under another name, truncated, flipped, or committed to a repository by someone else never
verifies, and is then ignored and rebuilt. JSON only: nothing read back can run code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from functools import cache
from pathlib import Path
from typing import Any

FORMAT = 1


def user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mdschema"


@cache
def _secret() -> bytes:
    """The machine's key (created once, 0600); a process-local one when it cannot be stored."""
    path = user_cache_dir() / "cache-key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex())
    except FileExistsError:  # another process made it first: use theirs
        try:
            return bytes.fromhex(path.read_text().strip())
        except (OSError, ValueError):
            return key
    except OSError:
        pass
    return key


def _mac(key: str, payload: bytes) -> str:
    return hmac.new(_secret(), key.encode() + b"\0" + payload, hashlib.sha256).hexdigest()


def load(path: Path, key: str) -> Any | None:
    """The JSON value stored under `key` at `path`; None when absent, unreadable, foreign or tampered."""
    payload = load_bytes(path, key)
    if payload is None:
        return None
    try:
        return json.loads(payload)
    except (ValueError, RecursionError):
        return None


def load_bytes(path: Path, key: str) -> bytes | None:
    """The payload stored under `key` at `path` (a caller that decodes it itself); None as for `load`."""
    try:
        header, _, payload = path.read_bytes().partition(b"\n")
        meta = json.loads(header)
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
            return None
        if not hmac.compare_digest(str(meta.get("mac", "")), _mac(key, payload)):
            return None
        return payload
    except (OSError, ValueError, RecursionError):
        return None


def store(path: Path, key: str, value: Any) -> bool:
    """Write atomically; False when it cannot be written (a cache that is not written is only slower)."""
    return store_bytes(path, key, json.dumps(value, separators=(",", ":"), sort_keys=True).encode())


def store_bytes(path: Path, key: str, payload: bytes) -> bool:
    """`store` of a payload the caller encoded (JSON, decoded by its own reader)."""
    header = json.dumps({"format": FORMAT, "key": key, "mac": _mac(key, payload)}).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(header + b"\n" + payload)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # a read-only file system refuses even that
            pass
        return False


def project_dir(root: Path, kind: str, create: bool = True) -> Path | None:
    """A writable folder for local state of `kind`: `<root>/.mdschema/<kind>`, else one in the user's cache
    folder for this project, else None. With `create=False` (to read), the first one that exists."""
    places = (
        root / ".mdschema" / kind,
        user_cache_dir() / "projects" / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16] / kind,
    )
    if not create:
        return next((p for p in places if p.is_dir()), None)
    for path in places:
        try:
            path.mkdir(parents=True, exist_ok=True)
            if os.access(path, os.W_OK):
                return path
        except OSError:
            continue
    return None
