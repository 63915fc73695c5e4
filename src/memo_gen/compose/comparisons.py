"""Figures that compare → the charts of a ```` ```chart ```` block.

A template names figures by id, one comparison per line; here each line becomes charts of
like with like only. Figures are bars of one chart when each has a value (not only a
multiplier) with no bound other than "about" (a bar cannot show "more than 40"), is not a
change, and they measure the same thing: the same label (compared without regard to case and
spacing), currency, unit and rate (``per``), over periods of equal length (a bare year
counts 12 months, ``months`` gives any other period; a rate such as tonnes per year carries
its own; a target or forecast with no period is the level to reach, drawn beside the actual
ones). Their scales may differ: every bar is shown in the smallest scale of its chart (1
billion → 1,000 million). Figures whose period length is unknown (a period in words with no
``months``) are not charted with others. Each group of at least two is one chart, titled
with the measure's label; bars are labelled by period and kind. Anything else gets no chart:
no chart rather than a misleading one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from memo_gen.compose.formatting import SCALE_FACTORS, Formatter, sentence
from memo_gen.document import Chart, ChartBar
from memo_gen.record.model import Figure, VisitRecord

_Key = tuple[str, str, str, str, int | None]
_YEAR = re.compile(r"\d{4}")


def period_months(figure: Figure) -> int | None:
    """How many months a figure's period covers, when the record says (``None`` if not)."""
    if figure.months is not None:
        return figure.months
    if figure.period is not None and _YEAR.fullmatch(figure.period.strip()):
        return 12
    return None


def comparable(figure: Figure) -> _Key | None:
    """What a figure measures (label, currency, unit, rate, period length), or ``None`` when
    it cannot be a bar."""
    if figure.value is None or figure.kind == "change" or figure.bound not in (None, "about"):
        return None
    # A rate (tonnes per year) says its own period's length; the period says only when.
    months = None if figure.per else period_months(figure)
    if months is None and figure.period is not None and not figure.per:
        return None  # a period in words, of unknown length: nothing to set it beside
    return (
        " ".join(figure.label.casefold().split()),
        (figure.currency or "").upper(),
        (figure.unit or "").casefold(),
        (figure.per or "").casefold(),
        months,
    )


def _factor(scale: str | None) -> int:
    return SCALE_FACTORS.get(scale or "", 1)


class ChartMaker:
    """Resolves the figure ids of ```` ```chart ```` lines for one document; a comparison
    that an earlier line already charted is not charted again."""

    def __init__(self, record: VisitRecord, formatter: Formatter) -> None:
        self.figures = {figure.id: figure for figure in record.figures}
        self.formatter = formatter
        self._charted: set[tuple[str, ...]] = set()

    def __call__(self, ids: Sequence[str]) -> list[Chart]:
        groups: dict[_Key, list[Figure]] = {}
        order = {figure_id: index for index, figure_id in enumerate(dict.fromkeys(ids))}
        for figure_id in order:
            figure = self.figures.get(figure_id)
            key = comparable(figure) if figure is not None else None
            if figure is not None and key is not None:
                groups.setdefault(key, []).append(figure)
        # A target or forecast with no period joins the one group of its measure, if there
        # is exactly one: beside actual years it is the level to reach.
        for key in [k for k in groups if k[4] is None]:
            others = [k for k in groups if k[:4] == key[:4] and k[4] is not None]
            if len(others) == 1 and all(f.kind in ("target", "forecast") for f in groups[key]):
                joined = groups[others[0]] + groups.pop(key)
                groups[others[0]] = sorted(joined, key=lambda f: order[f.id])
        charts = []
        for group in groups.values():
            signature = tuple(sorted(figure.id for figure in group))
            if len(group) < 2 or signature in self._charted:
                continue
            self._charted.add(signature)
            charts.append(self.chart(group))
        return charts

    def chart(self, group: Sequence[Figure]) -> Chart:
        fmt = self.formatter
        scale = min((figure.scale for figure in group), key=_factor)
        bars = []
        for figure in group:
            assert figure.value is not None
            ratio = _factor(figure.scale) // _factor(scale)
            value = float(Decimal(repr(figure.value)) * ratio)
            kind = fmt.term(figure.kind, "figure-kind")
            if not figure.period:
                label = sentence(kind)
            elif figure.kind in (None, "actual"):
                label = figure.period
            else:
                label = f"{figure.period} ({kind})"
            shown = fmt.number(value)
            if figure.bound == "about":
                shown = fmt.figure_value(figure.model_copy(update={"value": value}))
            bars.append(ChartBar(label, value, kind, shown))
        return Chart(group[0].label, fmt.scaled_unit(group[0], scale), tuple(bars))
