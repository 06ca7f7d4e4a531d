# shellcheck shell=bash
# Process bookkeeping shared by kafka.sh and s3.sh. Sourced, never run.
# Each service keeps one PID file; a PID only counts as ours while its command line still carries
# the service's marker (a path under .stack/), so a recycled PID is never signalled.

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
load_stack_env

STOP_TIMEOUT="${STACK_STOP_TIMEOUT:-30}"
STOP_KILLED=0

# pid_of PIDFILE MARKER: prints the PID if that process is alive and still ours.
pid_of() {
  local pidfile="$1" marker="$2" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  # cmdline is NUL-separated; a zombie has an empty one and is not running.
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker" || return 1
  printf '%s\n' "$pid"
}

# clean_stale PIDFILE MARKER NAME: drops a PID file whose process is gone or is someone else's.
clean_stale() {
  local pidfile="$1" marker="$2" name="$3"
  if [ -f "$pidfile" ] && ! pid_of "$pidfile" "$marker" >/dev/null; then
    log "$name: removing stale PID file ($(cat "$pidfile" 2>/dev/null || echo '?'))"
    rm -f "$pidfile"
  fi
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# port_owner_hint PORT: who holds a port, for error messages.
port_owner_hint() {
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:(\(.*\))/\1/p' | head -n1
}

# start_daemon PIDFILE LOGFILE CMD...: runs CMD in its own session (so a closing terminal or the
# caller's process group being signalled leaves it alone) and records its exact PID.
start_daemon() {
  local pidfile="$1" logfile="$2"
  shift 2
  rm -f "$pidfile"
  # The inner shell writes its own PID and then execs CMD, so the recorded PID is the service
  # itself, not a wrapper that could exit and leave the service orphaned.
  # shellcheck disable=SC2016 # expanded by the inner shell
  # fd 9 is the service lock (lock_service); the daemon must not hold it for its whole life.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >"$logfile" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [ -s "$pidfile" ] && return 0
    sleep 0.1
  done
  die "could not start: $*"
}

# alive PID: running and not a zombie (a zombie still answers kill -0).
alive() {
  local state
  # The state follows the last ')' (the command name before it may contain spaces).
  state="$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# pids_by_marker MARKER: every live process whose command line contains MARKER. The markers hold
# absolute paths under this checkout, so only processes this stack started can match.
pids_by_marker() {
  local f pid
  # One grep over every command line for the marker's last word narrows it to a few candidates;
  # the full marker (NULs between arguments) is then checked on those alone.
  while read -r f; do
    pid="${f#/proc/}"
    pid="${pid%/cmdline}"
    [ "$pid" = "$$" ] && continue
    { tr '\0' ' ' <"$f" | grep -qF -- "$1"; } 2>/dev/null && alive "$pid" && printf '%s\n' "$pid"
  done < <(grep -lasF -- "${1##* }" /proc/[0-9]*/cmdline)
  return 0
}

# term_and_wait NAME PID...: SIGTERM, wait up to STOP_TIMEOUT s, then SIGKILL; waits for exit.
# Sets STOP_KILLED=1 when SIGKILL was needed (the process had no chance to finish its exit work).
term_and_wait() {
  local name="$1" pid left i
  shift
  kill -TERM "$@" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    left=()
    for pid in "$@"; do alive "$pid" && left+=("$pid"); done
    ((${#left[@]} == 0)) && return 0
    sleep 0.1
  done
  log "$name: still running after ${STOP_TIMEOUT}s, sending SIGKILL to ${left[*]}"
  # shellcheck disable=SC2034 # read by kafka.sh
  STOP_KILLED=1
  kill -KILL "${left[@]}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    left=()
    for pid in "$@"; do alive "$pid" && left+=("$pid"); done
    ((${#left[@]} == 0)) && return 0
    sleep 0.1
  done
  die "$name: ${left[*]} survived SIGKILL"
}

# stop_pid PIDFILE MARKER NAME: stops the recorded process, and any other process with our marker
# (one whose PID file was lost, e.g. deleted by hand), then removes the PID file.
stop_pid() {
  local pidfile="$1" marker="$2" name="$3" pids=() pid
  if pid="$(pid_of "$pidfile" "$marker")"; then
    pids+=("$pid")
  fi
  while read -r pid; do
    [ -n "$pid" ] && [[ " ${pids[*]} " != *" $pid "* ]] && pids+=("$pid")
  done < <(pids_by_marker "$marker")
  if ((${#pids[@]} == 0)); then
    rm -f "$pidfile"
    log "$name: not running"
    return 0
  fi
  log "$name: stopping (pid ${pids[*]})"
  term_and_wait "$name" "${pids[@]}"
  rm -f "$pidfile"
  log "$name: stopped"
}

# lock_service NAME: serialises start/stop of one service, so that two up.sh run at once (two test
# suites, say) do not both launch a broker and overwrite each other's PID file. Held until exit.
lock_service() {
  mkdir -p "$STACK_DIR"
  exec 9>"$STACK_DIR/.$1.lock"
  flock -w 300 9 || die "$1: another start/stop has held $STACK_DIR/.$1.lock for 5 minutes"
}

# fail_with_logs NAME MESSAGE LOGFILE...: prints the tail of each log, then dies.
fail_with_logs() {
  local name="$1" message="$2" f
  shift 2
  for f in "$@"; do
    [ -s "$f" ] || continue
    printf '\n----- last 40 lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
  die "$name: $message"
}
