"""Read the coded cells of a ledger: 整改状态, 是否销号, 隐患等级, 挂牌督办, 整改资金, and configured lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.text import clean_text, squeeze
from etl.vocabulary import (
    BOOLEAN_WORDS,
    CLOSED_NO,
    CLOSED_WORD,
    CLOSED_YES,
    DONE_ON_THE_SPOT,
    DONE_PREFIX,
    MONEY_PATTERN,
    NEGATION,
    NO_FUNDS,
    OTHER,
    SEVERITY_LEVEL,
    SEVERITY_PARTS,
    SEVERITY_WORDS,
    STATUS_IN_PROGRESS_STARTS,
    STATUS_KEYS,
    STATUS_NEUTRAL,
    STATUS_OPEN_STARTS,
    STATUS_RECTIFIED_STARTS,
    STATUS_WORDS,
    SUPERVISED_PARTS,
    SUPERVISED_YES,
    YES,
    Words,
)
from firedash.config import ConfigError, TownConfig, VocabularySettings
from firedash.glossary import LIST_SEPARATOR, UNREADABLE, VOCABULARY_UNKNOWN_FIELDS

_MONEY = re.compile(MONEY_PATTERN)
_LEVEL = re.compile(SEVERITY_LEVEL)
DEFAULT_WORDS = Words()


_BUILT: dict[int, tuple[VocabularySettings, Words]] = {}  # id → (settings kept alive, words)


def town_words(config: TownConfig) -> Words:
    """The vocabulary with the town's [vocabulary] additions (its words win over the built-in ones)."""
    settings, file = config.vocabulary, config.source
    if not settings.words and not settings.columns:
        return DEFAULT_WORDS
    built = _BUILT.get(id(settings))
    if built is None or built[0] is not settings:
        built = _BUILT[id(settings)] = (settings, _town_words(settings, file))
    return built[1]


def _town_words(settings: VocabularySettings, file: object) -> Words:
    from etl.aliases import field_for_header, known_fields  # aliases imports this module's neighbours

    status = dict(STATUS_WORDS)
    for key, code in STATUS_KEYS.items():
        status.update((squeeze(word), code) for word in settings.words.get(key, ()))
    done = DONE_ON_THE_SPOT + tuple(squeeze(w) for w in settings.words.get("done_on_the_spot_words", ()))
    major = tuple(squeeze(w) for w in settings.words.get("major_words", ()))
    unknown = sorted(set(settings.columns) - known_fields())
    if unknown:
        names = LIST_SEPARATOR.join(unknown)
        raise ConfigError(VOCABULARY_UNKNOWN_FIELDS.format(file=file, names=names))
    columns = {field_for_header(w): name for name, words in settings.columns.items() for w in words}
    return Words(status, done, Words().major + major, columns)


@dataclass(frozen=True)
class Coded:
    """A coded cell: its code, or the problem with it and the text as written."""

    code: object = None
    problem: str | None = None
    text: str = ""


def _yes_no_word(value: object) -> str:
    """squeeze() of a cell, an Excel TRUE/FALSE cell (read as true/false) taken as 是/否."""
    text = squeeze(value)
    return BOOLEAN_WORDS.get(text.lower(), text) if len(text) in (4, 5) else text


def parse_status(value: object, words: Words = DEFAULT_WORDS) -> Coded:
    """整改状态: a code from the status words, 'done' for 立查立改; None code for an empty cell or a word
    that says nothing about the state (限时整改 in a 处置措施 column)."""
    text = _yes_no_word(value)
    if not text or text in STATUS_NEUTRAL:
        return Coded()
    if text in words.status:
        return Coded(words.status[text])
    if any(word in text for word in words.done_on_the_spot):
        return Coded("done")
    code = _status_by_shape(text)
    return Coded(code) if code else Coded(problem=UNREADABLE, text=clean_text(value))


def _status_by_shape(text: str) -> str | None:
    """Longer phrasings: 已整改（更换线路）, 未整改（资金未到位）, 整改中，预计1月完成."""
    if text.startswith(STATUS_OPEN_STARTS):
        return "open"
    if text.startswith(STATUS_IN_PROGRESS_STARTS):
        return "in_progress"
    if text.startswith(DONE_PREFIX) and CLOSED_WORD in text:
        return "closed"
    if text.startswith(STATUS_RECTIFIED_STARTS):
        return "rectified"
    return None


