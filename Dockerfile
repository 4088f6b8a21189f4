# Breakwater proxy image: slim Python pinned by version, non-root, no build tools in the final stage,
# rules baked in at /rules (mount a directory over /rules, or set BREAKWATER_RULES_DIR, to override them).
# Build: docker build -t breakwater .      Run and configure: docs/team.md
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/breakwater
COPY pyproject.toml README.md ./
COPY proxy ./proxy
COPY rules ./rules
RUN /opt/breakwater/bin/pip install --no-cache-dir .

FROM python:3.11.11-slim-bookworm
LABEL org.opencontainers.image.title="breakwater" \
      org.opencontainers.image.description="Guard between coding assistants and the LLM" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 breakwater \
    && useradd --system --uid 10001 --gid breakwater --home-dir /var/lib/breakwater --create-home breakwater
COPY --from=build /opt/breakwater /opt/breakwater
COPY rules /rules
ENV PATH=/opt/breakwater/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BREAKWATER_RULES_DIR=/rules \
    BREAKWATER_HOST=0.0.0.0 \
    BREAKWATER_PORT=8787
# The audit database (team.audit.path, relative by default) lives here; mount a volume to keep it.
WORKDIR /var/lib/breakwater
USER 10001:10001
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('BREAKWATER_PORT', '8787'), timeout=4)"]
ENTRYPOINT ["breakwater"]
CMD ["serve"]
