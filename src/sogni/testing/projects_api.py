"""``GET /v1/projects/{id}``: the REST view of a project, consistent with the socket events."""

from __future__ import annotations

from aiohttp import web

from . import envelope
from .routing import Route
from .state import STATE

__all__ = ["ROUTES"]


async def get_project(request: web.Request) -> web.Response:
    """``{status: success, data: {project: RawProject}}``, or a 404 envelope."""
    project_id = request.match_info["project_id"]
    project = request.app[STATE].simulator.projects.get(project_id.upper())
    if project is None:
        return envelope.error(404, f"Project {project_id} not found")
    return envelope.success({"project": project.raw_project()})


ROUTES = [Route("GET", "/v1/projects/{project_id}", get_project)]
