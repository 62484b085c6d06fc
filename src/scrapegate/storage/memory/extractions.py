"""Extraction templates and the extraction log in memory."""

from __future__ import annotations

from datetime import datetime

from scrapegate.domain.extraction_records import (
    ExtractionRun,
    ExtractionTemplate,
    ExtractionTotals,
    ProviderTotals,
)
from scrapegate.errors import Conflict
from scrapegate.storage.memory.state import detached


class MemoryExtractionTemplateRepository:
    def __init__(self) -> None:
        self._templates: dict[str, ExtractionTemplate] = {}

    async def create(self, template: ExtractionTemplate) -> ExtractionTemplate:
        taken = any(
            t.org_id == template.org_id and t.name == template.name
            for t in self._templates.values()
        )
        if taken or template.id in self._templates:
            raise Conflict(f'A template named "{template.name}" already exists')
        self._templates[template.id] = detached(template)
        return detached(template)

    async def get(self, org_id: str, template_id: str) -> ExtractionTemplate | None:
        found = self._templates.get(template_id)
        return detached(found) if found is not None and found.org_id == org_id else None

    async def list_for_org(self, org_id: str) -> list[ExtractionTemplate]:
        mine = [t for t in self._templates.values() if t.org_id == org_id]
        return detached(sorted(mine, key=lambda t: (t.name, t.id)))

    async def count_for_org(self, org_id: str) -> int:
        return sum(1 for t in self._templates.values() if t.org_id == org_id)

    async def delete(self, org_id: str, template_id: str) -> bool:
        found = self._templates.get(template_id)
        if found is None or found.org_id != org_id:
            return False
        del self._templates[template_id]
        return True


class MemoryExtractionRunRepository:
    def __init__(self) -> None:
        self._runs: list[ExtractionRun] = []

    async def append(self, run: ExtractionRun) -> None:
        self._runs.append(run)  # frozen: nothing can change it afterwards

    def _window(
        self, org_id: str, since: datetime | None, until: datetime | None
    ) -> list[ExtractionRun]:
        return [
            run
            for run in self._runs
            if run.org_id == org_id
            and (since is None or run.created_at >= since)
            and (until is None or run.created_at < until)
        ]

    async def page(
        self,
        org_id: str,
        since: datetime | None,
        until: datetime | None,
        *,
        offset: int,
        limit: int,
    ) -> list[ExtractionRun]:
        runs = sorted(
            self._window(org_id, since, until), key=lambda r: (r.created_at, r.id), reverse=True
        )
        return runs[offset : offset + limit]

    async def count(self, org_id: str, since: datetime | None, until: datetime | None) -> int:
        return len(self._window(org_id, since, until))

    async def totals(self, org_id: str, since: datetime, until: datetime) -> ExtractionTotals:
        runs = self._window(org_id, since, until)
        providers: dict[str, list[ExtractionRun]] = {}
        for run in runs:
            if run.provider is not None:
                providers.setdefault(run.provider, []).append(run)
        return ExtractionTotals(
            requests=len(runs),
            cost_microcents=sum(r.cost_microcents for r in runs),
            cached=sum(1 for r in runs if r.cached),
            llm=sum(1 for r in runs if r.mode != "algorithmic"),
            algorithmic=sum(1 for r in runs if r.mode == "algorithmic"),
            input_tokens=sum(r.input_tokens or 0 for r in runs),
            output_tokens=sum(r.output_tokens or 0 for r in runs),
            by_provider=tuple(
                ProviderTotals(
                    provider=name,
                    requests=len(group),
                    input_tokens=sum(r.input_tokens or 0 for r in group),
                    output_tokens=sum(r.output_tokens or 0 for r in group),
                )
                for name, group in sorted(providers.items())
            ),
        )
