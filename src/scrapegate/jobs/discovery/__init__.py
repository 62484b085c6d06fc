"""URL discovery for crawl and map: normalisation, filters, scope, robots, sitemaps, links."""
