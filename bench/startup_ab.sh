#!/usr/bin/env bash
# Two installs of frontdesk side by side in one alternating run, the way ../shared/bench/startup.sh
# judges one: tmux 80x24, a clean environment, the same markers, its side_by_side.py.
# Usage, from the project's root:
#   bench/startup_ab.sh BASE_VENV NEW_VENV [ROUNDS] [all|remote|local|tiss]
# `all`: local and remote rows; `tiss`: startup.sh's TISS demo row (`--tiss-demo --db :memory:`,
# a fresh temporary folder and demo exports each start, checked in the desk's process), and a
# TISS profile on the served backend's operator (its exports from `frontdesk tiss demo-files`,
# checked by the schemas worker): its first screen, and its complete queue as a "first start"
# with an empty cache folder each start (every export checked) and as a "restart" with one
# cache folder for all starts (the checks kept).
# Each round runs the programs in a new random order (bench/_shuffled_rounds.py; SEED=N repeats
# one): in side_by_side.py's rotation each program always follows the same one.
# Each venv holds a non-editable install (python3 -m venv V && V/bin/pip install PATH).
# The served backend (--url) runs from BASE_VENV. Ratios are against the yardstick in the
# same run; on a shared machine quote `uptime` with them.
set -euo pipefail
base=$(cd "$1" && pwd)/bin
new=$(cd "$2" && pwd)/bin
rounds=${3:-7}
which=${4:-all}
shared=$(cd "$(dirname "$0")/../../shared/bench" && pwd)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
env -i PATH=/usr/bin:/bin HOME="$work" "$base/frontdesk" serve --port "$port" \
  --db "$work/backend.sqlite3" --api-key="$key" >"$work/serve.log" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null; rm -rf "$work"' EXIT
sleep 3
E="env -i PATH=/usr/bin:/bin LANG=pt_BR.UTF-8 HOME=$work XDG_CONFIG_HOME=$work/c XDG_DATA_HOME=$work/d XDG_STATE_HOME=$work/s TERM=xterm-256color FRONTDESK_API_KEY=$key"
entry() {  # label, bin dir, arguments, markers (JSON list)
  printf ' {"label": "%s", "cmd": "%s %s/frontdesk %s", "markers": %s, "quit": ["C-q"]}' \
    "$1" "$E" "$2" "$3" "$4"
}
complete='["Fila de atendimento (", "· ok"]'
specs=(" {\"label\": \"minimal Textual app\", \"cmd\": \"$E $base/python $shared/minimal_app.py tui\", \"markers\": [\"Patient 10\"], \"quit\": [\"C-q\"]}")
if [ "$which" = all ] || [ "$which" = local ]; then
  specs+=("$(entry "base local first" "$base" "--db :memory:" '["F1 Ajuda"]')")
  specs+=("$(entry "new local first" "$new" "--db :memory:" '["F1 Ajuda"]')")
  specs+=("$(entry "base local complete" "$base" "--db :memory:" "$complete")")
  specs+=("$(entry "new local complete" "$new" "--db :memory:" "$complete")")
fi
if [ "$which" = all ] || [ "$which" = remote ]; then
  specs+=("$(entry "base remote complete" "$base" "--url http://127.0.0.1:$port" "$complete")")
  specs+=("$(entry "new remote complete" "$new" "--url http://127.0.0.1:$port" "$complete")")
fi
if [ "$which" = tiss ]; then
  specs+=("$(entry "base TISS demo complete" "$base" "--tiss-demo --db :memory:" "$complete")")
  specs+=("$(entry "new TISS demo complete" "$new" "--tiss-demo --db :memory:" "$complete")")
  env -i PATH=/usr/bin:/bin HOME="$work" "$base/frontdesk" tiss demo-files "$work/entrada" \
    --db "$work/backend.sqlite3" >/dev/null
  cat >"$work/tiss.toml" <<TOML
[profiles.bench-tiss]
kind = "tiss"
operator = "Operadora Demonstração"
url = "http://127.0.0.1:$port/v1/tiss/v4.03.00/{operation}"
registro_ans = "999999"
prestador_type = "codigo"
prestador = "123456"
code_length = 6
import_folder = "$work/entrada"
export_folder = "$work/retorno"
TOML
  T="FRONTDESK_CONFIG=$work/tiss.toml FRONTDESK_TISS_PASSWORD=$key"
  fresh="XDG_CACHE_HOME=\$(mktemp -d -p $work)"  # evaluated by tmux's shell at each start
  for side in base new; do
    bin=$base; [ $side = new ] && bin=$new
    specs+=("$(entry "$side TISS first screen" "$bin" "--profile bench-tiss" '["F1 Ajuda"]' |
      sed "s|env -i |env -i $T $fresh |")")
    specs+=("$(entry "$side TISS first start" "$bin" "--profile bench-tiss" "$complete" |
      sed "s|env -i |env -i $T $fresh |")")
  done
  for side in base new; do
    bin=$base; [ $side = new ] && bin=$new
    specs+=("$(entry "$side TISS restart" "$bin" "--profile bench-tiss" "$complete" |
      sed "s|env -i |env -i $T XDG_CACHE_HOME=$work/cache |")")
  done
fi
(IFS=,; echo "[${specs[*]}]") >"$work/spec.json"
uptime
python3 "$(dirname "$0")/_shuffled_rounds.py" "$shared" "$work/spec.json" "$rounds" ${SEED:-}
uptime
