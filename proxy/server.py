"""The aiohttp application: routes, start-up and shut-down, health and metrics endpoints.

Handlers stay thin: they read the request, forward it, hand the reply to a protocol
module and the guard, and write the answer. All per-app state lives in `AppState`.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import ClientResponse, web
from yarl import URL

from proxy import reload, scan_api
from proxy.access_log import QuerylessAccessLogger, ServerLog
from proxy.app_state import STATE, AppState, InEffect
from proxy.config import Settings
from proxy.engine import Engine, engine_from_settings
from proxy.errors import ApiError, error_response
from proxy.forward import buffered_response, read_json, read_upstream_body, relay_stream, upstream_response
from proxy.guard import Guard, Review
from proxy.http_target import (
    CHAT,
    GUARDED_PATHS,
    MESSAGES,
    SCAN_PATH,
    TARGET,
    TargetRefused,
    canonical_target,
    target_of,
)
from proxy.metrics import PROMETHEUS_CONTENT_TYPE, Metrics
from proxy.offload import Offload
from proxy.protocols.body import is_event_stream, read_reply
from proxy.protocols.table import WIRE_FORMATS, stored_reply_format
from proxy.protocols.wire import Payload, WireFormat
from proxy.repair.loop import OPT_OUT_HEADER, Outcome, Repairer, RepairFailed, Send
from proxy.repair.records import HeldRecords
from proxy.repair.streamed import StreamRepair
from proxy.request_context import context_of, request_id_for
from proxy.rulepack import load as load_rules
from proxy.stream.relay import stream_reply
from proxy.team import wiring as team
from proxy.upstream import Upstreams, response_headers

log = logging.getLogger("breakwater.server")

EngineFactory = Callable[[Settings], Engine]


CLIENT_CLOSED = 499  # the status counted (metrics, access log) when the client hung up mid-reply, as nginx does


def default_engine(settings: Settings) -> Engine:
    return engine_from_settings(load_rules(settings.rules_dir), settings)


def create_app(settings: Settings, engine_factory: EngineFactory = default_engine,
               reload_source: Callable[[], Settings] | None = None) -> web.Application:
    metrics = Metrics()
    engine = engine_factory(settings)
    guard = reload.assemble_guard(settings, engine, metrics, Offload())
    state = AppState(settings, metrics, Upstreams(settings), engine, guard, Repairer(settings.repair, metrics))
    # Middlewares, outermost first: the front door canonicalises the target; errors and metrics; a guarded
    # endpoint's JSON body is checked; then (appended by team.install) the team layer, for every API route.
    handler_args = {"keepalive_timeout": settings.header_read_timeout_seconds,
                    "access_log_class": QuerylessAccessLogger, "access_log": logging.getLogger("breakwater.access"),
                    "logger": ServerLog(logging.getLogger("aiohttp.server"))}
    app = web.Application(client_max_size=settings.max_body_bytes, handler_args=handler_args,
                          middlewares=[_front_door, _api_errors, _guarded_json_body])
    app[STATE] = state
    service = team.install(app, settings, state.guard, metrics.registry)  # keys, audit, waivers: docs/team.md
    # SIGHUP / POST /admin/api/reload: new settings and rules, swapped in when warm (proxy/reload.py)
    reload.install(app, state, reload_source or (lambda: settings), engine_factory, service.attach)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/metrics", _metrics)
    app.router.add_post(SCAN_PATH, _scan)
    app.router.add_route("*", "/{tail:.*}", api)  # everything else; routed on the canonical target by `api`
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
    state.guard.scanner.offload.close()
    await state.upstreams.close()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _front_door(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Canonicalise the request target once, before anything reads the path (proxy.http_target).

    An API target (`/v1/…`, `/`) is served by `api` on its canonical form: when the client spelt it
    differently, the rest of the chain gets a copy of the request whose path is the canonical one.
    Any other path (health, metrics, team admin, dashboard) must arrive in canonical form.
    """
    settings = request.app[STATE].settings
    try:
        target = canonical_target(request.raw_path, settings.max_request_target_chars)
    except TargetRefused as exc:
        return error_response(_format_hint(request.raw_path), 400, str(exc), "invalid_request_target")
    if target.is_api and request.match_info.handler is not api:
        return error_response(target.path, 404, "no such endpoint", "not_found")
    if target.path != request.path:
        if not target.is_api:
            return error_response(target.path, 400, "the path is not in canonical form", "invalid_request_target")
        request = request.clone(rel_url=URL.build(path=target.encoded_path, query_string=target.query,
                                                  encoded=True))
    request[TARGET] = target
    return await handler(request)


