"""Pages that only make sense in a browser: script rendering, actions, frames, consent banners."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from tests.site.pages import simple_page

SPA_TEXT = "Rendered catalogue of fixture widgets"
HIDDEN_TEXT = "The secret paragraph appears after the button is clicked."
SHADOW_TEXT = "Text that lives inside a shadow root."
SAME_ORIGIN_FRAME_TEXT = "Words from the framed child document."
FORM_PREFIX = "You searched for:"
ITEMS_PER_BATCH = 10
# Paths of accepted WebSocket connections (the request log only records HTTP).
WEBSOCKET_PATHS: list[str] = []
MAX_ITEMS = 60

_SPA = """<div id="root"></div><img src="/image.png" alt="logo">
<script>
fetch("/render/api/items").then(r => r.json()).then(data => {
  const root = document.getElementById("root");
  root.innerHTML = "<main><h1>__TEXT__</h1>" +
    data.items.map(i => "<p class=item>" + i + "</p>").join("") + "</main>";
});
</script>""".replace("__TEXT__", SPA_TEXT)

_BUTTON = """<main><h1>Button page</h1><button id="reveal">Show more</button>
<div id="hidden"></div></main>
<script>
document.getElementById("reveal").addEventListener("click", () => {
  document.getElementById("hidden").innerHTML = "<p id=secret>__TEXT__</p>";
});
</script>""".replace("__TEXT__", HIDDEN_TEXT)

_INFINITE = """<main><h1>Endless list</h1><ul id="list"></ul></main>
<script>
let count = 0;
function more() {
  const list = document.getElementById("list");
  for (let i = 0; i < __BATCH__ && count < __MAX__; i++) {
    count++;
    const li = document.createElement("li");
    li.className = "entry"; li.style.height = "120px"; li.textContent = "Entry number " + count;
    list.appendChild(li);
  }
  if (count >= __MAX__) document.body.insertAdjacentHTML("beforeend", "<p id=the-end>The end</p>");
}
more();
window.addEventListener("scroll", () => {
  if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 200) more();
});
</script>""".replace("__BATCH__", str(ITEMS_PER_BATCH)).replace("__MAX__", str(MAX_ITEMS))

_SHADOW = """<main><h1>Shadow host page</h1><fancy-card id="card"></fancy-card></main>
<script>
class FancyCard extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({mode: "open"});
    root.innerHTML = "<section><p class=inside>__TEXT__</p></section>";
  }
}
customElements.define("fancy-card", FancyCard);
</script>""".replace("__TEXT__", SHADOW_TEXT)

_FORM = """<main><h1>Search form</h1>
<form id="search"><input id="q" name="q" type="text"><button type="submit">Go</button></form>
<p id="result"></p></main>
<script>
document.getElementById("search").addEventListener("submit", (event) => {
  event.preventDefault();
  document.getElementById("result").textContent =
    "__TEXT__ " + document.getElementById("q").value;
});
</script>""".replace("__TEXT__", FORM_PREFIX)

_HEADLESS_CHECK = """<main><h1>Who are you?</h1><p id="verdict">pending</p></main>
<script>
const reasons = [];
if (navigator.webdriver) reasons.push("webdriver");
if (/Headless/.test(navigator.userAgent)) reasons.push("ua");
if (!navigator.plugins || navigator.plugins.length === 0) reasons.push("plugins");
if (!navigator.languages || navigator.languages.length === 0) reasons.push("languages");
if (navigator.userAgentData &&
    navigator.userAgentData.brands.some(b => /Headless/.test(b.brand))) reasons.push("brands");
document.getElementById("verdict").textContent =
  reasons.length ? "bot: " + reasons.join(",") : "human";
