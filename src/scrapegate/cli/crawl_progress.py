"""Crawl progress on the terminal: a rich progress bar on a TTY, plain lines otherwise."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

if TYPE_CHECKING:
    from scrapegate.cli.crawl_output import CrawlStatusBody


@dataclass(frozen=True)
class CrawlCounts:
    """Pages of one crawl view, with the rate and remaining time derived from them."""

    completed: int
    failed: int
    total: int
    elapsed_s: float

    @classmethod
    def from_view(cls, view: CrawlStatusBody, elapsed_s: float) -> CrawlCounts:
        return cls(
            completed=view["completed"],
            failed=view["failed"],
            total=view["total"],
            elapsed_s=elapsed_s,
        )

    @property
    def finished(self) -> int:
        return self.completed + self.failed

    @property
    def rate(self) -> float:
        return self.finished / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        remaining = max(self.total - self.finished, 0)
        if remaining == 0:
            return 0.0
        return remaining / self.rate if self.rate > 0 else None


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class CrawlProgress(Protocol):
    def started(self, url: str, crawl_id: str) -> None: ...

    def update(self, counts: CrawlCounts) -> None: ...

    def note(self, text: str) -> None: ...

    def close(self) -> None: ...


class PlainProgress:
    """One line each time the counts change (stdout is a file, a pipe or a test)."""

    def __init__(self) -> None:
        self._last: tuple[int, int, int] | None = None

    def started(self, url: str, crawl_id: str) -> None:
        click.echo(f"crawling {url} (crawl {crawl_id})")

    def update(self, counts: CrawlCounts) -> None:
        key = (counts.completed, counts.failed, counts.total)
        if key == self._last:
            return
        self._last = key
        click.echo(
            f"pages {counts.finished}/{counts.total} done, {counts.failed} failed, "
            f"{counts.rate:.1f} pages/s, ETA {clock(counts.eta_s)}"
        )

    def note(self, text: str) -> None:
        click.echo(text)

    def close(self) -> None:
        """Nothing to tidy: every line is already written."""


class RichProgress:
    """A live bar: pages done of total, failed, pages per second and estimated time left."""

    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]} pages/s"),
            TextColumn("ETA {task.fields[eta]}"),
            console=console,
        )
        self._task = self._progress.add_task(
            "crawl", total=None, failed=0, rate="0.0", eta=clock(None)
        )

    def started(self, url: str, crawl_id: str) -> None:
        self._progress.console.print(f"crawling {url} (crawl {crawl_id})")
        self._progress.start()

    def update(self, counts: CrawlCounts) -> None:
        self._progress.update(
            self._task,
            completed=counts.finished,
            total=counts.total or None,
            failed=counts.failed,
            rate=f"{counts.rate:.1f}",
            eta=clock(counts.eta_s),
        )

    def note(self, text: str) -> None:
        self._progress.console.print(text)  # printed above the live bar

    def close(self) -> None:
        self._progress.stop()


def progress_for_terminal(is_tty: bool) -> CrawlProgress:
    return RichProgress() if is_tty else PlainProgress()


class Stopwatch:
    def __init__(self) -> None:
        self._start = time.monotonic()

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self._start
