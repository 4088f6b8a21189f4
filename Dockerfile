# Breakwater team service. Build: docker build -t breakwater .   Run: see docs/team.md
# Two stages: the first builds a virtualenv, the second copies only that venv (no pip cache, no build tools).
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
# The rule pack is baked in; mount a directory over /etc/breakwater/rules (or point BREAKWATER_RULES_DIR elsewhere) to override it.
COPY rules /etc/breakwater/rules
ENV PATH=/opt/breakwater/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BREAKWATER_RULES_DIR=/etc/breakwater/rules \
    BREAKWATER_HOST=0.0.0.0 \
    BREAKWATER_PORT=8787
WORKDIR /var/lib/breakwater
USER 10001:10001
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('BREAKWATER_PORT', '8787'), timeout=4)"]
ENTRYPOINT ["breakwater"]
CMD ["serve"]
