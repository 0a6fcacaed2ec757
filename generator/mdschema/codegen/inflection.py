"""English plurals and singulars of table and class names, by `inflect` (its rules, irregular and
classical nouns), for relationship and repository names.

Only the last word of a name changes: `archetype_analysis` → `archetype_analyses`, `child` → `children`,
`person` → `people`; a name that is already plural (`messages`, `people`, `analyses`) or has no plural
(`series`, `media`) stays as it is. A name this gets wrong can be renamed per relationship in
`[tool.mdschema.relationship_names]`.
"""

from __future__ import annotations

import functools
import re
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import inflect

# Nouns without a plural that inflect's dictionary does not list (it knows `information`, `equipment`,
# `series`, `news`, `sheep`...): a table of them is its own collection name, not `user_feedbacks`.
MASS_NOUNS = (
    "advice",
    "data",
    "evidence",
    "feedback",
    "hardware",
    "imagery",
    "knowledge",
    "media",
    "metadata",
    "research",
    "software",
)

_LAST_WORD = re.compile(r"^(.*?)([A-Z]?[a-z]+|[A-Z]+|[0-9]+)$")


# Singular nouns in -us that a table is named after; any other word in -us whose singular is the word
# without its s (`menus`, `emus`, `gnus`, `haikus`) is read as a plural already. inflect cannot tell
# `statu+s` from `menu+s`: this list is the knowledge it lacks.
SINGULARS_IN_US = frozenset(
    """abacus alumnus apparatus bonus bus cactus campus census chorus circus consensus corpus focus fungus
    genus hippopotamus impetus nexus nucleus octopus onus opus plus prospectus radius status stimulus surplus
    syllabus thesaurus torus uterus virus walrus""".split()
)


def plural(name: str) -> str:
    """`story` → `stories`, `archetype_analysis` → `archetype_analyses`, `messages` → `messages`."""
    head, sep, last = name.rpartition("_")
    if not last:
        return name
    return head + sep + _plural_word(last)


def singular(class_name: str) -> str:
    """The singular of a class name's last word: `Users` → `User`, `StoryAnalyses` → `StoryAnalysis`,
    `Status` → `Status`, `People` → `Person`."""
    match = _LAST_WORD.match(class_name)
    if match is None:
        return class_name
    head, last = match.groups()
    word = _singular_word(last.lower())
    if last[:1].isupper():
        word = word[:1].upper() + word[1:]
    if last.isupper() and len(last) > 1:
        word = word.upper()
    return head + word


@functools.lru_cache(maxsize=8192)
def _plural_word(word: str) -> str:
    lower = word.lower()
    plural = _engine().plural_noun(lower)
    if plural == lower or _is_plural(lower):  # no plural (series, media), or plural already
        return word
    return _recase(plural, word)


@functools.lru_cache(maxsize=8192)
def _singular_word(word: str) -> str:
    return str(_engine().singular_noun(word)) if _is_plural(word) else word


def _is_plural(word: str) -> bool:
    """`messages`, `ideas`, `people`, `analyses`: inflect's singular of it pluralizes back to it. A word
    ending in s that inflect pluralizes by a rule of its own is singular (`status` → `statuses`, `alias`
    → `aliases`, `analysis` → `analyses`), whatever its singular_noun says (`statu`, `analysi`) — but for
    `-us`, where both readings exist: `menus`, `emus` are plurals of words in `-u`; the Latin and Greek
    `-us` words (`status`, `campus`, `bonus`) are singular."""
    engine = _engine()
    if word.endswith("us") and word not in SINGULARS_IN_US and engine.singular_noun(word) == word[:-1]:
        return True
    if word.endswith("s") and engine.plural_noun(word) != word + "s":
        return False
    single = engine.singular_noun(word)
    return isinstance(single, str) and single != word and engine.plural_noun(single) == word


def _recase(new: str, like: str) -> str:
    """`new` in the case of `like` (lower, all upper or capitalized)."""
    if like.isupper() and len(like) > 1:
        return new.upper()
    return new[:1].upper() + new[1:] if like[:1].isupper() else new


@functools.cache
def _engine() -> inflect.engine:
    engine = _import_inflect().engine()
    for noun in MASS_NOUNS:
        engine.defnoun(noun, noun)
    return engine


def _import_inflect() -> Any:
    """inflect, imported without typeguard's run-time instrumentation: `@typechecked` re-parses and
    recompiles inflect's source on every import (over a second: jaraco/inflect#212), to check argument
    types this module already guarantees (non-empty strings). typeguard itself is left as it was."""
    if "inflect" in sys.modules:
        return sys.modules["inflect"]
    saved = sys.modules.get("typeguard")
    stub = types.ModuleType("typeguard")
    stub.typechecked = _no_check  # type: ignore[attr-defined]
    sys.modules["typeguard"] = stub
    try:
        import inflect
    finally:
        if saved is None:
            sys.modules.pop("typeguard", None)
        else:
            sys.modules["typeguard"] = saved
    return inflect


def _no_check(target: Any = None, **_options: Any) -> Any:
    return target if target is not None else _no_check
