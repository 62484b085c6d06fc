"""include_patterns / exclude_patterns of crawl and map."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote, urlsplit

PatternSyntax = Literal["glob", "regex"]


@dataclass(frozen=True)
class _CompiledPattern:
    regex: re.Pattern[str]
    with_query: bool  # a glob containing "?" also sees "?query"
    anchored: bool  # globs match the whole target, regexes search inside it

    def matches(self, targets: tuple[str, ...]) -> bool:
        test = self.regex.fullmatch if self.anchored else self.regex.search
        return any(test(target) is not None for target in targets)


@dataclass(frozen=True)
class UrlFilter:
    """Globs (``*`` any characters incl. "/", ``?`` one character, ``[…]`` a class) matched
    against the path, plus "?query" when a glob contains "?"; or unanchored, case-sensitive
    regexes against the path. ``full_url`` matches against the whole URL instead. Exclude wins.
    Raises ValueError for a regex that does not compile."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    syntax: PatternSyntax = "glob"
    full_url: bool = False
    _compiled_include: tuple[_CompiledPattern, ...] = field(
        init=False, repr=False, compare=False, default=()
    )
    _compiled_exclude: tuple[_CompiledPattern, ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled_include", tuple(map(self._compile, self.include)))
        object.__setattr__(self, "_compiled_exclude", tuple(map(self._compile, self.exclude)))

    def _compile(self, pattern: str) -> _CompiledPattern:
        if self.syntax == "regex":
            try:
                return _CompiledPattern(re.compile(pattern), with_query=False, anchored=False)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
        if not self.full_url and not pattern.startswith(("/", "*")):
            pattern = "/" + pattern  # "docs/*" means "/docs/*"
        with_query = "?" in pattern and not self.full_url
        return _CompiledPattern(re.compile(fnmatch.translate(pattern)), with_query, anchored=True)

    def allows(self, url: str) -> bool:
        if not self._compiled_include and not self._compiled_exclude:
            return True
        if any(p.matches(self._targets(url, p)) for p in self._compiled_exclude):
            return False
        if not self._compiled_include:
            return True
        return any(p.matches(self._targets(url, p)) for p in self._compiled_include)

    def _targets(self, url: str, pattern: _CompiledPattern) -> tuple[str, ...]:
        """The raw form and the percent-decoded form: "/café" and "/caf%C3%A9" both match."""
        if self.full_url:
            target = url
        else:
            parts = urlsplit(url)
            target = parts.path or "/"
            if pattern.with_query and parts.query:
                target = f"{target}?{parts.query}"
        decoded = unquote(target)
        return (target,) if decoded == target else (target, decoded)
