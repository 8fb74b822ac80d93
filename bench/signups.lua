-- wrk script: each request confirms the next held sign-up, its token from
-- a list (one per line, args[1]), with the double-submit CSRF token args[2].
local tokens = {}
local csrf = ""
local i = 0

function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  csrf = args[2]
end

function request()
  i = i + 1
  return wrk.format("POST", "/signups/confirm", { ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "turnout_csrf=" .. csrf }, "csrf=" .. csrf .. "&token=" .. tokens[i])
end
