"""The staff web UI (婚姻登记窗口 first; other departments slot into `gateway.ui.nav`) and the
public verification page behind the QR codes on certificates and notices.

gateway/app.py mounts `ui_routes(gateway)` before the JSON API's catch-all route."""
from __future__ import annotations

from gateway.ui.mount import ui_routes

__all__ = ["ui_routes"]
