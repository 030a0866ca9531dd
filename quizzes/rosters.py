"""Reading a class list (CSV) into accounts to create: plain values in, rows and problems out.

The file is what a school's office or a spreadsheet exports: UTF-8 (with or without Excel's BOM)
or UTF-16, commas, semicolons or tabs, a header line naming the columns. Columns: `username`
and/or `email` (one of them: without a username the e-mail is the username), and the name as
`name`, or `first name` and `last name`; other columns are ignored. Every problem is reported
with its line number, and a roster with any problem creates nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, field

MAX_ROWS = 2000
MAX_BYTES = 1024 * 1024
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")  # Django's username rule
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Header spellings, folded (lower case, no spaces, dashes or underscores).
COLUMNS = {
    "username": "username",
    "user": "username",
    "login": "username",
    "email": "email",
    "emailaddress": "email",
    "mail": "email",
    "name": "name",
    "fullname": "name",
    "student": "name",
    "firstname": "first_name",
    "givenname": "first_name",
    "forename": "first_name",
    "lastname": "last_name",
    "surname": "last_name",
    "familyname": "last_name",
}


@dataclass(frozen=True)
class RosterRow:
    line: int
    username: str
    email: str
    first_name: str
    last_name: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the file as a whole
    message: str


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


def decode(data: bytes) -> str:
    """The file's text; ValueError with a message a teacher can act on."""
    if len(data) > MAX_BYTES:
        raise ValueError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; a class list has at most 1 MB."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”; in "
            "LibreOffice or Google Sheets, choose UTF-8 when you export CSV."
        ) from None


def _fold(header: str) -> str:
    return re.sub(r"[\s_\-]", "", header.strip().lower())


def _split_name(name: str) -> tuple[str, str]:
    """ "Ada Lovelace" → ("Ada", "Lovelace"); "Lovelace, Ada" → ("Ada", "Lovelace")."""
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def parse(data: bytes) -> Roster:
    """The class list's rows and every problem in it, by line."""
    roster = Roster()
    try:
        text = decode(data)
    except ValueError as error:
        roster.problems.append(Problem(0, str(error)))
        return roster
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        roster.problems.append(Problem(0, "The file is empty."))
        return roster
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, [])
    columns = {}
    for index, name in enumerate(header):
        meaning = COLUMNS.get(_fold(name))
        if meaning and meaning not in columns:
            columns[meaning] = index
    if "username" not in columns and "email" not in columns:
        roster.problems.append(
            Problem(
                1,
                "The first line must name the columns: “username” or “email” (or both), and "
                "“name” (or “first name” and “last name”). It reads: " + ", ".join(header)[:200],
            )
        )
        return roster
    seen: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for values in reader:
        line = reader.line_num  # the file's line (a quoted cell may span lines)
        if not any(value.strip() for value in values):
            continue
        if len(roster.rows) + len(roster.problems) >= MAX_ROWS:
            roster.problems.append(
                Problem(
                    line,
                    f"The list goes on past {MAX_ROWS:,} students: import it in parts of at "
                    f"most {MAX_ROWS:,}.",
                )
            )
            break

        def cell(name: str, values: list[str] = values) -> str:
            index = columns.get(name)
            return values[index].strip() if index is not None and index < len(values) else ""

        email = cell("email")
        username = cell("username") or email
        first, last = cell("first_name"), cell("last_name")
        if not (first or last) and cell("name"):
            first, last = _split_name(cell("name"))
        problems = []
        if not username:
            problems.append("no username or e-mail")
        elif not USERNAME.match(username):
            problems.append(
                f"the username “{username[:40]}” may have only letters, digits and @ . + - _ "
                "(at most 150)"
            )
        if email and not EMAIL.match(email):
            problems.append(f"“{email[:60]}” is not an e-mail address")
        if len(first) > 150 or len(last) > 150:
            problems.append("the name is longer than 150 characters")
        key = username.casefold()
        if username and key in seen:
            problems.append(f"“{username}” is already on line {seen[key]}")
        if email and email.casefold() in seen_emails:
            problems.append(
                f"the e-mail {email} is already on line {seen_emails[email.casefold()]}"
            )
        if problems:
            message = "; ".join(problems)
            roster.problems.append(Problem(line, message[0].upper() + message[1:] + "."))
            continue
        seen[key] = line
        if email:
            seen_emails[email.casefold()] = line
        roster.rows.append(RosterRow(line, username, email, first, last))
    if not roster.rows and not roster.problems:
        roster.problems.append(Problem(0, "The file has a header line but no students."))
    return roster
