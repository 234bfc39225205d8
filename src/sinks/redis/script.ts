// The one Lua script every RedisSink write runs. A script runs atomically in Redis, so checking a
// batch's guard (stored positions, or a marker), applying the update and moving the guard happen
// together or not at all; MULTI cannot do this (it has no conditionals: a replayed MULTI with
// `SET marker NX` still runs its increments). A runtime error inside a script does NOT roll back
// the writes made before it, so the script validates everything (key types, stored totals) before
// its first write and refuses with `DSTREAM_REJECTED ...`, leaving nothing applied.
//
// Calling convention (built by writes.ts):
//   KEYS[1]   the guard: the sink's offsets hash, its batch-time key, or a marker key
//   KEYS[2..] the data keys: one for hash/sorted-set/set writes, one per record for `set`
//   ARGV[1]   the guard's kind: offsets | time | marker
//   ARGV[2]   g, the count of guard arguments that follow:
//             offsets: (field, fromOffset, untilOffset) triples; time: the batch time in ms;
//             marker: the marker's time to live in seconds
//   ARGV[3+g] the operation: check | none | set | hset | hadd | zadd | zincr | sadd
//   ARGV[4+g] its argument (set: the time to live in seconds, or '')
//   ARGV[5+g..] the records: (field or member, value) pairs, (score, member) pairs for `zadd`,
//             values for `set`, members for `sadd`
// Returns {1} applied, {0} already applied (skipped), or {-1, stored...} when the offsets do not
// follow (the stored end of each range, '' for none), for the caller to name the mismatch.

/** The command name the script is registered under (ioredis `defineCommand`: EVALSHA, EVAL on NOSCRIPT). */
export const SCRIPT_COMMAND = 'dstreamSinkWrite';

