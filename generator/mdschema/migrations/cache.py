"""Catalog snapshots cached under `.mdschema/cache/`, keyed by the content they were derived from.

A warm `mdschema check` reads the head and the models' snapshots from here and imports neither
SQLAlchemy nor the models (0.35 s instead of seconds).

Caches hold data, never code: JSON, decoded into the catalog's own frozen records and nothing else.
Each entry names the key it was derived for and carries an HMAC over key and payload, made with a
secret kept outside the checkout (`$XDG_CACHE_HOME/mdschema/cache-key`): an entry copied from another
key, truncated, flipped, or committed to the repository by someone else never verifies, and is then
discarded and rebuilt — never trusted, never an error. A checkout that cannot be written caches in the
user's cache folder instead, or not at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from mdschema.catalog import snapshot as records
from mdschema.catalog.snapshot import Snapshot
from mdschema.config import Config
from mdschema.migrations.models import excluded_tables
from mdschema.migrations.project import versions_hash
from mdschema.migrations.shadow import Shadows, models_snapshot, read_head_template
from mdschema.util import signing
from mdschema.util.hashing import package_hash, tree_files

ShadowSource = Shadows | Callable[[], Shadows]


def _cache_dir(config: Config) -> Path | None:
    return signing.project_dir(config.root, "cache")


# --- a JSON codec for the catalog's frozen records -----------------------------------------------------


@cache
def _record_types() -> dict[str, type]:
    return {
        name: kind
        for name, kind in vars(records).items()
        if isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind.__module__ == records.__name__
    }


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$": type(value).__name__, **fields}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        kind = _record_types()[value["$"]]  # KeyError for anything but a catalog record
        return kind(**{k: _decode(v) for k, v in value.items() if k != "$"})
    return value


def load(path: Path, key: str) -> Any | None:
    """The record stored under `key`, or None when absent, unverified, or not made of catalog records."""
    value = signing.load(path, key)
    try:
        return _decode(value) if value is not None else None
    except (KeyError, TypeError, RecursionError):
        return None


def store(path: Path, key: str, value: Any) -> None:
    if signing.store(path, key, _encode(value)):
        _prune(path)


KEEP = 6  # entries of each kind kept (a few branches' worth); older ones are removed


def _prune(written: Path) -> None:
    kind = written.name.split("-", 1)[0]
    entries = sorted(written.parent.glob(f"{kind}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    stale = entries[KEEP:] + [*written.parent.glob("*.pickle"), *written.parent.glob("*.exclude")]
    for path in stale:
        path.unlink(missing_ok=True)


# --- the two snapshots -----------------------------------------------------------------------------------


def _code_hash() -> str:
    return package_hash()[:12]


def generated_hash(config: Config) -> str:
    """A hash of the generated package's files."""
    h = hashlib.sha256()
    for path in tree_files(config.package_dir):
        if path.suffix == ".py":
            h.update(path.relative_to(config.package_dir).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:20]


def _shadows(sh: ShadowSource) -> Shadows:
    return sh() if callable(sh) else sh


def head_snapshot(config: Config, sh: ShadowSource, exclude: frozenset[str]) -> Snapshot:
    """The catalog of the replayed migration head; cached by the versions' content."""
    snap = cached_head_snapshot(config, exclude)
    if snap is None:
        snap = read_head_template(config, _shadows(sh), exclude)
        store_head_snapshot(config, exclude, snap)
    return snap


def _head_key(config: Config, exclude: frozenset[str]) -> str:
    return f"head-{versions_hash(config)}-{_code_hash()}-{_key(exclude)}"


def cached_head_snapshot(config: Config, exclude: frozenset[str]) -> Snapshot | None:
    """The cached catalog of the migration head, or None when there is none that verifies."""
    key = _head_key(config, exclude)
    folder = _cache_dir(config)
    cached = load(folder / f"{key}.json", key) if folder else None
    return cached if isinstance(cached, Snapshot) else None


def store_head_snapshot(config: Config, exclude: frozenset[str], snap: Snapshot) -> None:
    """Cache `snap`, read from the head template or from a clone of it (the same catalog)."""
    key = _head_key(config, exclude)
    folder = _cache_dir(config)
    if folder:
        store(folder / f"{key}.json", key, snap)


def desired_snapshot(
    config: Config, sh: ShadowSource, load_models: Callable[[], Any]
) -> tuple[Snapshot, frozenset[str]]:
    """The catalog of what the generated models create, and the tables the migrations leave alone;
    cached by the generated files' content."""
    cached = cached_desired_snapshot(config)
    if cached is not None:
        return cached
    models = load_models()
    exclude = excluded_tables(models)
    snap = models_snapshot(_shadows(sh).admin_url, models, exclude)
    store_desired_snapshot(config, snap, exclude)
    return snap, exclude


def _desired_key(config: Config) -> str:
    return f"desired-{generated_hash(config)}-{_code_hash()}"


def cached_desired_snapshot(config: Config) -> tuple[Snapshot, frozenset[str]] | None:
    """The cached catalog of the generated models (and the tables left alone), or None."""
    key = _desired_key(config)
    folder = _cache_dir(config)
    cached = load(folder / f"{key}.json", key) if folder else None
    if (
        isinstance(cached, tuple)
        and len(cached) == 2
        and isinstance(cached[0], Snapshot)
        and all(isinstance(x, str) for x in cached[1])
    ):
        return cached[0], frozenset(cached[1])
    return None


def store_desired_snapshot(config: Config, snap: Snapshot, exclude: frozenset[str]) -> None:
    key = _desired_key(config)
    folder = _cache_dir(config)
    if folder:
        store(folder / f"{key}.json", key, (snap, tuple(sorted(exclude))))


def _key(exclude: frozenset[str]) -> str:
    return hashlib.sha256("\0".join(sorted(exclude)).encode()).hexdigest()[:8]
