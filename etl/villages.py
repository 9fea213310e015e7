"""Match the ways a village is written (东河村委会, 大同镇东河村, 东河 …) to its configured name."""

from __future__ import annotations

import re

from etl.text import squeeze
from etl.vocabulary import COMMUNITY, COMMUNITY_SUFFIXES, VILLAGE, VILLAGE_SUFFIXES

_PARENTHETICAL = re.compile(r"\([^()]*\)$")


def _split(text: str) -> tuple[str, str | None]:
    """(base name, kind) with kind VILLAGE (村), COMMUNITY (社区) or None for a bare name; repeated suffixes are all removed."""
    kind = None
    stripped = True
    while stripped:
        stripped = False
        for suffixes, this_kind in ((VILLAGE_SUFFIXES, VILLAGE), (COMMUNITY_SUFFIXES, COMMUNITY)):
            for suffix in suffixes:
                if text.endswith(suffix) and len(text) > len(suffix) and kind in (None, this_kind):
                    text, kind, stripped = text[: -len(suffix)], this_kind, True
                    break
    return text, kind


class VillageMatcher:
    """Resolve village text to a configured village; unknown text resolves to None."""

    def __init__(self, villages: tuple[str, ...], town: str = "") -> None:
        self.villages = villages
        self._town = squeeze(town)
        self._by_key: dict[tuple[str, str | None], str] = {}
        by_base: dict[str, list[str]] = {}
        for village in villages:
            base, kind = _split(squeeze(village))
            self._by_key[(base, kind)] = village
            by_base.setdefault(base, []).append(village)
        self._by_base = {base: names[0] for base, names in by_base.items() if len(names) == 1}
        self._full_names = sorted(((squeeze(v), v) for v in villages), key=lambda item: -len(item[0]))

    def match(self, value: object) -> str | None:
        text = squeeze(value)
        if not text:
            return None
        for candidate in dict.fromkeys((text, self._without_town(text))):
            found = self._exact(candidate) or self._exact(_PARENTHETICAL.sub("", candidate))
            if found:
                return found
        return self._by_prefix(self._without_town(text))

    def _without_town(self, text: str) -> str:
        """大同镇东河村 → 东河村."""
        if self._town and text.startswith(self._town) and len(text) > len(self._town):
            return text[len(self._town) :]
        return text

    def _exact(self, text: str) -> str | None:
        base, kind = _split(text)
        if kind is None:
            return self._by_base.get(base)
        return self._by_key.get((base, kind))

    def _by_prefix(self, text: str) -> str | None:
        """东河村3组, 东河村（一组）: a configured full name followed by a group."""
        for key, village in self._full_names:
            if text.startswith(key) and len(text) > len(key):
                return village
        return None

    def find_in(self, text: object) -> str | None:
        """The one configured village named in a title line (《大同镇东河村…台账》), else None."""
        squeezed = squeeze(text)
        hits = {v for key, v in self._full_names if key in squeezed}
        return hits.pop() if len(hits) == 1 else None
