package dev.mediasync.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of a {@link PostgresOpStore}.
 *
 * @param host server host name or address
 * @param port server port (default 5432)
 * @param database database name
 * @param user role to log in as
 * @param password password, or null (trust, peer, or a {@code .pgpass} file)
 * @param schema the schema holding the store's tables; created by the migrations if missing. Lets
 *     several stores (or test classes) share one database without seeing each other.
 * @param readConnections connections (and threads) serving {@code load}, {@code since} and {@code
 *     ping}; the writer has one more of its own
 * @param maxBatch most appends committed in one transaction
 * @param maxQueuedWrites appends waiting for the writer beyond this fail at once with {@code
 *     StoreUnavailableException} (back-pressure instead of unbounded memory)
 * @param connectTimeout how long opening a connection may take before it fails
 * @param queryTimeout how long the client waits for any answer of the server (socket read timeout)
 *     before it drops the connection and fails the request
 */
public record PostgresOptions(
    String host,
    int port,
    String database,
    String user,
    String password,
    String schema,
    int readConnections,
    int maxBatch,
    int maxQueuedWrites,
    Duration connectTimeout,
    Duration queryTimeout) {

  /** The schema used unless one is given. */
  public static final String DEFAULT_SCHEMA = "sync";

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public PostgresOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(queryTimeout, "queryTimeout");
    if (host.isBlank() || database.isBlank() || user.isBlank()) {
      throw new IllegalArgumentException("host, database and user must not be blank");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (!IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 chars): " + schema);
    }
    if (readConnections < 1) {
      throw new IllegalArgumentException("readConnections must be at least 1: " + readConnections);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    }
    if (maxQueuedWrites < 1) {
      throw new IllegalArgumentException("maxQueuedWrites must be at least 1: " + maxQueuedWrites);
    }
    if (connectTimeout.toSeconds() < 1 || queryTimeout.toSeconds() < 1) {
      // The JDBC driver takes whole seconds; 0 would mean "wait forever".
      throw new IllegalArgumentException("timeouts must be at least 1 second");
    }
  }

  /**
   * Parses {@code postgresql://user[:password]@host[:port]/db} (also {@code postgres://}); user and
   * password may be percent-encoded. Defaults: schema {@code sync}, 2 read connections, batches of
   * up to 1024, 100,000 queued writes, connect timeout 3 s, query timeout 5 s.
   *
   * @throws IllegalArgumentException naming what is wrong (never echoing the password)
   */
  public static PostgresOptions fromUrl(String url) {
    Objects.requireNonNull(url, "url");
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "database URL must look like postgresql://user[:password]@host:port/db");
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new IllegalArgumentException(
          "database URL must start with postgresql:// (got scheme " + scheme + ")");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("database URL has no host");
    }
    String rawUserInfo = uri.getRawUserInfo();
    if (rawUserInfo == null || rawUserInfo.isEmpty()) {
      throw new IllegalArgumentException("database URL has no user (postgresql://user@host/db)");
    }
    int colon = rawUserInfo.indexOf(':');
    String user = decode(colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
    String password = colon < 0 ? null : decode(rawUserInfo.substring(colon + 1));
    String path = uri.getPath();
    if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
      throw new IllegalArgumentException("database URL has no database name (.../db)");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("database URL parameters are not supported");
    }
    return new PostgresOptions(
        host,
        uri.getPort() < 0 ? 5432 : uri.getPort(),
        path.substring(1),
        user,
        password,
        DEFAULT_SCHEMA,
        2,
        1024,
        100_000,
        Duration.ofSeconds(3),
        Duration.ofSeconds(5));
  }

  public PostgresOptions withSchema(String value) {
    return new PostgresOptions(
        host,
        port,
        database,
        user,
        password,
        value,
        readConnections,
        maxBatch,
        maxQueuedWrites,
        connectTimeout,
        queryTimeout);
  }

  public PostgresOptions withHostAndPort(String newHost, int newPort) {
    return new PostgresOptions(
        newHost,
        newPort,
        database,
        user,
        password,
        schema,
        readConnections,
        maxBatch,
        maxQueuedWrites,
        connectTimeout,
        queryTimeout);
  }

  public PostgresOptions withReadConnections(int value) {
    return new PostgresOptions(
        host,
        port,
        database,
        user,
        password,
        schema,
        value,
        maxBatch,
        maxQueuedWrites,
        connectTimeout,
        queryTimeout);
  }

  public PostgresOptions withMaxBatch(int value) {
    return new PostgresOptions(
        host,
        port,
        database,
        user,
        password,
        schema,
        readConnections,
        value,
        maxQueuedWrites,
        connectTimeout,
        queryTimeout);
  }

  public PostgresOptions withTimeouts(Duration connect, Duration query) {
    return new PostgresOptions(
        host,
        port,
        database,
        user,
        password,
        schema,
        readConnections,
        maxBatch,
        maxQueuedWrites,
        connect,
        query);
  }

  /** The JDBC URL (without credentials, which go in connection properties). */
  String jdbcUrl() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + database;
  }

  /** {@code user@host:port/db schema=...}, without the password; for log lines. */
  public String describe() {
    return user + "@" + host + ":" + port + "/" + database + " schema=" + schema;
  }

  @Override
  public String toString() {
    return "PostgresOptions[" + describe() + (password == null ? "" : " password=***") + "]";
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
