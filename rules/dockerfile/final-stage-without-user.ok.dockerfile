FROM golang:1.22.5 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api

# ok: dockerfile.final-stage-without-user
FROM python:3.12.4-slim
RUN useradd --uid 10001 --no-create-home app
COPY --from=build /out/api /usr/local/bin/api
USER app
CMD ["api"]
