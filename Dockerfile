# syntax=docker/dockerfile:1
# One image for every frontwatch service; the command picks which one runs:
#   docker run IMAGE poller | classifier | notifier     (one service, as in compose and Kubernetes)
#   docker run IMAGE run                                (everything in one process, embedded NATS)
# Build: docker build -t frontwatch .

ARG PYTHON_IMAGE=python:3.11-slim-trixie

# --- build stage: resolve and install into a virtualenv that the runtime stage copies ----------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# Dependencies first, in their own layer, so a source change does not reinstall them. The runtime
# dependencies are read from pyproject.toml and pinned (transitively too) by constraints.txt.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install --no-cache-dir -c constraints.txt -r requirements.txt

COPY services/ services/
COPY shared/ shared/
# --no-deps: everything was installed above, so this step cannot pull an unpinned version.
RUN pip install --no-cache-dir --no-deps . \
    && python -m compileall -q /opt/venv/lib

# --- runtime stage: the virtualenv, a non-root user, nothing else ----------------------------
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="frontwatch" \
      org.opencontainers.image.description="Conflict-news alerts: poller, classifier and notifier in one image" \
      org.opencontainers.image.licenses="Apache-2.0"

# A fixed numeric uid/gid so Kubernetes' runAsNonRoot can verify it and volumes can be chowned.
RUN groupadd --system --gid 10001 frontwatch \
    && useradd --system --uid 10001 --gid frontwatch --home-dir /data --shell /usr/sbin/nologin frontwatch \
    && mkdir -p /data \
    && chown frontwatch:frontwatch /data

COPY --from=build /opt/venv /opt/venv

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FRONTWATCH_DATA_DIR=/data \
    FRONTWATCH_HTTP_PORT=8080 \
    FRONTWATCH_LOG_FORMAT=json

WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080

# Liveness of whichever service runs: stdlib-only GET of /healthz on FRONTWATCH_HTTP_PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "shared.health", "/healthz"]

# Exec form: frontwatch is PID 1 and receives SIGTERM directly for its graceful drain.
STOPSIGNAL SIGTERM
ENTRYPOINT ["frontwatch"]
CMD ["run"]
