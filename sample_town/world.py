"""The sample town's hazards: every one found in the campaign, with its deadline, rectification and 销号."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from firedash.config import TownConfig
from sample_town import vocab
from sample_town.story import (
    FIRST_CHECK,
    FIRST_REPORT,
    FLAWS,
    LAGGING,
    LAST_CHECK,
    MAJORS,
    OFFICE_FINDINGS,
    PLANS,
    UNKNOWN_VILLAGE,
    D,
    VillagePlan,
)  # fmt: skip


@dataclass
class Ticket:
    """One hazard as the town knows it at the campaign's end; ledgers show it as it stood on their date."""

    village: str
    found: dt.date
    unit: str
    address: str
    sector: str
    category: str
    description: str
    measures: str
    severity: str = "一般"  # 一般 | 较大 | 重大
    supervised: bool = False
    deadline: dt.date | None = None
    deadline_kind: str = "date"  # date | immediate | month_end | long
    office: str = ""
    responsible: str = ""
    phone: str = ""
    method: str = "基层排查"
    note: str = ""
    rectified: dt.date | None = None
    working_from: dt.date | None = None  # 整改中 from this day until rectified
    on_the_spot: bool = False  # 立查立改 / 当场整改
    closed: dt.date | None = None
    reviewed: dt.date | None = None
    reviewer: str = ""
    funds: float | None = None
    hazard_no: str | None = None
    variant: int = 0  # picks synonyms and quirks, the same in every week
    flaw: str | None = None
    fixed_from: dt.date | None = None
    source: str = "village"  # village: in the village's own ledger; office: in 应急办's CSV


def report_sundays(config: TownConfig) -> list[dt.date]:
    """The Sundays the town collects ledgers on, from the first report to the campaign's end."""
    days, day = [], FIRST_REPORT
    while day <= config.campaign.end:
        days.append(day)
        day += dt.timedelta(days=7)
    return days


def build_town(config: TownConfig, rng: random.Random) -> list[Ticket]:
    """Every hazard of the campaign: the villages' own, the majors, the offices' findings and the flaws."""
    missing = sorted(set(config.villages) ^ {p.name for p in PLANS})
    if missing:
        raise ValueError(f"样例镇的村（社区）与配置不一致：{'、'.join(missing)}")
    tickets: list[Ticket] = []
    for plan in PLANS:
        tickets += _village_tickets(plan, rng, config)
    tickets += [_major(spec, rng) for spec in MAJORS]
    tickets += _office_tickets(rng, config)
    tickets += [_flawed(spec, rng) for spec in FLAWS]
    tickets.sort(key=lambda t: (t.village, t.found, t.unit))
    _number(tickets)
    _review(tickets, rng, config)
    return tickets


def _day_weight(day: dt.date) -> float:
    """How busy inspections are on a day: December, then the surges before 春节 and 两会."""
    spans = (
        (D(2023, 12, 6), 0.6), (D(2024, 1, 1), 4.0), (D(2024, 1, 20), 1.3), (D(2024, 2, 9), 2.4),
        (D(2024, 2, 18), 0.15), (D(2024, 3, 4), 2.1), (D(2024, 3, 26), 0.8), (D(2024, 4, 1), 0.3),
    )  # fmt: skip
    weight = next(w for end, w in spans if day < end)
    return weight * (0.5 if day.weekday() >= 5 else 1.0)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _found_dates(rng: random.Random, n: int, first: dt.date) -> list[dt.date]:
    days = _days(first, LAST_CHECK)
    return sorted(rng.choices(days, weights=[_day_weight(d) for d in days], k=n))


def _person(rng: random.Random) -> str:
    return rng.choice(vocab.SURNAMES) + "".join(rng.choice(vocab.GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10)}****{rng.randrange(10000):04d}"


def _short(village: str) -> str:
    return village.removesuffix("社区").removesuffix("村")


def _place(rng: random.Random, village: str, sector: str) -> tuple[str, str]:
    """A unit's name and address: 村民小组 (X组) in the villages, streets and estates in the 社区."""
    group, number, person = rng.randrange(1, 10), rng.randrange(1, 240), _person(rng)
    street = vocab.STREETS.get(village)
    templates = (street and vocab.COMMUNITY_UNITS.get(sector)) or vocab.UNITS[sector]
    unit = rng.choice(templates).format(
        v=_short(village), g=group, n=rng.randrange(1, 19), p=person, p0=person[0], s=street
    )
    return unit, f"{street}{number}号" if street else f"{village}{group}组"


