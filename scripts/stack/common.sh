# shellcheck shell=bash
# Process bookkeeping shared by kafka.sh, s3.sh and stream.sh. Sourced, never run.
# Each service keeps one PID file; a PID only counts as ours while its command line still carries
# the service's marker (a path under .stack/), so a recycled PID is never signalled.
# A service runs in a session of its own (start_daemon), so the processes it starts (the fraud
# stream's Spark JVM and Python workers, say) are found by session id and stopped with it.

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

# session_of PID: the session id of a live process (field 6 of /proc/PID/stat).
session_of() {
  sed -n 's/^.*) . [0-9-]* [0-9-]* \([0-9-]*\) .*/\1/p' "/proc/$1/stat" 2>/dev/null
}

# session_members SID...: every live process (zombies excluded) in these sessions, one PID a line.
# The kernel does not hand out a PID again while a session of that id has a process left, so the
# members of a session that a service of ours leads (or led, until a moment ago) are ours too.
session_members() {
  ps -e -o sid=,pid=,stat= 2>/dev/null | awk -v sids=" $* " -v self="$$" \
    'index(sids, " " $1 " ") && $3 !~ /^Z/ && $2 != self { print $2 }'
}

# survivors "SID..." PID...: which of the PIDs are still alive, then the other live members of the
# sessions, one PID a line.
survivors() {
  local sids="$1" pid
  shift
  for pid in "$@"; do alive "$pid" && printf '%s\n' "$pid"; done
  # shellcheck disable=SC2086 # a list of session ids
  [ -z "$sids" ] || session_members $sids
}

# term_and_wait NAME "SID..." PID...: SIGTERM to the PIDs and every process of the sessions, wait up to
# STOP_TIMEOUT s, then SIGKILL; returns once all are gone, also children that outlive their parent.
# Sets STOP_KILLED=1 when SIGKILL was needed (the process had no chance to finish its exit work).
term_and_wait() {
  local name="$1" sids="$2" i left=()
  shift 2
  mapfile -t left < <(survivors "$sids" "$@" | sort -un)
  ((${#left[@]} == 0)) && return 0
  kill -TERM "${left[@]}" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    mapfile -t left < <(survivors "$sids" "$@" | sort -un)
    ((${#left[@]} == 0)) && return 0
    sleep 0.1
  done
  log "$name: still running after ${STOP_TIMEOUT}s, sending SIGKILL to ${left[*]}"
  # shellcheck disable=SC2034 # read by kafka.sh
  STOP_KILLED=1
  for ((i = 0; i < 50; i++)); do
    # Again every second: a child may have been forked while the others were being killed.
    ((i % 10 == 0)) && { kill -KILL "${left[@]}" 2>/dev/null || true; }
    sleep 0.1
    mapfile -t left < <(survivors "$sids" "$@" | sort -un)
    ((${#left[@]} == 0)) && return 0
  done
  die "$name: ${left[*]} survived SIGKILL"
}

# stop_pid PIDFILE MARKER NAME [MARKER...]: stops the recorded process with every process of its
# session, and any other process with one of the markers (one whose PID file was lost, e.g. deleted
# by hand, or a child that outlived its parent: the extra markers name such children), then removes
# the PID file. Returns once all of them are gone. Says "not running" unless STOP_QUIET=1.
stop_pid() {
  local pidfile="$1" marker="$2" name="$3" pids=() pid sid sids="" recorded
  shift 3
  if pid="$(pid_of "$pidfile" "$marker")"; then
    pids+=("$pid")
  fi
  for marker in "$marker" "$@"; do
    while read -r pid; do
      [ -n "$pid" ] && [[ " ${pids[*]} " != *" $pid "* ]] && pids+=("$pid")
    done < <(pids_by_marker "$marker")
  done
  if ((${#pids[@]} == 0)); then
    rm -f "$pidfile"
    [ "${STOP_QUIET:-0}" = 1 ] || log "$name: not running"
    return 0
  fi
  # Each service's session goes with it: the one start_daemon made, which the process leads, or led
  # (its id is the PID in the PID file) when only a child of it is left.
  recorded="$(cat "$pidfile" 2>/dev/null || true)"
  for pid in "${pids[@]}"; do
    sid="$(session_of "$pid")"
    if [ -n "$sid" ] && { [ "$sid" = "$pid" ] || [ "$sid" = "$recorded" ]; } && [[ "$sids " != *" $sid "* ]]; then
      sids+=" $sid"
    fi
  done
  log "$name: stopping (pid ${pids[*]})"
  term_and_wait "$name" "$sids" "${pids[@]}"
  rm -f "$pidfile"
  log "$name: stopped"
}

# lock_service NAME [LOCKFILE]: serialises start/stop of one service, so that two up.sh run at once
# (two test suites, say) do not both launch a broker and overwrite each other's PID file. Held until
# exit. LOCKFILE defaults to $STACK_DIR/.NAME.lock.
lock_service() {
  local lockfile="${2:-$STACK_DIR/.$1.lock}"
  mkdir -p "$(dirname "$lockfile")"
  exec 9>"$lockfile"
  flock -w 300 9 || die "$1: another start/stop has held $lockfile for 5 minutes"
}

# s3_curl ARGS...: curl to the stack's S3 server, signed with the stack's credentials (SigV4). moto answers
# anonymous requests for new keys, but refuses them (403) for objects that exist. A PUT needs a binary content
# type: under curl's default (form-urlencoded) moto stores an empty object.
s3_curl() {
  curl -fsS --max-time 10 --aws-sigv4 "aws:amz:${S3_REGION:-us-east-1}:s3" \
    --user "${AWS_ACCESS_KEY_ID:-}:${AWS_SECRET_ACCESS_KEY:-}" "$@"
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
