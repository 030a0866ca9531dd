"""Question banks in other tools' formats, both ways: GIFT and Aiken (Moodle's text formats),
Moodle XML, Canvas's QTI 1.2 package, and spreadsheets (CSV, XLSX), on the standard library,
defusedxml and openpyxl.

Each format reads a file into portable questions (quizzes/exchange/portable.py) with the
problems it met, by line, and writes portable questions back; each question kind maps its key
to and from a portable body (quizzes/kinds/), so no format knows our kinds. importing.py and
exporting.py join them to the database.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from quizzes.exchange import aiken, gift, moodle_xml, qti, spreadsheet
from quizzes.exchange.portable import PortableQuestion, Reading


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    extension: str
    content_type: str
    read: Callable[[bytes], Reading]
    write: Callable[[Iterable[PortableQuestion]], tuple[str | bytes, list[str]]]


FORMATS: dict[str, Format] = {
    format.name: format
    for format in (
        Format(
            "gift", "GIFT (Moodle)", "gift.txt", "text/plain; charset=utf-8", gift.read, gift.write
        ),
        Format("aiken", "Aiken", "aiken.txt", "text/plain; charset=utf-8", aiken.read, aiken.write),
        Format(
            "moodlexml",
            "Moodle XML",
            "xml",
            "application/xml; charset=utf-8",
            moodle_xml.read,
            moodle_xml.write,
        ),
        Format("qti", "Canvas QTI 1.2 package", "qti.zip", "application/zip", qti.read, qti.write),
        Format(
            "csv",
            "CSV spreadsheet",
            "csv",
            "text/csv; charset=utf-8",
            spreadsheet.read_csv,
            spreadsheet.write_csv,
        ),
        Format(
            "xlsx",
            "Excel spreadsheet",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            spreadsheet.read_xlsx,
            spreadsheet.write_xlsx,
        ),
    )
}


def format_for(filename: str) -> str | None:
    """The format a file's name suggests (.gift.txt / .gift, .xml, .csv, .xlsx), or None."""
    name = filename.casefold()
    for suffix, format_name in (
        (".gift.txt", "gift"),
        (".gift", "gift"),
        (".aiken.txt", "aiken"),
        (".xml", "moodlexml"),
        (".zip", "qti"),
        (".csv", "csv"),
        (".xlsx", "xlsx"),
    ):
        if name.endswith(suffix):
            return format_name
    return None
