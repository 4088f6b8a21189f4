FROM python:3.12.4-slim AS build
# ok: dockerfile.final-stage-without-user
RUN pip install --user flask==3.0.3

# ruleid: dockerfile.final-stage-without-user
FROM python:3.12.4-slim
WORKDIR /app
COPY --from=build /root/.local /root/.local
COPY . .
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
