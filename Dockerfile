# Breakwater proxy image: slim Python, non-root, rules baked in (override with a volume on /rules).
FROM python:3.11.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY proxy ./proxy
COPY rules ./rules
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11.11-slim-bookworm
RUN useradd --create-home --uid 10001 breakwater
COPY --from=build /install /usr/local
COPY rules /rules
ENV BREAKWATER_RULES_DIR=/rules \
    PYTHONUNBUFFERED=1
USER breakwater
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8787/healthz', timeout=2); sys.exit(0)"]
ENTRYPOINT ["breakwater"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8787"]
