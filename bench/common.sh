# Shared by the benchmark scripts (sourced, not run).

# Waits until something accepts connections on 127.0.0.1:$1 (up to 20 s: servers under valgrind
# start slowly).
wait_ready() {
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  return 1
}

# The servers in the order of round $1: odd rounds as given, even rounds reversed. On this
# machine a server's slot in a round moves its numbers by 10-15%, so over two rounds every server
# has an early and a late slot.
round_order() {
  local round=$1
  shift
  if (( round % 2 == 0 )); then
    for (( i=$#; i>=1; i-- )); do echo "${!i}"; done
  else
    printf '%s\n' "$@"
  fi
}

# Starts server $1 on 127.0.0.1:$2 pinned to core 0, sets `pid`, and waits until it accepts.
start_pinned() {
  taskset -c 0 "./target/release/$1" "127.0.0.1:$2" >/dev/null 2>&1 &
  pid=$!
  wait_ready "$2"
}
