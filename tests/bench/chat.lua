-- wrk script for the chat rows of `make bench` and for `make soak`:
-- POST /api/v1/chat with a dev token (env BENCH_TOKEN), cycling through a mix
-- of messages (service info, a general question, cost optimisation), each
-- thread starting at a different place in the mix. BENCH_CHAT_MESSAGE set:
-- that one message only (the issue's row: "what can you do?"). Counts replies
-- by status and prints them at the end as "STATUS <code> <count>" lines.
local token = os.getenv("BENCH_TOKEN") or ""
local messages = {
  "what services do I have running?",
  "how do I connect to redis from python?",
  "how can I reduce my costs?",
  "show me the status of my postgres databases",
  "what is the difference between redis and rabbitmq?",
  "give me cost optimization recommendations",
}
local only = os.getenv("BENCH_CHAT_MESSAGE")
if only and only ~= "" then messages = { only } end
local bodies = {}
for i, m in ipairs(messages) do bodies[i] = '{"message":"' .. m .. '"}' end
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }

local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  n = id or 0
  statuses = {}
end

function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/chat", headers, bodies[(n % #bodies) + 1])
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 and not first_error then first_error = body end
end

function done(summary, latency, requests)
  local total = {}
  local err
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, c in pairs(s or {}) do total[code] = (total[code] or 0) + c end
    err = err or t:get("first_error")
  end
  for code, c in pairs(total) do io.write(string.format("STATUS %d %d\n", code, c)) end
  if err then io.write("FIRST_ERROR " .. string.sub(err, 1, 300) .. "\n") end
end
