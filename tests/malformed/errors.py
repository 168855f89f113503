"""Failures that used to end in a traceback: files that cannot be read or written, data files
whose keys hold the wrong kind of value or that are not UTF-8, folders where files belong, option
values that name something impossible. Each ends in a one-line message naming the file (and key),
exit code 2 for a usage error and 1 for a data error, and no traceback (``--debug`` shows one)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from malformed.catalogue import GOOD_PAGE, case, good_workbook

DATA_FILE = "units/demo_district/2022.yaml"


def _world(tmp: Path) -> Path:
    return tmp.parent


def _data_file(change, command: tuple[str, ...] = ("check", "--data", "{data}")):
    """The fixture's 2022 data file changed by ``change`` (text → text), then ``command``."""

    def build(tmp, data):
        path = data / DATA_FILE
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        return [a.format(data=data, out=_world(tmp) / "out") for a in command]

    return build


def _drop(key: str):
    """Remove a top-level key (and its block) from a data file's text."""
    return lambda text: re.sub(rf"^{key}:.*?(?=^\S|\Z)", "", text, flags=re.M | re.S)


def _command(*args: str):
    def build(tmp, data):
        return [a.format(data=data, out=_world(tmp) / "out", tmp=tmp) for a in args]

    return build


# --- values of the wrong kind in a data file ----------------------------------------------------

case("cli-narrative-number", "narrative: 42", 1, "2022.yaml: narrative: expected a mapping of overview")(
    _data_file(lambda t: _drop("narrative")(t) + "narrative: 42\n")
)
case("cli-figures-number", "figures: 5", 1, "2022.yaml: figures: expected a list of figures")(
    _data_file(lambda t: _drop("figures")(t) + "figures: 5\n")
)
case(
    "cli-table-as-list", "table_b: a list instead of a mapping", 1, "2022.yaml: table_b: expected a mapping of Table B"
)(_data_file(lambda t: _drop("table_b")(t) + "table_b: [1, 2, 3]\n"))
STATEMENT = (
    "statements:\n  - {id: s1, kind: share, label: 比例, value: '10.00', numerator: REF, denominator: B.total.total}\n"
)
for ident, ref, says in (
    ("group", "BG.nonexistent.total", "no row 'nonexistent'"),
    ("column", "B.total.bogus", "no column 'bogus'"),
    ("figure", "F.nosuch", "no figure 'nosuch'"),
):
    case(f"cli-statement-unknown-{ident}", f"a statement's numerator is {ref}", 1,
         f"numerator: cannot resolve reference {ref!r}: {says}")(
        _data_file(lambda t, ref=ref: _drop("statements")(t) + STATEMENT.replace("REF", ref)))  # fmt: skip

# --- files that are not what they should be -------------------------------------------------------

case("cli-gbk-data-file", "a data file saved in GBK", 1, "2022.yaml: line 4: not UTF-8 text", "GBK")(
    lambda tmp, data: (
        (data / DATA_FILE).write_bytes((data / DATA_FILE).read_text(encoding="utf-8").encode("gb18030")),
        ["check", "--data", str(data)],
    )[1]
)
case("cli-binary-data-file", "a data file of random bytes", 1, "2022.yaml: line 1: not UTF-8 text")(
    lambda tmp, data: ((data / DATA_FILE).write_bytes(bytes(range(128, 256)) * 4), ["check", "--data", str(data)])[1]
)
case("cli-yaml-syntax", "a data file that is not YAML", 1, "2022.yaml: not valid YAML: line")(
    _data_file(lambda t: t.replace("table_b:", "table_b: [", 1))
)
case("cli-folder-named-yaml", "a folder named 2023.yaml among the data files", 1,
     "2023.yaml: is a folder, not a data file")(
    lambda tmp, data: ((data / "units" / "demo_district" / "2023.yaml").mkdir(), ["check", "--data", str(data)])[1])  # fmt: skip
case("cli-registry-broken", "the data folder's units.yaml misses a name", 1, "units.yaml: units[0]: missing 'name'")(
    lambda tmp, data: (
        (data / "units.yaml").write_text("units:\n  - {id: demo_district, level: district}\n", encoding="utf-8"),
        ["check", "--data", str(data)],
    )[1]
)
case(
    "cli-registry-duplicate-key", "units.yaml gives a key twice", 1, "units.yaml: line 4: units[0].name: duplicate key"
)(
    lambda tmp, data: (
        (data / "units.yaml").write_text(
            "units:\n  - id: demo_district\n    name: 示例区\n    name: 另一区\n    level: district\n", encoding="utf-8"
        ),
        ["check", "--data", str(data)],
    )[1]
)

