"""Pages for structured-extraction tests: a product with JSON-LD, OpenGraph and a DOM price."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

PRODUCT_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Summit 40 Backpack | Ridgeline Gear</title>
  <meta name="description" content="A 40-litre trekking backpack with a ventilated back panel.">
  <meta property="og:title" content="Summit 40 Backpack">
  <meta property="og:image" content="/img/summit-40.jpg">
  <script type="application/ld+json">
  {"@context": "https://schema.org", "@type": "Product", "name": "Summit 40 Backpack",
   "brand": {"@type": "Brand", "name": "Ridgeline"}, "sku": "RG-S40-GRN",
   "image": "/img/summit-40.jpg",
   "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.3", "reviewCount": "87"},
   "offers": {"@type": "Offer", "price": "1,299.00", "priceCurrency": "USD",
              "availability": "https://schema.org/InStock"}}
  </script>
</head>
<body>
  <header><nav><a href="/">Ridgeline Gear</a> <a href="/packs">Packs</a></nav></header>
  <main>
    <h1>Summit 40 Backpack</h1>
    <p class="price">$1,299.00</p>
    <p>The Summit 40 carries everything you need for a long weekend in the mountains. Its
    ventilated back panel keeps you cool on steep climbs, the hip belt moves with you, and the
    roll-top main compartment opens wide so you can find your stove without unpacking the rest.</p>
    <p>Side pockets take a litre bottle each, the lid holds a map and snacks, and a hydration sleeve
    sits against the frame. Made from recycled nylon with a water-repellent finish.</p>
  </main>
  <footer><p>Ridgeline Gear, 2026</p></footer>
</body>
</html>
"""


async def product(request: Request) -> Response:
    return HTMLResponse(PRODUCT_HTML)


EXTRACTION_ROUTES = [Route("/extraction/product", product)]
