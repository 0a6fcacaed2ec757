"""What each doc parses to, cached under `.mdschema/cache/` by the doc's bytes (and mdschema's own code).

Reading a doc (markdown-it, then pglast and the statement handlers) is most of `generate` on a large
project; a doc is read on its own (nothing in one doc's raw records depends on another doc), so after
a one-doc edit only that doc is read again. The entry holds the doc's markdown structure, its raw
records and the diagnostics reading it gave, in the order they were made: what `statements.parse_doc`
appends, replayed. It is keyed by sha256 over the doc's path as shown, its bytes, mdschema's source
(`util.hashing.package_hash`) and the versions of pglast and markdown-it-py, so any change to any of
them is a miss. Entries are JSON signed like the other caches (`util.signing`): one that was copied,
truncated or edited never verifies and is read again from the doc, never an error. Data only: decoded
into the spec stage's own frozen records and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, fields, is_dataclass, replace
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from mdschema.errors import Diagnostic, Span
from mdschema.schema import ExcludeElement, IndexElement
from mdschema.spec import raw as raw_records
from mdschema.spec import sequences as sequence_records
from mdschema.spec import views as view_records
from mdschema.spec.markdown import Doc, Heading, SqlBlock
from mdschema.spec.statements import Out
from mdschema.util import signing

KIND = "parse"
FORMAT = 1
# Every list of statements.Out, the record of what parse_doc appends: a list added there is cached too.
LISTS = tuple(f.name for f in fields(Out))
_DOC = "@doc"  # a reference to the entry's own Doc (every RawTable and RawView of the doc carries it)


@cache
def _types() -> dict[str, type]:
    kinds: list[type] = [Span, Diagnostic, IndexElement, ExcludeElement, Doc, Heading, SqlBlock]
    kinds += [
        kind
        for module in (raw_records, view_records, sequence_records)
        for kind in vars(module).values()
        if isinstance(kind, type) and is_dataclass(kind) and kind.__module__ == module.__name__
    ]
    return {kind.__name__: kind for kind in kinds}


_NO_DEFAULT = object()
_FIELDS: dict[type, tuple[tuple[str, ...], tuple[Any, ...]]] = {}


def _fields(kind: type) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """A record type's field names and defaults (`_NO_DEFAULT` for a field without one)."""
    known = _FIELDS.get(kind)
    if known is None:
        known = _FIELDS[kind] = (
            tuple(f.name for f in fields(kind)),
            tuple(_NO_DEFAULT if f.default is MISSING else f.default for f in fields(kind)),
        )
    return known


@cache
def code_key() -> str:
    """mdschema's source and the parsers' versions: a new one of any is a new key for every doc."""
    from importlib.metadata import version

    from mdschema.util.hashing import package_hash

    return f"{package_hash()}-pglast {version('pglast')}-markdown-it-py {version('markdown-it-py')}"


def doc_key(shown: str, content: bytes) -> str:
    h = hashlib.sha256()
    for part in (KIND.encode(), str(FORMAT).encode(), code_key().encode(), shown.encode(), content):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _dumps(entry: Mapping[str, Any], doc: Doc) -> bytes:
    """The entry as compact JSON, walked by `json`'s C encoder: lists, tuples and plain values there,
    each record as {type name: [its fields]} (`_encoders`), the entry's own Doc as the marker, anything
    else a TypeError. (That encoder would also take a float or a dict, which the records never hold:
    their fields are str, int, bool, None, tuples and records.)"""
    encoders = _encoders()

    def record(value: Any) -> Any:
        encode = encoders.get(type(value))
        if encode is not None:
            return encode(value)
        if value is doc:
            return _DOC
        if type(value) is Doc:  # another doc's (never made by parse_doc)
            return _record_encoder(Doc)(value)
        raise TypeError(f"cannot cache a {type(value).__name__}")

    return json.JSONEncoder(separators=(",", ":"), default=record).encode(entry).encode()


@cache
def _encoders() -> dict[type, Callable[[Any], Any]]:
    """Each record type but Doc (the entry's own is a marker): how one is written."""
    return {kind: _record_encoder(kind) for kind in _types().values() if kind is not Doc}


