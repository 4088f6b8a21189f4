"""`GET /dashboard`: a static page plus its script and style, shipped inside the package.

The page holds no data; its script reads `/admin/api/stats` with the key or token the
viewer enters (kept in sessionStorage, sent as a Bearer header), and draws the charts as
inline SVG. No build step, no CDN, no third-party script: it works air-gapped.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).parent / "static"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/dashboard", _page)
    app.router.add_get("/dashboard/static/{name}", _asset)


async def _page(request: web.Request) -> web.Response:
    return _file(STATIC / "dashboard.html")


async def _asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in _TYPES or not path.is_file():
        raise web.HTTPNotFound()
    return _file(path)


def _file(path: Path) -> web.Response:
    return web.Response(body=path.read_bytes(), headers={**_HEADERS, "Content-Type": f"{_TYPES[path.suffix]}; "
                                                          "charset=utf-8"})
