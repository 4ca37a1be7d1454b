"""Page routes: every live screen of the nav registry, sign-in, home, a friendly 404.

Pages are server-rendered shells in the chosen language; each page's module fetches its data
from the JSON API with the signed-in user's token (which the server never sees)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gateway.ui import nav
from gateway.ui.render import render


def _screen_page(screen: nav.Screen):
    async def page(request: Request) -> Response:
        return render(request, screen.template, language=screen.language, screen=screen, script=screen.module,
                      params=dict(request.path_params))
    return page


async def home(request: Request) -> Response:
    return render(request, "home.html", screen=nav.Screen("home", frozenset()), script="home",
                  dashboards=nav.DASHBOARDS, overview_roles=nav.overview_roles(), params={})


async def signin(request: Request) -> Response:
    return render(request, "signin.html", script="signin")


async def root(request: Request) -> Response:
    return RedirectResponse("/ui/", status_code=302)


async def not_found(request: Request) -> Response:
    return render(request, "not_found.html", status=404, script="")


async def page_again(request: Request) -> Response:
    """A form its page's script had not taken yet (Enter pressed before the module ran, or a script
    that failed to load) submits natively. Every form says method="post", so what was typed (an ID
    number, a password) goes in a body, never into the address, the history or a proxy's log; the
    page drops it and sends the window back to itself, by GET, to be filled in again."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(request.url.path + query, status_code=303)


def _page(path: str, endpoint) -> list[Route]:
    return [Route(path, endpoint, methods=["GET"]), Route(path, page_again, methods=["POST"])]


def page_routes() -> list[Route]:
    screens = [route for s in nav.live_screens() for route in _page(s.path, _screen_page(s))]
    return [
        Route("/", root, methods=["GET"]),
        Route("/ui", root, methods=["GET"]),
        *_page("/ui/", home),
        *_page("/ui/signin", signin),
        *screens,
        Route("/ui/{rest:path}", not_found, methods=["GET"]),
    ]
