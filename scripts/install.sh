#!/bin/sh
# The one install procedure: `make install` and the image build (deploy/Dockerfile) both run it.
set -eu
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
EXTRAS=${CIVIC_INSTALL_EXTRAS:-dev}
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
if [ "$EXTRAS" = "dev" ]; then
  "$VENV/bin/python" -m pip install --quiet --require-hashes -r requirements.lock
else
  "$VENV/bin/python" -m pip install --quiet --require-hashes -r requirements-prod.lock
fi
# The project's own packages come from the source tree (services/, gen/python/, gateway/);
# a .pth file puts them on the path without copying, so the lock file stays the only install list.
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
root=$(cd "$(dirname "$0")/.." && pwd)
printf '%s\n' "$root/services" "$root/gen/python" "$root" > "$site/civic.pth"
