package dev.mediasync.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PingScheduleTest {

  @Test
  void everySlotComesUpOncePerHeartbeat_inOrder_andAgain() {
    PingSchedule schedule = new PingSchedule();
    Set<Integer> firstRound = new HashSet<>();
    for (int i = 0; i < PingSchedule.SLOTS; i++) {
      firstRound.add(schedule.nextSlot());
    }
    assertThat(firstRound).hasSize(PingSchedule.SLOTS);
    assertThat(schedule.nextSlot()).isZero();
  }

  @Test
  void connectionsSpreadOverTheSlots_soNoTickPingsMuchMoreThanItsShare() {
    Random random = new Random(42);
    int[] perSlot = new int[PingSchedule.SLOTS];
    int connections = 3_000;
    for (int i = 0; i < connections; i++) {
      UUID id = new UUID(random.nextLong(), random.nextLong());
      int slot = PingSchedule.slotOf(id.toString());
      assertThat(slot).isBetween(0, PingSchedule.SLOTS - 1);
      perSlot[slot]++;
    }
    int share = connections / PingSchedule.SLOTS;
    for (int count : perSlot) {
      assertThat(count).isBetween(share / 2, share * 3 / 2);
    }
  }

  @Test
  void aConnectionKeepsItsSlot() {
    String id = UUID.randomUUID().toString();
    assertThat(PingSchedule.slotOf(id)).isEqualTo(PingSchedule.slotOf(new String(id)));
  }
}
