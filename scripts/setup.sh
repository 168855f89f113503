#!/usr/bin/env bash
# Set up everything nianbao needs on a Debian/Ubuntu machine, idempotently:
# system packages (apt, when root or sudo is available): CJK fonts, Pango for WeasyPrint, poppler,
# Tesseract with its simplified-Chinese data (OCR of scanned reports) and LibreOffice Writer
# (DOC/WPS conversion); a virtual environment in .venv with the exact versions of
# requirements.lock, then the project itself; the Jupyter kernel "nianbao" and matplotlib's font
# cache. Re-running it when all is in place does nothing costly.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${NIANBAO_VENV:-.venv}
PYTHON=${PYTHON:-python3}
SYSTEM_PACKAGES=(fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 poppler-utils
                 tesseract-ocr tesseract-ocr-chi-sim libreoffice-writer-nogui)

log() { printf '[setup] %s\n' "$*"; }

missing_system_packages() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local pkg
    for pkg in "${SYSTEM_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || printf '%s ' "$pkg"
    done
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@";
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@";
    else return 1; fi
}

install_system_packages() {
    local missing
    missing=$(missing_system_packages "$@")
    [ -z "$missing" ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        log "not a Debian/Ubuntu system: install these yourself: $missing"
        return 0
    fi
    log "installing system packages: $missing"
    # shellcheck disable=SC2086
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; then
        as_root apt-get update -q || { log "need root or sudo to install: $missing"; return 1; }
        # shellcheck disable=SC2086
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    fi
}

# python3 -m venv needs python3-venv on Debian's own Python.
extra=()
if ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then extra+=(python3-venv python3-pip); fi
install_system_packages "${extra[@]}"

if [ "$(fc-list : family 2>/dev/null | grep -c "Noto Sans CJK SC")" = 0 ]; then
    log "ERROR: no CJK font (Noto Sans CJK SC) found; install the Debian package fonts-noto-cjk."
    exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtual environment $VENV"
    "$PYTHON" -m venv "$VENV"
fi
log "installing Python packages (requirements.lock), then nianbao itself"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .

log "registering the Jupyter kernel 'nianbao'"
"$VENV/bin/python" -m ipykernel install --sys-prefix --name nianbao --display-name "Python (nianbao)" >/dev/null

log "rebuilding matplotlib's font cache"
"$VENV/bin/python" - <<'PY'
import os, shutil, matplotlib
from matplotlib import font_manager
shutil.rmtree(matplotlib.get_cachedir(), ignore_errors=True)
os.makedirs(matplotlib.get_cachedir(), exist_ok=True)
font_manager._load_fontmanager(try_read_cache=False)
names = {f.name for f in font_manager.fontManager.ttflist}
if not any("CJK" in n for n in names):
    raise SystemExit("[setup] ERROR: matplotlib sees no CJK font after rebuilding its cache")
PY
log "done"
