"""Browser actions: run in order, a failing one is recorded and skipped."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from scrapegate.domain.json_types import JsonValue
from scrapegate.domain.scrape_model import Action
from scrapegate.domain.scrape_result import (
    ActionOutput,
    ActionResult,
    ClickCount,
    ScrollCount,
    SelectorFound,
    StoredArtifact,
    StoredSnapshot,
)
from scrapegate.fetchers.base import Artifact

log = logging.getLogger(__name__)

MAX_ACTIONS = 20
MAX_EVALUATE_RESULT_BYTES = 1_048_576
MAX_ACTION_S = 60.0  # an evaluate() promise that never settles must not hang the scrape
_SCROLL_JS = """([selector, pixels]) => {
  const el = selector ? document.querySelector(selector) : null;
  if (selector && !el) throw new Error("No element matches " + selector);
  const target = el || window;
  const screen = el ? el.clientHeight : window.innerHeight;
  target.scrollBy(0, pixels * screen);
}"""
_WAIT_STATES: dict[str, Literal["attached", "hidden", "visible"]] = {
    "attached": "attached",
    "hidden": "hidden",
    "visible": "visible",
}
_BUTTONS: dict[str, Literal["left", "middle", "right"]] = {
    "left": "left",
    "middle": "middle",
    "right": "right",
}
T = TypeVar("T")
Handler = Callable[[Action, int], Awaitable[ActionOutput]]


class ActionFailed(Exception):
    """The action could not do what it was asked; the message goes to ``action_results``."""

    def __init__(self, message: str, partial: ActionOutput = None) -> None:
        super().__init__(message)  # the error text is the message alone; the partial goes to result
        self.partial = partial


class ActionRunner:
    """Runs one page's actions; artifacts it produces are appended to ``artifacts``."""

    def __init__(
        self, page: Page, artifacts: list[Artifact], allow_evaluate: bool, deadline: float
    ) -> None:
        self.page = page
        self.deadline = deadline  # time.monotonic() value after which actions are cut short
        self.artifacts = artifacts
        self.allow_evaluate = allow_evaluate
        self._handlers: dict[str, Handler] = {
            "wait": self._wait,
            "wait_for": self._wait_for,
            "click": self._click,
            "fill": self._fill,
            "type": self._type,
            "press": self._press,
            "scroll": self._scroll,
            "infinite_scroll": self._infinite_scroll,
            "screenshot": self._screenshot,
            "evaluate": self._evaluate,
            "snapshot": self._snapshot,
            "pdf": self._pdf,
        }

    async def run_all(self, actions: tuple[Action, ...]) -> list[ActionResult]:
        return [await self.run(i, action) for i, action in enumerate(actions[:MAX_ACTIONS])]

    async def run(self, index: int, action: Action) -> ActionResult:
        started = time.monotonic()
        error: str | None = None
        result: ActionOutput = None
        try:
            result = await self._perform(index, action)
        except TimeoutError:
            error = "The action did not finish in time"
        except ActionFailed as exc:
            error, result = str(exc), exc.partial
        except PlaywrightTimeout as exc:
            error = _first_line(exc.message) or "Timed out"
        except PlaywrightError as exc:
            error = _first_line(exc.message) or "Action failed"
        return ActionResult(
            index=index,
            type=action.type,
            success=error is None,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
            result=result,
        )

    async def _perform(self, index: int, action: Action) -> ActionOutput:
        handler = self._handlers.get(action.type)
        if handler is None:
            raise ActionFailed(f"Unknown action type {action.type!r}")
        budget = min(MAX_ACTION_S, self.deadline - time.monotonic())
        if budget <= 0:
            raise ActionFailed("No time left for this action")
        async with asyncio.timeout(budget):
            return await handler(action, index)

    def _store(self, kind: str, content_type: str, data: bytes, index: int) -> int:
        self.artifacts.append(Artifact(kind, content_type, data, action_index=index))
        return len(self.artifacts) - 1

    async def _wait(self, action: Action, index: int) -> None:
        await asyncio.sleep(_given(action.milliseconds, 1000) / 1000)

    async def _wait_for(self, action: Action, index: int) -> SelectorFound:
        selector = _required(action.selector, "selector")
        state = _given(action.state, "visible")
        if state not in _WAIT_STATES:
            raise ActionFailed(f"Unknown state {state!r}")
        try:
            await self.page.wait_for_selector(
                selector, state=_WAIT_STATES[state], timeout=_given(action.timeout_ms, 10_000)
            )
        except PlaywrightTimeout as exc:
            message = f"Selector {selector!r} did not become {state} in time"
            raise ActionFailed(message, SelectorFound(found=False)) from exc
        return SelectorFound(found=True)

    async def _click(self, action: Action, index: int) -> ClickCount:
        locator = self.page.locator(_required(action.selector, "selector"))
        timeout = _given(action.timeout_ms, 5_000)
        button = _given(action.button, "left")
        if button not in _BUTTONS:
            raise ActionFailed(f"Unknown button {button!r}")
        count = _given(action.count, 1)
        if not action.all:
            await locator.first.click(button=_BUTTONS[button], click_count=count, timeout=timeout)
            return ClickCount(clicked=1)
        await locator.first.wait_for(state="attached", timeout=timeout)
        targets = await locator.all()
        for target in targets:
            await target.click(button=_BUTTONS[button], click_count=count, timeout=timeout)
        return ClickCount(clicked=len(targets))

    async def _fill(self, action: Action, index: int) -> None:
        locator = self.page.locator(_required(action.selector, "selector"))
        await locator.first.fill(_given(action.value, ""))

    async def _type(self, action: Action, index: int) -> None:
        text, delay = _given(action.text, ""), float(_given(action.delay_ms, 0))
        if action.selector:
            await self.page.locator(action.selector).first.press_sequentially(text, delay=delay)
        else:
            await self.page.keyboard.type(text, delay=delay)

    async def _press(self, action: Action, index: int) -> None:
        key = _required(action.key, "key")
        if action.selector:
            await self.page.locator(action.selector).first.press(key)
        else:
            await self.page.keyboard.press(key)

    async def _scroll(self, action: Action, index: int) -> None:
        sign = -1 if action.direction == "up" else 1
        amount = sign * _given(action.amount, 1)
        await self.page.evaluate(_SCROLL_JS, [action.selector, amount])

    async def _infinite_scroll(self, action: Action, index: int) -> ScrollCount:
        stop_selector = action.stop_selector
        delay_s = _given(action.delay_ms, 1_000) / 1000
        scrolls, unchanged = 0, 0
        for _ in range(_given(action.max_scrolls, 10)):
            if stop_selector and await self.page.query_selector(stop_selector):
                break
            before = await self.page.evaluate("() => document.body.scrollHeight")
            await self.page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
            scrolls += 1
            await asyncio.sleep(delay_s)
            after = await self.page.evaluate("() => document.body.scrollHeight")
            unchanged = unchanged + 1 if after == before else 0
            if unchanged >= 2:  # nothing new twice in a row: the list is exhausted
                break
        return ScrollCount(scrolls=scrolls)

    async def _screenshot(self, action: Action, index: int) -> StoredArtifact:
        if action.selector:
            data = await self.page.locator(action.selector).first.screenshot(type="png")
        else:
            full_page = _given(action.full_page, True)
            data = await self.page.screenshot(type="png", full_page=full_page)
        return StoredArtifact(artifact_index=self._store("screenshot", "image/png", data, index))

    async def _evaluate(self, action: Action, index: int) -> JsonValue:
        if not self.allow_evaluate:
            raise ActionFailed("evaluate actions are disabled on this server")
        value: JsonValue = await self.page.evaluate(_given(action.script, ""))
        try:
            encoded = json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise ActionFailed("The script's return value is not JSON-serialisable") from exc
        if len(encoded.encode("utf-8")) > MAX_EVALUATE_RESULT_BYTES:
            raise ActionFailed("The script's return value is larger than 1 MB")
        return value

    async def _snapshot(self, action: Action, index: int) -> StoredSnapshot:
        html = await self.page.content()
        artifact = self._store("snapshot", "text/html", html.encode("utf-8"), index)
        return StoredSnapshot(artifact_index=artifact, length=len(html))

    async def _pdf(self, action: Action, index: int) -> StoredArtifact:
        data = await self.page.pdf(
            format=_given(action.format, "A4"),
            landscape=bool(action.landscape),
            print_background=True,
        )
        return StoredArtifact(artifact_index=self._store("pdf", "application/pdf", data, index))


def _given(value: T | None, default: T) -> T:
    """An action field, or the default a missing field had always meant."""
    return default if value is None else value


def _required(value: str | None, name: str) -> str:
    if value is None:
        raise ActionFailed(f"The action needs a {name}")
    return value


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else ""
