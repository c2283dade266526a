-- wrk script: job-status for many distinct jids, one picked at random per request, so that no
-- single-key cache can serve the load. Usage:
--   GDPR_WORKER_BENCH_KEY=gwk_… wrk -t2 -c32 -d10s -s Benchmarks/status-many-jids.lua URL -- JIDS_FILE
local jids = {}
local key = os.getenv("GDPR_WORKER_BENCH_KEY") or ""

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then jids[#jids + 1] = line end
    end
    math.randomseed(math.floor(os.clock() * 1000000) + #jids + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
    local jid = jids[math.random(#jids)]
    return wrk.format("GET", "/api/v2/event-data/job-status?jid=" .. jid, { ["Api-Key"] = key })
end