def parse_closed_flag(value: object) -> Coded:
    """是否销号: True, False, or None for an empty cell."""
    text = _yes_no_word(value)
    if not text:
        return Coded()
    if text in CLOSED_YES or (text.startswith(DONE_PREFIX) and CLOSED_WORD in text):
        return Coded(True)
    if text in CLOSED_NO or text.startswith(NEGATION):
        return Coded(False)
    return Coded(problem=UNREADABLE, text=clean_text(value))


def parse_closed_or_status(value: object, words: Words = DEFAULT_WORDS) -> Coded:
    """A 销号情况 cell: 是/否/已销号 as the flag (True/False), else a status word (已整改, 整改中) as its code.

    Only a status word itself counts here, not a phrasing by its start: 待定 is no 待整改.
    """
    flag = parse_closed_flag(value)
    if flag.problem is None:
        return flag
    code = words.status.get(_yes_no_word(value))
    return Coded(code) if code else flag


def parse_severity(value: object, words: Words = DEFAULT_WORDS) -> Coded:
    """隐患等级: general (also for an empty cell and a bare level: 3, 3级), serious (较大) or major (重大)."""
    text = squeeze(value)
    if not text or _LEVEL.match(text):
        return Coded("general")
    if text in SEVERITY_WORDS:
        return Coded(SEVERITY_WORDS[text])
    if text in words.major:
        return Coded("major")
    for word, code in SEVERITY_PARTS:
        if word in text:
            return Coded(code)
    return Coded(problem=UNREADABLE, text=clean_text(value))


def parse_supervised(value: object) -> bool:
    """是否挂牌督办: True for 是/√/挂牌/县政府挂牌督办 and the like; anything else is False."""
    text = _yes_no_word(value)
    if text in SUPERVISED_YES:
        return True
    if not text or text.startswith(NEGATION):
        return False
    return text.startswith(YES) or any(word in text for word in SUPERVISED_PARTS)


def parse_funds(value: object, scale: float = 1.0) -> Coded:
    """整改资金 in yuan: numbers, 1500元, 1,500, 0.15万; None for an empty cell or 无."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Coded(float(value) * scale)
    text = squeeze(value).replace(",", "")
    if text in NO_FUNDS:
        return Coded()
    match = _MONEY.match(text)
    if not match:
        return Coded(problem=UNREADABLE, text=clean_text(value))
    return Coded(float(match[1]) * (10_000 if match[2] else scale))


def mentions_done_on_the_spot(value: object, words: Words = DEFAULT_WORDS) -> bool:
    """立查立改/当场整改/当场纠正 written anywhere in a cell (measures, deadline, status)."""
    text = squeeze(value)
    return any(word in text for word in words.done_on_the_spot)


class ListMatcher:
    """Map free text onto a configured list (sectors, hazard categories); 其他 when nothing fits.

    Exact entry, else one of its slash-separated parts (医疗机构 → 卫生院/医疗机构), else a part the
    text contains, or that contains the text, or an everyday word it contains (学校 → 教育培训机构),
    when exactly one entry matches that way.
    """

    def __init__(
        self, entries: tuple[str, ...], other: str = OTHER, synonyms: dict[str, str] | None = None
    ) -> None:
        self.other = other
        self.entries = [e for e in entries if e != other]
        self._parts = {e: [squeeze(p) for p in e.split("/") if p.strip()] for e in self.entries}
        self._exact = {squeeze(e): e for e in self.entries}
        for entry, parts in self._parts.items():
            for part in parts:
                self._exact.setdefault(part, entry)
        # Everyday words (学校, 饭店 …) whose target part this configuration has.
        self._synonyms = {
            squeeze(word): self._exact[squeeze(target)]
            for word, target in (synonyms or {}).items()
            if squeeze(target) in self._exact
        }

    def match(self, value: object) -> str:
        text = squeeze(value)
        if not text:
            return self.other
        if text in self._exact:
            return self._exact[text]
        for hits in (self._containing(text), self._contained(text), self._named(text)):
            if len(hits) == 1:
                return hits[0]
        return self.other

    def _named(self, text: str) -> list[str]:
        return sorted({entry for word, entry in self._synonyms.items() if word in text})

    def _containing(self, text: str) -> list[str]:
        return [e for e, parts in self._parts.items() if any(p in text for p in parts)]

    def _contained(self, text: str) -> list[str]:
        if len(text) < 2:
            return []
        return [e for e, parts in self._parts.items() if any(text in p for p in parts)]
