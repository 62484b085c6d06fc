"""Markdown rules of spec §7 and design-notes §14, one rule per test."""

from __future__ import annotations

from scrapegate.convert import ConvertOptions, convert_document, extract_main_markdown

URL = "https://example.com/a/page.html"
FILLER = " ".join(["Enough ordinary words make this block the obvious main content here."] * 4)


def md(body: str, *, title: str = "", **options: object) -> str:
    head = f"<title>{title}</title>" if title else ""
    html = f"<html><head>{head}</head><body><main>{body}<p>{FILLER}</p></main></body></html>"
    opts = ConvertOptions(**options)  # type: ignore[arg-type]
    result = convert_document(html, media_type="text/html", url=URL, formats=[], options=opts)
    return result.markdown


def test_atx_headings_for_every_level() -> None:
    out = md("".join(f"<h{n}>Level {n}</h{n}>" for n in range(1, 7)))
    for n in range(1, 7):
        assert f"{'#' * n} Level {n}" in out.splitlines()


def test_envelope_added_when_content_does_not_start_with_h1() -> None:
    assert md("<h2>Sub</h2>", title="Page title").startswith("# Page title\n\n## Sub")


def test_no_envelope_when_content_starts_with_h1() -> None:
    out = md("<h1>Own heading</h1>", title="Page title")
    assert out.startswith("# Own heading")
    assert "Page title" not in out


def test_nested_unordered_list_uses_two_space_indent() -> None:
    out = md("<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>")
    assert "- a\n  - b\n    - c\n- d" in out


def test_ordered_list_keeps_start_and_numbering() -> None:
    out = md('<ol start="4"><li>x</li><li>y</li></ol>')
    assert "4. x\n5. y" in out


def test_table_header_colspan_br_and_escaped_pipe() -> None:
    out = md(
        "<table><tr><th>A</th><th>B</th></tr>"
        '<tr><td colspan="2">wide</td></tr><tr><td>1<br>2</td><td>x|y</td></tr></table>'
    )
    assert "| A | B |\n| --- | --- |\n| wide | wide |\n| 1<br>2 | x\\|y |" in out


def test_table_without_th_uses_first_row_as_header() -> None:
    out = md("<table><tr><td>k</td><td>v</td></tr><tr><td>a</td><td>b</td></tr></table>")
    assert "| k | v |\n| --- | --- |\n| a | b |" in out


def test_code_block_language_and_exact_whitespace() -> None:
    out = md('<pre><code class="language-rust">fn main() {\n    let  x = 1;\n}</code></pre>')
    assert "```rust\nfn main() {\n    let  x = 1;\n}\n```" in out


def test_fence_is_longer_than_backtick_runs_in_code() -> None:
    out = md("<pre><code>a ```` b</code></pre>")
    assert "`````\na ```` b\n`````" in out


def test_inline_code_is_kept_intact() -> None:
    out = md("<p>Run <code>x_y*z</code> now.</p>")
    assert "Run `x_y*z` now." in out


def test_links_and_images_are_absolute() -> None:
    out = md('<p><a href="../b/c.html">next</a> <img src="/i.png" alt="pic"></p>')
    assert "[next](https://example.com/b/c.html)" in out
    assert "![pic](https://example.com/i.png)" in out


def test_urls_with_spaces_or_parentheses_use_angle_brackets() -> None:
    out = md('<p><a href="/a (1).html">paren</a></p>')
    assert "[paren](<https://example.com/a (1).html>)" in out


def test_empty_links_are_dropped() -> None:
    out = md('<p>before<a href="/x"> </a>after</p>')
    assert "](" not in out.split("Enough")[0]


def test_data_images_become_placeholder_or_stay_when_asked() -> None:
    body = '<p><img src="data:image/png;base64,AAAA" alt="dot"></p>'
    assert "[image]" in md(body)
    assert "data:image/png;base64,AAAA" not in md(body)
    assert "![dot](data:image/png;base64,AAAA)" in md(body, remove_base64_images=False)


def test_skip_to_content_link_is_dropped() -> None:
    out = md('<p><a href="#main">Skip to content</a></p><p>Body text.</p>')
    assert "Skip to content" not in out


def test_nested_blockquotes() -> None:
    out = md("<blockquote><p>outer</p><blockquote><p>inner</p></blockquote></blockquote>")
    assert "> outer\n>\n> > inner" in out


def test_definition_list_sup_sub_and_hard_break() -> None:
    out = md("<dl><dt>Term</dt><dd>Meaning</dd></dl><p>x<sup>2</sup> H<sub>2</sub>O<br>next</p>")
    assert "**Term**\n\nMeaning" in out
    assert "x<sup>2</sup> H<sub>2</sub>O  \nnext" in out


def test_escaping_only_where_needed() -> None:
    out = md("<p>snake_case and 3.14 stay; *stars* get escaped.</p><p>1. not a list</p>")
    assert "snake_case and 3.14 stay; \\*stars\\* get escaped." in out
    assert "1\\. not a list" in out


def test_entities_are_decoded_and_whitespace_normalised() -> None:
    out = md("<p>fish&nbsp;&amp;\n\n   chips &eacute;</p>")
    assert "fish & chips é" in out


def test_extract_main_markdown_is_the_default_output() -> None:
    html = f"<html><head><title>T</title></head><body><p>{FILLER}</p></body></html>"
    expected = convert_document(html, media_type="text/html", url=URL, formats=[]).markdown
    assert extract_main_markdown(html, URL) == expected
    assert expected.startswith("# T\n\n")


def test_fifty_level_nested_list() -> None:
    html = "<ul>" + "".join(f"<li>level{i}<ul>" for i in range(50)) + "</ul></li>" * 50 + "</ul>"
    lines = md(html).splitlines()
    assert lines[0] == "- level0"
    assert lines[49] == " " * 98 + "- level49"
