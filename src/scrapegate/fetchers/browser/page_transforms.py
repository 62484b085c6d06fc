"""What browser tiers do to a loaded page: scrolling, frames, shadow DOM, consent banners."""

from __future__ import annotations

import asyncio
import logging
import time

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

log = logging.getLogger(__name__)

_SCROLL_SETTLE_S = 0.6
_STABLE_POLL_S = 0.15
_BANNER_CLICK_TIMEOUT_MS = 1_000

_SCROLL_TO_BOTTOM = (
    "() => { window.scrollTo(0, document.body.scrollHeight); return document.body.scrollHeight; }"
)
_CONTENT_SIZE = "() => document.body ? document.body.innerText.length : 0"

# Same-origin frames are readable from the parent (contentDocument); others are marked.
_INLINE_IFRAMES = """
() => {
  const inline = (doc, depth) => {
    for (const frame of Array.from(doc.querySelectorAll("iframe"))) {
      let child = null;
      try { child = frame.contentDocument; } catch (e) { child = null; }
      const div = doc.createElement("div");
      div.setAttribute("data-iframe-src", frame.src || "");
      if (child && child.body && depth < 5) {
        inline(child, depth + 1);
        div.setAttribute("data-iframe-fetched", "true");
        div.innerHTML = child.body.innerHTML;
      } else {
        div.setAttribute("data-iframe-fetched", "false");
      }
      frame.replaceWith(div);
    }
  };
  inline(document, 0);
}
"""

# Closed shadow roots are remembered by an init script (CAPTURE_SHADOW_ROOTS) when flattening.
CAPTURE_SHADOW_ROOTS = """
(() => {
  const roots = new WeakMap();
  const original = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadow(init) {
    const root = original.call(this, init);
    roots.set(this, root);
    return root;
  };
  Object.defineProperty(window, "__sgShadowRoot", {value: (el) => roots.get(el) || el.shadowRoot});
})();
"""

_FLATTEN_SHADOW = """
() => {
  const rootOf = window.__sgShadowRoot || ((el) => el.shadowRoot);
  const flatten = (scope) => {
    for (const host of Array.from(scope.querySelectorAll("*"))) {
      const root = rootOf(host);
      if (!root) continue;
      flatten(root);
      const slots = Array.from(root.querySelectorAll("slot"));
      const assigned = slots.map(
        (s) => s.assignedNodes({flatten: true}).map((n) => n.cloneNode(true)));
      const copy = document.createElement("div");
      copy.setAttribute("data-shadow-root", "");
      copy.innerHTML = root.innerHTML;
      Array.from(copy.querySelectorAll("slot")).forEach((slot, i) => {
        const nodes = assigned[i] || [];
        if (nodes.length) slot.replaceWith(...nodes); else slot.replaceWith(...slot.childNodes);
      });
      copy.querySelectorAll("style").forEach((s) => s.remove());
      host.replaceChildren(copy);
    }
  };
  flatten(document);
}
"""

REJECT_BUTTONS: tuple[str, ...] = (
    "#onetrust-reject-all-handler",
    "#CybotCookiebotDialogBodyButtonDecline",
    "#didomi-notice-disagree-button",
    ".qc-cmp2-summary-buttons button[mode='secondary']",
    "#truste-consent-required",
    "[data-testid='uc-deny-all-button']",
    "button#uc-btn-deny-banner",
)

BANNER_CONTAINERS: tuple[str, ...] = (
    "#onetrust-consent-sdk",
    "#onetrust-banner-sdk",
    "#CybotCookiebotDialog",
    "#CybotCookiebotDialogBodyUnderlay",
    "#didomi-host",
    ".qc-cmp2-container",
    "#qc-cmp2-ui",
    "#truste-consent-track",
    ".truste_overlay",
    ".truste_box_overlay",
    "#usercentrics-root",
    "#usercentrics-cmp-ui",
)

