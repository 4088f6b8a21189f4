"""The aiohttp application: routes, start-up and shut-down, health and metrics endpoints.

Handlers stay thin: they read the request, forward it, hand the reply to a protocol
module and the guard, and write the answer. All per-app state lives in `AppState`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import ClientResponse, web

from proxy import reload, scan_api
from proxy.config import Settings
from proxy.engine import Engine, engine_from_settings
from proxy.errors import error_response
from proxy.forward import ApiError, buffered_response, read_json, read_upstream_body, relay_stream, upstream_response
from proxy.guard import Guard, Review
from proxy.metrics import PROMETHEUS_CONTENT_TYPE, Metrics
from proxy.protocols import (
    anthropic,
    anthropic_stream,
    openai_chat,
    openai_completions,
    openai_responses,
    openai_responses_stream,
    openai_stream,
)
from proxy.rulepack import load as load_rules
from proxy.stream.relay import StreamProtocol, stream_reply
from proxy.team import service as team
from proxy.team.context import request_id_for
from proxy.upstream import Upstreams, response_headers

log = logging.getLogger("breakwater.server")

EngineFactory = Callable[[Settings], Engine]


@dataclass
class AppState:
    settings: Settings
    metrics: Metrics
    upstreams: Upstreams
    engine: Engine
    guard: Guard


STATE = web.AppKey("state", AppState)
GUARDED_ENDPOINTS = frozenset({"/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/messages"})


def default_engine(settings: Settings) -> Engine:
    return engine_from_settings(load_rules(settings.rules_dir), settings)


def create_app(settings: Settings, engine_factory: EngineFactory = default_engine,
               reload_source: Callable[[], Settings] | None = None) -> web.Application:
    metrics = Metrics()
    engine = engine_factory(settings)
    state = AppState(settings, metrics, Upstreams(settings), engine, reload.assemble_guard(settings, engine, metrics))
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[_api_errors])
    app[STATE] = state
    service = team.install(app, settings, state.guard, metrics.registry)  # keys, audit, waivers: docs/team.md
    # SIGHUP / POST /admin/api/reload: new settings and rules, swapped in when warm (proxy/reload.py)
    reload.install(app, state, reload_source or (lambda: settings), engine_factory, service.attach)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/metrics", _metrics)
    app.router.add_post("/scan", _scan)
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_post("/v1/messages", messages)
    app.router.add_post("/v1/completions", completions)
    app.router.add_post("/v1/responses", responses)
    app.router.add_route("*", "/v1/{tail:.*}", passthrough)
    app.router.add_route("HEAD", "/", passthrough)
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
    return app


async def _start(app: web.Application) -> None:
    state = app[STATE]
    await state.upstreams.start()
    await state.engine.start()
    log.info("breakwater ready: mode=%s openai=%s anthropic=%s", state.settings.mode,
             state.upstreams.openai.base_url, state.upstreams.anthropic.base_url)


async def _stop(app: web.Application) -> None:
    state = app[STATE]
    await state.engine.close()
    await state.upstreams.close()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure becomes an error in the client's API format, and every request is counted."""
    state = request.app[STATE]
    endpoint = request.path if request.path in GUARDED_ENDPOINTS else "other"
    try:
        response = await handler(request)
    except ApiError as exc:
        response = error_response(request.path, exc.status, exc.message, exc.code)
    except web.HTTPRequestEntityTooLarge as exc:
        response = error_response(request.path, 413, f"request body is larger than the limit: {exc.text}",
                                  "request_too_large")
    if request.path.startswith("/v1/"):
        state.metrics.requests.labels(endpoint=endpoint, status=str(response.status)).inc()
    return response


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _readyz(request: web.Request) -> web.Response:
    ready = request.app[STATE].engine.ready
    return web.json_response({"ready": ready}, status=200 if ready else 503)


async def _metrics(request: web.Request) -> web.Response:
    body = request.app[STATE].metrics.render()
    return web.Response(body=body, headers={"Content-Type": PROMETHEUS_CONTENT_TYPE})


async def _scan(request: web.Request) -> web.Response:
    """The scan API (`proxy.scan_api`): hooks, pre-commit and CI ask the running guard."""
    return await scan_api.handle(request, request.app[STATE].guard)


ReviewReply = Callable[[dict, Guard], Awaitable[Review]]

CHAT_STREAM = StreamProtocol(lambda ctx, _: openai_stream.ChatStream(ctx), openai_stream.collect_reply,
                             openai_stream.review_collected)
MESSAGES_STREAM = StreamProtocol(lambda ctx, _: anthropic_stream.MessagesStream(ctx),
                                 anthropic_stream.collect_reply, anthropic_stream.review_collected)
RESPONSES_STREAM = StreamProtocol(lambda ctx, _: openai_responses_stream.ResponsesStream(ctx),
                                  openai_responses_stream.final_reply, openai_responses_stream.review_collected)
