-- wrk script for benchmarks/mock/run.sh: every request is a distinct pre-signed logout.
--
-- Reads the output of `xsig batch --format headers` (one header block per record: Host and the
-- X- headers, CRLF line ends, a blank line after each) from the file named by the environment
-- variable XSIG_HEADERS. Thread i of n sends records i, i+n, i+2n, ... once each, so no signature
-- is sent twice (the mock's replay check stays on). When a thread runs out of records it sends
-- GET /healthz instead (counted apart as "filler"): size the batch so that this does not happen.
-- done() prints one JSON line with the counts, for run.sh.

local threads = {}
local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    table.insert(threads, thread)
end

function init(args)
    local n = tonumber(os.getenv("XSIG_WRK_THREADS") or "1")
    local file = assert(io.open(os.getenv("XSIG_HEADERS"), "rb"), "XSIG_HEADERS must name the headers file")
    local text = file:read("*a")
    file:close()
    rows = {}
    local index = 0
    for block in text:gmatch("(.-)\r\n\r\n") do
        if index % n == id then
            rows[#rows + 1] = "GET /api/v2/sdk/logout HTTP/1.1\r\n" .. block .. "\r\n\r\n"
        end
        index = index + 1
    end
    next_row = 1
    verified = 0
    rejected = 0
    other = 0
    filler = 0
    filler_request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
end

function request()
    if next_row <= #rows then
        local row = rows[next_row]
        next_row = next_row + 1
        return row
    end
    return filler_request
end

function response(status, headers, body)
    if body == "success" then
        verified = verified + 1
    elseif body == "ok\n" then
        filler = filler + 1
    elseif status == 400 then
        rejected = rejected + 1
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local v, r, o, f, rows_total = 0, 0, 0, 0, 0
    for _, thread in ipairs(threads) do
        v = v + thread:get("verified")
        r = r + thread:get("rejected")
        o = o + thread:get("other")
        f = f + thread:get("filler")
    end
    io.write(string.format(
        '{"verified":%d,"rejected_400":%d,"other":%d,"filler":%d,"requests":%d,"duration_us":%d,' ..
        '"socket_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
        v, r, o, f, summary.requests, summary.duration,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
