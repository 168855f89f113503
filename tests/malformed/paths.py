"""Input that would decide where nianbao writes: unit ids from workbooks, data files, page titles
and the command line, and folders that lead elsewhere. A unit id is lower-case ascii letters,
digits, '_' and '-' (or a unit of the registry, by name); every path written is checked to lie in
its folder. Each case is refused, and nothing is written anywhere."""

from __future__ import annotations

import os
from pathlib import Path

from malformed.catalogue import GOOD_PAGE, _set, case, edited, good_workbook

NOT_AN_ID = "not a unit id"


def _world(tmp: Path) -> Path:
    return tmp.parent


# --- workbooks: the hidden sheet records the unit the import writes for ------------------------

for ident, unit in (("dotdot", "../../somewhere"), ("abs", "/tmp/elsewhere"), ("slash", "demo/district"),
                    ("upper", "Demo_District"), ("hidden", ".hidden")):  # fmt: skip
    case(
        f"path-wb-meta-{ident}",
        f"the workbook's hidden sheet records the unit {unit!r}",
        1,
        f"nianbao!B1: the recorded unit {unit!r} is {NOT_AN_ID}",
        "nothing was written",
    )(edited(_set("nianbao", "B1", unit)))


@case("path-import-unit-arg", "import with --unit ../x", 2, "unknown unit '../x'", NOT_AN_ID)
def _import_unit_arg(tmp, data):
    return ["import", str(good_workbook(tmp, data)), "--data", str(data), "--unit", "../x"]


@case("path-import-symlinked-unit", "the unit's folder in data/ is a link to a folder elsewhere", 1,
      "refusing to write", "outside")  # fmt: skip
def _symlinked_unit(tmp, data):
    book = good_workbook(tmp, data)
    elsewhere = _world(tmp) / "elsewhere"
    elsewhere.mkdir()
    (data / "units" / "demo_district" / "2021.yaml").rename(elsewhere / "2021.yaml")
    (data / "units" / "demo_district" / "2022.yaml").rename(elsewhere / "2022.yaml")
    (data / "units" / "demo_district").rmdir()
    os.symlink(elsewhere, data / "units" / "demo_district")
    return ["import", str(book), "--data", str(data)]


# --- data files: the unit inside a file, and a file in another's place -------------------------


def _rewrite(year: int, old: str, new: str, command: list[str]):
    def build(tmp, data):
        path = data / "units" / "demo_district" / f"{year}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        return [part.format(data=data, out=_world(tmp) / "out") for part in command]

    return build


REPORT = ["report", "--data", "{data}", "--unit", "demo_district", "--year", "2021", "--out", "{out}"]
case("path-datafile-unit-dotdot", "a data file says unit: ../../evil (report would write there)", 1,
     "2021.yaml: unit: expected a unit id")(_rewrite(2021, "unit: demo_district", "unit: ../../evil", REPORT))  # fmt: skip
case("path-datafile-unit-abs", "a data file says unit: /tmp/evil", 1, "2021.yaml: unit: expected a unit id")(
    _rewrite(2021, "unit: demo_district", "unit: /tmp/evil", REPORT)
)
case("path-datafile-other-unit", "a data file in demo_district's place says unit: shanghai", 1,
     "the file says unit 'shanghai', year 2021, but its place is for unit 'demo_district'")(
    _rewrite(2021, "unit: demo_district", "unit: shanghai", REPORT))  # fmt: skip
case("path-datafile-other-year", "2022.yaml says year: 2021 (a copied file)", 1,
     "2022.yaml: the file says unit 'demo_district', year 2021, but its place is for unit 'demo_district', year 2022")(
    _rewrite(2022, "year: 2022", "year: 2021", ["check", "--data", "{data}"]))  # fmt: skip
case("path-compiled-from", "compiled_from names ../x", 1, "compiled_from[0]: expected a unit id, found '../x'")(
    _rewrite(2021, "source:", "compiled_from: [../x]\nsource:", ["check", "--data", "{data}"])
)


# --- pages: the title decides the unit of audit --import ---------------------------------------


def _titled(unit: str):
    def build(tmp, data):
        text = GOOD_PAGE.read_text(encoding="utf-8").replace("2021年示例区", f"2021年{unit}")
        path = tmp / "page.html"
        path.write_text(text, encoding="utf-8")
        return ["audit", str(path), "--data", str(data), "--import", "--force"]

    return build


case("path-page-title-dotdot", "a page titled 2021年../../evil政府信息公开工作年度报告, imported", 1,
     "the unit is unknown; give --unit")(
    _titled("../../evil"))  # fmt: skip
case("path-page-title-abs", "a page whose title names /tmp/evil as the unit, imported", 1,
     "the unit is unknown; give --unit")(_titled("/tmp/evil"))  # fmt: skip
case("path-page-title-unknown", "a page of a unit in no registry, imported without --unit", 1,
     "the unit 「某某区」 (from the page's title) is not in the unit registry", "give --unit")(_titled("某某区"))  # fmt: skip


@case("path-audit-unit", "audit --unit ../x --import", 2, "unknown unit '../x'", NOT_AN_ID)
def _audit_unit(tmp, data):
    return ["audit", str(GOOD_PAGE), "--data", str(data), "--unit", "../x", "--import", "--force"]


# --- the command line ---------------------------------------------------------------------------


def _command(*args: str):
    def build(tmp, data):
        return [a.format(data=data, out=_world(tmp) / "out", tmp=tmp) for a in args]

    return build


for command, extra in (
    ("report", ("--year", "2021", "--out", "{out}")),
    ("prepare", ("--year", "2021", "--out", "{out}")),
    ("trends", ("--years", "2021-2022", "--out", "{out}")),
    ("check", ()),
    ("template", ("--year", "2021")),
):
    for ident, unit in (("dotdot", "../.."), ("slash", "a/b")):
        case(f"path-{command}-unit-{ident}", f"{command} --unit {unit}", 2, f"unknown unit {unit!r}", NOT_AN_ID)(
            _command(command, "--data", "{data}", "--unit", unit, *extra)
        )

case("path-batch-units", "batch --units ../x", 2, "unknown unit '../x'", NOT_AN_ID)(
    _command("batch", "--data", "{data}", "--units", "../x", "--out", "{out}")
)
case("path-compare-units", "compare --units demo_district,../x", 2, "unknown unit '../x'", NOT_AN_ID)(
    _command("compare", "--data", "{data}", "--year", "2021", "--units", "demo_district,../x", "--out", "{out}")
)
case("path-compile-parent", "compile --parent ../x --write", 2, "unknown unit '../x'")(
    _command("compile", "--data", "{data}", "--year", "2021", "--parent", "../x", "--write")
)