# --- files that cannot be read or written --------------------------------------------------------


def _unreadable_workbook(tmp, data):
    scratch = _world(tmp) / "scratch"
    book = good_workbook(tmp, data)
    from nianbao.cli import main

    main(["import", str(book), "--data", str(scratch)])  # the import's modules loaded before the user changes
    os.chmod(book, 0)
    return ["import", str(book), "--data", str(data)]


case("cli-workbook-unreadable", "a workbook the user may not read", 1, "filled.xlsx: permission denied",
     unprivileged=True)(_unreadable_workbook)  # fmt: skip


def _unreadable_page(tmp, data):
    from nianbao.cli import main

    page = tmp / "page.html"
    page.write_bytes(GOOD_PAGE.read_bytes())
    main(["audit", str(page), "--data", str(data), "--unit", "demo_district"])  # load the audit's modules
    os.chmod(page, 0)
    return ["audit", str(page), "--data", str(data), "--unit", "demo_district"]


case("cli-page-unreadable", "a page the user may not read", 1, "page.html: permission denied", unprivileged=True)(
    _unreadable_page
)


def _read_only_data(tmp, data):
    from nianbao.cli import main

    book = good_workbook(tmp, data)
    main(["import", str(book), "--data", str(_world(tmp) / "scratch")])
    for folder in (data, data / "units", data / "units" / "demo_district"):
        os.chmod(folder, 0o555)
    return ["import", str(book), "--data", str(data)]


case("cli-data-read-only", "importing into a data folder the user may not write", 1, "units/demo_district",
     "permission denied (check the folder's owner and permissions)", unprivileged=True)(_read_only_data)  # fmt: skip

# --- option values -------------------------------------------------------------------------------


def _a_file(name: str, *args: str):
    def build(tmp, data):
        (_world(tmp) / "out").write_text("not a folder", encoding="utf-8")
        return [a.format(data=data, out=_world(tmp) / "out") for a in (name, *args)]

    return build


for command, args in (
    ("report", ("--data", "{data}", "--unit", "demo_district", "--year", "2021", "--out", "{out}")),
    ("demo", ("--out", "{out}", "--years", "2021-2021")),
    ("batch", ("--data", "{data}", "--out", "{out}")),
    ("trends", ("--data", "{data}", "--unit", "demo_district", "--years", "2021-2022", "--out", "{out}")),
):
    case(f"cli-{command}-out-is-a-file", f"{command} --out names an existing file", 2, "out: is a file, not a folder")(
        _a_file(command, *args)
    )

case("cli-scheduler-not-a-url", "batch --scheduler not-a-url", 2, "argument --scheduler", "tcp://HOST:8786")(
    _command("batch", "--data", "{data}", "--scheduler", "not-a-url", "--out", "{out}")
)
case("cli-year-negative", "check --year -5", 2, "argument --year", "expected a year from")(
    _command("check", "--data", "{data}", "--year", "-5")
)
case("cli-year-text", "report --year twenty", 2, "argument --year", "expected a year such as 2021")(
    _command("report", "--data", "{data}", "--year", "twenty")
)
case("cli-data-missing", "check --data names no folder", 2, "data folder", "does not exist")(
    _command("check", "--data", "{out}")
)
case("cli-import-missing-workbook", "import of a workbook that is not there", 2, "nope.xlsx: cannot import",
     "no such file")(_command("import", "{tmp}/nope.xlsx", "--data", "{data}"))  # fmt: skip
case("cli-audit-missing-page", "audit of a page that is not there", 2, "nope.html: no such file")(
    _command("audit", "{tmp}/nope.html", "--data", "{data}")
)
case("cli-audit-folder", "audit of a folder with no report in it", 2, "no file to audit")(
    _command("audit", "{tmp}", "--data", "{data}")
)
case("cli-import-data-is-a-file", "import into a --data that is a file", 2, "is a file, not a folder")(
    lambda tmp, data: (
        (_world(tmp) / "out").write_text("x", encoding="utf-8"),
        ["import", str(good_workbook(tmp, data)), "--data", str(_world(tmp) / "out")],
    )[1]
)