export const WRITE_SCRIPT = `
local kind = ARGV[1]
local g = tonumber(ARGV[2])
local op = ARGV[3 + g]
local opArg = ARGV[4 + g]
local first = 5 + g
local last = #ARGV
local guard = KEYS[1]

local function reject(message)
  return redis.error_reply('DSTREAM_REJECTED ' .. message)
end

-- The guard: does this batch (or chunk) apply, was it applied already, or is it refused?
if kind == 'offsets' then
  local follows, appliedAll, stored = true, true, {}
  for i = 3, 2 + g, 3 do
    local s = redis.call('HGET', guard, ARGV[i])
    stored[#stored + 1] = s or ''
    if s and s ~= ARGV[i + 1] then follows = false end
    -- At or behind the stored end: this batch again, or an earlier pending one of a recovered
    -- application run after later ones (offsets only move forward), as offsetsVerdict says.
    if not s or tonumber(ARGV[i + 2]) > tonumber(s) then appliedAll = false end
  end
  if not follows then
    if appliedAll then return {0} end
    local reply = {-1}
    for i = 1, #stored do reply[#reply + 1] = stored[i] end
    return reply
  end
elseif kind == 'time' then
  local s = redis.call('GET', guard)
  if s and tonumber(ARGV[3]) <= tonumber(s) then return {0} end
elseif kind == 'marker' then
  if redis.call('EXISTS', guard) == 1 then return {0} end
end
if op == 'check' then return {1} end

-- Exact decimal arithmetic on strings: Lua numbers are doubles, and 0.1 + 0.2 must be 0.3.
local function parse(s)
  local neg = string.sub(s, 1, 1) == '-'
  if neg then s = string.sub(s, 2) end
  local i, f = string.match(s, '^(%d+)%.(%d+)$')
  if not i then i = string.match(s, '^(%d+)$'); f = '' end
  if not i then return nil end
  return neg, i, f
end
local function compare(a, b) -- equal-length digit strings
  if a == b then return 0 elseif a < b then return -1 else return 1 end
end
local function addDigits(a, b)
  local out, carry = {}, 0
  for i = #a, 1, -1 do
    local d = string.byte(a, i) + string.byte(b, i) - 96 + carry
    carry = d >= 10 and 1 or 0
    out[i] = d - carry * 10
  end
  return (carry == 1 and '1' or '') .. table.concat(out)
end
local function subDigits(a, b) -- a >= b
  local out, borrow = {}, 0
  for i = #a, 1, -1 do
    local d = string.byte(a, i) - string.byte(b, i) - borrow
    borrow = d < 0 and 1 or 0
    out[i] = d + borrow * 10
  end
  return table.concat(out)
end
local function format(neg, digits, scale)
  local int = string.gsub(string.sub(digits, 1, #digits - scale), '^0+', '')
  local frac = string.gsub(string.sub(digits, #digits - scale + 1), '0+$', '')
  if int == '' then int = '0' end
  local text = int
  if frac ~= '' then text = int .. '.' .. frac end
  if neg and text ~= '0' then text = '-' .. text end
  return text
end
local function decimalAdd(x, y)
  local xn, xi, xf = parse(x)
  local yn, yi, yf = parse(y)
  local scale = math.max(#xf, #yf)
  xf = xf .. string.rep('0', scale - #xf)
  yf = yf .. string.rep('0', scale - #yf)
  if #xi + scale <= 15 and #yi + scale <= 15 then
    -- Both fit in 15 digits as scaled integers: exact in a double, and their sum too.
    local v = (xn and -1 or 1) * tonumber(xi .. xf) + (yn and -1 or 1) * tonumber(yi .. yf)
    local digits = string.format('%.0f', math.abs(v))
    digits = string.rep('0', scale + 1 - #digits) .. digits
    return format(v < 0, digits, scale)
  end
  local width = math.max(#xi, #yi)
  local a = string.rep('0', width - #xi) .. xi .. xf
  local b = string.rep('0', width - #yi) .. yi .. yf
  if xn == yn then return format(xn, addDigits(a, b), scale) end
  if compare(a, b) >= 0 then return format(xn, subDigits(a, b), scale) end
  return format(yn, subDigits(b, a), scale)
end

-- Validate before the first write.
local expected = ({hset = 'hash', hadd = 'hash', zadd = 'zset', zincr = 'zset', sadd = 'set'})[op]
if expected then
  local t = redis.call('TYPE', KEYS[2]).ok
  if t ~= 'none' and t ~= expected then
    return reject('key ' .. KEYS[2] .. ' holds a ' .. t .. ', not a ' .. expected .. ' (WRONGTYPE)')
  end
end
local totals = {}
if op == 'hadd' then
  for i = first, last, 2 do
    local field = ARGV[i]
    if totals[field] == nil then
      local s = redis.call('HGET', KEYS[2], field)
      if s and not select(2, parse(s)) then
        return reject('key ' .. KEYS[2] .. ' field ' .. field .. ' holds ' .. s .. ', not a decimal number')
      end
      totals[field] = s or '0'
    end
  end
end

-- Apply, in slices of ARGV itself (unpack takes at most a few thousand values; copying the
-- records into a table first would cost as much as the write).
local SLICE = 1000
local function bulk(command, key)
  for i = first, last, SLICE do
    redis.call(command, key, unpack(ARGV, i, math.min(i + SLICE - 1, last)))
  end
end
if op == 'set' then
  if opArg == '' then
    local args = {}
    for i = first, last do
      args[#args + 1] = KEYS[i - first + 2]
      args[#args + 1] = ARGV[i]
      if #args >= SLICE then redis.call('MSET', unpack(args)); args = {} end
    end
    if #args > 0 then redis.call('MSET', unpack(args)) end
  else
    for i = first, last do redis.call('SET', KEYS[i - first + 2], ARGV[i], 'EX', opArg) end
  end
elseif op == 'hset' then
  bulk('HSET', KEYS[2])
elseif op == 'hadd' then
  local order, seen = {}, {}
  for i = first, last, 2 do
    local field = ARGV[i]
    if not seen[field] then seen[field] = true; order[#order + 1] = field end
    totals[field] = decimalAdd(totals[field], ARGV[i + 1])
  end
  local args = {}
  for _, field in ipairs(order) do
    args[#args + 1] = field
    args[#args + 1] = totals[field]
    if #args >= SLICE then redis.call('HSET', KEYS[2], unpack(args)); args = {} end
  end
  if #args > 0 then redis.call('HSET', KEYS[2], unpack(args)) end
elseif op == 'zadd' then
  bulk('ZADD', KEYS[2])
elseif op == 'zincr' then
  for i = first, last, 2 do redis.call('ZINCRBY', KEYS[2], ARGV[i + 1], ARGV[i]) end
elseif op == 'sadd' then
  bulk('SADD', KEYS[2])
end

-- Move the guard with the update.
if kind == 'offsets' then
  local args = {}
  for i = 3, 2 + g, 3 do
    args[#args + 1] = ARGV[i]
    args[#args + 1] = ARGV[i + 2]
  end
  if #args > 0 then redis.call('HSET', guard, unpack(args)) end
elseif kind == 'time' then
  redis.call('SET', guard, ARGV[3])
elseif kind == 'marker' then
  redis.call('SET', guard, '1', 'EX', ARGV[3])
end
return {1}
`;
