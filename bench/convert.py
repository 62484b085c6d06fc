"""Main-content extraction benchmark on the WCXB dev split.

Scores scrapegate's default output (main-content markdown) against trafilatura, readability-lxml and
full-page markdownify, in one process, with the benchmark's bag-of-words token F1.
Data: WCXB (Murrough-Foley, 2026), CC-BY-4.0, read at run time from shared/corpus/wcxb-dev.

    .venv/bin/python bench/convert.py [--limit N] [--json out.json] [--tools ours,trafilatura]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ATTRIBUTION = "WCXB (Murrough-Foley, 2026), CC-BY-4.0"
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "wcxb-dev"
TOKEN = re.compile(r"\w+")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\((?:<[^>]*>|[^)]*)\)")
FENCE_LINE = re.compile(r"^\s*(?:```|~~~)[^\n]*$", re.MULTILINE)
LIST_MARKER = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
EMPHASIS = re.compile(r"(\*\*|__|\*|(?<!\w)_|_(?!\w)|~~)")
HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
TAGS = re.compile(r"<[^>]+>")

Extractor = Callable[[str, str], str]


@dataclass
class Page:
    file_id: str
    url: str
    html: str
    page_type: str
    reference: str
    with_snippets: list[str]
    without_snippets: list[str]


@dataclass
class ToolScore:
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    with_hits: int = 0
    with_total: int = 0
    without_leaks: int = 0
    without_total: int = 0
    millis: list[float] = field(default_factory=list)
    errors: int = 0
    f1_by_type: dict[str, list[float]] = field(default_factory=dict)


def markdown_to_text(markdown: str) -> str:
    """Strip markdown syntax so that it costs no tokens or snippet hits."""
    text = IMAGE.sub(" ", markdown)
    text = LINK.sub(r"\1", text)
    text = FENCE_LINE.sub("", text)
    text = HEADING.sub("", text)
    text = LIST_MARKER.sub(r"\1", text)
    text = EMPHASIS.sub("", text)
    text = TAGS.sub(" ", text)
    return text.replace("\\", "")


def token_scores(predicted: str, reference: str) -> tuple[float, float, float]:
    pred = Counter(TOKEN.findall(predicted.lower()))
    ref = Counter(TOKEN.findall(reference.lower()))
    if not ref:
        return (1.0, 1.0, 1.0) if not pred else (0.0, 0.0, 0.0)
    if not pred:
        return 0.0, 0.0, 0.0
    overlap = sum((pred & ref).values())
    precision = overlap / sum(pred.values())
    recall = overlap / sum(ref.values())
    f1 = 0.0 if overlap == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def load_pages(corpus: Path, limit: int | None) -> list[Page]:
    pages: list[Page] = []
    for truth_path in sorted((corpus / "ground-truth").glob("*.json"))[:limit]:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        html_path = corpus / "html" / f"{truth_path.stem}.html.gz"
        gt = truth["ground_truth"]
        pages.append(
            Page(
                file_id=truth_path.stem,
                url=truth.get("url") or f"https://example.invalid/{truth_path.stem}",
                html=gzip.decompress(html_path.read_bytes()).decode("utf-8", "replace"),
                page_type=truth.get("_internal", {}).get("page_type", {}).get("primary", "?"),
                reference=gt.get("main_content") or "",
                with_snippets=list(gt.get("with") or []),
                without_snippets=list(gt.get("without") or []),
            )
        )
    return pages


def ours(html: str, url: str) -> str:
    from scrapegate.convert import extract_main_markdown

    return markdown_to_text(extract_main_markdown(html, url))


def trafilatura_text(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, output_format="txt") or ""


def readability_text(html: str, url: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html).summary()
    return str(lxml.html.fromstring(summary).text_content()) if summary.strip() else ""


def markdownify_page(html: str, url: str) -> str:
    from markdownify import markdownify

    return markdown_to_text(markdownify(html))


TOOLS: dict[str, Extractor] = {
    "ours": ours,
    "trafilatura": trafilatura_text,
    "readability": readability_text,
    "markdownify": markdownify_page,
}


def score_tool(extractor: Extractor, pages: list[Page]) -> ToolScore:
    score = ToolScore()
    for page in pages:
        started = time.perf_counter()
        try:
            predicted = extractor(page.html, page.url)
        except Exception:  # a crashing extractor scores an empty prediction
            predicted = ""
            score.errors += 1
        score.millis.append((time.perf_counter() - started) * 1000)
        precision, recall, f1 = token_scores(predicted, page.reference)
        score.precision.append(precision)
        score.recall.append(recall)
        score.f1.append(f1)
        score.f1_by_type.setdefault(page.page_type, []).append(f1)
        lowered = predicted.lower()
        score.with_total += len(page.with_snippets)
        score.with_hits += sum(s.lower() in lowered for s in page.with_snippets)
        score.without_total += len(page.without_snippets)
        score.without_leaks += sum(s.lower() in lowered for s in page.without_snippets)
    return score


def summarise(score: ToolScore) -> dict[str, Any]:
    return {
        "precision": statistics.fmean(score.precision),
        "recall": statistics.fmean(score.recall),
        "f1": statistics.fmean(score.f1),
        "with_hit_rate": score.with_hits / score.with_total if score.with_total else None,
        "without_leak_rate": (
            score.without_leaks / score.without_total if score.without_total else None
        ),
        "median_ms": statistics.median(score.millis),
        "mean_ms": statistics.fmean(score.millis),
        "errors": score.errors,
        "f1_by_type": {k: statistics.fmean(v) for k, v in sorted(score.f1_by_type.items())},
    }


def report(results: dict[str, dict[str, Any]], pages: int) -> str:
    lines = [f"Main-content extraction on {pages} pages. Data: {ATTRIBUTION}."]
    lines.append(
        f"{'tool':<12} {'P':>6} {'R':>6} {'F1':>6} {'with':>6} {'w/o':>6} {'med ms':>8} {'err':>4}"
    )
    for name, r in results.items():
        lines.append(
            f"{name:<12} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
            f"{r['with_hit_rate'] or 0:6.3f} {r['without_leak_rate'] or 0:6.3f} "
            f"{r['median_ms']:8.2f} {r['errors']:4d}"
        )
    for name, r in results.items():
        by_type = ", ".join(f"{k} {v:.3f}" for k, v in r["f1_by_type"].items())
        lines.append(f"{name} F1 by type: {by_type}")
    if "ours" in results and "trafilatura" in results:
        ours_r, traf = results["ours"], results["trafilatura"]
        lines.append(
            f"ours/trafilatura: F1 ratio {ours_r['f1'] / traf['f1']:.3f}, "
            f"median time ratio {ours_r['median_ms'] / traf['median_ms']:.3f} "
            f"(speed-up x{traf['median_ms'] / ours_r['median_ms']:.2f})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N pages (default all)")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated tool names")
    args = parser.parse_args(argv)
    pages = load_pages(args.corpus, args.limit)
    if not pages:
        sys.stderr.write(f"no pages under {args.corpus}\n")
        return 1
    results: dict[str, dict[str, Any]] = {}
    for name in args.tools.split(","):
        results[name] = summarise(score_tool(TOOLS[name], pages))
    sys.stdout.write(report(results, len(pages)) + "\n")
    if args.json:
        payload = {"attribution": ATTRIBUTION, "pages": len(pages), "results": results}
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
