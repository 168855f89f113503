"""What makes nianbao's PDFs archival and accessible: PDF/A-3a, tagged, with XMP metadata.

WeasyPrint 70 offers one ``pdf_variant`` per document: ``pdf/a-1b`` … ``pdf/a-4f``, ``pdf/ua-1``,
``pdf/ua-2`` and ``pdf/x-*``; they do not combine through its API. ``pdf/a-3a`` (level A,
"accessible") already writes the tagged structure that ``pdf/ua-1`` writes (structure tree,
``MarkInfo``, ``Lang``, ``DisplayDocTitle``, figures with their alternative text); what
``pdf/ua-1`` adds beyond it is its identification in the XMP metadata, which
:class:`ReportMetadata` adds too. Fonts are embedded (subsets), as PDF/A requires.

The XMP metadata says what the document is: title, unit (Dublin Core ``creator``), year, the
nianbao version (``CreatorTool``) and the fingerprint of the data it was made from, the last
ones also in nianbao's own properties (``nianbao:unit``, ``nianbao:year``, ``nianbao:version``,
``nianbao:dataFingerprint``), declared in a PDF/A extension schema as PDF/A asks of properties
outside the predefined schemas.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, fromstring, register_namespace, tostring

from nianbao import __version__

PDF_VARIANT = "pdf/a-3a"
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "nianbao": "urn:nianbao:report:1.0#",
}
for _prefix, _uri in NS.items():
    register_namespace(_prefix, _uri)

#: nianbao's own XMP properties: name → what it holds.
PROPERTIES = {
    "unit": "the reporting unit's id",
    "unitName": "the reporting unit's name",
    "year": "the reporting year, or the range of years shown",
    "version": "the nianbao version that made the document",
    "dataFingerprint": "digest of the data files the document was made from",
}


@dataclass(frozen=True)
class DocumentInfo:
    """What a PDF says about itself."""

    title: str
    unit: str = ""
    unit_name: str = ""
    year: str = ""  # "2020", or "2019-2023" for trends
    data_fingerprint: str = ""
    subject: str = ""  # e.g. the part a section's PDF holds

    def with_subject(self, subject: str) -> DocumentInfo:
        return DocumentInfo(self.title, self.unit, self.unit_name, self.year, self.data_fingerprint, subject)

    def values(self) -> dict[str, str]:
        """nianbao's XMP properties, those that are known."""
        found = {"unit": self.unit, "unitName": self.unit_name, "year": str(self.year), "version": __version__,
                 "dataFingerprint": self.data_fingerprint}  # fmt: skip
        return {k: v for k, v in found.items() if v}


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _extension_schema(rdf: Element) -> None:
    """Declare nianbao's properties (PDF/A: a property outside the predefined schemas must be)."""
    description = SubElement(rdf, _q("rdf", "Description"), {_q("rdf", "about"): ""})
    bag = SubElement(SubElement(description, _q("pdfaExtension", "schemas")), _q("rdf", "Bag"))
    schema = SubElement(bag, _q("rdf", "li"), {_q("rdf", "parseType"): "Resource"})
    SubElement(schema, _q("pdfaSchema", "schema")).text = "nianbao report provenance"
    SubElement(schema, _q("pdfaSchema", "namespaceURI")).text = NS["nianbao"]
    SubElement(schema, _q("pdfaSchema", "prefix")).text = "nianbao"
    seq = SubElement(SubElement(schema, _q("pdfaSchema", "property")), _q("rdf", "Seq"))
    for name, meaning in PROPERTIES.items():
        item = SubElement(seq, _q("rdf", "li"), {_q("rdf", "parseType"): "Resource"})
        SubElement(item, _q("pdfaProperty", "name")).text = name
        SubElement(item, _q("pdfaProperty", "valueType")).text = "Text"
        SubElement(item, _q("pdfaProperty", "category")).text = "external"
        SubElement(item, _q("pdfaProperty", "description")).text = meaning


def metadata_class():
    """WeasyPrint's metadata with nianbao's XMP additions (built on first use: WeasyPrint is
    imported only where PDFs are made)."""
    from nianbao.render.weasy import load

    load()
    from weasyprint.pdf.metadata import DocumentMetadata

    class ReportMetadata(DocumentMetadata):
        info: DocumentInfo | None = None

        def generate_rdf_metadata(self, variant, version, conformance):
            rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
            if variant == "a":  # tagged as PDF/UA-1 asks (see the module's docstring)
                SubElement(rdf, _q("rdf", "Description"), {_q("rdf", "about"): "", _q("pdfuaid", "part"): "1"})
            if self.info is not None:
                _extension_schema(rdf)
                own = SubElement(rdf, _q("rdf", "Description"), {_q("rdf", "about"): ""})
                for name, value in self.info.values().items():
                    SubElement(own, _q("nianbao", name)).text = value
            return tostring(rdf, encoding="utf-8")

    return ReportMetadata


def apply(document, info: DocumentInfo) -> None:
    """Give a laid-out WeasyPrint document nianbao's metadata (title, unit, year, fingerprint)."""
    old = document.metadata
    document.metadata = metadata_for(info, created=old.created, modified=old.modified, lang=old.lang or "zh-CN")


def metadata_for(info: DocumentInfo, **dates):
    """WeasyPrint metadata (with nianbao's XMP additions) saying what ``info`` says."""
    metadata = metadata_class()(
        title=info.title,
        authors=[info.unit_name] if info.unit_name else [],
        description=" ".join(p for p in (info.title, info.subject) if p) or None,
        keywords=[k for k in (info.unit_name, str(info.year), "政府信息公开工作年度报告") if k],
        generator=f"nianbao {__version__}",
        **dates,
    )
    metadata.info = info
    return metadata
