# syntax=docker/dockerfile:1
# Sheaf in server mode: the same app as the desktop build, stateless, for replicas.
# Build with `uv run python build_scripts/image.py` (Docker where an engine runs,
# buildah otherwise); `--base IMAGE` swaps the base image.

ARG BASE_IMAGE=python:3.12-slim

# ---- builder: the locked dependencies and Sheaf itself, in a virtualenv ----------------
FROM ${BASE_IMAGE} AS builder
ARG UV_VERSION=0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src

# Behind a TLS-inspecting proxy, pass its CA as the build secret "ca"; it is
# used by these RUN steps only and never stored in a layer.
# uv comes from PyPI: its own container images need a registry not every builder reaches.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export SSL_CERT_FILE=/run/secrets/ca PIP_CERT=/run/secrets/ca; fi; \
    python -m venv /opt/uv && /opt/uv/bin/pip install --quiet "uv==${UV_VERSION}"

# Dependencies first: this layer is reused until uv.lock changes.
COPY pyproject.toml uv.lock README.rst ./
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export SSL_CERT_FILE=/run/secrets/ca; fi; \
    /opt/uv/bin/uv sync --frozen --no-dev --no-install-project --no-cache

COPY app ./app
COPY launcher.py ./
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export SSL_CERT_FILE=/run/secrets/ca; fi; \
    /opt/uv/bin/uv sync --frozen --no-dev --no-editable --no-cache \
    && /opt/venv/bin/python -c "from app.i18n import compile_catalogs; compile_catalogs(force=True)" \
    && /opt/venv/bin/python -c "import babel, pathlib; d = pathlib.Path(babel.__file__).parent / 'locale-data'; keep = {'root', 'en', 'en_US', 'zh', 'zh_Hans', 'zh_Hans_CN'}; [p.unlink() for p in d.glob('*.dat') if p.stem not in keep]" \
    && rm -rf /opt/venv/lib/python3*/site-packages/pip /opt/venv/lib/python3*/site-packages/setuptools

# ---- runtime: the base image, the venv, the entry point, nothing else -------------------
FROM ${BASE_IMAGE}
ARG VERSION=0.0.0
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
ARG SOURCE=https://github.com/sheaf-pdf/sheaf
LABEL org.opencontainers.image.title="Sheaf" \
      org.opencontainers.image.description="A private PDF toolbox, server mode" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="MIT"

# A fixed uid/gid, so Kubernetes' runAsUser and volume permissions can rely on it.
RUN groupadd --system --gid 10001 sheaf \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin sheaf

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /src/launcher.py /app/launcher.py

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8080 \
    SHEAF_HEALTH_PORT=8081
WORKDIR /app
USER 10001:10001
EXPOSE 8080 8081
STOPSIGNAL SIGTERM
# No curl in slim images: ask Python. The health port answers even while every
# worker is busy with PDF work (app/runtime/health.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/livez' % os.environ.get('SHEAF_HEALTH_PORT', '8081'), timeout=4)"]
ENTRYPOINT ["python", "/app/launcher.py", "--server"]