COMPLETIONS_STREAM = StreamProtocol(openai_completions.CompletionsStream, openai_completions.texts_from_events,
                                    openai_completions.review_collected)


async def chat_completions(request: web.Request) -> web.StreamResponse:
    body, payload = await read_json(request)
    if payload.get("stream"):
        return await _guarded_stream(request, body, payload, CHAT_STREAM, openai_chat.review_response)
    return await _guarded_reply(request, body, openai_chat.review_response)


async def messages(request: web.Request) -> web.StreamResponse:
    body, payload = await read_json(request)
    if payload.get("stream"):
        return await _guarded_stream(request, body, payload, MESSAGES_STREAM, anthropic.review_response)
    return await _guarded_reply(request, body, anthropic.review_response)


async def completions(request: web.Request) -> web.StreamResponse:
    body, payload = await read_json(request)

    async def review(reply: dict, guard: Guard) -> Review:
        return await openai_completions.review_response(reply, guard, payload)

    if payload.get("stream"):
        return await _guarded_stream(request, body, payload, COMPLETIONS_STREAM, review)
    return await _guarded_reply(request, body, review)


async def _guarded_reply(request: web.Request, body: bytes, review_reply: ReviewReply) -> web.StreamResponse:
    state = request.app[STATE]
    started = time.perf_counter()
    async with upstream_response(state.upstreams, request, body) as response:
        raw = await read_upstream_body(response)
    state.metrics.upstream_seconds.observe(time.perf_counter() - started)
    return await _reviewed(request, response, raw, review_reply)


async def _reviewed(request: web.Request, response: ClientResponse, raw: bytes,
                    review_reply: ReviewReply) -> web.StreamResponse:
    state = request.app[STATE]
    request_id = request_id_for(request)
    reply = _json_object(raw) if 200 <= response.status < 300 else None
    if reply is None:
        return buffered_response(response, raw, {"X-Breakwater-Request-Id": request_id})
    review = await review_reply(reply, state.guard)
    out = json.dumps(reply, ensure_ascii=False).encode() if review.changed else raw
    findings = len(review.result.findings)
    log.info("reply id=%s endpoint=%s decision=%s findings=%d snippets=%d", request_id, request.path,
             review.result.decision.value, findings, len(review.result.snippets))
    return buffered_response(response, out, {
        "X-Breakwater-Decision": review.result.decision.value,
        "X-Breakwater-Findings": str(findings),
        "X-Breakwater-Request-Id": request_id,
        "Content-Type": "application/json",
    })


async def _guarded_stream(request: web.Request, body: bytes, payload: dict, protocol: StreamProtocol,
                          review_reply: ReviewReply) -> web.StreamResponse:
    """A streamed reply. Headers go out before any decision, so they say `streaming`; the
    decisions are counted in the metrics. An upstream that answers with an error or with
    plain JSON instead of events is handled like a non-streamed reply."""
    state = request.app[STATE]
    started = time.perf_counter()
    async with upstream_response(state.upstreams, request, body) as response:
        if not 200 <= response.status < 300 or response.content_type != "text/event-stream":
            raw = await read_upstream_body(response)
            state.metrics.upstream_seconds.observe(time.perf_counter() - started)
            return await _reviewed(request, response, raw, review_reply)
        headers = response_headers(response.headers)
        headers.update({"X-Breakwater-Decision": "streaming", "X-Breakwater-Request-Id": request_id_for(request)})
        out = await stream_reply(request, response, headers, state.guard, state.settings.streaming, protocol,
                                 payload)
    state.metrics.upstream_seconds.observe(time.perf_counter() - started)
    return out


async def responses(request: web.Request) -> web.StreamResponse:
    """Responses API (Codex CLI): streamed and non-streamed replies are scanned alike."""
    body, payload = await read_json(request)
    if payload.get("stream"):
        return await _guarded_stream(request, body, payload, RESPONSES_STREAM, openai_responses.review_response)
    return await _guarded_reply(request, body, openai_responses.review_response)


def _json_object(raw: bytes) -> dict | None:
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


async def passthrough(request: web.Request) -> web.StreamResponse:
    """Any other `/v1/*` path (and `HEAD /`): forwarded and relayed unchanged."""
    body = await request.read() if request.can_read_body else None
    return await _relay(request, body, {})


async def _relay(request: web.Request, body: bytes | None, extra: dict[str, str]) -> web.StreamResponse:
    state = request.app[STATE]
    async with upstream_response(state.upstreams, request, body) as response:
        return await relay_stream(request, response, extra)


def serve(settings: Settings, reload_source: Callable[[], Settings] | None = None) -> int:
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    web.run_app(create_app(settings, reload_source=reload_source), host=settings.host, port=settings.port,
                print=None)
    return 0
