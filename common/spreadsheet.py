"""CSV exports that a spreadsheet opens safely, streamed row by row (no list held in memory)."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, for csv.writer to hand to the stream."""

    def write(self, value: str) -> str:
        return value


def csv_stream(*, header: Iterable[object], rows: Iterable[Iterable[object]], filename: str) -> StreamingHttpResponse:
    """A CSV download of `rows` (each cell made safe), written as the rows are read."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(list(header))
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
