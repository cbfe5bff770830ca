-- wrk over a pre-signed batch: `xsig batch --format headers` writes one header block per record
-- (Host and the X- headers, CRLF line ends, a blank line after each). Thread i of n sends
-- records i, i+n, i+2n, ... once each, so no signature goes out twice; a thread that runs out
-- sends GET /healthz instead. Sign the batch just before the run: servers reject stale timestamps.
--
--   xsig batch --key pub.pem --input tokens.txt --format headers --output headers.txt \
--       --base-url http://127.0.0.1:8080 --client-id C --device-fingerprint FP \
--       --os-version "Android 14" --agent app/1.0
--   XSIG_HEADERS=headers.txt XSIG_WRK_THREADS=2 wrk -t2 -c8 -d30s \
--       -s examples/wrk/presigned.lua http://127.0.0.1:8080
-- (XSIG_PATH and XSIG_METHOD set the request line; default GET /api/v2/sdk/logout.)

local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
end

function init(args)
    local n = tonumber(os.getenv("XSIG_WRK_THREADS") or "1")
    local line = (os.getenv("XSIG_METHOD") or "GET") .. " " .. (os.getenv("XSIG_PATH") or "/api/v2/sdk/logout") .. " HTTP/1.1\r\n"
    local file = assert(io.open(os.getenv("XSIG_HEADERS") or "", "rb"), "XSIG_HEADERS must name the headers file")
    local text = file:read("*a")
    file:close()
    rows, index = {}, 0
    for block in text:gmatch("(.-)\r\n\r\n") do
        if index % n == id then rows[#rows + 1] = line .. block .. "\r\n\r\n" end
        index = index + 1
    end
    next_row = 1
end

function request()
    if next_row > #rows then
        -- Out of records: GET /healthz until -d ends (stopping the thread here could cut a
        -- signed request still being written). Size the batch for the run.
        return wrk.format("GET", "/healthz")
    end
    next_row = next_row + 1
    return rows[next_row - 1]
end