def _sectors(village: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Where a village's hazards are found: homes and wooden houses in the hills, shops in the 社区."""
    if village.endswith("社区"):
        return (("居民住宅", "高层建筑", "餐饮企业", "商场", "宾馆", "教育培训机构", "卫生院/医疗机构", "办公楼",
                 "未经消防验收建设工程", "小卖部"), (22, 18, 16, 9, 5, 6, 3, 3, 2, 2))  # fmt: skip
    return (("居民住宅", "木房", "餐饮企业", "厂房", "库房", "工棚", "养老院", "卫生院/医疗机构", "食堂", "宿舍",
             "烟花爆竹储存/销售点", "燃气经营/充装企业", "冷库", "农家乐", "小卖部", "办公楼", "教育培训机构"),
            (30, 14, 8, 6, 6, 4, 2, 3, 2, 2, 2, 1, 1, 2, 3, 2, 1))  # fmt: skip


def _hazard(rng: random.Random, sector: str) -> tuple[str, str, str]:
    categories = vocab.SECTOR_CATEGORIES.get(sector, vocab.DEFAULT_CATEGORIES)
    category = rng.choice(categories)
    description, measure = rng.choice(vocab.HAZARDS[category])
    return category, description, measure


def _office_for(sector: str, village: str, rng: random.Random) -> str:
    by_sector = {"养老院": "民政社", "工棚": "村建环保办", "未经消防验收建设工程": "村建环保办",
                 "烟花爆竹储存/销售点": "平安办", "宾馆": "平安办", "冷库": "应急办"}  # fmt: skip
    return by_sector.get(sector) or (
        village if rng.random() < 0.75 else rng.choice(("应急办", "平安办", "村建环保办"))
    )


def _base_ticket(rng: random.Random, village: str, found: dt.date, sector: str | None = None) -> Ticket:
    if sector is None:
        names, weights = _sectors(village)
        sector = rng.choices(names, weights=weights)[0]
    category, description, measure = _hazard(rng, sector)
    unit, address = _place(rng, village, sector)
    return Ticket(
        village=village, found=found, unit=unit, address=address,
        sector=sector, category=category, description=description, measures=measure,
        office=_office_for(sector, village, rng), responsible=_person(rng), phone=_phone(rng),
        method=rng.choices(("基层排查", "自查", "双随机抽查", "暗访"), weights=(80, 12, 5, 3))[0],
        note=rng.choice(vocab.NOTE_WORDS), variant=rng.randrange(1000),
    )  # fmt: skip


def _village_tickets(plan: VillagePlan, rng: random.Random, config: TownConfig) -> list[Ticket]:
    first = max(FIRST_CHECK, plan.first_report - dt.timedelta(days=6))
    tickets: list[Ticket] = []
    for found in _found_dates(rng, plan.size, first):
        previous = tickets[-1] if tickets else None
        if previous and previous.found == found and rng.random() < 0.3:
            ticket = _base_ticket(rng, plan.name, found, previous.sector)  # a second hazard at the same unit
            ticket.unit, ticket.address, ticket.responsible = (
                previous.unit,
                previous.address,
                previous.responsible,
            )
        else:
            ticket = _base_ticket(rng, plan.name, found)
        if any(t.unit == ticket.unit and t.description == ticket.description for t in tickets):
            continue  # one hazard is recorded once
        ticket.severity = "较大" if rng.random() < 0.03 else "一般"
        _set_fate(ticket, plan.pace, rng, config)
        tickets.append(ticket)
    return tickets


def _deadline(ticket: Ticket, rng: random.Random) -> None:
    """整改期限: mostly 7–30 days, some 立即整改 (half of them fixed on the spot), X月底前, a few 长期."""
    draw = rng.random()
    if draw < 0.11:
        ticket.deadline_kind, ticket.deadline = "immediate", ticket.found
        ticket.on_the_spot = rng.random() < 0.55
    elif draw < 0.2 and ticket.category in vocab.STRUCTURAL:
        ticket.deadline_kind, ticket.deadline = "long", None
    elif draw < 0.33:
        month = ticket.found.replace(day=28) + dt.timedelta(days=4 if ticket.found.day <= 20 else 35)
        ticket.deadline_kind, ticket.deadline = "month_end", month.replace(day=1) - dt.timedelta(days=1)
    else:
        ticket.deadline = ticket.found + dt.timedelta(days=rng.choice((7, 10, 15, 15, 20, 30, 30)))


# pace -> (never rectified in the campaign, share of the allowed time used, chance of finishing late)
PACES = {
    "good": (0.01, (0.25, 0.9), 0.015),
    "normal": (0.04, (0.4, 1.0), 0.03),
    "lagging": (0.38, (0.7, 1.2), 0.2),
}


def _set_fate(ticket: Ticket, pace: str, rng: random.Random, config: TownConfig) -> None:
    """Deadline, rectification date, 整改中 spell: rectification lags discovery by a week or three."""
    _deadline(ticket, rng)
    if ticket.on_the_spot:
        ticket.rectified = ticket.found
        return
    never, (low, high), late = PACES[pace]
    allowed = (ticket.deadline - ticket.found).days if ticket.deadline else rng.randrange(20, 70)
    if rng.random() < never:
        days = None
    elif rng.random() < late:
        days = max(allowed, 1) + rng.randrange(2, 20)
    else:
        days = round(allowed * rng.uniform(low, high)) if allowed else 0
    if days is not None and ticket.found + dt.timedelta(days=days) <= config.campaign.end:
        ticket.rectified = ticket.found + dt.timedelta(days=days)
    span = (ticket.rectified - ticket.found).days if ticket.rectified else rng.randrange(4, 30)
    if span >= 4 and rng.random() < 0.55:
        ticket.working_from = ticket.found + dt.timedelta(days=max(1, span // 2))


def _major(spec: tuple, rng: random.Random) -> Ticket:
    village, index, supervised, found, deadline, rectified, closed = spec
    sector, category, description, measure = vocab.MAJOR_HAZARDS[index]
    ticket = _base_ticket(rng, village, found, sector)
    ticket.category, ticket.description, ticket.measures = category, description, measure
    ticket.severity, ticket.supervised, ticket.deadline = "重大", supervised, deadline
    ticket.rectified, ticket.closed, ticket.reviewed = rectified, closed, closed
    ticket.office = {"养老院": "民政社", "未经消防验收建设工程": "村建环保办"}.get(sector, "应急办")
    ticket.method, ticket.note = "部门联查", "县政府挂牌督办" if supervised else "重大火灾隐患"
    ticket.working_from = found + dt.timedelta(days=5)
    ticket.funds = float(rng.randrange(5, 31) * 10000)
    return ticket


def _office_tickets(rng: random.Random, config: TownConfig) -> list[Ticket]:
    """Findings of the offices' joint checks: a dozen inspection days, a few hazards each."""
    days = _found_dates(rng, 16, D(2023, 12, 6))
    tickets = []
    while len(tickets) < OFFICE_FINDINGS:
        day = days[len(tickets) % len(days)]
        village = rng.choice(config.villages)
        ticket = _base_ticket(rng, village, day)
        ticket.method = rng.choices(("部门联查", "双随机抽查", "暗访"), weights=(70, 20, 10))[0]
        ticket.source = "office"
        ticket.office = rng.choice(config.offices[:3])
        ticket.severity = "较大" if rng.random() < 0.08 else "一般"
        _set_fate(ticket, "lagging" if village in LAGGING else "normal", rng, config)
        tickets.append(ticket)
    unknown = _base_ticket(rng, UNKNOWN_VILLAGE, D(2023, 12, 12), "厂房")
    unknown.unit, unknown.method, unknown.office = "清水村石料厂", "部门联查", "应急办"
    unknown.flaw, unknown.source = "unknown_village", "office"
    unknown.deadline = D(2023, 12, 27)
    return [*tickets, unknown]


def _flawed(spec: tuple, rng: random.Random) -> Ticket:
    village, flaw, found, fixed_from = spec
    ticket = _base_ticket(rng, village, found, "居民住宅")
    ticket.flaw, ticket.fixed_from = flaw, fixed_from
    ticket.deadline = found + dt.timedelta(days=10)
    ticket.rectified = found + dt.timedelta(days=8)
    return ticket


def _number(tickets: list[Ticket]) -> None:
    """隐患编号 in found order, for the villages that number their hazards."""
    abbrs = {p.name: p.abbr for p in PLANS if p.abbr}
    counters: dict[str, int] = {}
    for ticket in tickets:
        abbr = abbrs.get(ticket.village)
        if abbr and ticket.source == "village":
            counters[abbr] = counters.get(abbr, 0) + 1
            ticket.hazard_no = f"DT-{abbr}-{counters[abbr]:04d}"


def _review(tickets: list[Ticket], rng: random.Random, config: TownConfig) -> None:
    """应急办 re-checks numbered tickets a few days after rectification and strikes a few off (销号)."""
    for ticket in tickets:
        if not ticket.hazard_no or not ticket.rectified:
            continue
        ticket.reviewer = rng.choice(vocab.REVIEWERS)
        if ticket.reviewed is None:
            reviewed = ticket.rectified + dt.timedelta(days=rng.randrange(2, 7))
            ticket.reviewed = reviewed if reviewed <= config.campaign.end else None
            ticket.closed = ticket.reviewed if ticket.reviewed and rng.random() < 0.04 else None
        if ticket.funds is None:
            ticket.funds = float(rng.choice((0, 0, 150, 300, 500, 800, 1200, 2000, 3500)))
