#!/usr/bin/env bash
# Serve the whole product on the embedded default: web server, Celery worker
# and beat. Ctrl-C stops every child process.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-8000}
mkdir -p var/log

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Parando os processos…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$BIN/celery -A gsan worker --loglevel=INFO --concurrency=2 --queues=celery \
  >var/log/worker.log 2>&1 &
pids+=($!)
$BIN/celery -A gsan beat --loglevel=INFO --schedule=var/celerybeat-schedule \
  >var/log/beat.log 2>&1 &
pids+=($!)
$BIN/python manage.py runserver 127.0.0.1:$PORT --noreload &
pids+=($!)

cat <<MSG

  Atendimento ao Público em http://127.0.0.1:$PORT/
  Usuários de demonstração: atendente / demo-atendente, supervisor / demo-supervisor,
  admin / demo-admin.
  Logs do worker e do beat em var/log/. Ctrl-C encerra tudo.

MSG
wait -n "${pids[@]}"
