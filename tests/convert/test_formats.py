"""The non-markdown formats of spec §7: text, html, json, json_v2, rag, content."""

from __future__ import annotations

import hashlib
import itertools
import math
from pathlib import Path
from typing import Any

from scrapegate.convert import Converted, ConvertOptions, SectionFilter, convert_document

GOLDEN = Path(__file__).parent / "golden"
URL = "https://shop.example.com/p/123"


def convert(name: str, formats: list[str], **options: Any) -> Converted:
    html = (GOLDEN / f"{name}.html").read_text(encoding="utf-8")
    opts = ConvertOptions(**options)
    return convert_document(html, media_type="text/html", url=URL, formats=formats, options=opts)


def test_formats_holds_exactly_the_requested_ones() -> None:
    result = convert("article", ["markdown", "text", "raw"])
    assert set(result.formats) == {"markdown", "text"}
    assert result.formats["markdown"] == result.markdown


def test_text_format_has_no_markup_and_tab_separated_rows() -> None:
    text = convert("tables", ["text"]).formats["text"]
    assert "US\tUK\tEU\tNotes" in text
    assert "|" not in text.replace("A|B", "")
    assert "\n\n" in text


def test_text_format_prefixes_list_items() -> None:
    text = convert("lists", ["text"]).formats["text"]
    assert "- Clothing\n  - Rain jacket" in text
    assert "- Check the weather forecast" in text
    assert "#" not in text


def test_html_format_is_cleaned_and_absolute() -> None:
    html = (
        '<html><body><article><p onclick="x()" class="c" style="s">Hello '
        '<a href="/x" target="_blank">link</a><script>bad()</script></p>'
        '<p style="display:none">secret</p><img src="i.png" alt="i" width="3">'
        "<custom-widget>kept text</custom-widget></article></body></html>"
    )
    out = convert_document(html, media_type="text/html", url=URL, formats=["html"]).formats["html"]
    assert "onclick" not in out and "class=" not in out and "style=" not in out
    assert "script" not in out and "secret" not in out and "custom-widget" not in out
    assert '<a href="https://shop.example.com/x">link</a>' in out
    assert '<img src="https://shop.example.com/p/i.png" alt="i">' in out
    assert "kept text" in out


def test_json_promotes_primary_schema_org_entity() -> None:
    page = convert("product", ["json"]).formats["json"]
    assert page["@type"] == "Product"
    assert page["sku"] == "TR2-42"
    assert page["offers"]["price"] == "129.00"
    assert page["page"]["url"] == URL  # the entity's own "page" key is reserved
    assert page["page"]["canonical_url"] == "https://shop.example.com/p/123"
    assert [e["@type"] for e in page["schema_org"]] == ["Product", "BreadcrumbList"]
    assert all("@context" not in e for e in page["schema_org"])
    assert page["open_graph"]["type"] == "product"
    assert page["twitter"] == {"card": "summary_large_image"}
    assert page["metadata"]["robots"] == "index,follow"
    assert page["word_count"] > 20 and "grippy sole" in page["main_text"]


def test_json_without_promotion_is_a_webpage() -> None:
    page = convert("product", ["json"], promote_schema_org=False).formats["json"]
    assert page["@type"] == "WebPage"
    assert "sku" not in page


def test_json_reads_microdata() -> None:
    html = (
        '<html><body><div itemscope itemtype="https://schema.org/Recipe">'
        '<h1 itemprop="name">Soup</h1><span itemprop="cookTime" content="PT1H">1 h</span>'
        "</div></body></html>"
    )
    page = convert_document(html, media_type="text/html", url=URL, formats=["json"])
    assert page.formats["json"]["@type"] == "Recipe"
    assert page.formats["json"]["cookTime"] == "PT1H"


def test_json_v2_section_tree() -> None:
    tree = convert("sections", ["json_v2"]).formats["json_v2"]
    sections = tree["sections"]
    assert sections[0]["heading"] is None
    assert sections[0]["blocks"][0]["type"] == "paragraph"
    stoves = sections[1]
    assert stoves["id"] == "s2" and stoves["heading"] == {"level": 1, "text": "Camping stoves"}
    canister = stoves["children"][0]
    assert canister["id"] == "s2.1"
    assert canister["path"] == ["Camping stoves", "Canister stoves"]
    assert canister["blocks"][1] == {
        "type": "list",
        "ordered": False,
        "items": ["Fast to light", "Poor in deep cold"],
    }
    models = canister["children"][0]
    assert models["blocks"][0]["headers"] == ["Model", "Weight"]
    assert models["blocks"][0]["rows"] == [["Pocket", "73 g"]]
    liquid_types = [b["type"] for b in stoves["children"][1]["blocks"]]
    assert liquid_types == ["paragraph", "blockquote", "code"]
    alcohol = stoves["children"][2]["blocks"]
    assert alcohol[0]["type"] == "image" and alcohol[0]["caption"] == "A simple alcohol stove"
    assert alcohol[1] == {
        "type": "details",
        "summary": "Safety",
        "text": "Alcohol flames are nearly invisible in daylight.",
    }
    assert tree["stats"]["sections"] == 7


