"""QR codes as SVG (server-side, from the `qrcode` package)."""
from __future__ import annotations

import base64

import qrcode
import qrcode.constants
import qrcode.image.svg


def qr_svg(data: str) -> bytes:
    """A QR code of `data`: medium error correction, so a scuffed print still scans."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().to_string(encoding="utf-8")


def qr_data_url(data: str) -> str:
    """The SVG as a data: URL for an <img> (the CSP allows data: images, not inline markup)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(data)).decode()
