"""Launch helpers that need no browser: availability, user agent, languages."""

from __future__ import annotations

from pathlib import Path

from scrapegate.fetchers.browser import browser_available
from scrapegate.fetchers.browser.blocklists import AD_HOSTS, host_listed
from scrapegate.fetchers.browser.launch import (
    accept_language,
    chrome_user_agent,
    navigator_languages,
)


def test_browser_available_checks_for_an_executable(tmp_path: Path) -> None:
    script = tmp_path / "chromium"
    script.write_text("#!/bin/sh\n")
    assert not browser_available(str(tmp_path / "missing"))
    assert not browser_available(str(script))
    script.chmod(0o755)
    assert browser_available(str(script))


def test_user_agent_is_reduced_chrome_without_headless() -> None:
    agent = chrome_user_agent("156.0.8078.108")
    assert "Chrome/156.0.0.0 " in agent
    assert "Headless" not in agent
    assert "Mobile" in chrome_user_agent("156.0.8078.108", mobile=True)


def test_languages_follow_the_locale() -> None:
    assert accept_language("de-DE") == "de-DE,de;q=0.9"
    assert accept_language("fr") == "fr"
    assert navigator_languages("pt-BR") == ["pt-BR", "pt"]


def test_block_list_matches_parent_domains_only() -> None:
    assert host_listed("securepubads.g.doubleclick.net", AD_HOSTS)
    assert host_listed("doubleclick.net.", AD_HOSTS)
    assert not host_listed("notdoubleclick.net", AD_HOSTS)
    assert not host_listed("example.com", AD_HOSTS)
