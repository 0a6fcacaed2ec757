"""What a check finds: one difference at the place it comes from (the result type of check and lint)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # docs | migrations | database
    where: str  # "spec/story.md:88", a generated file's path, or "alembic_version"
    message: str

    @property
    def path(self) -> str:
        return self.where.rpartition(":")[0] if self.line is not None else self.where

    @property
    def line(self) -> int | None:
        _, _, line = self.where.rpartition(":")
        return int(line) if line.isdigit() else None
