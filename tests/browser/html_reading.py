"""Reading rendered HTML in assertions (lxml's stubs type xpath results too loosely to use)."""

from __future__ import annotations

from typing import Any

from lxml import html as lxml_html


def parse(body: bytes) -> Any:
    return lxml_html.fromstring(body)


def visible_text(body: bytes) -> str:
    """The document's text with script and style contents left out."""
    tree = parse(body)
    for element in tree.xpath("//script | //style"):
        element.drop_tree()
    return str(tree.text_content())


def element_text(body: bytes, element_id: str) -> str:
    return str(parse(body).get_element_by_id(element_id).text_content())


def elements(body: bytes, xpath: str) -> list[Any]:
    return list(parse(body).xpath(xpath))