def _record_encoder(kind: type) -> Callable[[Any], Any]:
    """{type name: [every field, in order]}, trailing fields that hold their default left out (the
    constructor fills them in again)."""
    name = kind.__name__
    names, defaults = _fields(kind)
    get = attrgetter(*names)
    if len(names) == 1:
        return lambda value: {name: (get(value),)}
    required = max((i + 1 for i, d in enumerate(defaults) if d is _NO_DEFAULT), default=0)
    if required == len(names):
        return lambda value: {name: get(value)}

    def encode(value: Any) -> Any:
        values = get(value)
        n = len(values)
        while n > required:
            default, last = defaults[n - 1], values[n - 1]
            if type(last) is not type(default) or last != default:
                break
            n -= 1
        return {name: values[:n]}

    return encode


def _encode_doc(doc: Doc) -> Any:
    """A doc's blocks share its headings: each block's are the headings before it, a prefix of the
    last block's (stored once, with each block's count)."""
    headings: tuple[Heading, ...] = doc.blocks[-1].headings if doc.blocks else ()
    blocks = []
    for block in doc.blocks:
        if block.headings != headings[: len(block.headings)]:
            raise TypeError("a block's headings are not a prefix of the doc's")
        blocks.append([block.text, block.first_line, len(block.headings)])
    return {_DOC: [doc.path, doc.stem, headings, blocks]}  # the headings: records, for `_dumps`


def _decoder(types: dict[str, type]) -> Any:
    def tuples(value: Any) -> Any:
        return tuple([tuples(v) if type(v) is list else v for v in value])

    def hook(obj: dict[str, Any]) -> Any:
        if len(obj) != 1:  # the entry itself
            return obj
        ((name, values),) = obj.items()
        if name == _DOC:
            path, stem, headings, blocks = values
            headings = tuple(headings)
            return Doc(path, stem, tuple(SqlBlock(t, line, headings[:n]) for t, line, n in blocks))
        # KeyError for a type that is not a record
        return types[name](*[tuples(v) if type(v) is list else v for v in values])

    return hook


def _resolve_doc(value: Any, doc: Doc) -> Any:
    """Records whose `doc` is the marker get the entry's Doc (rebuilt: the records are frozen)."""
    if getattr(value, "doc", None) == _DOC:  # a RawTable, a RawView
        return replace(value, doc=doc)
    return value


class ParseCache:
    """The entries of one project's cache folder; `None` folder: nothing cached (read-only checkout)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = signing.project_dir(root, "cache", create=False)  # made by the first store
        self.writable = False  # folder checked (or made) writable by signing.project_dir
        self.used: set[str] = set()
        self.written = False

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{KIND}-{key[:40]}.json"

    def load(self, key: str) -> tuple[Doc, dict[str, list[Any]], list[Diagnostic]] | None:
        """(doc, the records by `Out` list, diagnostics), or None when there is no entry that verifies."""
        if self.folder is None:
            return None
        path = self._path(key)
        stored = signing.load_bytes(path, key)
        if stored is None:
            return None
        try:
            entry = json.loads(stored, object_hook=_decoder(_types()))
            doc = entry["doc"]
            if not isinstance(doc, Doc):
                return None
            records = {name: [_resolve_doc(r, doc) for r in entry[name]] for name in LISTS}
            diagnostics = list(entry["diagnostics"])
            if not all(isinstance(d, Diagnostic) for d in diagnostics):
                return None
        except (KeyError, TypeError, ValueError, RecursionError):
            return None
        self.used.add(path.name)
        return doc, records, diagnostics

    def store(
        self, key: str, doc: Doc, records: Mapping[str, Iterable[Any]], diagnostics: list[Diagnostic]
    ) -> None:
        if not self.writable:  # the folder read from may be read-only: write where one can (or nowhere)
            self.folder = signing.project_dir(self.root, "cache")
            self.writable = True
        if self.folder is None:
            return
        entry: dict[str, Any] = {"doc": _encode_doc(doc), "diagnostics": diagnostics}
        for name in LISTS:
            entry[name] = list(records[name])
        path = self._path(key)
        if signing.store_bytes(path, key, _dumps(entry, doc)):
            self.used.add(path.name)
            self.written = True

    def prune(self, keep_extra: int = 32) -> None:
        """After a load that wrote something: entries no doc of this load used, oldest first, beyond
        `keep_extra` (a few branches' worth of edited docs)."""
        if self.folder is None or not self.written:
            return
        try:
            stale = [p for p in self.folder.glob(f"{KIND}-*.json") if p.name not in self.used]
            stale.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for path in stale[keep_extra:]:
            path.unlink(missing_ok=True)
