#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs for scrapegate, installed only when missing.
# Usage: scripts/bootstrap.sh [--dev]   (--dev adds the test, lint and benchmark groups)
set -euo pipefail
# Use the system certificate store (it holds any site-local CA), as pip and curl do.
export UV_NATIVE_TLS=${UV_NATIVE_TLS:-1}
cd "$(dirname "$0")/.."

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
apt_missing() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$1"); }

PY=${SCRAPEGATE_PYTHON:-python3.11}
have "$PY" || { PY=python3; }
have "$PY" || apt_missing python3
"$PY" -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_missing python3-venv
have curl || apt_missing ca-certificates
# Rendering (tiers 3.5/4) and OCR use Debian's Chromium and Tesseract.
for pkg in chromium tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra \
           tesseract-ocr-spa; do
  apt_missing "$pkg"
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "bootstrap: run as root to install: ${need_apt[*]}" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

# uv itself comes from PyPI into a private tool environment, never into the system Python.
UV=uv
if ! have uv; then
  if [ ! -x .run/tools/bin/uv ]; then
    mkdir -p .run
    "$PY" -m venv .run/tools
    .run/tools/bin/pip install -q --disable-pip-version-check uv
  fi
  UV=.run/tools/bin/uv
fi

groups=(--no-default-groups)
[ "${1:-}" = "--dev" ] && groups=(--all-groups)
UV_PYTHON_DOWNLOADS=never "$UV" sync --frozen --python "$PY" "${groups[@]}" -q
echo "bootstrap: .venv ready"
