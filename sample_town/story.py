"""The script of the sample town: each village's size, pace and habits, the majors and the planted flaws."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

D = dt.date
FIRST_REPORT = D(2023, 12, 3)
FIRST_CHECK = D(2023, 11, 27)
LAST_CHECK = D(2024, 3, 29)


@dataclass(frozen=True)
class VillagePlan:
    """How one village behaves: its size, its pace of rectification and its reporting habits."""

    name: str
    size: int  # hazards the village itself finds over the campaign
    pace: str  # good | normal | lagging
    abbr: str | None = None  # hazard numbers DT-<abbr>-0001; None: the village does not number
    first_report: dt.date = FIRST_REPORT
    skipped: tuple[dt.date, ...] = ()  # weekly reports never sent
    days_early: int = 0  # 填报日期 is the Sunday minus this many days


PLANS = (
    VillagePlan("东河村", 92, "good", "DH"),
    VillagePlan("西岭村", 70, "normal", days_early=1),
    VillagePlan("南坪村", 60, "normal"),
    VillagePlan("北山村", 55, "normal", first_report=D(2023, 12, 10), days_early=2),
    VillagePlan("石桥村", 85, "good", "SQ"),
    VillagePlan("柳湾村", 65, "good", "LW", first_report=D(2023, 12, 10)),
    VillagePlan("杨家庄村", 60, "normal", first_report=D(2023, 12, 10)),
    VillagePlan("高坎村", 72, "lagging", "GK", days_early=1),
    VillagePlan("青龙村", 55, "good", "QL", first_report=D(2023, 12, 10)),
    VillagePlan("白沙村", 50, "normal", first_report=D(2023, 12, 10), days_early=1),
    VillagePlan(
        "黄土坡村",
        56,
        "lagging",
        first_report=D(2023, 12, 17),
        skipped=(D(2024, 1, 14), D(2024, 2, 11), D(2024, 2, 18), D(2024, 3, 10)),
    ),
    VillagePlan("桃源村", 60, "good", "TY", days_early=2),
    VillagePlan("马鞍村", 66, "lagging", first_report=D(2023, 12, 10)),
    VillagePlan("新华社区", 88, "good", "XH"),
    VillagePlan("城关社区", 85, "normal", "CG"),
    VillagePlan("大同街社区", 75, "normal", "DTJ"),
)
LAGGING = tuple(p.name for p in PLANS if p.pace == "lagging")
OFFICE_FINDINGS = 78  # found by the offices' joint checks (部门联查 …), sent by 应急办 as a CSV

# (village, index into vocab.MAJOR_HAZARDS, county-supervised, found, deadline, rectified or None, 销号 or None)
MAJORS = (
    ("东河村", 0, True, D(2023, 12, 7), D(2024, 1, 31), D(2024, 1, 20), D(2024, 1, 26)),
    ("石桥村", 1, True, D(2023, 12, 8), D(2024, 1, 15), D(2024, 1, 28), D(2024, 2, 2)),
    ("城关社区", 4, True, D(2023, 12, 12), D(2024, 6, 30), None, None),
    ("新华社区", 5, True, D(2023, 12, 6), D(2023, 12, 31), D(2023, 12, 25), D(2023, 12, 29)),
    ("柳湾村", 2, False, D(2023, 12, 13), D(2024, 2, 10), D(2024, 2, 5), D(2024, 2, 8)),
    ("大同街社区", 8, False, D(2024, 1, 23), D(2024, 2, 8), D(2024, 2, 6), D(2024, 2, 20)),
    ("青龙村", 3, False, D(2023, 12, 14), D(2024, 1, 31), D(2024, 2, 22), D(2024, 2, 28)),
    ("马鞍村", 6, False, D(2024, 1, 25), D(2024, 2, 5), None, None),
    ("桃源村", 7, False, D(2024, 2, 20), D(2024, 3, 3), D(2024, 3, 1), D(2024, 3, 6)),
    ("东河村", 9, False, D(2024, 2, 26), D(2024, 3, 10), D(2024, 3, 8), D(2024, 3, 14)),
)

# The planted bad rows: (village, flaw, found, fixed from this report date or None).
FLAWS = (
    ("南坪村", "no_found_date", D(2023, 12, 14), D(2024, 1, 14)),
    ("西岭村", "impossible_date", D(2024, 2, 29), None),
    ("杨家庄村", "unreadable_status", D(2024, 1, 9), None),
)
UNKNOWN_VILLAGE = "清水村"
# 应急办 sends its joint checks' findings (CSV) and its 整改销号台账 in some weeks only.
OFFICE_WEEKS = (D(2023, 12, 17), D(2024, 1, 7), D(2024, 1, 28), D(2024, 2, 25), D(2024, 3, 31))
CLOSURE_WEEKS = (D(2023, 12, 31), D(2024, 1, 28), D(2024, 2, 25), D(2024, 3, 17), D(2024, 3, 31))
OFFICE_DAYS_EARLY = 2  # 应急办 files on Friday
