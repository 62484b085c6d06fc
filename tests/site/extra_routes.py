"""Pages for crawl, session and monitor tests: a link tree, a login wall, a changing page."""

from __future__ import annotations

import itertools

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.site.pages import simple_page

SESSION_COOKIE = "fixture_login"
SESSION_VALUE = "valid-session-token"
MEMBERS_TEXT = "Welcome back, member. This text is only shown to logged-in readers."

_TREE_CHILDREN = ("a", "b")
_TREE_DEPTH = 3


def _tree_page(path: str) -> str:
    depth = path.count("/") - 1
    links = ""
    if depth < _TREE_DEPTH:
        links = "".join(f'<li><a href="{path}/{c}">{path}/{c}</a></li>' for c in _TREE_CHILDREN)
    body = (
        f"<main><h1>Tree node {path}</h1><p>This node sits at depth {depth} of the fixture "
        f'link tree.</p><ul>{links}</ul><a href="/tree">back to the root</a></main>'
    )
    return simple_page(f"Tree {path}", body)


async def tree(request: Request) -> Response:
    """/tree, /tree/a, /tree/a/b, /tree/a/b/a ...: three levels below the root, two links each."""
    path = request.url.path.rstrip("/")
    parts = path.split("/")[2:]
    if len(parts) > _TREE_DEPTH or any(p not in _TREE_CHILDREN for p in parts):
        return HTMLResponse(simple_page("Not found", "<p>No such node.</p>"), status_code=404)
    return HTMLResponse(_tree_page(path))


async def login(request: Request) -> Response:
    response = RedirectResponse("/members", status_code=302)
    response.set_cookie(SESSION_COOKIE, SESSION_VALUE, path="/", httponly=True)
    return response


async def members(request: Request) -> Response:
    if request.cookies.get(SESSION_COOKIE) != SESSION_VALUE:
        return RedirectResponse("/login-form", status_code=302)
    return HTMLResponse(simple_page("Members", f"<main><p>{MEMBERS_TEXT}</p></main>"))


async def login_form(request: Request) -> Response:
    form = '<form method="post" action="/login"><input name="user"><button>Sign in</button></form>'
    return HTMLResponse(simple_page("Sign in", form))


_VERSIONS = itertools.count(1)


async def changing(request: Request) -> Response:
    """A different version number on every request (monitor tests)."""
    version = next(_VERSIONS)
    body = f"<main><h1>Changing page</h1><p>This is version {version} of the page.</p></main>"
    return HTMLResponse(simple_page("Changing", body))


EXTRA_ROUTES = [
    Route("/tree", tree),
    Route("/tree/{rest:path}", tree),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/login-form", login_form),
    Route("/members", members),
    Route("/changing", changing),
]
