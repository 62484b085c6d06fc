#!/usr/bin/env bash
# A separate environment for Firecrawl's official Python client (it needs an httpx newer than the
# one AlterLab's client pins, so it cannot share .venv-client), installed from its own lock file.
set -euo pipefail
# Use the system certificate store (it holds any site-local CA), as pip and curl do.
export UV_NATIVE_TLS=${UV_NATIVE_TLS:-1}
cd "$(dirname "$0")/.."
UV=uv; command -v uv >/dev/null 2>&1 || UV=.run/tools/bin/uv
PY=${SCRAPEGATE_PYTHON:-python3.11}; command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv-firecrawl/bin/python ]; then
  UV_PYTHON_DOWNLOADS=never "$UV" venv -q --python "$PY" .venv-firecrawl
fi
UV_PYTHON_DOWNLOADS=never "$UV" pip sync -q --python .venv-firecrawl/bin/python \
  tests/firecrawl_client/requirements.lock
echo "firecrawl-env: .venv-firecrawl ready"
