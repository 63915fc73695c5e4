"""Figures that compare → the charts of a ```` ```chart ```` block.

A template names figures by id, one comparison per line; here each line becomes charts:
figures compare when each has a value (not only a multiplier), is not a change, and they
share currency, unit and rate (``per``, compared without regard to case). Their scales may
differ: every bar is shown in the smallest scale of its chart (1 billion → 1,000 million).
Each group of at least two figures that compare is one chart, titled with its first figure's
label; a line with fewer gives none, and a record with nothing to compare gets no chart.
Record text (labels, periods, units) is used as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from memo_gen.document import Chart, ChartBar
from memo_gen.formatting import SCALE_FACTORS, Formatter, sentence
from memo_gen.model import Figure, VisitRecord

_Key = tuple[str, str, str]


def comparable(figure: Figure) -> _Key | None:
    """What a figure counts (currency, unit, rate), or ``None`` when it cannot be a bar."""
    if figure.value is None or figure.kind == "change":
        return None
    return (
        (figure.currency or "").upper(),
        (figure.unit or "").casefold(),
        (figure.per or "").casefold(),
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
        for figure_id in dict.fromkeys(ids):
            figure = self.figures.get(figure_id)
            key = comparable(figure) if figure is not None else None
            if figure is not None and key is not None:
                groups.setdefault(key, []).append(figure)
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
            elif figure.kind == "actual":
                label = figure.period
            else:
                label = f"{figure.period} ({kind})"
            bars.append(ChartBar(label, value, kind, fmt.number(value)))
        return Chart(group[0].label, fmt.scaled_unit(group[0], scale), tuple(bars))