def _format_hint(raw_target: str) -> str:
    """For a refused target: the error format of the API it seems to aim at (Anthropic if it names messages)."""
    return MESSAGES if "messages" in raw_target.lower() else CHAT


@web.middleware
async def _api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure becomes an error in the client's API format, and every request is counted."""
    state = request.app[STATE]
    endpoint = request.path if request.path in GUARDED_PATHS else "other"
    try:
        response = await handler(request)
    except ApiError as exc:
        response = error_response(request.path, exc.status, exc.message, exc.code)
    except web.HTTPRequestEntityTooLarge as exc:
        response = error_response(request.path, 413, f"request body is larger than the limit: {exc.text}",
                                  "request_too_large")
    except ConnectionResetError:
        if request.transport is not None and not request.transport.is_closing():
            raise
        log.info("client went away before the reply ended: %s", request.path)  # normal; not an error
        response = web.Response(status=CLIENT_CLOSED)  # aiohttp cannot send it either, and says nothing
    if target_of(request).is_api:
        state.metrics.requests.labels(endpoint=endpoint, status=str(response.status)).inc()
    return response


@web.middleware
async def _guarded_json_body(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A guarded endpoint's body is read and checked (JSON object, UTF-8, not too deep, no duplicate keys)
    before anything else parses it; a bad one is a 400 here (proxy.forward.read_json caches the result)."""
    if request.method == "POST" and request.path in GUARDED_PATHS:
        await read_json(request)
    return await handler(request)


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
    return await scan_api.handle(request, _guard_for(request))


async def api(request: web.Request) -> web.StreamResponse:
    """Every API request: the guarded endpoints by their canonical path (POST), a stored reply read back
    (GET), anything else passed through."""
    path = target_of(request).path
    wire = WIRE_FORMATS.get(path) if request.method == "POST" else None
    if wire is not None:
        return await guarded(request, wire)
    if request.method == "GET" and (stored := stored_reply_format(path)) is not None:
        return await _stored_reply(request, stored, _policy_for(request))
    if path == "/" and request.method != "HEAD":
        raise ApiError(405, "only HEAD is served on /", "method_not_allowed")
    if not target_of(request).is_api:
        raise ApiError(404, "no such endpoint", "not_found")
    return await passthrough(request)


async def guarded(request: web.Request, wire: WireFormat) -> web.StreamResponse:
    """A guarded endpoint: the reply, streamed or not, is judged in its wire format before the client has it."""
    body, payload = await read_json(request)
    policy = _policy_for(request)
    if payload.get("stream"):
        return await _guarded_stream(request, body, payload, wire, policy)
    return await _guarded_reply(request, body, payload, wire, policy)


def _policy_for(request: web.Request) -> InEffect:
    """The guard bound to this request's caller (their policy, mode, repair switch and audit) and the repair
    settings, read once when the request starts: a live reload meanwhile does not change them."""
    return request.app[STATE].in_effect(context_of(request))


def _guard_for(request: web.Request) -> Guard:
    return _policy_for(request).guard


async def _guarded_reply(request: web.Request, body: bytes, payload: Payload, wire: WireFormat,
                         policy: InEffect) -> web.StreamResponse:
    state = request.app[STATE]
    started = time.perf_counter()
    async with upstream_response(state.upstreams, request, body) as response:
        raw = await read_upstream_body(response)
    state.metrics.upstream_seconds.observe(time.perf_counter() - started)
    return await _reviewed(request, response, raw, payload, wire, policy)


async def _reviewed(request: web.Request, response: ClientResponse, raw: bytes, payload: Payload,
                    wire: WireFormat, policy: InEffect) -> web.StreamResponse:
    request_id = request_id_for(request)
    if not 200 <= response.status < 300:
        return buffered_response(response, raw, {"X-Breakwater-Request-Id": request_id})
    body = read_reply(raw)
    if body is None:
        if policy.guard.in_shadow:
            return buffered_response(response, raw, {"X-Breakwater-Request-Id": request_id})
        log.warning("reply id=%s endpoint=%s: the upstream reply is not a JSON object; not relayed", request_id,
                    request.path)
        refused = error_response(request.path, 502, "the upstream reply could not be read, so it was not relayed",
                                 "upstream_unreadable")
        refused.headers.update({"X-Breakwater-Decision": "error", "X-Breakwater-Findings": "0",
                                "X-Breakwater-Request-Id": request_id})
        return refused
    reply = body.payload
    may_repair = wire.repair is not None and policy.repairer.enabled_for(policy.guard)
    original = copy.deepcopy(reply) if may_repair else reply
    held = HeldRecords(policy.guard) if may_repair else None  # audit rows wait for the repair outcome
    if held is not None:
        policy = InEffect(held.guard, policy.repairer)
    outcome: Outcome | None = None
    try:
        review = await wire.review(reply, policy.guard, payload)
        outcome = await _repair(request, wire, policy, payload, original, reply, review)
    finally:
        if held is not None:  # recorded whatever happened, marked with the outcome when there is one
            held.release(outcome.name if outcome else None, outcome.reason if outcome else "")
    headers = {"X-Breakwater-Request-Id": request_id, "Content-Type": "application/json"}
    if outcome is not None:
        reply, review = outcome.reply, outcome.review
        headers[OPT_OUT_HEADER] = outcome.name
    rewrite = review.changed or body.repaired or outcome is not None
    out = json.dumps(reply, ensure_ascii=False).encode() if rewrite else raw
    findings = len(review.result.findings)
    log.info("reply id=%s endpoint=%s decision=%s findings=%d snippets=%d repair=%s", request_id, request.path,
             review.result.decision.value, findings, len(review.result.snippets),
             outcome.name if outcome else "-")
    return buffered_response(response, out, {
        "X-Breakwater-Decision": review.result.decision.value,
        "X-Breakwater-Findings": str(findings),
        **headers,
    })


async def _repair(request: web.Request, wire: WireFormat, policy: InEffect, payload: Payload, original: Payload,
                  delivered: Payload, review: Review) -> Outcome | None:
    """The repair loop (proxy.repair), when this wire format, the settings and the findings call for it."""
    fmt = wire.repair
    findings = policy.repairer.findings_to_fix(review, policy.guard, request.headers.get(OPT_OUT_HEADER))
    if fmt is None or not findings:
        return None
    return await policy.repairer.attempt(fmt, payload, original, delivered, review, findings, policy.guard,
                                         _follow_up_sender(request))


def _follow_up_sender(request: web.Request) -> Send:
    """How the repair loop asks again: where the original went, with the same credentials (team mode too)."""
    state = request.app[STATE]

    async def send(follow_up: Payload) -> Payload:
        try:
            async with upstream_response(state.upstreams, request, json.dumps(follow_up).encode()) as answer:
                raw = await read_upstream_body(answer)
        except ApiError as exc:
            raise RepairFailed(exc.message) from None
        reply = read_reply(raw) if 200 <= answer.status < 300 else None
        if reply is None:
            raise RepairFailed(f"the upstream answered the repair request with status {answer.status}")
        return reply.payload

    return send


def _stream_repair(request: web.Request, wire: WireFormat, payload: Payload, policy: InEffect) -> StreamRepair | None:
    """The repair loop for a streamed reply, when the settings and the wire format allow it (one choice)."""
    fmt = wire.stream_repair
    if fmt is None or payload.get("n", 1) != 1 or not policy.repairer.enabled_for(policy.guard):
        return None
    return StreamRepair(policy.repairer, fmt, HeldRecords(policy.guard), payload,
                        request.headers.get(OPT_OUT_HEADER), _follow_up_sender(request))


async def _guarded_stream(request: web.Request, body: bytes, payload: Payload, wire: WireFormat,
                          policy: InEffect) -> web.StreamResponse:
    """A streamed reply. Headers go out before any decision, so they say `streaming`; the
    decisions are counted in the metrics. An upstream that answers with an error or with
    plain JSON instead of events is handled like a non-streamed reply."""
    state = request.app[STATE]
    started = time.perf_counter()
    async with upstream_response(state.upstreams, request, body) as response:
        if not 200 <= response.status < 300 or not is_event_stream(response.content_type):
            raw = await read_upstream_body(response)
            state.metrics.upstream_seconds.observe(time.perf_counter() - started)
            return await _reviewed(request, response, raw, payload, wire, policy)
        headers = response_headers(response.headers)
        headers.update({"X-Breakwater-Decision": "streaming", "X-Breakwater-Request-Id": request_id_for(request)})
        out = await stream_reply(request, response, headers, policy.guard, state.settings.streaming, wire, payload,
                                 _stream_repair(request, wire, payload, policy))
    state.metrics.upstream_seconds.observe(time.perf_counter() - started)
    return out


async def _stored_reply(request: web.Request, wire: WireFormat, policy: InEffect) -> web.StreamResponse:
    if request.query.get("stream", "").lower() in ("true", "1"):
        raise ApiError(400, "a stored reply is read back without `stream`, so that it can be scanned",
                       "stream_not_supported")
    return await _guarded_reply(request, b"", {}, wire, policy)


async def passthrough(request: web.Request) -> web.StreamResponse:
    """Any other `/v1/*` path (and `HEAD /`): forwarded and relayed unchanged."""
    body = await request.read() if request.body_exists else None
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
