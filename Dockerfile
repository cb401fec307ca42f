# syntax=docker/dockerfile:1
# One image for all of Ringway; the command picks what runs (see deploy/README.md):
#   ringway serve routing|dialer|selfservice|metrics   one service (distributed mode)
#   ringway migrate / ringway topics create              the init steps
#   ringway run                                          everything embedded (the default)
# One image rather than four: the services share almost every dependency and the event
# contracts, so one build, one scan and one tag keep their versions in lockstep.

# --- build: a virtualenv with the pinned dependencies, then Ringway itself -----------------
FROM python:3.11.14-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/ringway
# Third-party packages first (exact versions from scripts/lock-image.sh): this layer is
# reused until a dependency changes, not on every code change.
COPY deploy/image/constraints.txt deploy/image/constraints.txt
RUN /opt/ringway/bin/pip install --no-compile -r deploy/image/constraints.txt
COPY shared/ shared/
COPY services/ services/
COPY cli/ cli/
RUN /opt/ringway/bin/pip install --no-deps --no-compile ./shared ./services/routing \
        ./services/outbound-dialer ./services/selfservice ./services/metrics ./cli \
    && /opt/ringway/bin/python -m compileall -q /opt/ringway/lib \
    && /opt/ringway/bin/python -m pip uninstall -y -q pip setuptools
# (pip and setuptools are not needed at run time: 25 MB less, and nothing to install with.)

# --- runtime: the same base, the virtualenv, an unprivileged user -------------------------
FROM python:3.11.14-slim-bookworm AS runtime
LABEL org.opencontainers.image.title="ringway" \
      org.opencontainers.image.description="Ringway contact-center platform" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PATH=/opt/ringway/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    RINGWAY_DATA_DIR=/var/lib/ringway
RUN groupadd --system --gid 10001 ringway \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/ringway --create-home \
        --shell /usr/sbin/nologin ringway
COPY --from=build /opt/ringway /opt/ringway
COPY deploy/image/healthcheck.py /opt/ringway/healthcheck.py
USER 10001:10001
WORKDIR /var/lib/ringway
EXPOSE 8000
# uvicorn turns SIGTERM into a graceful stop: HTTP drains, consumers leave their groups,
# the outbox relay flushes (shared/runtime.py).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "/opt/ringway/healthcheck.py"]
ENTRYPOINT ["ringway"]
CMD ["run", "--host", "0.0.0.0", "--port", "8000"]
