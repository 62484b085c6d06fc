"""HTML elements to GitHub-flavoured markdown, or to plain text with the same block structure."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

from lxml import etree

from scrapegate.convert.dom import text_of
from scrapegate.convert.tables import render_table

Element = etree._Element

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
        "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul", "caption", "legend", "noframes", "listing", "xmp", "plaintext",
    }
)  # fmt: skip
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
ESCAPE = re.compile(r"[\\*`\[\]]|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!])")
LINE_START = re.compile(r"^(#{1,6}(?:\s|$)|>|[-+*](?:\s|$)|=+\s*$|(\d+)([.)])(?:\s|$))")
CODE_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang|highlight-source|brush:?)-?\s*([\w+#.-]+)")
BACKTICKS = re.compile(r"`+")
SKIP_LINK = re.compile(r"^\s*skip\s+(?:to|navigation|nav)\b", re.IGNORECASE)
NEEDS_BRACKETS = re.compile(r"[\s()<>]")
PARAGRAPH_BREAK = "\n\n"
HARD_BREAK = "\x00"


def collapse(text: str) -> str:
    """Collapse whitespace runs to one space, keeping a space at either end if there was one."""
    if not text:
        return ""
    inner = " ".join(text.split())
    if not inner:
        return " "
    if text[0].isspace():
        inner = " " + inner
    if text[-1].isspace():
        inner += " "
    return inner


def escape_text(text: str) -> str:
    return ESCAPE.sub(r"\\\g<0>", text)


def _escape_line_start(line: str) -> str:
    m = LINE_START.match(line)
    if m is None:
        return line
    if m.group(2):
        return f"{m.group(2)}\\{line[len(m.group(2)) :]}"
    return "\\" + line


def code_fence(code: str) -> str:
    longest = max((len(run) for run in BACKTICKS.findall(code)), default=0)
    return "`" * max(3, longest + 1)


def code_language(el: Element) -> str:
    for node in (el, *el.iterchildren("code")):
        m = CODE_LANGUAGE.search(node.get("class") or "")
        if m:
            return m.group(1)
        lang = node.get("data-lang") or node.get("data-language")
        if lang:
            return lang
    return ""


def pre_text(el: Element) -> str:
    code = text_of(el)
    if code.startswith("\n"):
        code = code[1:]
    return code.rstrip("\n")


class MarkdownRenderer:
    """Renders element trees; ``plain=True`` gives the ``text`` format instead."""

    def __init__(self, base_url: str, *, plain: bool = False, drop_data_images: bool = True):
        self.base_url = base_url
        self.plain = plain
        self.drop_data_images = drop_data_images
        self._urls: dict[str, str] = {}

    def render(self, roots: Iterable[Element]) -> str:
        blocks: list[str] = []
        for root in roots:
            self.block(root, blocks)
        return PARAGRAPH_BREAK.join(blocks)

    def absolute(self, url: str) -> str:
        url = url.strip()
        cached = self._urls.get(url)
        if cached is None:
            try:
                cached = urljoin(self.base_url, url)
            except ValueError:
                cached = url
            self._urls[url] = cached
        return cached

    # Blocks -----------------------------------------------------------------------------------

    def block(self, el: Element, out: list[str]) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            return
        level = HEADINGS.get(tag)
        if level is not None:
            self._heading(el, level, out)
        elif tag in ("ul", "ol", "menu", "dir"):
            self._list(el, out, ordered=tag == "ol")
        elif tag in ("pre", "listing", "xmp", "plaintext"):
            self._pre(el, out)
        elif tag == "table":
            render_table(self, el, out)
        elif tag == "blockquote":
            self._blockquote(el, out)
        elif tag == "dl":
            self._definition_list(el, out)
        elif tag == "hr":
            out.append("" if self.plain else "---")
        else:
            self.container(el, out)

    def container(self, el: Element, out: list[str]) -> None:
        """Mixed content: runs of inline nodes become paragraphs between child blocks."""
        pieces: list[str] = []
        if el.text:
            pieces.append(self.text_node(el.text))
        for child in el:
            tag = child.tag
            if isinstance(tag, str):
                if tag in BLOCK_TAGS:
                    self._flush(pieces, out)
                    self.block(child, out)
                else:
                    pieces.append(self.inline(child))
            if child.tail:
                pieces.append(self.text_node(child.tail))
        self._flush(pieces, out)

    def _flush(self, pieces: list[str], out: list[str]) -> None:
        if not pieces:
            return
        joined = "".join(pieces)
        pieces.clear()
        for para in joined.split(PARAGRAPH_BREAK):
            lines = [" ".join(line.split()) for line in para.split(HARD_BREAK)]
            lines = [line for line in lines if line]
            if not lines:
                continue
            if not self.plain:
                lines = [_escape_line_start(line) for line in lines]
            out.append(("\n" if self.plain else "  \n").join(lines))

    def _heading(self, el: Element, level: int, out: list[str]) -> None:
        text = " ".join(self.inline_children(el).replace(HARD_BREAK, " ").split())
        if text:
            out.append(text if self.plain else f"{'#' * level} {text}")

    def _list(self, el: Element, out: list[str], *, ordered: bool) -> None:
        number = _list_start(el) if ordered else 1
        lines: list[str] = []
        for item in el:
            if not isinstance(item.tag, str):
                continue
            sub: list[str] = []
            if item.tag == "li":
                self.container(item, sub)
            else:
                self.block(item, sub)
            if not sub:
                continue
            if item.tag != "li" and lines:  # a list nested directly in a list belongs to the item
                lines.extend("  " + line for line in "\n".join(sub).split("\n"))
                continue
            marker = f"{number}. " if ordered and not self.plain else "- "
            number += 1
            indent = " " * len(marker) if ordered and not self.plain else "  "
            body = "\n".join(sub).split("\n")
            lines.append(marker + body[0])
            lines.extend(indent + line if line else line for line in body[1:])
        if lines:
            out.append("\n".join(lines))

    def _pre(self, el: Element, out: list[str]) -> None:
        code = pre_text(el)
        if not code.strip():
            return
        if self.plain:
            out.append(code)
            return
        fence = code_fence(code)
        out.append(f"{fence}{code_language(el)}\n{code}\n{fence}")

    def _blockquote(self, el: Element, out: list[str]) -> None:
        sub: list[str] = []
        self.container(el, sub)
        if not sub:
            return
        if self.plain:
            out.extend(sub)
            return
        text = PARAGRAPH_BREAK.join(sub)
        out.append("\n".join(f"> {line}" if line else ">" for line in text.split("\n")))

    def _definition_list(self, el: Element, out: list[str]) -> None:
        for child in el:
            if child.tag == "dt":
                term = " ".join(self.inline_children(child).replace(HARD_BREAK, " ").split())
                if term:
                    out.append(term if self.plain else f"**{term}**")
            elif isinstance(child.tag, str):
                self.container(child, out)

    # Inline -----------------------------------------------------------------------------------

    def text_node(self, text: str) -> str:
        text = collapse(text)
        return text if self.plain else escape_text(text)

    def inline_children(self, el: Element) -> str:
        pieces: list[str] = []
        if el.text:
            pieces.append(self.text_node(el.text))
        for child in el:
            if isinstance(child.tag, str):
                pieces.append(self.inline(child))
            if child.tail:
                pieces.append(self.text_node(child.tail))
        return "".join(pieces)

    def inline(self, el: Element) -> str:
        tag = el.tag
        if tag == "a":
            return self._link(el)
        if tag == "img":
            return self._image(el)
        if tag == "br":
            return HARD_BREAK
        if tag in ("code", "kbd", "samp", "tt"):
            return self._inline_code(el)
        inner = self.inline_children(el)
        if tag in BLOCK_TAGS:
            return f"{PARAGRAPH_BREAK}{inner}{PARAGRAPH_BREAK}"
        if self.plain:
            return inner
        if tag in ("strong", "b"):
            return _wrap(inner, "**")
        if tag in ("em", "i", "cite", "dfn"):
            return _wrap(inner, "*")
        if tag in ("del", "s", "strike"):
            return _wrap(inner, "~~")
        if tag in ("sup", "sub"):
            return f"<{tag}>{inner.strip()}</{tag}>" if inner.strip() else ""
        return inner

    def _inline_code(self, el: Element) -> str:
        code = " ".join(text_of(el).split())
        if not code or self.plain:
            return code
        fence = "`" * (max((len(r) for r in BACKTICKS.findall(code)), default=0) + 1)
        pad = " " if code.startswith("`") or code.endswith("`") else ""
        return f"{fence}{pad}{code}{pad}{fence}"

    def _link(self, el: Element) -> str:
        inner = self.inline_children(el)
        text = " ".join(inner.replace(PARAGRAPH_BREAK, " ").replace(HARD_BREAK, " ").split())
        if not text:
            return ""
        if SKIP_LINK.match(text) and (el.get("href") or "").startswith("#"):
            return ""
        href = (el.get("href") or "").strip()
        if self.plain or not href or href.startswith(("#", "javascript:")):
            return _keep_spaces(inner, text)
        return _keep_spaces(inner, f"[{text}]({self._url_target(href)})")

    def _url_target(self, href: str) -> str:
        url = self.absolute(href)
        return f"<{url}>" if NEEDS_BRACKETS.search(url) else url

    def _image(self, el: Element) -> str:
        src = image_source(el)
        if not src:
            return ""
        alt = " ".join((el.get("alt") or "").split())
        if self.plain:
            return ""
        if src.startswith("data:"):
            return "[image]" if self.drop_data_images else f"![{escape_text(alt)}]({src})"
        return f"![{escape_text(alt)}]({self._url_target(src)})"


def image_source(el: Element) -> str:
    """The real source of an image, looking past lazy-loading placeholders."""
    src = (el.get("src") or "").strip()
    if not src or src.startswith("data:"):
        lazy = el.get("data-src") or el.get("data-lazy-src") or el.get("data-original")
        srcset = el.get("srcset") or el.get("data-srcset") or ""
        if lazy:
            src = lazy.strip()
        elif srcset.strip():
            src = srcset.strip().split(",")[0].split(" ")[0]
    return src


def _list_start(el: Element) -> int:
    try:
        return int(el.get("start") or 1)
    except ValueError:
        return 1


def _wrap(inner: str, marker: str) -> str:
    text = inner.strip()
    if not text or HARD_BREAK in text or PARAGRAPH_BREAK in text:
        return inner
    return _keep_spaces(inner, f"{marker}{text}{marker}")


def _keep_spaces(original: str, rendered: str) -> str:
    lead = " " if original[:1].isspace() else ""
    trail = " " if original[-1:].isspace() else ""
    return f"{lead}{rendered}{trail}"
