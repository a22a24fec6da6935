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
