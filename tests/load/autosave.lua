-- wrk script: autosave POSTs as the respondents of a load run, each request a random respondent,
-- question and choice, the way a room full of people answering at once would send them.
--
-- wrk -s autosave.lua <base url> -- <autosave path> <sessions> <questions>
--   sessions:  sessionid:csrftoken pairs, comma-separated
--   questions: question id = option ids, e.g. "12=40.41.42;13=43.44.45"

local sessions = {}
local questions = {}
local path
local sent = 0
local next_thread = 1

local function split(text, sep)
  local parts = {}
  for part in string.gmatch(text, "([^" .. sep .. "]+)") do
    parts[#parts + 1] = part
  end
  return parts
end

function setup(thread)
  -- Each wrk thread has its own Lua state; a distinct id gives each its own random sequence.
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  path = args[1]
  for _, pair in ipairs(split(args[2], ",")) do
    local parts = split(pair, ":")
    sessions[#sessions + 1] = { id = parts[1], csrf = parts[2] }
  end
  for _, spec in ipairs(split(args[3], ";")) do
    local parts = split(spec, "=")
    local choices = split(parts[2], ".")
    choices[#choices + 1] = "dont_know"
    questions[#questions + 1] = { id = parts[1], choices = choices }
  end
  math.randomseed(os.time() * 100 + (thread_id or 0))
end

function request()
  local session = sessions[math.random(#sessions)]
  local question = questions[math.random(#questions)]
  local value = question.choices[math.random(#question.choices)]
  sent = sent + 1
  local body = "question=" .. question.id .. "&value=" .. value
    .. "&note=wrk-t" .. (thread_id or 0) .. "-s" .. sent
  local headers = {
    ["Host"] = "127.0.0.1",
    ["X-Forwarded-Proto"] = "https",
    ["Cookie"] = "sessionid=" .. session.id .. "; csrftoken=" .. session.csrf,
    ["X-CSRFToken"] = session.csrf,
    ["Referer"] = "https://127.0.0.1" .. path,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", path, headers, body)
end
