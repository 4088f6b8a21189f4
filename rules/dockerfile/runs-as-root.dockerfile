FROM python:3.12.4-slim AS build
# ok: dockerfile.runs-as-root
USER root
RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3
# ok: dockerfile.runs-as-root
USER 10001
RUN pip install --user flask==3.0.3

FROM python:3.12.4-slim AS debug
COPY --from=build /home /home
# ruleid: dockerfile.runs-as-root
USER root
CMD ["python", "-m", "app", "--debug"]

FROM python:3.12.4-slim
COPY --from=build /home /home
# ruleid: dockerfile.runs-as-root
USER 0
CMD ["python", "-m", "app"]
