"""A section's PDF cut out of ``report.pdf``: its pages as written there, not painted again.

Writing a PDF costs as much as laying its pages out (painting every page, subsetting and
compressing the fonts, tagging), so the sections' PDFs are not written by WeasyPrint a second
time: each is made from the report's PDF with pikepdf (qpdf), which copies the section's pages
with what they use, and rebuilds what belongs to the document as a whole:

* the structure tree (tagged PDF): WeasyPrint tags each page as a subtree of the document
  element, so a section keeps the subtrees of its pages, and the parent tree is numbered anew;
* each page's resources: the report's pages share one resource dictionary, so each copied page
  gets one with only the fonts, images and graphic states its content stream names;
* the bookmarks (the section's headings), page labels (the report's page numbers), document
  information, XMP metadata (PDF/A-3a, PDF/UA-1, nianbao's properties) and output intent.

The fonts are the report's subsets, shared by all its pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.render.archival import DocumentInfo, metadata_for

_USED = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s+(?:[-\d.]+\s+)?(Do|gs|sh|scn|SCN|Tf)\b")
_KINDS = {b"Do": "/XObject", b"gs": "/ExtGState", b"sh": "/Shading", b"scn": "/Pattern", b"SCN": "/Pattern",
          b"Tf": "/Font"}  # fmt: skip
PX_TO_PT = 0.75


@dataclass(frozen=True)
class Bookmark:
    level: int  # 1, 2, ...
    label: str
    page: int  # index in the section
    top: float  # in PDF points from the page's bottom


@dataclass(frozen=True)
class Section:
    """Pages ``first``…``last`` (indices in report.pdf) as a PDF of their own."""

    first: int
    last: int
    info: DocumentInfo
    number: int  # the printed number of its first page
    bookmarks: tuple[Bookmark, ...] = ()


def bookmarks_of(pages, page_height_pt: float = 841.89) -> tuple[Bookmark, ...]:
    """The bookmarks WeasyPrint found on laid-out ``pages`` (headings with a bookmark level)."""
    found = []
    for index, page in enumerate(pages):
        for level, label, (_, y), _state in page.bookmarks:
            found.append(Bookmark(level, label, index, page_height_pt - y * PX_TO_PT))
    return tuple(found)


def sections(report: bytes, wanted: Sequence[Section]) -> list[bytes]:
    """The PDFs of ``wanted`` sections, cut out of ``report`` (bytes of report.pdf)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(report)) as source:
        for page in source.pages:
            _own_resources(page)
        return [_cut(source, section) for section in wanted]


def _own_resources(page) -> None:
    """Give ``page`` a resource dictionary of its own, with what its content stream names."""
    import pikepdf

    shared = page.obj.get("/Resources")
    if shared is None:
        return
    used: dict[str, set[str]] = {}
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    for name, operator in _USED.findall(b"\n".join(s.read_bytes() for s in streams)):
        used.setdefault(_KINDS[operator], set()).add("/" + name.decode("latin-1"))
    own = pikepdf.Dictionary()
    for key, value in shared.items():
        if key in used or key in _KINDS.values():
            names = used.get(key, set())
            own[key] = pikepdf.Dictionary({k: v for k, v in value.items() if k in names})
        else:
            own[key] = value
    page.obj.Resources = own


def _cut(source, section: Section) -> bytes:
    import pikepdf

    target = pikepdf.new()
    pages = list(source.pages[section.first : section.last + 1])
    for page in pages:
        target.pages.append(page)
    _structure(source, target, pages)
    _document(source, target, section)
    buf = io.BytesIO()
    target.save(buf, min_version="1.7", deterministic_id=True, compress_streams=True,
                object_stream_mode=pikepdf.ObjectStreamMode.preserve)  # fmt: skip
    return buf.getvalue()


