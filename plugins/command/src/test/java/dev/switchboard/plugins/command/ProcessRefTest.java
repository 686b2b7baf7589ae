package dev.switchboard.plugins.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ProcessRefTest {

  @Test
  void a_ref_reads_back_as_itself() {
    ProcessRef ref = new ProcessRef(4242, 1_712_345_678_901L);

    assertEquals("4242@1712345678901", ref.toString());
    assertEquals(Optional.of(ref), ProcessRef.parse(ref.toString()));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "abc",
        "4242",
        "4242@",
        "@1712345678901",
        "0@1",
        "-5@1",
        "12@34@56",
        "12@-3",
        "x@1",
        "4294967297@1",
        "99999999999999999999@1",
        "12 @ 34"
      })
  void text_that_is_not_a_ref_reads_as_empty(String text) {
    assertEquals(Optional.empty(), ProcessRef.parse(text));
  }

  @Test
  void the_ref_of_this_process_finds_this_process() {
    ProcessRef ref = ProcessRef.of(ProcessHandle.current()).orElseThrow();

    assertEquals(Optional.of(ProcessHandle.current().pid()), ref.find().map(ProcessHandle::pid));
  }

  @Test
  void a_ref_with_the_same_pid_but_another_start_finds_nothing() {
    ProcessRef ref = ProcessRef.of(ProcessHandle.current()).orElseThrow();
    ProcessRef reused = new ProcessRef(ref.pid(), ref.startMillis() - 1000);

    assertTrue(reused.find().isEmpty());
  }

  @Test
  void pids_outside_the_systems_range_are_rejected() {
    assertThrows(IllegalArgumentException.class, () -> new ProcessRef(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ProcessRef(1L << 32, 1));
  }
}
