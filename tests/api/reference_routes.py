"""The seed routes of AlterLab's published API reference, read from the spec text at run time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE = (
    Path(__file__).resolve().parents[3] / "shared" / "spec" / "alterlab-api-reference-v1.txt"
)
_HEADING = re.compile(r"^\s{4}(GET|POST|PUT|PATCH|DELETE) (/api/v1/\S+)$")
_PARAM = re.compile(
    r"^\s{4}([a-z_][a-z0-9_]*?)(string|integer|boolean|number|object|array|\"|\[|Record)"
)


@dataclass
class ReferenceRoute:
    method: str
    path: str
    params: list[str] = field(default_factory=list)

    @property
    def path_params(self) -> set[str]:
        return set(re.findall(r"\{(\w+)\}", self.path))


def reference_routes(text: str | None = None) -> list[ReferenceRoute]:
    """Each route once, in the reference's order, with its parameter names."""
    lines = (text if text is not None else REFERENCE.read_text()).splitlines()
    routes: list[ReferenceRoute] = []
    for line in lines:
        heading = _HEADING.match(line)
        if heading:
            routes.append(ReferenceRoute(heading.group(1), heading.group(2)))
            continue
        param = _PARAM.match(line)
        if param and routes and param.group(1) not in routes[-1].params:
            routes[-1].params.append(param.group(1))
    return routes
