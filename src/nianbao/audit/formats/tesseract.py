"""Tesseract, run as a program: found and checked once (its simplified-Chinese data too), one run
for a whole list of images, its TSV output read as words with boxes and confidences."""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nianbao.audit.formats.errors import FormatError, ToolMissing
from nianbao.audit.formats.layout import clean, close_cjk_spaces

LANGUAGES = "chi_sim+eng"
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim (Debian/Ubuntu)"
TIMEOUT = 120.0  # seconds for one run, plus PER_IMAGE for each image in it
PER_IMAGE = 2.0


@functools.lru_cache(maxsize=1)
def program() -> str:
    """The ``tesseract`` program, checked to have the simplified-Chinese data; :class:`ToolMissing`
    saying what to install otherwise."""
    found = shutil.which("tesseract")
    if not found:
        raise ToolMissing(f"Tesseract OCR is needed to read scans and images and was not found: {INSTALL}")
    try:
        listed = subprocess.run([found, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolMissing(f"Tesseract OCR ({found}) does not run ({exc}): {INSTALL}") from exc
    languages = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}
    missing = [lang for lang in LANGUAGES.split("+") if lang not in languages]
    if missing:
        raise ToolMissing(f"Tesseract has no data for {', '.join(missing)} (simplified Chinese is needed): {INSTALL}")
    return found


@dataclass
class Word:
    image: int  # 0-based position in the run's list of images
    key: tuple[int, int, int]  # block, paragraph, line
    text: str
    left: int
    top: int
    right: int
    bottom: int
    confidence: float


def run(images: list[Path], psm: int, *, timeout: float | None = None) -> list[Word]:
    """The words Tesseract reads in ``images`` (one run for all of them)."""
    found = program()
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="nianbao-ocr-") as tmp:
        listing = Path(tmp) / "images.txt"
        listing.write_text("\n".join(str(p) for p in images) + "\n", encoding="utf-8")
        source = str(images[0]) if len(images) == 1 else str(listing)
        limit = timeout if timeout is not None else TIMEOUT + PER_IMAGE * len(images)
        # one thread: Tesseract's own threads cost more than they bring on small images (and workers run side by side)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            done = subprocess.run([found, source, "stdout", "-l", LANGUAGES, "--psm", str(psm), "tsv"],
                                  capture_output=True, timeout=limit, env=env, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            raise FormatError(f"OCR took longer than {limit:g} s for {len(images)} image(s) (stopped)") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise FormatError(f"Tesseract failed (exit code {done.returncode}){': ' + detail[-1] if detail else ''}")
    words = []
    reader = csv.reader(io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        left, top, width, height = (int(v) for v in row[6:10])
        words.append(Word(int(row[1]) - 1, (int(row[2]), int(row[3]), int(row[4])), row[11].strip(),
                          left, top, left + width, top + height, float(row[10])))  # fmt: skip
    return words


_BRACKETS = str.maketrans("〈〉", "()")  # what Tesseract's chi_sim reads for 「（」 and 「）」 now and then


def ocr_text(text: str) -> str:
    """Words joined: spaces between Chinese characters removed, 〈〉 (hardly ever printed in these
    reports, often read for （）) as brackets."""
    return close_cjk_spaces(clean(text.translate(_BRACKETS)))


def lines_of(words: list[Word]) -> tuple[list[tuple[str, list[Word]]], list[float]]:
    """Words → lines of text, top to bottom, and the words' confidences."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault(w.key, []).append(w)
    out = []
    for group in sorted(lines.values(), key=lambda g: (min(w.top for w in g), min(w.left for w in g))):
        group.sort(key=lambda w: w.left)
        out.append((ocr_text(" ".join(w.text for w in group)), group))
    return out, [w.confidence for w in words]