def test_section_filter_excludes_types_then_thin_sections() -> None:
    rules = SectionFilter(min_content_blocks=2, exclude_content_types=("code",))
    tree = convert("sections", ["json_v2"], section_filter=rules).formats["json_v2"]
    stoves = tree["sections"][0]  # the lead section (1 block, no children) is gone
    assert stoves["heading"]["text"] == "Camping stoves"
    names = [c["heading"]["text"] for c in stoves["children"]]
    # Liquid fuel keeps 2 blocks once code is gone; "Empty section" has none.
    assert names == ["Canister stoves", "Liquid fuel stoves", "Alcohol stoves"]
    models = stoves["children"][0]["children"]
    assert models == []  # one table block < 2
    assert all(b["type"] != "code" for c in stoves["children"] for b in c["blocks"])


def test_section_filter_content_only_flattens_blocks() -> None:
    rules = SectionFilter(content_only=True, exclude_content_types=("image",))
    tree = convert("sections", ["json_v2"], section_filter=rules).formats["json_v2"]
    assert "sections" not in tree
    types = [b["type"] for b in tree["blocks"]]
    assert types[0] == "paragraph" and "image" not in types and "table" in types


def test_json_v2_link_types_and_roles() -> None:
    links = convert("product", ["json_v2"]).formats["json_v2"]["links"]
    by_text = {link["text"]: link for link in links}
    assert by_text["Shoes"]["type"] == "internal" and by_text["Shoes"]["role"] == "nav"
    assert by_text["Instagram"]["type"] == "external" and by_text["Instagram"]["role"] == "social"
    assert by_text["Add to cart"]["role"] == "cta"


def test_rag_chunks_ids_offsets_and_overlap() -> None:
    paragraphs = "".join(
        f"<h2>Part {i}</h2><p>{f'Sentence number {i} is here. ' * 12}</p>" for i in range(8)
    )
    html = (
        f"<html><head><title>Long</title></head><body><article>{paragraphs}</article></body></html>"
    )
    result = convert_document(
        html,
        media_type="text/html",
        url=URL,
        formats=["rag"],
        options=ConvertOptions(rag_chunk_tokens=100, rag_overlap_tokens=20),
    )
    rag = result.formats["rag"]
    chunks = rag["chunks"]
    prefix = hashlib.sha256(URL.encode()).hexdigest()[:12]
    assert rag["chunking"]["max_tokens"] == 100 and rag["total_chunks"] == len(chunks) > 3
    for index, chunk in enumerate(chunks):
        assert chunk["id"] == f"{prefix}-{index:04d}"
        assert chunk["text"] == result.markdown[chunk["char_start"] : chunk["char_end"]]
        assert chunk["token_estimate"] == math.ceil(len(chunk["text"]) / 4)
    for before, after in itertools.pairwise(chunks):
        assert after["char_start"] < before["char_end"]  # overlap
    assert chunks[-1]["char_end"] == len(result.markdown)
    assert any(c["heading_path"] and c["heading_path"][-1].startswith("Part") for c in chunks)


def test_rag_never_cuts_inside_a_code_block() -> None:
    code = "\n".join(f"line {i} = {i}" for i in range(200))
    html = (
        "<html><body><article><p>Intro paragraph for the code.</p>"
        f'<pre><code class="language-py">{code}</code></pre><p>After the code.</p>'
        "</article></body></html>"
    )
    result = convert_document(
        html,
        media_type="text/html",
        url=URL,
        formats=["rag"],
        options=ConvertOptions(rag_chunk_tokens=50, rag_overlap_tokens=10),
    )
    start = result.markdown.index("```py")
    end = result.markdown.index("```", start + 5) + 3
    for chunk in result.formats["rag"]["chunks"]:
        assert not start < chunk["char_start"] < end
        assert not start < chunk["char_end"] < end


def test_content_result_hash_words_and_roles() -> None:
    result = convert("article", ["content"])
    content = result.formats["content"]
    body = content["body_markdown"]
    assert not body.startswith("# Growing Tomatoes on a Balcony\n\n# ")
    normalised = body.replace("\r\n", "\n").rstrip()
    assert content["content_hash"] == hashlib.sha256(normalised.encode()).hexdigest()
    assert content["word_count"] == result.word_count > 50
    roles = {i["url"].rsplit("/", 1)[-1]: i["role"] for i in content["images"]}
    assert roles["logo.png"] == "logo" and roles["tomatoes.jpg"] == "content"
    link_roles = {link["text"]: link["role"] for link in content["links"]}
    assert link_roles["soil guide"] == "content"
    assert link_roles["Guides"] == "nav"
    assert link_roles["Share on Twitter"] == "social"


def test_content_body_markdown_has_no_envelope() -> None:
    result = convert("sections", ["content"])
    assert result.markdown.startswith("# Camping stove guide\n\n")
    assert result.formats["content"]["body_markdown"].startswith("An introduction")


def test_cjk_words_count_individually() -> None:
    result = convert("cjk", ["content"])
    # 東京の天気 is 5 characters; each CJK character is one word.
    assert result.formats["content"]["word_count"] >= 50
    assert result.language == "ja"


def test_an_empty_rdfa_typeof_is_no_entity_and_no_crash() -> None:
    html = (
        '<html><body><div typeof=""><span property="name">x</span></div>'
        '<div typeof="schema:Person"><span property="schema:name">Ada</span></div>'
        "<p>Some text for the page.</p></body></html>"
    )
    converted = convert_document(
        html, media_type="text/html", url="https://example.org/", formats=("json",)
    )
    assert "Ada" in str(converted.formats["json"])
