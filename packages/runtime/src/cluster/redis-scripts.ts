/**
 * The Lua scripts of the Redis bus: each runs atomically in Redis, so two nodes can never both
 * win a claim, both take the last unit of a cap, or both take a dead node over. Every key is
 * under the bus's prefix (ARGV[1]); a single Redis (or a primary with replicas), not Redis Cluster.
 *
 * Layout under the prefix: `nodes` (sorted set: node id by last heartbeat, Redis time in ms),
 * `info` (hash: node id to its JSON info), `c:<counter>` (hash: node id to units held),
 * `cn:<node>` (set: the counters a node holds units of), `k:<key>` (shared keys),
 * `w:<counter>` (rate windows), `s:<set>` (sorted set: member by expiry, Redis time in ms).
 */

/** Frees a node's units and forgets it; shared by heartbeat (dead nodes) and leave. */
const FORGET = `
local function forget(prefix, node)
  redis.call('ZREM', prefix .. 'nodes', node)
  redis.call('HDEL', prefix .. 'info', node)
  local held = prefix .. 'cn:' .. node
  for _, counter in ipairs(redis.call('SMEMBERS', held)) do redis.call('HDEL', counter, node) end
  redis.call('DEL', held)
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * ARGV: prefix, node, info JSON, lease ms, '1' when joining. Renews the node's lease and removes
 * every node whose lease ran out, leaving a tombstone (`dead:<node>`, ten leases) that tells a
 * node coming back that its work was taken over (rather than Redis having restarted empty).
 * Returns { was a member (0/1), was taken over (0/1), dead node ids... }: a dead node is returned
 * to exactly one caller, the survivor that takes it over. Joining while the id's lease has not run
 * out changes nothing and returns { -1, its last heartbeat, how long ago } (node-id.ts).
 */
export const HEARTBEAT = `${FORGET}
local prefix, node, info, lease = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local t = now()
local was = redis.call('ZSCORE', prefix .. 'nodes', node)
if ARGV[5] == '1' and was and tonumber(was) > t - lease then return { -1, tonumber(was), t - tonumber(was) } end
local taken = redis.call('DEL', prefix .. 'dead:' .. node)
local dead = redis.call('ZRANGEBYSCORE', prefix .. 'nodes', '-inf', t - lease)
local result = { was and 1 or 0, taken }
for _, id in ipairs(dead) do
  if id ~= node then
    forget(prefix, id)
    redis.call('SET', prefix .. 'dead:' .. id, '1', 'PX', lease * 10)
    table.insert(result, id)
  end
end
redis.call('ZADD', prefix .. 'nodes', t, node)
redis.call('HSET', prefix .. 'info', node, info)
return result
`;

/** ARGV: prefix, node. Leaves: frees the node's units, removes it. Returns 1 if it was a member. */
export const LEAVE = `${FORGET}
local was = redis.call('ZSCORE', ARGV[1] .. 'nodes', ARGV[2])
forget(ARGV[1], ARGV[2])
return was and 1 or 0
`;

/** ARGV: prefix, lease ms. The live nodes' info. */
export const MEMBERS = `${FORGET}
local ids = redis.call('ZRANGEBYSCORE', ARGV[1] .. 'nodes', now() - tonumber(ARGV[2]), '+inf')
if #ids == 0 then return {} end
return redis.call('HMGET', ARGV[1] .. 'info', unpack(ids))
`;

/** KEYS: counter hash, node's counter set. ARGV: node, limit. 1 when a unit was taken. */
export const TAKE = `
local total = 0
for _, units in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(units) end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('SADD', KEYS[2], KEYS[1])
return 1
`;

/** KEYS: counter hash, node's counter set. ARGV: node. Gives one unit back. */
export const GIVE = `
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], KEYS[1])
end
return left
`;

/** KEYS: counter hash. Units held across the cluster. */
export const COUNT = `
local total = 0
for _, units in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(units) end
return total
`;

/** KEYS: window key. ARGV: window ms. Counts a hit; the first hit opens the window. */
export const HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return hits
`;

/** KEYS: key. ARGV: value. Deletes the key only while it holds the value. */
export const DELETE_IF = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS: key. ARGV: value, TTL ms. Extends the key's life only while it holds the value. */
export const RENEW_IF = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** KEYS: set. ARGV: member, TTL ms. Adds (or renews) the member until now + TTL. */
export const ADD_MEMBER = `${FORGET}
local t = now()
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], t + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`;

/** KEYS: set. The members whose expiry has not passed (expired ones removed). */
export const LIVE_MEMBERS = `${FORGET}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now())
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;
