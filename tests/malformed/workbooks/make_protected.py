"""How protected.xlsx was made: a small workbook, encrypted with the password "nianbao" the way
Excel and WPS encrypt a workbook (ECMA-376 agile encryption inside an OLE compound file).

Needs msoffcrypto-tool, which is not one of nianbao's dependencies (the file is committed; run this
only to make it again): ``pip install msoffcrypto-tool openpyxl; python make_protected.py``.
"""

import io
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl

HERE = Path(__file__).parent

wb = openpyxl.Workbook()
wb.active.title = "表二"
wb.active["A1"] = "收到和处理政府信息公开申请情况"
plain = io.BytesIO()
wb.save(plain)
plain.seek(0)
encrypted = io.BytesIO()
msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("nianbao", encrypted)
(HERE / "protected.xlsx").write_bytes(encrypted.getvalue())
