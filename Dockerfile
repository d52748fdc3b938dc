# syntax=docker/dockerfile:1
# linkbrief: two stages. The first builds wheels for linkbrief and all of its dependencies; the second installs
# them from a build-time mount (so no wheel is left in a layer) into a slim image that runs as an unprivileged
# user, with no compiler or build tool in it. Python 3.11: the version CI tests (`.ci/run`).

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m pip install --upgrade "pip>=24.0"
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY migrations ./migrations
RUN python -m pip wheel --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    LINKBRIEF_LOG_FORMAT=json \
    DATABASE_URL=sqlite+aiosqlite:////data/linkbrief.db
RUN groupadd --system --gid 10001 linkbrief \
    && useradd --system --uid 10001 --gid linkbrief --home-dir /data --create-home linkbrief
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m pip install --no-index --find-links=/wheels /wheels/linkbrief-*.whl
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers on the serve port in both Socket Mode and HTTP mode (database, worker and socket status).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status != 200)"]
CMD ["linkbrief", "serve"]
