"""Site-analysis reports in memory."""

from __future__ import annotations

from datetime import datetime

from scrapegate.domain.records import Report
from scrapegate.errors import Conflict
from scrapegate.storage.memory.state import detached


class MemoryReportRepository:
    def __init__(self) -> None:
        self._reports: dict[str, Report] = {}

    async def create(self, report: Report) -> Report:
        if report.id in self._reports:
            raise Conflict(f"report {report.id} already exists")
        self._reports[report.id] = detached(report)
        return report

    async def get(self, report_id: str) -> Report | None:
        return detached(self._reports.get(report_id))

    async def purge(self, older_than: datetime) -> int:
        gone = [k for k, r in self._reports.items() if r.created_at < older_than]
        for key in gone:
            del self._reports[key]
        return len(gone)
