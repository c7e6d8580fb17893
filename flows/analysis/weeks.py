"""Weeks run Monday to Sunday: a week is named by its Monday, and any other day is refused with the Monday
of its week, so nobody tests a different week than they meant."""

from __future__ import annotations

from datetime import date


class WeekError(ValueError):
    """A week to test that is not a Monday."""


def monday(week: date) -> date:
    """`week` itself when it is a Monday; otherwise a WeekError naming the Monday of its week."""
    if week.weekday() != 0:
        start = date.fromordinal(week.toordinal() - week.weekday())
        raise WeekError(
            f"{week} is a {week.strftime('%A')}; weeks run Monday to Sunday: give {start} for that week"
        )
    return week


def week_of(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return date.fromordinal(day.toordinal() - day.weekday())
