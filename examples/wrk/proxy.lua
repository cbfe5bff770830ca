-- wrk through the signing proxy (examples/nginx/run.sh): every request is the same plain
-- request, nginx adds a fresh X-signature to each. Counts the answers and stops each thread
-- after XSIG_REQUESTS / threads requests (unset: runs for wrk's -d), then prints one JSON line.
--
--   XSIG_REQUESTS=3000 XSIG_WRK_THREADS=2 wrk -t2 -c8 -d60s -s examples/wrk/proxy.lua \
--       http://127.0.0.1:8088/api/v2/sdk/logout

local threads = {}
local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    table.insert(threads, thread)
end

function init(args)
    local total = tonumber(os.getenv("XSIG_REQUESTS") or "0")
    local n = tonumber(os.getenv("XSIG_WRK_THREADS") or "1")
    -- Thread i answers for its share; the first threads take the remainder.
    limit = total > 0 and (math.floor(total / n) + ((id < total % n) and 1 or 0)) or math.huge
    ok, rejected, other, answered = 0, 0, 0, 0
end

function response(status, headers, body)
    answered = answered + 1
    if status == 200 then ok = ok + 1 elseif status == 400 then rejected = rejected + 1 else other = other + 1 end
    if answered >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
    local o, r, x = 0, 0, 0
    for _, thread in ipairs(threads) do
        o = o + thread:get("ok")
        r = r + thread:get("rejected")
        x = x + thread:get("other")
    end
    io.write(string.format('{"ok":%d,"rejected_400":%d,"other":%d,"requests":%d,"duration_us":%d,"socket_errors":%d,' ..
        '"p50_us":%d,"p99_us":%d,"max_us":%d}\n', o, r, x, summary.requests, summary.duration,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
        latency:percentile(50), latency:percentile(99), latency.max))
end
