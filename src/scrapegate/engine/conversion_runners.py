"""Where page conversions run: a thread of this process, or a pool of processes on every core.

Conversion is pure CPU work (lxml and the markdown converter); in a thread the GIL keeps it
on the core that also serves HTTP, SQL and job bookkeeping, so servers use the process pool.
"""

from __future__ import annotations

import ast
import asyncio
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Literal, Protocol, TypeVar

from scrapegate.convert import Converted
from scrapegate.engine.conversion_task import (
    PageAnalysis,
    PageToAnalyse,
    PageToConvert,
    analyse_in_pool,
    analyse_page,
    convert_in_pool,
    convert_page,
    warm_up,
    worker_pid,
)
from scrapegate.errors import InternalError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
StartMethod = Literal["forkserver", "spawn"]
CONVERSION_MODULE = "scrapegate.engine.conversion_task"
DEFAULT_SHUTDOWN_TIMEOUT_S = 5.0
WARM_UP_WAIT_S = 60.0  # a loaded machine may take long; past this, start serving regardless


class ConversionRunner(Protocol):
    """Runs ``convert_page`` off the event loop; ``start`` warms it, ``aclose`` releases it."""

    async def start(self) -> None: ...

    async def convert(self, page: PageToConvert) -> Converted: ...

    async def analyse(self, task: PageToAnalyse) -> PageAnalysis: ...

    async def aclose(self) -> None: ...


class ThreadConversionRunner:
    """Today's behaviour: a worker thread of this process (tests, the one-page CLI, fallback)."""

    async def start(self) -> None:
        return None

    async def convert(self, page: PageToConvert) -> Converted:
        return await asyncio.to_thread(convert_page, page)

    async def analyse(self, task: PageToAnalyse) -> PageAnalysis:
        return await asyncio.to_thread(analyse_page, task)

    async def aclose(self) -> None:
        return None


def usable_cores() -> int:
    return len(os.sched_getaffinity(0))


def forkserver_preload() -> list[str]:
    """Modules the fork server imports once, so that the processes it forks share them.

    Besides the converter: a new process re-runs the parent's main script (``multiprocessing``
    does, for functions pickled from it), e.g. ``scrapegate``'s, which imports the CLI; with
    the script's own imports already loaded that costs each process nothing.
    """
    return ["__main__", *main_script_imports(), CONVERSION_MODULE]


def main_script_imports() -> list[str]:
    """The modules imported by top-level statements of the main script, when run from a file."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    path = getattr(main, "__file__", None)
    if spec is not None or not isinstance(path, str):
        return []  # ``python -m``: processes do not re-run the main module
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


class ProcessPoolConversionRunner:
    """A ``ProcessPoolExecutor`` whose processes import only the convert layer.

    Never ``fork``: the parent has threads and an event loop. A pool broken by a dead process
    is replaced and the page tried once more; a page that breaks the new pool too fails alone.
    """

    def __init__(
        self,
        processes: int,
        *,
        start_method: StartMethod = "forkserver",
        shutdown_timeout_s: float = DEFAULT_SHUTDOWN_TIMEOUT_S,
    ) -> None:
        if processes < 1:
            raise ValueError("a conversion pool needs at least one process")
        self.processes = processes
        self._context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            # Takes effect when the fork server starts (at the first pool process).
            self._context.set_forkserver_preload(forkserver_preload())
        self._shutdown_timeout_s = shutdown_timeout_s
        self._pool: ProcessPoolExecutor | None = None
        self._lock = asyncio.Lock()
        self._in_thread = False  # the pool could not be started: convert in a thread instead
        self._closed = False

    async def start(self) -> None:
        """Start every process and wait (boundedly) until each has warmed the converter."""
        warming = [asyncio.wrap_future(future) for future in await self._replace(None)]
        if not warming:
            return
        done, slow = await asyncio.wait(warming, timeout=WARM_UP_WAIT_S)
        failed = [f.exception() for f in done if f.exception() is not None]
        if slow or failed:
            log.warning("conversion pool not warm (%d slow, %r): started anyway", len(slow), failed)

    async def convert(self, page: PageToConvert) -> Converted:
        return await self._run(convert_page, convert_in_pool, page, page.url)

    async def analyse(self, task: PageToAnalyse) -> PageAnalysis:
        return await self._run(analyse_page, analyse_in_pool, task, task.page.url)

    async def _run(
        self, in_thread: Callable[[T], R], in_pool: Callable[[T], R], task: T, url: str
    ) -> R:
        for attempt in (1, 2):
            pool = await self._live_pool()
            if pool is None:
                return await asyncio.to_thread(in_thread, task)
            try:
                return await asyncio.wrap_future(pool.submit(in_pool, task))
            except BrokenProcessPool:
                log.warning("a conversion process died (try %d, %s): new pool", attempt, url)
                await self._replace(pool)
        raise InternalError("converting the page crashed a conversion process twice")

    def worker_pids(self) -> list[int]:
        """The pool's live processes (memory reports, tests)."""
        pool = self._pool
        return list(pool._processes) if pool is not None and pool._processes else []

    async def aclose(self) -> None:
        """Cancel queued conversions and stop the processes, killing any still busy at the end
        of ``shutdown_timeout_s``."""
        self._closed = True
        async with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((pool._processes or {}).values())
        stopping = asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        try:
            await asyncio.wait_for(stopping, self._shutdown_timeout_s)
        except TimeoutError:
            log.warning(
                "conversion processes still busy after %ss: killed", self._shutdown_timeout_s
            )
            for process in processes:
                process.kill()
            for process in processes:
                await asyncio.to_thread(process.join, self._shutdown_timeout_s)

    async def _live_pool(self) -> ProcessPoolExecutor | None:
        if self._pool is None and not (self._closed or self._in_thread):
            await self._replace(None)
        return None if self._closed or self._in_thread else self._pool

    async def _replace(self, old: ProcessPoolExecutor | None) -> Sequence[Future[int]]:
        """Swap ``old`` (None: no pool yet) for a new pool, once for all callers that saw it
        break; returns the new pool's warm-up futures."""
        async with self._lock:
            if self._pool is not old or self._closed:
                return ()
            self._pool = None
            if old is not None:
                old.shutdown(wait=False, cancel_futures=True)
            try:
                self._pool, warming = await asyncio.to_thread(self._new_pool)
            except Exception:  # e.g. no process could be started: keep converting in a thread
                log.exception("conversion pool could not start; converting in a thread")
                self._in_thread = True
                return ()
            return warming

    def _new_pool(self) -> tuple[ProcessPoolExecutor, list[Future[int]]]:
        pool = ProcessPoolExecutor(
            self.processes, mp_context=self._context, initializer=warm_up, initargs=(os.getpid(),)
        )
        try:
            # One task per process while none is idle yet: the pool starts them all now.
            warming = [pool.submit(worker_pid) for _ in range(self.processes)]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        return pool, warming


def conversion_runner(processes: int | None) -> ConversionRunner:
    """The runner a composition root asks for: ``None`` means one process per usable core,
    0 means in a thread."""
    count = usable_cores() if processes is None else processes
    return ProcessPoolConversionRunner(count) if count > 0 else ThreadConversionRunner()
