#!/usr/bin/env bash
# Distributed mode on this machine: the local Kafka and PostgreSQL (started if needed),
# then each service as its own process. Ctrl-C stops the services; `make infra-down`
# stops Kafka and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
eval "$($PY -m ringway.shared.testing up)"
export KAFKA_BOOTSTRAP_SERVERS DATABASE_URL
export RINGWAY_AUTH_SECRET=${RINGWAY_AUTH_SECRET:-$($PY -c 'import secrets; print(secrets.token_urlsafe(48))')}
if [ -z "${RINGWAY_ADMIN_API_KEY:-}" ]; then
  RINGWAY_ADMIN_API_KEY=rw_admin_$($PY -c 'import secrets; print(secrets.token_urlsafe(32))')
  echo "Admin API key for this run: $RINGWAY_ADMIN_API_KEY"
fi
export RINGWAY_ADMIN_API_KEY
pids=()
port=8001
for module in routing dialer selfservice metrics; do
  PORT=$port HOST=127.0.0.1 $PY -m "ringway.$module" &
  pids+=($!)
  echo "  $module: http://127.0.0.1:$port/docs"
  port=$((port + 1))
done
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM
wait
