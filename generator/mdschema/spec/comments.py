"""What the comments in a SQL block say: column descriptions, their continuation lines, section labels,
`renamed from:` markers and the comments on enum labels.

Comments are prose, never SQL: pglast's scanner finds the comment tokens, and this module reads them by
their place in the block (on a column's line, on the lines under it, alone at the column's indent).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

# "renamed from: old_name" in a column comment, a table's prose, or a comment on an enum label's line
RENAMED = re.compile(
    r"\s*\(?\brenamed\s+from:?\s*[`\"']?([A-Za-z_][A-Za-z0-9_$]*)[`\"']?\)?\.?", re.IGNORECASE
)
_LABEL = re.compile(r"'((?:[^']|'')*)'")


class BlockText:
    """A SQL block's text: offsets ↔ line indexes, and its comment tokens in order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0]
        i = text.find("\n")
        while i >= 0:
            self.line_starts.append(i + 1)
            i = text.find("\n", i + 1)
        self.comments: list[tuple[int, int]] = []  # (start, end) of each comment token

    def line_index(self, offset: int) -> int:
        return max(0, bisect_right(self.line_starts, offset) - 1)

    def comments_in(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The comment tokens starting in [start, end), in order: a bisection, not a scan of every
        comment (a scan per column or statement made a block of 50,000 columns take minutes)."""
        i = bisect_left(self.comments, (start,))
        while i < len(self.comments) and self.comments[i][0] < end:
            yield self.comments[i]
            i += 1

    def column_of(self, offset: int) -> int:
        return offset - self.line_starts[self.line_index(offset)]

    def code_before_on_line(self, offset: int) -> bool:
        start = self.line_starts[self.line_index(offset)]
        return bool(self.text[start:offset].strip())


def split_renamed(text: str | None) -> tuple[str | None, str | None]:
    """(text without the marker, the old name) — the marker is prose, never SQL."""
    if not text:
        return text, None
    m = RENAMED.search(text)
    if not m:
        return text, None
    rest = (text[: m.start()].rstrip(" ,;:-–—") + text[m.end() :]).strip()
    return rest or None, m.group(1)


def comment_text(token: str) -> str:
    """The words of one comment token: `-- x` → "x", `/* * x */` → "x"."""
    if token.startswith("--"):
        return token[2:].strip()
    return " ".join(token[2:-2].replace("*", " ").split()) if token.startswith("/*") else token.strip()


def column_comment(b: BlockText, start: int, end: int) -> str | None:
    """The trailing comment of a column line (the column's text is [start, end)), plus its continuation
    lines: comments alone on the following lines, indented deeper than the column.

    A `--` standing alone at the column's own indent is a section label, not a description.
    """
    inside = b.comments_in(start, end)
    col_indent = b.column_of(start)
    parts: list[str] = []
    last_line = -1
    for s, e in inside:
        line = b.line_index(s)
        if not parts:
            if b.code_before_on_line(s):
                parts.append(comment_text(b.text[s:e]))
                last_line = b.line_index(e - 1)
            continue
        if not b.code_before_on_line(s) and line == last_line + 1 and b.column_of(s) > col_indent:
            parts.append(comment_text(b.text[s:e]))
            last_line = b.line_index(e - 1)
        else:
            break
    text = " ".join(p for p in parts if p)
    return text or None


def label_renames(b: BlockText, start: int, end: int, labels: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(old, new) for every enum label of [start, end) whose line carries a `renamed from: old` comment."""
    out = []
    for s, e in b.comments_in(start, end):
        _, old = split_renamed(comment_text(b.text[s:e]))
        if old is None:
            continue
        line_start = b.line_starts[b.line_index(s)]
        m = _LABEL.search(b.text, line_start, s)
        if m and m.group(1).replace("''", "'") in labels:
            out.append((old, m.group(1).replace("''", "'")))
    return tuple(out)