def _structure(source, target, pages) -> None:
    """The structure tree of ``pages``: their subtrees, under a document element of their own."""
    import pikepdf

    root = source.Root.get("/StructTreeRoot")
    if root is None:
        return
    document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
    own = {p.obj.objgen for p in pages}
    tops = [e for e in document.K if e.get("/Pg") is not None and e.Pg.objgen in own]
    new_root = source.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    new_document = source.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=new_root, K=pikepdf.Array(tops))
    )
    old_nums = _number_tree(root.ParentTree)
    marked = [e for p in pages for e in old_nums.get(int(p.obj.get("/StructParents", -1)), [])]
    for element in tops + marked:  # cut every link to the report's document element before copying
        _reparent(element, document, new_document)
    new_root.K = pikepdf.Array([new_document])
    copied = target.copy_foreign(new_root)
    nums = pikepdf.Array()
    for index, (page, copy) in enumerate(zip(pages, target.pages)):
        key = int(page.obj.get("/StructParents", -1))
        if key in old_nums:
            nums.extend([index, _bring(source, target, old_nums[key])])
            copy.obj.StructParents = index
    next_key = len(pages)
    for copy in target.pages:
        for annotation in copy.obj.get("/Annots", []):
            key = annotation.get("/StructParent")
            if key is not None and int(key) in old_nums:
                nums.extend([next_key, _bring(source, target, old_nums[int(key)])])
                annotation.StructParent = next_key
                next_key += 1
    copied.ParentTree = target.make_indirect(pikepdf.Dictionary(Nums=nums))
    copied.ParentTreeNextKey = next_key
    target.Root.StructTreeRoot = copied


def _reparent(element, old, new) -> None:
    """Hang ``element``'s branch under ``new`` where it hangs under ``old`` (the report's document
    element): its top-level ancestor, or the element itself. Page headers and footers are such
    branches that WeasyPrint tags without linking them into the tree."""
    for _ in range(64):
        parent = element.get("/P")
        if parent is None or not hasattr(parent, "objgen"):
            return
        if parent.objgen == old.objgen:
            element.P = new
            return
        element = parent


def _bring(source, target, value):
    """``value`` of ``source`` as an object of ``target`` (dictionaries, arrays and streams are
    copied with what they refer to; numbers, names and strings are values)."""
    import pikepdf

    if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
        return target.copy_foreign(value if value.is_indirect else source.make_indirect(value))
    return value


def _number_tree(tree) -> dict:
    """A number tree's entries: key → value (WeasyPrint writes one flat /Nums array)."""
    nums = tree.get("/Nums", [])
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _document(source, target, section: Section) -> None:
    """What a PDF/A document carries besides its pages: catalogue entries, information,
    metadata, page labels, bookmarks."""
    import pikepdf

    for key in ("/MarkInfo", "/Lang", "/ViewerPreferences", "/OutputIntents"):
        if key in source.Root:
            target.Root[key] = _bring(source, target, source.Root[key])
    target.Root.PageLabels = pikepdf.Dictionary(
        Nums=pikepdf.Array([0, pikepdf.Dictionary(S=pikepdf.Name.D, St=section.number)])
    )
    info = section.info
    target.docinfo.update(_docinfo(info))
    target.Root.Metadata = target.make_stream(_xmp(info), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    with target.open_outline() as outline:
        stack: list[tuple[int, object]] = [(0, outline.root)]
        for mark in section.bookmarks:
            item = pikepdf.OutlineItem(mark.label, mark.page, "XYZ", top=mark.top)
            while stack[-1][0] >= mark.level:
                stack.pop()
            parent = stack[-1][1]
            (parent if isinstance(parent, list) else parent.children).append(item)
            stack.append((mark.level, item))


def _docinfo(info: DocumentInfo) -> dict:
    import pikepdf
    from weasyprint import __version__ as weasyprint_version

    from nianbao import __version__

    values = {
        "/Title": info.title,
        "/Author": info.unit_name,
        "/Subject": " ".join(p for p in (info.title, info.subject) if p),
        "/Keywords": ", ".join(k for k in (info.unit_name, str(info.year), "政府信息公开工作年度报告") if k),
        "/Creator": f"nianbao {__version__}",
        "/Producer": f"WeasyPrint {weasyprint_version}",  # as the XMP says: PDF/A wants them equal
    }
    return {k: pikepdf.String(v) for k, v in values.items() if v}


def _xmp(info: DocumentInfo) -> bytes:
    """The section's XMP packet, as WeasyPrint writes one for PDF/A-3a, with nianbao's additions."""
    metadata = metadata_for(info)
    rdf = metadata.generate_rdf_metadata("a", 3, "A")
    header = b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    return header + rdf + b'</x:xmpmeta>\n<?xpacket end="r"?>'
