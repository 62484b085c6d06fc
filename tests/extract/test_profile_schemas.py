"""The built-in templates' schemas describe what the profiles really return, on every fixture
page written for a profile."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from scrapegate.domain.extraction import ExtractionRequest
from scrapegate.domain.request_rules import PROFILES
from scrapegate.extract import extract_page
from scrapegate.extract.profile_schemas import DESCRIPTIONS, NAMES, profile_schema
from tests.extract.pages import PAGES, FixturePage


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_profile_output_matches_its_schema(page: FixturePage) -> None:
    profile = "auto" if page.profile == "generic" else page.profile
    outcome = extract_page(page.facts(), ExtractionRequest(profile=profile))
    assert outcome.result is not None
    schema = profile_schema(profile)
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert set(outcome.result) == set(properties)
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(outcome.result)]
    assert errors == []


def test_every_profile_has_a_schema_a_name_and_a_description() -> None:
    for profile in PROFILES:
        assert profile_schema(profile)["type"] == "object"
        assert NAMES[profile] and DESCRIPTIONS[profile]
