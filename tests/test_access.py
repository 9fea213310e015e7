"""Roles: what each may do, and the village/office scope that an edited URL cannot widen."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from firedash import access
from firedash.access import Role
from firedash.users import User
from metrics.filters import Filters

T0 = dt.datetime(2024, 1, 8, 9, 0)


def _user(role: Role, village: str | None = None) -> User:
    return User("某人", role, village, "$argon2id$…", T0, T0)


ADMIN, LEADER = _user(Role.OFFICE_ADMIN), _user(Role.LEADER)
VILLAGE, OFFICE = _user(Role.VILLAGE, "东河村"), _user(Role.VILLAGE, "平安办")
WRITES = (
    access.can_upload,
    access.can_undo,
    access.can_restore,
    access.can_manage_users,
    access.can_change_settings,
    access.can_view_audit,
)


@pytest.mark.parametrize("can", WRITES)
@pytest.mark.parametrize(
    ("user", "allowed"), [(ADMIN, True), (LEADER, False), (VILLAGE, False), (None, False)]
)
def test_only_the_office_writes(can, user, allowed):
    assert can(user) is allowed


@pytest.mark.parametrize(
    ("user", "public_view", "dashboard", "import_page", "export"),
    [
        (None, True, True, False, False),  # the projector: pages yes, exports (names, phones) no
        (None, False, False, False, False),
        (VILLAGE, False, True, False, True),
        (LEADER, False, True, False, True),
        (ADMIN, False, True, True, True),
    ],
)
def test_who_sees_what(config, user, public_view, dashboard, import_page, export):
    town = dataclasses.replace(config, access=dataclasses.replace(config.access, public_view=public_view))
    assert access.can_view_dashboard(user, town) is dashboard
    assert access.can_open_page(user, "overview", town) is dashboard
    assert access.can_open_page(user, "import", town) is import_page
    assert access.can_open_page(user, "audit", town) is import_page
    assert access.can_export(user) is export
    expected = (
        ("overview", "villages", "import") if import_page else ("overview", "villages") if dashboard else ()
    )
    assert access.visible_pages(user, ("overview", "villages", "import"), town) == expected


@pytest.mark.parametrize(
    ("user", "role", "ok"),
    [
        (ADMIN, Role.LEADER, True),
        (LEADER, Role.LEADER, True),
        (VILLAGE, Role.LEADER, False),
        (LEADER, Role.OFFICE_ADMIN, False),
        (VILLAGE, Role.VILLAGE, True),
        (None, Role.VILLAGE, False),
    ],
)
def test_role_at_least(user, role, ok):
    assert access.role_at_least(user, role) is ok


def test_scopes_of_each_role(config):
    assert access.scope_villages(ADMIN, config) is None and access.scope_villages(LEADER, config) is None
    assert access.scope_villages(None, config) is None
    assert access.scope_villages(VILLAGE, config) == ("东河村",)
    assert access.scope_offices(VILLAGE, config) is None
    assert access.scope_villages(OFFICE, config) is None and access.scope_offices(OFFICE, config) == (
        "平安办",
    )
    gone = _user(Role.VILLAGE, "撤并村")  # no longer in the configuration: sees nothing, never everything
    assert access.scope_villages(gone, config) == ()


@pytest.mark.parametrize(
    ("user", "requested", "villages", "offices"),
    [
        (VILLAGE, Filters(), ("东河村",), ()),
        (VILLAGE, Filters(villages=("西岭村",)), ("东河村",), ()),  # an edited URL falls back to the scope
        (VILLAGE, Filters(villages=("西岭村", "东河村")), ("东河村",), ()),
        (OFFICE, Filters(villages=("西岭村",)), ("西岭村",), ("平安办",)),
        (OFFICE, Filters(offices=("水利办",)), (), ("平安办",)),
        (LEADER, Filters(villages=("西岭村",)), ("西岭村",), ()),
        (_user(Role.VILLAGE, "撤并村"), Filters(), ("\x00none",), ("\x00none",)),  # sees nothing
    ],
)
def test_scoped_filters_never_widen(config, user, requested, villages, offices):
    scoped = access.scoped_filters(requested, user, config)
    assert (scoped.villages, scoped.offices) == (villages, offices)
    assert scoped.sectors == requested.sectors and isinstance(scoped, Filters)


def test_the_town_ranking_stays_visible_but_nothing_else():
    assert access.keeps_town_ranking("overview", "village_ranking")
    assert access.keeps_town_ranking("weekly", "red_black_lists")
    assert not access.keeps_town_ranking("villages", "heatmap")
    assert not access.keeps_town_ranking("overdue", "village_ranking")
    assert "responsible" not in access.TOWN_RANKING_COLUMNS and "rate" in access.TOWN_RANKING_COLUMNS
