"""Installing the team layer into the app: the service's middleware and hooks, the admin API, the dashboard.

The one module that knows all three, so none of them imports another back (the admin API and the
dashboard are routes over the service).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CollectorRegistry

from proxy.team import admin_api, dashboard
from proxy.team.service import TEAM, TeamService

if TYPE_CHECKING:
    from proxy.config import Settings
    from proxy.guard import Guard


def install(app: web.Application, settings: Settings, guard: Guard, registry: CollectorRegistry) -> TeamService:
    """Add the team layer to an app: middleware, team-aware policy, audit hook, admin API, dashboard."""
    service = TeamService(settings, registry)
    service.attach(settings, guard)
    app.middlewares.append(service.middleware)
    app[TEAM] = service
    admin_api.add_routes(app)
    dashboard.add_routes(app)
    app.on_startup.append(service.start)
    app.on_cleanup.append(service.stop)
    return service
