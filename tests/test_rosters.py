"""Reading a class list: plain bytes in, rows and problems by line out (no database)."""

import pytest

from quizzes import rosters


def parse(text: str, encoding: str = "utf-8") -> rosters.Roster:
    return rosters.parse(text.encode(encoding))


def problems(roster: rosters.Roster) -> dict[int, str]:
    return {problem.line: problem.message for problem in roster.problems}


def test_a_plain_list_gives_one_row_a_student():
    roster = parse('username,name\nada,Ada Lovelace\nalan,"Turing, Alan"\n')
    assert roster.ok
    assert [(row.line, row.username, row.first_name, row.last_name) for row in roster.rows] == [
        (2, "ada", "Ada", "Lovelace"),
        (3, "alan", "Alan", "Turing"),
    ]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        ("\ufeffUsername;First name;Last name\r\nada;Ada;Lovelace\r\n".encode(), "Excel's BOM"),
        ("E-mail\tName\nada@example.org\tAda Lovelace\n".encode("utf-16"), "UTF-16, tabs"),
        (b"Login,Surname,Given name\nada,Lovelace,Ada\n", "other spellings"),
    ],
)
def test_what_spreadsheets_export_is_read(data, what):
    roster = rosters.parse(data)
    assert roster.ok, what
    (row,) = roster.rows
    assert (row.first_name, row.last_name) == ("Ada", "Lovelace")
    assert row.username in ("ada", "ada@example.org")


def test_without_a_username_the_e_mail_is_the_username():
    (row,) = parse("email,name\nAda@Example.org,Ada Lovelace\n").rows
    assert (row.username, row.email) == ("Ada@Example.org", "Ada@Example.org")


def test_a_file_in_another_encoding_is_refused_with_how_to_save_it():
    roster = parse("username,name\nzoe,Zoë Brontë\n", encoding="latin-1")
    assert not roster.ok and not roster.rows
    assert "not UTF-8" in problems(roster)[0] and "CSV UTF-8" in problems(roster)[0]


def test_missing_columns_are_named_on_line_one():
    roster = parse("Student number,Class\n1234,9A\n")
    assert "must name the columns" in problems(roster)[1]
    assert "Student number, Class" in problems(roster)[1]


def test_bad_and_duplicate_rows_are_reported_by_line():
    roster = parse(
        "username,email,name\n"
        "ada,ada@example.org,Ada Lovelace\n"
        "ADA,,Ada Again\n"
        "bad name,,Space Cadet\n"
        ",,Nobody\n"
        "\n"
        "zoe,not-an-address,Zoe\n"
        "alan,ada@example.org,Alan Turing\n"
        '"grace","grace@example.org","Hopper,\nGrace"\n'
        "kurt,,Kurt Gödel\n"
    )
    assert problems(roster) == {
        3: "“ADA” is already on line 2.",
        4: "The username “bad name” may have only letters, digits and @ . + - _ (at most 150).",
        5: "No username or e-mail.",
        7: "“not-an-address” is not an e-mail address.",
        8: "The e-mail ada@example.org is already on line 2.",
    }
    assert not roster.ok
    # A quoted name over two lines: the next student is on the file's line 11.
    assert [(row.line, row.username) for row in roster.rows] == [
        (2, "ada"),
        (10, "grace"),
        (11, "kurt"),
    ]


def test_a_list_longer_than_the_limit_is_refused_at_its_line():
    lines = "".join(f"student{number},Student {number}\n" for number in range(10_000))
    roster = parse("username,name\n" + lines)
    assert not roster.ok
    assert len(roster.rows) == rosters.MAX_ROWS
    (problem,) = roster.problems
    assert problem.line == rosters.MAX_ROWS + 2
    assert "import it in parts" in problem.message


def test_a_file_over_a_megabyte_is_refused_unread():
    roster = rosters.parse(b"username,name\n" + b"x" * rosters.MAX_BYTES)
    assert "at most 1 MB" in problems(roster)[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "The file is empty."), (b"username,name\n", "has a header line but no students")],
)
def test_an_empty_list_says_so(data, message):
    assert message in problems(rosters.parse(data))[0]
