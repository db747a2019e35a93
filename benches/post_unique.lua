-- wrk script for the POST rows of benches/load.sh: every request carries a create body with a key no
-- other request of the run uses (run id, wrk thread id, per-thread counter), so every create is
-- validated and stored rather than refused as a duplicate.
--
--   BENCH_BODY=letta|orq  which create body (the hello-world's POST row uses letta's); empty: no body
--   BENCH_RUN=<text>      makes keys unique across runs against the same server

local body_kind = os.getenv("BENCH_BODY") or "letta"
local run = os.getenv("BENCH_RUN") or "0"
local threads = 0

-- Runs in wrk's main Lua state, once per thread, before the threads start.
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0

local letta = '{"identifier_key":"bench-%s-%d-%d","name":"Bench User","identity_type":"user",'
  .. '"project_id":null,"properties":[{"key":"email","value":"bench@example.com","type":"string"},'
  .. '{"key":"age","value":34,"type":"number"}]}'

local orq = '{"external_id":"bench-%s-%d-%d","display_name":"Bench User","email":"bench@example.com",'
  .. '"tags":["bench","premium"],"metadata":{"plan":"pro","seats":3}}'

local templates = { letta = letta, orq = orq }
local template = templates[body_kind]

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  if template == nil then
    return wrk.format()
  end
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format(template, run, tid or 0, counter))
end