# Generic dialogs: small, fixed or modal elements that talk about cookies or consent.
_REMOVE_BANNERS = """
(selectors) => {
  let removed = 0;
  for (const selector of selectors) {
    document.querySelectorAll(selector).forEach((el) => { el.remove(); removed++; });
  }
  const pattern = /cookie|consent|gdpr|cmp|privacy-banner/i;
  for (const el of Array.from(document.querySelectorAll("body *"))) {
    if (!el.isConnected) continue;
    const label = (el.id || "") + " " + (el.getAttribute("class") || "") + " " +
                  (el.getAttribute("aria-label") || "");
    if (!pattern.test(label)) continue;
    const style = getComputedStyle(el);
    const overlay = style.position === "fixed" || style.position === "sticky" ||
      el.getAttribute("role") === "dialog" || el.getAttribute("aria-modal") === "true";
    const text = el.innerText || "";
    if (overlay && text.length < 1500 && /cookie|consent|privacy/i.test(text + label)) {
      el.remove(); removed++;
    }
  }
  for (const node of [document.documentElement, document.body]) {
    if (node && getComputedStyle(node).overflow === "hidden") node.style.overflow = "auto";
  }
  return removed;
}
"""

# One round trip finds the button to press: a known CMP's reject button, else a consent dialog
# button whose label says "reject". It is marked so the click can go through Playwright.
_MARK_REJECT_BUTTON = """
([known, words]) => {
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const pick = (el) => { el.setAttribute("data-sg-reject", ""); return true; };
  for (const selector of known) {
    const el = document.querySelector(selector);
    if (el && visible(el)) return pick(el);
  }
  const scopes = "[role='dialog'], [aria-modal='true'], [class*='cookie' i], [id*='cookie' i], " +
                 "[class*='consent' i], [id*='consent' i]";
  for (const scope of Array.from(document.querySelectorAll(scopes)).slice(0, 20)) {
    for (const el of Array.from(scope.querySelectorAll("button, [role='button'], a"))) {
      const label = (el.innerText || el.getAttribute("aria-label") || "").trim().toLowerCase();
      if (label.length < 40 && words.some((w) => label.includes(w)) && visible(el)) return pick(el);
    }
  }
  return false;
}
"""
_REJECT_WORDS = (
    "reject",
    "decline",
    "deny",
    "refuse",
    "necessary only",
    "only necessary",
    "ablehnen",
    "refuser",
    "rechazar",
    "rifiuta",
)


async def scroll_to_load(page: Page, count: int) -> None:
    """Scrolls to the bottom ``count`` times, giving lazy content time to arrive."""
    for _ in range(max(0, count)):
        height = await page.evaluate(_SCROLL_TO_BOTTOM)
        deadline = time.monotonic() + _SCROLL_SETTLE_S * 2
        await asyncio.sleep(_SCROLL_SETTLE_S / 2)
        while time.monotonic() < deadline:
            if await page.evaluate("() => document.body.scrollHeight") != height:
                break
            await asyncio.sleep(0.1)
    await page.evaluate("() => window.scrollTo(0, 0)")


async def wait_for_stable_content(page: Page, max_wait_s: float) -> None:
    """Waits until the page's text stops growing (two equal samples) or ``max_wait_s`` passes."""
    deadline = time.monotonic() + max_wait_s
    previous = -1
    while time.monotonic() < deadline:
        size = await page.evaluate(_CONTENT_SIZE)
        if size == previous:
            return
        previous = size
        await asyncio.sleep(_STABLE_POLL_S)


async def inline_iframes(page: Page) -> None:
    await page.evaluate(_INLINE_IFRAMES)


async def flatten_shadow_dom(page: Page) -> None:
    await page.evaluate(_FLATTEN_SHADOW)


async def remove_cookie_banners(page: Page) -> bool:
    """Clicks a known "reject" button when one is shown, then removes what is left of banners."""
    clicked = await _click_reject(page)
    removed = await page.evaluate(_REMOVE_BANNERS, list(BANNER_CONTAINERS))
    return clicked or bool(removed)


async def _click_reject(page: Page) -> bool:
    found = await page.evaluate(_MARK_REJECT_BUTTON, [list(REJECT_BUTTONS), list(_REJECT_WORDS)])
    if not found:
        return False
    try:
        await page.locator("[data-sg-reject]").first.click(timeout=_BANNER_CLICK_TIMEOUT_MS)
    except PlaywrightError:
        return False
    return True
