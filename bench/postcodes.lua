-- wrk script: each request asks for a random real postcode from a list
-- (one per line, compact form), put into the path template args[2].
local list = {}
local template = "/postcodes/%s"
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  for line in io.lines(args[1]) do list[#list + 1] = line end
  if args[2] then template = args[2] end
  math.randomseed(os.time() * 100 + (seed or 0))
end

function request()
  return wrk.format("GET", string.format(template, list[math.random(#list)]))
end
