-- wrk script for contactnotes benchmarks. Everything comes from the environment, set by bench/run.py.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and #body > 0 then wrk.body = body end
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and #token > 0 then wrk.headers["Authorization"] = "Bearer " .. token end
-- The web app's pages are read with a session cookie instead.
local cookie = os.getenv("BENCH_COOKIE")
if cookie and #cookie > 0 then wrk.headers["Cookie"] = "cn_session=" .. cookie end

-- A body holding %WORDS% gets 8 to 40 words drawn from BENCH_WORDS in each request, like the loaded notes:
-- the notes a run creates are searched too, and a create pays for indexing a realistic body.
local words = {}
for word in string.gmatch(os.getenv("BENCH_WORDS") or "", "%S+") do table.insert(words, word) end
if body and #words > 0 and string.find(body, "%%WORDS%%") then
  math.randomseed(os.time())
  request = function()
    local picked = {}
    for i = 1, math.random(8, 40) do picked[i] = words[math.random(#words)] end
    local text = string.gsub(body, "%%WORDS%%", table.concat(picked, " "))
    return wrk.format(nil, nil, nil, text)
  end
end

-- For fixed-rate runs each connection waits this long between requests (closed loop; see the report).
local pause_ms = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
function delay()
  return pause_ms
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
