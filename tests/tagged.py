"""What PDF/UA asks of a tagged PDF's structure, checked with pikepdf (no PDF/UA validator can be
installed here): the checks a screen reader's user depends on, for the PDFs nianbao writes
(tests/test_report_e2e.py)."""

from __future__ import annotations

import re

import pikepdf

_MCID = re.compile(rb"/MCID\s+(\d+)")
_TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def tagging_problems(path) -> list[str]:
    """What is wrong with the tagged structure of the PDF at ``path`` (empty: nothing found):

    * every marked-content sequence on a page (an MCID) belongs to a structure element, found
      through the parent tree, and that element hangs from the structure tree's root;
    * no text is shown outside marked content (it is either tagged content or an artifact);
    * every link annotation is in the structure tree (``/StructParent``);
    * every figure has a text alternative (``/Alt``);
    * the document has a language and shows its title;
    * and, first, qpdf finds nothing wrong with the file's syntax (objects, streams, xref).
    """
    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        problems += [f"syntax: {p}" for p in pdf.check_pdf_syntax()]
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return ["no structure tree"]
        nums = root.ParentTree.get("/Nums", [])
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for number, page in enumerate(pdf.pages, start=1):
            problems += [f"page {number}: {p}" for p in _page_problems(page, tree, root)]
        problems += _figure_problems(root.K)
        if not pdf.Root.get("/Lang"):
            problems.append("no /Lang")
        if not pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
            problems.append("the title is not displayed (DisplayDocTitle)")
    return problems


def _page_problems(page, tree: dict, root) -> list[str]:
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    mcids = [int(m) for m in _MCID.findall(b"\n".join(s.read_bytes() for s in streams))]
    key = page.obj.get("/StructParents")
    elements = tree.get(int(key)) if key is not None else None
    problems = []
    if mcids and elements is None:
        return [f"marked content but no parent tree entry (StructParents {key})"]
    for mcid in mcids:
        element = elements[mcid] if mcid < len(elements) else None
        if not isinstance(element, pikepdf.Dictionary):
            problems.append(f"MCID {mcid} belongs to no structure element")
        elif not _reaches(element, root):
            problems.append(f"MCID {mcid}: its {element.get('/S')} element does not hang from the root")
    depth = outside = 0
    for _operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BDC", "BMC"):
            depth += 1
        elif name == "EMC":
            depth -= 1
        elif name in _TEXT_SHOWING and depth == 0:
            outside += 1
    if outside:
        problems.append(f"{outside} pieces of text neither tagged nor artifacts")
    for annotation in page.obj.get("/Annots", []):
        if annotation.get("/Subtype") == "/Link" and annotation.get("/StructParent") is None:
            problems.append("a link outside the structure tree")
    return problems


def _reaches(element, root, limit: int = 100) -> bool:
    node = element
    for _ in range(limit):
        parent = node.get("/P")
        if parent is None:
            return False
        if parent.objgen == root.objgen:
            return True
        node = parent
    return False


def _figure_problems(node, depth: int = 0) -> list[str]:
    if depth > 200:
        return []
    if isinstance(node, pikepdf.Array):
        return [p for kid in node for p in _figure_problems(kid, depth)]
    if not isinstance(node, pikepdf.Dictionary):
        return []
    problems = []
    if node.get("/S") == "/Figure" and not node.get("/Alt"):
        problems.append("a figure without a text alternative (/Alt)")
    kids = node.get("/K")
    return problems + (_figure_problems(kids, depth + 1) if kids is not None else [])
