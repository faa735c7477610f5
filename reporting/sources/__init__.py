"""The sources of daily facts: each turns one day of what happened into fact rows.

A source declares the metrics it writes, how it builds one day (`build(day)`, adding to a `DayFacts`)
and which days a change since a moment touches (`touched_days(since, until)`), so that the
incremental refresh rebuilds exactly those days. Sources register themselves (`base.register`) when
their module is imported (`reporting.sources.workflow`, `.sales`, `.clients`, `.potentials`, `.campaigns`); a later source is
added the same way, and the indicators naming its code start showing figures.

Trace-based sources read events through the catalogue's constants (`workflow.events`), never by
spelling action names.
"""

from reporting.sources.base import _SOURCES, DayFacts, Source, day_bounds, local_day, register

__all__ = ["DayFacts", "Source", "day_bounds", "is_registered", "local_day", "register", "sources"]


def sources() -> list[Source]:
    _load()
    return [_SOURCES[code] for code in sorted(_SOURCES)]


def is_registered(code: str) -> bool:
    _load()
    return code in _SOURCES


def _load() -> None:
    # The built-in sources; importing them registers them.
    from reporting.sources import campaigns, clients, potentials, sales, workflow  # noqa: F401
