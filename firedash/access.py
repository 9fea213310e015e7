"""Roles and what each may see and do: pure functions of a user (None = not logged in) and the config."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, TypeVar

from firedash import glossary

if TYPE_CHECKING:
    from firedash.config import TownConfig


class Role(StrEnum):
    """A user's role; the value is the code stored in the users file."""

    OFFICE_ADMIN = "office_admin"  # 应急办: upload, undo, restore, users, settings
    LEADER = "leader"  # 领导: every page of the whole town, read-only
    VILLAGE = "village"  # 村（社区）/科室: every page, only its own village's or office's tickets

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Role:
        """The role a word names (应急办, 领导, 村, 村（社区）, 科室, or a code); ValueError otherwise."""
        role = _ROLE_WORDS.get(_folded(text))
        if role is None:
            raise ValueError(glossary.text("unknown_role", text=text, choices=glossary.text("role_choices")))
        return role


def _folded(word: str) -> str:
    # NFKC makes full-width and half-width brackets the same: 村(社区) = 村（社区）.
    return unicodedata.normalize("NFKC", word.strip())


ROLE_LABELS = {role: glossary.ROLE_LABELS[role.value] for role in Role}
_ROLE_WORDS = {
    _folded(word): role
    for role, words in (
        *((role, (role.value, role.label)) for role in Role),
        (Role.VILLAGE, (glossary.COLUMN_LABELS["village"], *glossary.VILLAGE_ROLE_WORDS)),
    )
    for word in words
}
# How much of the town a role sees, for require(role): a higher rank sees at least what a lower one does.
_RANK = {Role.VILLAGE: 1, Role.LEADER: 2, Role.OFFICE_ADMIN: 3}

# Pages only the 应急办 may open (they write, or show who did what); every other page is read-only.
ADMIN_PAGES = frozenset({"import", "audit", "users", "settings"})
# (page, section) that show the town's ranking by rate to everyone, as a 通报 does; nothing else of other
# villages is shown to a village or office.
TOWN_RANKING_SECTIONS = frozenset(
    {
        ("overview", "village_ranking"),
        ("villages", "village_ranking"),
        ("villages", "town_trend"),  # the drill-down's comparison line: the town's weekly rate, no tickets
        ("weekly", "village_ranking"),
        ("weekly", "red_black_lists"),
    }
)
# The columns of a town-wide ranking a village or office may see: names, counts and rates, no tickets.
TOWN_RANKING_COLUMNS = ("rank", "village", "found", "rectified", "rate")


class Principal(Protocol):
    """What access needs of a user (firedash.users.User satisfies it)."""

    @property
    def role(self) -> Role: ...

    @property
    def village(self) -> str | None: ...


F = TypeVar("F")


def role_at_least(user: Principal | None, role: Role) -> bool:
    """Whether the user is logged in with `role` or one that sees more (应急办 ⊇ 领导 ⊇ 村（社区）/科室)."""
    return user is not None and _RANK[user.role] >= _RANK[role]


def is_admin(user: Principal | None) -> bool:
    return user is not None and user.role is Role.OFFICE_ADMIN


def can_upload(user: Principal | None) -> bool:
    return is_admin(user)


def can_undo(user: Principal | None) -> bool:
    return is_admin(user)


def can_restore(user: Principal | None) -> bool:
    return is_admin(user)


def can_manage_users(user: Principal | None) -> bool:
    return is_admin(user)


def can_change_settings(user: Principal | None) -> bool:
    return is_admin(user)


def can_view_audit(user: Principal | None) -> bool:
    return is_admin(user)


def can_make_bulletin(user: Principal | None) -> bool:
    """The 周通报 is the 应急办's to make: it names every village (not for a village head), takes the next
    number of the register and writes the audit trail (not for the read-only 领导, who receive it)."""
    return is_admin(user)


def can_view_dashboard(user: Principal | None, config: TownConfig) -> bool:
    """The read-only pages: anyone when [access] public_view is on (the projector), else a logged-in user."""
    return user is not None or config.access.public_view


def can_export(user: Principal | None) -> bool:
    """Exports carry 责任人 names and phone numbers: logged-in users only, even with public viewing on."""
    return user is not None


def can_see_raw_rows(user: Principal | None) -> bool:
    """The raw cells of kept-aside rows (phone numbers included): logged-in users, scoped to their tickets."""
    return user is not None


def can_open_page(user: Principal | None, page: str, config: TownConfig) -> bool:
    """Whether a page (ui.navigation name, or one of ADMIN_PAGES) may be opened by this user."""
    if page in ADMIN_PAGES:
        return is_admin(user)
    return can_view_dashboard(user, config)


def visible_pages(user: Principal | None, pages: tuple[str, ...], config: TownConfig) -> tuple[str, ...]:
    """The pages of the menu this user may open, in menu order."""
    return tuple(page for page in pages if can_open_page(user, page, config))


def keeps_town_ranking(page: str, section: str) -> bool:
    """Whether a section shows the town-wide ranking by rate whatever the user's scope (as in a 通报)."""
    return (page, section) in TOWN_RANKING_SECTIONS


def scope_villages(user: Principal | None, config: TownConfig) -> tuple[str, ...] | None:
    """The villages whose tickets a user may see: None = all; a village user sees only its own village.

    An office (科室) user is scoped by office instead (scope_offices) and gets None here.
    """
    if user is None or user.role is not Role.VILLAGE:
        return None
    if user.village in config.villages:
        return (user.village,)
    return None if user.village in config.offices else ()


def scope_offices(user: Principal | None, config: TownConfig) -> tuple[str, ...] | None:
    """The offices (责任单位) whose tickets a 科室 user may see: None = all (everyone else)."""
    if user is None or user.role is not Role.VILLAGE or user.village in config.villages:
        return None
    return (user.village,) if user.village in config.offices else ()


def narrow(requested: tuple[str, ...], scope: tuple[str, ...] | None) -> tuple[str, ...]:
    """A filter's values narrowed to a scope; asking outside it (an edited URL) falls back to the scope.

    An empty tuple means "all" in metrics.Filters, so a narrowed filter is never empty when scoped; a
    user whose own unit is no longer configured gets a value no ticket has.
    """
    if scope is None:
        return requested
    if not scope:
        return ("\x00none",)
    return tuple(value for value in requested if value in scope) or scope


def scoped_filters(filters: F, user: Principal | None, config: TownConfig) -> F:
    """metrics.Filters (any dataclass with villages and offices) narrowed to what the user may see."""
    return replace(
        filters,
        villages=narrow(filters.villages, scope_villages(user, config)),
        offices=narrow(filters.offices, scope_offices(user, config)),
    )
