package dev.mediasync.broker.redis;

import dev.mediasync.engine.port.DeviceInfo;
import dev.mediasync.engine.port.DeviceStatus;
import dev.mediasync.engine.port.PresenceStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link PresenceStore} shared by every node, in Redis. Per user (the braces make every key of
 * a user one Redis Cluster slot, so each script touches one slot):
 *
 * <ul>
 *   <li>{@code presence:{<user>}:devices}: set of the user's device ids;
 *   <li>{@code presence:{<user>}:dev:<device>}: hash {@code name}, {@code type}, {@code caps}
 *       (comma-separated), {@code seen} (last seen, epoch ms, only ever increases);
 *   <li>{@code presence:{<user>}:conns:<device>}: sorted set of the device's connection ids, scored
 *       by when each expires (Redis server time + presence timeout), refreshed by {@link #touch}.
 * </ul>
 *
 * A device is online while one of its connections has not expired. Each operation is one Lua
 * script, so connection counting and the transitions it reports are atomic across nodes (rule 2).
 * Expiry uses Redis's clock, so the nodes' clocks do not matter for it; a node that dies stops
 * refreshing and its connections stop counting within the timeout (rule 3). Its devices then show
 * offline in the device list, but no {@code device_offline} is published for them (no node sees
 * their disconnect); when such a device connects again, the others get {@code device_online}.
 * Device descriptions are kept 30 days after the device's last connect.
 */
public final class RedisPresenceStore implements PresenceStore {
  private static final long RETAIN_MS = Duration.ofDays(30).toMillis();

  private static final String NOW =
      "local t = redis.call('TIME')\n"
          + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n";

  private static final String SEEN =
      "local function seen(key, ms)\n"
          + "  local old = redis.call('HGET', key, 'seen')\n"
          + "  if (not old) or tonumber(old) < tonumber(ms) then\n"
          + "    redis.call('HSET', key, 'seen', ms)\n"
          + "  end\n"
          + "end\n";

  /** KEYS: devices, dev, conns. ARGV: device, conn, ttl, seen, name, type, caps, retain. */
  private static final Script CONNECT =
      new Script(
          NOW
              + SEEN
              + "local ttl = tonumber(ARGV[3])\n"
              + "redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)\n"
              + "local before = redis.call('ZCARD', KEYS[3])\n"
              + "redis.call('ZADD', KEYS[3], now + ttl, ARGV[2])\n"
              + "redis.call('PEXPIRE', KEYS[3], ttl * 2)\n"
              + "redis.call('SADD', KEYS[1], ARGV[1])\n"
              + "redis.call('PEXPIRE', KEYS[1], ARGV[8])\n"
              + "if ARGV[5] ~= '' then redis.call('HSET', KEYS[2], 'name', ARGV[5]) end\n"
              + "if ARGV[6] ~= '' then redis.call('HSET', KEYS[2], 'type', ARGV[6]) end\n"
              + "if ARGV[7] ~= '' then redis.call('HSET', KEYS[2], 'caps', ARGV[7]) end\n"
              + "seen(KEYS[2], ARGV[4])\n"
              + "redis.call('PEXPIRE', KEYS[2], ARGV[8])\n"
              + "if before == 0 then return 1 end\n"
              + "return 0\n");

  /**
   * KEYS: dev, conns. ARGV: conn, seen. The connection is removed before expired ones are pruned,
   * so the disconnect of a connection that just expired still reports the device going offline.
   */
  private static final Script DISCONNECT =
      new Script(
          NOW
              + SEEN
              + "if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end\n"
              + "if redis.call('EXISTS', KEYS[1]) == 1 then seen(KEYS[1], ARGV[2]) end\n"
              + "redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)\n"
              + "if redis.call('ZCARD', KEYS[2]) == 0 then return 1 end\n"
              + "return 0\n");

  /** KEYS: dev, conns. ARGV: conn, ttl, seen. An expired connection is not brought back. */
  private static final Script TOUCH =
      new Script(
          NOW
              + SEEN
              + "local ttl = tonumber(ARGV[2])\n"
              + "local score = redis.call('ZSCORE', KEYS[2], ARGV[1])\n"
              + "if score and tonumber(score) > now then\n"
              + "  redis.call('ZADD', KEYS[2], 'XX', now + ttl, ARGV[1])\n"
              + "  redis.call('PEXPIRE', KEYS[2], ttl * 2)\n"
              + "end\n"
              + "if redis.call('EXISTS', KEYS[1]) == 1 then seen(KEYS[1], ARGV[3]) end\n"
              + "return 0\n");

  /** KEYS: devices. ARGV: the user's key prefix, then device ids (none: all devices). */
  private static final Script DEVICES =
      new Script(
          NOW
              + "local ids = {}\n"
              + "if #ARGV > 1 then\n"
              + "  for i = 2, #ARGV do\n"
              + "    if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then ids[#ids + 1] = ARGV[i] end\n"
              + "  end\n"
              + "else\n"
              + "  ids = redis.call('SMEMBERS', KEYS[1])\n"
              + "end\n"
              + "local out = {}\n"
              + "for _, id in ipairs(ids) do\n"
              + "  local h = redis.call('HMGET', ARGV[1] .. 'dev:' .. id, 'name', 'type', 'caps', 'seen')\n"
              + "  local n = redis.call('ZCOUNT', ARGV[1] .. 'conns:' .. id, '(' .. now, '+inf')\n"
              + "  out[#out + 1] = {id, h[1] or '', h[2] or '', h[3] or '', h[4] or '0', n}\n"
              + "end\n"
              + "return out\n");

  private final Redis client;
  private final String namespace;
  private final long ttlMs;
  private final long timeoutMs;

  /**
   * @param client a Redis client (see {@link RedisSupport#client})
   * @param namespace prefix of every key; empty in production
   * @param presenceTimeout how long a connection counts after its last connect or touch
   * @param timeoutMs how long one call may wait for Redis before its future fails
   */
  public RedisPresenceStore(
      Redis client, String namespace, Duration presenceTimeout, long timeoutMs) {
    this.client = client;
    this.namespace = namespace;
    this.ttlMs = presenceTimeout.toMillis();
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Boolean> connected(
      String userId, DeviceInfo info, String connectionId, Instant now) {
    String d = info.deviceId();
    return run(
            CONNECT,
            List.of(devicesKey(userId), devKey(userId, d), connsKey(userId, d)),
            List.of(
                d,
                connectionId,
                Long.toString(ttlMs),
                Long.toString(now.toEpochMilli()),
                info.name() == null ? "" : info.name(),
                info.type() == null ? "" : info.type(),
                String.join(",", info.capabilities()),
                Long.toString(RETAIN_MS)))
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> disconnected(
      String userId, String deviceId, String connectionId, Instant now) {
    return run(
            DISCONNECT,
            List.of(devKey(userId, deviceId), connsKey(userId, deviceId)),
            List.of(connectionId, Long.toString(now.toEpochMilli())))
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Void> touch(String userId, String deviceId, String connectionId, Instant now) {
    return run(
            TOUCH,
            List.of(devKey(userId, deviceId), connsKey(userId, deviceId)),
            List.of(connectionId, Long.toString(ttlMs), Long.toString(now.toEpochMilli())))
        .mapEmpty();
  }

  @Override
  public Future<List<DeviceStatus>> devices(String userId) {
    return run(DEVICES, List.of(devicesKey(userId)), List.of(userPrefix(userId)))
        .map(RedisPresenceStore::statuses);
  }

  @Override
  public Future<DeviceStatus> device(String userId, String deviceId) {
    return run(DEVICES, List.of(devicesKey(userId)), List.of(userPrefix(userId), deviceId))
        .map(r -> statuses(r).stream().findFirst().orElse(null));
  }

  @Override
  public Future<Void> ping() {
    return client
        .send(Request.cmd(Command.PING))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  public Future<Void> close() {
    return client.close();
  }

  private static List<DeviceStatus> statuses(Response r) {
    List<DeviceStatus> out = new ArrayList<>();
    if (r == null) {
      return out;
    }
    for (Response row : r) {
      String caps = row.get(3).toString();
      DeviceInfo info =
          new DeviceInfo(
              row.get(0).toString(),
              emptyToNull(row.get(1).toString()),
              emptyToNull(row.get(2).toString()),
              caps.isEmpty() ? List.of() : Arrays.asList(caps.split(",")));
      out.add(
          new DeviceStatus(
              info,
              row.get(5).toLong() > 0,
              Instant.ofEpochMilli(Long.parseLong(row.get(4).toString()))));
    }
    out.sort(Comparator.comparing(s -> s.info().deviceId()));
    return out;
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  // ---------------------------------------------------------------- keys

  private String userPrefix(String userId) {
    return namespace + "presence:{" + userId + "}:";
  }

  private String devicesKey(String userId) {
    return userPrefix(userId) + "devices";
  }

  private String devKey(String userId, String deviceId) {
    return userPrefix(userId) + "dev:" + deviceId;
  }

  private String connsKey(String userId, String deviceId) {
    return userPrefix(userId) + "conns:" + deviceId;
  }

  // ---------------------------------------------------------------- scripts

  /** EVALSHA, falling back to EVAL when Redis does not know the script (e.g. it restarted). */
  private Future<Response> run(Script script, List<String> keys, List<String> args) {
    return client
        .send(script.request(Command.EVALSHA, script.sha, keys, args))
        .recover(
            e -> {
              String m = e.getMessage();
              if (m != null && m.startsWith("NOSCRIPT")) {
                return client.send(script.request(Command.EVAL, script.source, keys, args));
              }
              return Future.failedFuture(e);
            })
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private static final class Script {
    final String source;
    final String sha;

    Script(String source) {
      this.source = source;
      try {
        this.sha =
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    Request request(Command cmd, String first, List<String> keys, List<String> args) {
      Request r = Request.cmd(cmd).arg(first).arg(keys.size());
      keys.forEach(r::arg);
      args.forEach(r::arg);
      return r;
    }
  }
}
