"""Browser actions: run in order, a failing one is recorded and skipped."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

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


class ActionFailed(Exception):
    """The action could not do what it was asked; the message goes to ``action_results``."""


class ActionRunner:
    """Runs one page's actions; artifacts it produces are appended to ``artifacts``."""

    def __init__(
        self, page: Page, artifacts: list[Artifact], allow_evaluate: bool, deadline: float
    ) -> None:
        self.page = page
        self.deadline = deadline  # time.monotonic() value after which actions are cut short
        self.artifacts = artifacts
        self.allow_evaluate = allow_evaluate
        self._handlers: dict[str, Callable[[Mapping[str, Any], int], Awaitable[Any]]] = {
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

    async def run_all(self, actions: tuple[Mapping[str, Any], ...]) -> list[dict[str, Any]]:
        return [await self.run(i, action) for i, action in enumerate(actions[:MAX_ACTIONS])]

    async def run(self, index: int, action: Mapping[str, Any]) -> dict[str, Any]:
        kind = str(action.get("type", ""))
        started = time.monotonic()
        entry: dict[str, Any] = {"index": index, "type": kind, "success": True, "error": None}
        result: Any = None
        try:
            handler = self._handlers.get(kind)
            if handler is None:
                raise ActionFailed(f"Unknown action type {kind!r}")
            budget = min(MAX_ACTION_S, self.deadline - time.monotonic())
            if budget <= 0:
                raise ActionFailed("No time left for this action")
            async with asyncio.timeout(budget):
                result = await handler(action, index)
        except TimeoutError:
            entry.update(success=False, error="The action did not finish in time")
        except ActionFailed as exc:
            entry.update(success=False, error=str(exc))
            result = exc.args[1] if len(exc.args) > 1 else None
        except PlaywrightTimeout as exc:
            entry.update(success=False, error=_first_line(exc.message) or "Timed out")
        except PlaywrightError as exc:
            entry.update(success=False, error=_first_line(exc.message) or "Action failed")
        entry["duration_ms"] = int((time.monotonic() - started) * 1000)
        entry["result"] = result
        return entry

    def _store(self, kind: str, content_type: str, data: bytes, index: int) -> int:
        self.artifacts.append(Artifact(kind, content_type, data, action_index=index))
        return len(self.artifacts) - 1

    async def _wait(self, action: Mapping[str, Any], index: int) -> None:
        await asyncio.sleep(int(action.get("milliseconds", 1000)) / 1000)

    async def _wait_for(self, action: Mapping[str, Any], index: int) -> dict[str, bool]:
        state = action.get("state", "visible")
        try:
            await self.page.wait_for_selector(
                str(action["selector"]), state=state, timeout=int(action.get("timeout_ms", 10_000))
            )
        except PlaywrightTimeout as exc:
            message = f"Selector {action['selector']!r} did not become {state} in time"
            raise ActionFailed(message, {"found": False}) from exc
        return {"found": True}

    async def _click(self, action: Mapping[str, Any], index: int) -> dict[str, int]:
        locator = self.page.locator(str(action["selector"]))
        timeout = int(action.get("timeout_ms", 5_000))
        options: dict[str, Any] = {
            "button": action.get("button", "left"),
            "click_count": int(action.get("count", 1)),
            "timeout": timeout,
        }
        if not action.get("all", False):
            await locator.first.click(**options)
            return {"clicked": 1}
        await locator.first.wait_for(state="attached", timeout=timeout)
        targets = await locator.all()
        for target in targets:
            await target.click(**options)
        return {"clicked": len(targets)}

    async def _fill(self, action: Mapping[str, Any], index: int) -> None:
        await self.page.locator(str(action["selector"])).first.fill(str(action.get("value", "")))

    async def _type(self, action: Mapping[str, Any], index: int) -> None:
        text, delay = str(action.get("text", "")), float(action.get("delay_ms", 0))
        if action.get("selector"):
            await self.page.locator(str(action["selector"])).first.press_sequentially(
                text, delay=delay
            )
        else:
            await self.page.keyboard.type(text, delay=delay)

    async def _press(self, action: Mapping[str, Any], index: int) -> None:
        key = str(action["key"])
        if action.get("selector"):
            await self.page.locator(str(action["selector"])).first.press(key)
        else:
            await self.page.keyboard.press(key)

    async def _scroll(self, action: Mapping[str, Any], index: int) -> None:
        sign = -1 if action.get("direction", "down") == "up" else 1
        amount = sign * int(action.get("amount", 1))
        await self.page.evaluate(_SCROLL_JS, [action.get("selector"), amount])

    async def _infinite_scroll(self, action: Mapping[str, Any], index: int) -> dict[str, int]:
        stop_selector = action.get("stop_selector")
        delay_s = int(action.get("delay_ms", 1_000)) / 1000
        scrolls, unchanged = 0, 0
        for _ in range(int(action.get("max_scrolls", 10))):
            if stop_selector and await self.page.query_selector(str(stop_selector)):
                break
            before = await self.page.evaluate("() => document.body.scrollHeight")
            await self.page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
            scrolls += 1
            await asyncio.sleep(delay_s)
            after = await self.page.evaluate("() => document.body.scrollHeight")
            unchanged = unchanged + 1 if after == before else 0
            if unchanged >= 2:  # nothing new twice in a row: the list is exhausted
                break
        return {"scrolls": scrolls}

    async def _screenshot(self, action: Mapping[str, Any], index: int) -> dict[str, int]:
        if action.get("selector"):
            data = await self.page.locator(str(action["selector"])).first.screenshot(type="png")
        else:
            data = await self.page.screenshot(
                type="png", full_page=bool(action.get("full_page", True))
            )
        return {"artifact_index": self._store("screenshot", "image/png", data, index)}

    async def _evaluate(self, action: Mapping[str, Any], index: int) -> Any:
        if not self.allow_evaluate:
            raise ActionFailed("evaluate actions are disabled on this server")
        value = await self.page.evaluate(str(action.get("script", "")))
        try:
            encoded = json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise ActionFailed("The script's return value is not JSON-serialisable") from exc
        if len(encoded.encode("utf-8")) > MAX_EVALUATE_RESULT_BYTES:
            raise ActionFailed("The script's return value is larger than 1 MB")
        return value

    async def _snapshot(self, action: Mapping[str, Any], index: int) -> dict[str, int]:
        html = await self.page.content()
        artifact = self._store("snapshot", "text/html", html.encode("utf-8"), index)
        return {"artifact_index": artifact, "length": len(html)}

    async def _pdf(self, action: Mapping[str, Any], index: int) -> dict[str, int]:
        data = await self.page.pdf(
            format=str(action.get("format", "A4")),
            landscape=bool(action.get("landscape", False)),
            print_background=True,
        )
        return {"artifact_index": self._store("pdf", "application/pdf", data, index)}


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else ""
