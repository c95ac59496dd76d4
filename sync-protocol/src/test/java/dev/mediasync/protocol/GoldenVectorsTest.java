package dev.mediasync.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden vectors in {@code src/test/resources/golden}: each decodes and re-encodes to the same
 * bytes, and together they cover every message record, so the Java codec, the SDK and the browser
 * client share one wire form.
 */
class GoldenVectorsTest {
  private final JsonCodec codec = new JsonCodec();

  @TestFactory
  Stream<DynamicTest> everyVector_roundTripsToIdenticalJson() throws IOException {
    return vectors().stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      String json = read(file);
                      assertThat(reencode(file, json)).isEqualTo(json);
                    }));
  }

  @Test
  void vectors_coverEveryMessageRecord() throws IOException {
    Set<Class<?>> seen = new HashSet<>();
    for (Path file : vectors()) {
      String json = read(file);
      seen.add(isServer(file) ? codec.decodeServerMessage(json).getClass() : decodeClient(json));
    }
    assertThat(seen)
        .containsAll(records(ServerMessage.class))
        .containsAll(records(ClientMessage.class));
  }

  @Test
  void vectors_areOneCompactLineEach() throws IOException {
    for (Path file : vectors()) {
      String raw = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(raw).as(file.toString()).endsWith("\n");
      assertThat(raw.strip()).as(file.toString()).doesNotContain("\n").doesNotContain(": ");
    }
  }

  private String reencode(Path file, String json) {
    if (isServer(file)) {
      return codec.encode(codec.decodeServerMessage(json));
    }
    return codec.encodeClientMessage(codec.decodeClientFrame(json));
  }

  private Class<?> decodeClient(String json) {
    return codec.decodeClientFrame(json).getClass();
  }

  private static boolean isServer(Path file) {
    return file.getFileName().toString().startsWith("server.");
  }

  /** The record types of a sealed hierarchy, through nested sealed interfaces. */
  static List<Class<?>> records(Class<?> sealed) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : sealed.getPermittedSubclasses()) {
      if (c.isSealed()) {
        out.addAll(records(c));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  static List<Path> vectors() throws IOException {
    Path dir;
    try {
      dir = Path.of(GoldenVectorsTest.class.getResource("/golden").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertThat(list).isNotEmpty();
      return list;
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }
}
