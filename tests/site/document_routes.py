"""Documents with known text for the PDF and OCR route tests, generated per request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.documents.image_factory import encode_image, render_text_image
from tests.documents.pdf_factory import TextRun, build_image_pdf, build_text_pdf

PDF_HEADING = "Quarterly fixture report"
PDF_BODY = "Revenue from fixture widgets grew steadily this quarter."
OCR_LINES = ["Invoice number 4711", "Total amount due 99 euros"]


async def text_pdf(request: Request) -> Response:
    runs = [TextRun(72, 720, 24, PDF_HEADING, bold=True), TextRun(72, 680, 12, PDF_BODY)]
    body = build_text_pdf(
        [runs, [TextRun(72, 720, 12, "Second page text.")]],
        info={"Title": PDF_HEADING, "Author": "Fixture Author"},
    )
    return Response(body, media_type="application/pdf")


async def scanned_pdf(request: Request) -> Response:
    return Response(build_image_pdf([OCR_LINES]), media_type="application/pdf")


async def text_image(request: Request) -> Response:
    image = encode_image(render_text_image(OCR_LINES), "PNG")
    return Response(image, media_type="image/png")


DOCUMENT_ROUTES = [
    Route("/docs/report.pdf", text_pdf),
    Route("/docs/scanned.pdf", scanned_pdf),
    Route("/docs/invoice.png", text_image),
]
