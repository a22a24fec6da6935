-- Mixed traffic for bench/soak.sh: good requests and bad ones, in a fixed cycle per thread.
-- Counts every status; `done` prints them and the ones outside the expected set.
local requests = {
  { "GET", "/plaintext", nil, nil },
  { "GET", "/json", nil, nil },
  { "GET", "/users/42", nil, nil },
  { "GET", "/users/not-a-number", nil, nil },                      -- 422
  { "GET", "/nowhere", nil, nil },                                 -- 404
  { "DELETE", "/plaintext", nil, nil },                            -- 405
  { "POST", "/echo", "application/json", '{"item":"book","qty":2}' },
  { "POST", "/echo", "application/json", '{"item":' },             -- 422 malformed
  { "POST", "/echo", "text/plain", "hello" },                      -- 415
  { "GET", "/users/%FF%FE", nil, nil },                            -- 422 not UTF-8
}
local expected = { [200] = true, [404] = true, [405] = true, [415] = true, [422] = true }
local threads = {}
local i = 0
counts = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  i = i % #requests + 1
  local r = requests[i]
  local headers = {}
  if r[3] then headers["content-type"] = r[3] end
  return wrk.format(r[1], r[2], headers, r[4])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, unexpected = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("status %d: %d\n", status, n))
    if not expected[status] then unexpected = unexpected + n end
  end
  io.write(string.format("unexpected statuses: %d\n", unexpected))
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
