"""The deploy tests import their helpers (deploy_support) from this folder, whatever the import mode."""
from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
