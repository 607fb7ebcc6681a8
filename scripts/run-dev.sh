#!/usr/bin/env bash
# Serve the whole product on the embedded default: web server, Celery worker
# and beat. Ctrl-C stops every child process.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-8000}
mkdir -p var/log

# Each child runs in its own session (setsid), so that stopping it also stops
# what it forked (Celery's pool processes) and a Ctrl-C reaches only this script,
# which then stops them in order: web and beat, the workers (a warm shutdown
# lets the SMS being sent finish), and the modem emulator last.
pids=()
start() {
  setsid "$@" &
  pids+=($!)
}

stop_groups() {
  local pid
  for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    local alive=0
    for pid in "$@"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.5
  done
  for pid in "$@"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}

cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Parando os processos…"
  local n=${#pids[@]} reversed=() i
  for ((i = n - 1; i >= 0; i--)); do reversed+=("${pids[i]}"); done
  # Everything but the emulator (started first) goes first.
  stop_groups "${reversed[@]:0:n-1}"
  stop_groups "${pids[0]}"
  wait 2>/dev/null || true
  exit 0
}
trap cleanup INT TERM EXIT

# SMS: an emulated GSM modem on a pseudo-terminal (7 s per message, like a real
# one), registered as the demo modem, and ONE worker with concurrency 1 for its
# queue: a single process owns the serial port. Sent SMS land in var/modem/enviados.log.
mkdir -p var/modem
start $BIN/python manage.py modem_emulador --latencia 7 --link var/modem/ttyEMU0 \
  --log var/modem/enviados.log >var/log/modem-emulador.log 2>&1
$BIN/python manage.py modem add --name emulador --device "$PWD/var/modem/ttyEMU0" \
  --interval 7 >/dev/null
start $BIN/celery -A gsan worker --loglevel=INFO --concurrency=1 --queues=modem.emulador \
  --hostname=modem-emulador@%h >var/log/worker-modem.log 2>&1
start $BIN/celery -A gsan worker --loglevel=INFO --concurrency=2 --queues=celery \
  >var/log/worker.log 2>&1
start $BIN/celery -A gsan beat --loglevel=INFO --schedule=var/celerybeat-schedule \
  >var/log/beat.log 2>&1
start $BIN/python manage.py runserver 127.0.0.1:"$PORT" --noreload

cat <<MSG

  Atendimento ao Público em http://127.0.0.1:$PORT/
  Usuários de demonstração: atendente / demo-atendente, supervisor / demo-supervisor,
  admin / demo-admin.
  Logs do worker e do beat em var/log/. Ctrl-C encerra tudo.
  SMS enviados pelo modem emulado: tail -f var/modem/enviados.log

MSG
wait -n "${pids[@]}"
