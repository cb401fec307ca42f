#!/usr/bin/env bash
# Creates or refreshes .venv with every Ringway package (editable) and the dev tools.
# Re-installs only when a pyproject or requirements file changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Ringway needs Python 3.11 or newer ($PY is $("$PY" --version 2>&1))." >&2
  exit 1
fi
stamp_src=$(cat shared/pyproject.toml services/*/pyproject.toml cli/pyproject.toml requirements-dev.txt | sha256sum | cut -c1-16)
if [ -f .venv/.ringway-stamp ] && [ "$(cat .venv/.ringway-stamp)" = "$stamp_src" ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt \
  -e shared -e services/routing -e services/outbound-dialer -e services/selfservice -e services/metrics -e cli
echo "$stamp_src" > .venv/.ringway-stamp
echo "environment ready: .venv"
