# scrapegate: one image for API and worker processes (see docs/deploy.md).
# Not built in CI (no container engine there); kept to the commands the docs describe.
FROM debian:12-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates curl \
      chromium tesseract-ocr tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/*

ENV UV_INSTALL_DIR=/usr/local/bin
RUN curl -LsSf https://astral.sh/uv/install.sh | sh

WORKDIR /opt/scrapegate
COPY pyproject.toml uv.lock README.md ./
COPY src ./src
RUN uv sync --frozen --no-dev --no-group bench

ENV PATH=/opt/scrapegate/.venv/bin:$PATH \
    SCRAPEGATE_HOST=0.0.0.0 \
    SCRAPEGATE_DATA_DIR=/var/lib/scrapegate
RUN useradd --system --home /var/lib/scrapegate scrapegate \
 && mkdir -p /var/lib/scrapegate && chown scrapegate /var/lib/scrapegate
USER scrapegate

EXPOSE 8080
CMD ["scrapegate", "serve", "--workers", "2"]
