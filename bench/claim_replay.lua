-- wrk replays pre-signed voucher claims (bench/claim_storm.sh runs it).
--
--   build/bench/claim_storm --presign N --out PREFIX --files T --port P --key K --secret S --round R --kind K
--   wrk -tT -cC -dDs --latency -s bench/claim_replay.lua http://127.0.0.1:P -- PREFIX
--
-- Thread i sends the requests of PREFIX.i in order (raw HTTP requests, each
-- followed by a NUL byte).  Each claim is signed once with its own nonce, so
-- a thread that runs out starts its file again and banyan answers those 401
-- (a replayed nonce): presign more.  bare_server answers everything 200.
-- The last line is machine-readable: RESULT key=value ...

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

local requests, n, next_one = {}, 0, 0

function init(args)
   local f = assert(io.open(args[1] .. "." .. id, "rb"))
   local data = f:read("*a")
   f:close()
   for r in data:gmatch("[^%z]+") do
      n = n + 1
      requests[n] = r
   end
   assert(n > 0, "no requests in " .. args[1] .. "." .. id)
   wrapped, c201, c200, c401, c409, cother = 0, 0, 0, 0, 0, 0
end

function request()
   next_one = next_one + 1
   if next_one > n then
      next_one, wrapped = 1, wrapped + 1
   end
   return requests[next_one]
end

function response(status, headers, body)
   if status == 201 then c201 = c201 + 1
   elseif status == 200 then c200 = c200 + 1
   elseif status == 401 then c401 = c401 + 1
   elseif status == 409 then c409 = c409 + 1
   else cother = cother + 1 end
end

function done(summary, latency, requests)
   local sum = {c201 = 0, c200 = 0, c401 = 0, c409 = 0, cother = 0, wrapped = 0}
   for _, t in ipairs(threads) do
      for k in pairs(sum) do sum[k] = sum[k] + t:get(k) end
   end
   local e = summary.errors
   io.write(string.format("RESULT rps=%.0f p50=%.2f p90=%.2f p99=%.2f p999=%.2f max=%.2f answers=%d",
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
      latency:percentile(99) / 1e3, latency:percentile(99.9) / 1e3, latency.max / 1e3, summary.requests))
   for _, k in ipairs({"c201", "c200", "c401", "c409", "cother", "wrapped"}) do
      io.write(string.format(" %s=%d", k, sum[k]))
   end
   io.write(string.format(" errors=%d timeouts=%d\n", e.connect + e.read + e.write, e.timeout))
end
