"""QR codes as small PNG images for reportlab (the qrcode package builds the matrix, Pillow the pixels)."""
import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from reportlab.lib.utils import ImageReader


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the QR code of `text`, quiet zone of 4 included. The mask is fixed (any of the 8
    is valid): scoring all of them took most of a batch print's time."""
    code = qrcode.QRCode(version=4, error_correction=ERROR_CORRECT_M, border=4, mask_pattern=2)
    code.add_data(text)
    try:  # version 4 (33 modules) holds an order URL of up to 62 bytes: no need to search for the size
        code.make(fit=False)
    except DataOverflowError:
        code.make(fit=True)
    return code.get_matrix()


def qr_pil(text: str, box_size: int = 4) -> Image.Image:
    matrix = qr_matrix(text)
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    small = Image.frombytes("L", (size, size), pixels)
    return small.resize((size * box_size, size * box_size), Image.NEAREST)


def qr_png(text: str, box_size: int = 4) -> bytes:
    """A black-on-white PNG of the QR code of `text`, `box_size` pixels per module."""
    out = io.BytesIO()
    qr_pil(text, box_size).save(out, format="PNG")
    return out.getvalue()


def qr_image(text: str) -> ImageReader:
    return ImageReader(qr_pil(text))