</script>"""

_ONETRUST = """<main><h1>Consent page</h1><p id="state">Consent: undecided</p></main>
<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" role="dialog">
<p>We use cookies to improve your experience.</p>
<button id="onetrust-accept-btn-handler">Accept All</button>
<button id="onetrust-reject-all-handler">Reject All</button></div></div>
<script>
document.getElementById("onetrust-reject-all-handler").addEventListener("click", () => {
  document.getElementById("state").textContent = "Consent: rejected";
  document.getElementById("onetrust-consent-sdk").remove();
});
</script>"""

_GENERIC_CONSENT = """<main><h1>Generic consent page</h1><p>Article body text stays.</p></main>
<div class="cookie-consent-banner" role="dialog" aria-label="Cookie consent">
<p>This site uses cookies for analytics and personalised ads.</p>
<button class="accept">Accept all cookies</button></div>"""

_SET_COOKIE = """<main><h1>Cookie setter</h1></main>
<script>document.cookie = "script_cookie=from-script; path=/";</script>"""

_TALL = (
    "<main><h1>Tall page</h1>"
    + "".join(f'<p style="height:300px">Tall block {i}</p>' for i in range(12))
    + "</main>"
)


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(simple_page(title, body, '<meta charset="utf-8">'))


async def spa(request: Request) -> Response:
    return _page("Fixture SPA", _SPA)


async def spa_items(request: Request) -> Response:
    return JSONResponse({"items": [f"Widget {n} is sturdy and blue." for n in range(1, 9)]})


async def button(request: Request) -> Response:
    return _page("Button", _BUTTON)


async def infinite(request: Request) -> Response:
    return _page("Infinite", _INFINITE)


async def shadow(request: Request) -> Response:
    return _page("Shadow", _SHADOW)


async def frame_child(request: Request) -> Response:
    return _page("Child frame", f"<p class=child>{SAME_ORIGIN_FRAME_TEXT}</p>")


async def frames(request: Request) -> Response:
    """One same-origin iframe and one on ``localhost`` (another origin, same server)."""
    port = request.url.port
    body = (
        "<main><h1>Frames page</h1>"
        '<iframe id="same" src="/render/frame-child"></iframe>'
        f'<iframe id="cross" src="http://localhost:{port}/render/frame-child?cross=1"></iframe>'
        "</main>"
    )
    return _page("Frames", body)


async def form(request: Request) -> Response:
    return _page("Form", _FORM)


async def headless_check(request: Request) -> Response:
    return _page("Headless check", _HEADLESS_CHECK)


async def consent(request: Request) -> Response:
    kind = request.path_params["kind"]
    return _page("Consent", _ONETRUST if kind == "onetrust" else _GENERIC_CONSENT)


async def set_cookie(request: Request) -> Response:
    response = _page("Cookie setter", _SET_COOKIE)
    response.set_cookie("server_cookie", "from-server", path="/")
    return response


async def tall(request: Request) -> Response:
    return _page("Tall", _TALL)


async def probe(request: Request) -> Response:
    """Loads ``?target=`` as an iframe, with fetch() and as an image: SSRF tests."""
    target = json.dumps(request.query_params.get("target", "/render/frame-child"))
    body = (
        "<main><h1>Probe</h1><p id=status>started</p></main><script>"
        f"const target = {target};"
        "const frame = document.createElement('iframe'); frame.src = target;"
        "document.body.appendChild(frame);"
        "const img = new Image(); img.src = target + '?img=1';"
        "fetch(target + '?fetch=1').then(() => 'fetched', () => 'fetch failed')"
        ".then(s => { document.getElementById('status').textContent = s; });"
        "</script>"
    )
    return _page("Probe", body)


async def websocket_hello(socket: WebSocket) -> None:
    WEBSOCKET_PATHS.append(socket.url.path + ("?" + socket.url.query if socket.url.query else ""))
    await socket.accept()
    await socket.send_text("hello")
    await socket.close()


RENDER_ROUTES = [
    WebSocketRoute("/render/ws", websocket_hello),
    Route("/render/spa", spa),
    Route("/render/api/items", spa_items),
    Route("/render/button", button),
    Route("/render/infinite", infinite),
    Route("/render/shadow", shadow),
    Route("/render/frame-child", frame_child),
    Route("/render/frames", frames),
    Route("/render/form", form),
    Route("/render/headless-check", headless_check),
    Route("/render/consent/{kind}", consent),
    Route("/render/set-cookie", set_cookie),
    Route("/render/tall", tall),
    Route("/render/probe", probe),
]
