"""`mdschema watch`: regenerate when a doc or the configuration changes.

Changes are read through `watchfiles` (debounced: an editor's save-rename-chmod is one change). The CLI
decides what each change does (generate, and with --check the migrations level) and prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from threading import Event

from mdschema.config import Config

DEBOUNCE_MS = 200


def watched_folders(config: Config) -> list[Path]:
    """The folders to watch: where the docs' globs start, and the project root (pyproject.toml)."""
    folders = {config.root}
    for pattern in config.docs:
        parts = Path(pattern).parts
        fixed = [
            p
            for p in parts[: next((i for i, p in enumerate(parts) if any(c in p for c in "*?[")), len(parts))]
        ]
        folder = config.root.joinpath(*fixed) if fixed else config.root
        folders.add(folder if folder.is_dir() else folder.parent)
    return sorted(folders)


def relevant(config: Config) -> Callable[[Path], bool]:
    """A change matters when it is to pyproject.toml or to a file a docs glob matches (or matched)."""
    pyproject = (config.root / "pyproject.toml").resolve()

    def matters(path: Path) -> bool:
        resolved = path.resolve()
        if resolved == pyproject:
            return True
        try:
            rel = resolved.relative_to(config.root.resolve())
        except ValueError:
            return False
        return any(rel.match(pattern) for pattern in config.docs)

    return matters


READY_MS = 100


def changes(config: Config, stop: Event | None = None) -> Iterator[set[Path]]:
    """An empty set once the watcher is listening, then each debounced batch of relevant changed paths,
    until `stop` is set (or Ctrl-C)."""
    import watchfiles

    matters = relevant(config)
    ready = False
    for batch in watchfiles.watch(
        *watched_folders(config),
        debounce=DEBOUNCE_MS,
        stop_event=stop,
        recursive=True,
        raise_interrupt=False,
        rust_timeout=READY_MS,
        yield_on_timeout=True,
    ):
        if not ready:  # the first timeout: the watcher is set up, nothing was missed from here on
            ready = True
            yield set()
        paths = {Path(p) for _, p in batch if matters(Path(p))}
        if paths:
            yield paths
