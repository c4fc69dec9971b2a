# syntax=docker/dockerfile:1
# Sheaf in server mode: the same app as the desktop build, stateless, for replicas.
# Build with `uv run python build_scripts/image.py` (Docker where an engine runs,
# buildah otherwise); `--base IMAGE` swaps the builder's base image.
#
# The image holds the frozen folder bundle from app.spec (Python and every library
# inside it) and the C library it was built against: no distribution, no shell, no
# package manager. build_scripts/runtime_root.py assembles that file system.

ARG BASE_IMAGE=python:3.13-slim
# Where the frozen folder comes from: "source" freezes it here with PyInstaller (what a
# plain `docker build .` does); "prebuilt" takes the folder build_scripts/build.py made
# (`image.py --prebuilt dist/Sheaf` stages it in build/image/), so CI builds each binary once.
ARG BUNDLE=source

# ---- from source: the locked dependencies, frozen with PyInstaller ------------------------
FROM ${BASE_IMAGE} AS bundle-source
ARG UV_VERSION=0.13.9
ENV UV_COMPILE_BYTECODE=0 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src

# PyInstaller reads dependencies with objdump and strips with strip (binutils). The
# base's own version is right: it only runs here and never reaches the image.
# hadolint ignore=DL3008
RUN command -v objdump >/dev/null \
    || (apt-get update && apt-get install -y --no-install-recommends binutils \
        && rm -rf /var/lib/apt/lists/*)

# Behind a TLS-inspecting proxy, pass its CA as the build secret "ca"; it is
# used by these RUN steps only and never stored in a layer.
# uv comes from PyPI: its own container images need a registry not every builder reaches.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export SSL_CERT_FILE=/run/secrets/ca PIP_CERT=/run/secrets/ca; fi; \
    python -m venv /opt/uv && /opt/uv/bin/pip install --quiet "uv==${UV_VERSION}"

# Dependencies first (the app's and PyInstaller, the "bundle" group): this layer is
# reused until uv.lock changes.
COPY pyproject.toml uv.lock README.rst ./
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export SSL_CERT_FILE=/run/secrets/ca; fi; \
    /opt/uv/bin/uv sync --frozen --no-dev --group bundle --no-install-project --no-cache

COPY app ./app
COPY launcher.py app.spec ./
COPY build_scripts ./build_scripts
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export SSL_CERT_FILE=/run/secrets/ca; fi; \
    /opt/uv/bin/uv sync --frozen --no-dev --group bundle --no-editable --no-cache \
    && /opt/venv/bin/python build_scripts/build.py --onedir --here --any-glibc \
       --dist /out --work /tmp/build

# ---- prebuilt: the folder build made outside (a Linux release build, Debian 11 based) -----
FROM ${BASE_IMAGE} AS bundle-prebuilt
COPY build/image/Sheaf /out/Sheaf

# ---- the image's file system: the bundle and the C library of the builder -----------------
# hadolint ignore=DL3006
FROM bundle-${BUNDLE} AS bundle
COPY build_scripts/runtime_root.py /tmp/runtime_root.py
RUN python3 /tmp/runtime_root.py /out/Sheaf /rootfs

# ---- runtime: the bundle and the C library, nothing else ----------------------------------
FROM scratch
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

COPY --from=bundle /rootfs /

# uid/gid 10001 (named in /etc/passwd by runtime_root.py), so Kubernetes' runAsUser
# and volume permissions can rely on it.
ENV PORT=8080 \
    SHEAF_HEALTH_PORT=8081 \
    LANG=C.UTF-8
WORKDIR /app
USER 10001:10001
EXPOSE 8080 8081
STOPSIGNAL SIGTERM
# No shell or Python in the image: Sheaf asks itself. The health port answers even
# while every worker is busy with PDF work (app/runtime/health.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/app/Sheaf", "--healthcheck"]
ENTRYPOINT ["/app/Sheaf", "--server"]
