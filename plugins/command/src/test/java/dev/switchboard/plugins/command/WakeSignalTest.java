package dev.switchboard.plugins.command;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WakeSignalTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void a_wake_writes_one_wake_line() {
    RecordingStream stream = new RecordingStream();
    WakeSignal signal = new WakeSignal(stream, "test");

    signal.signal();

    Await.until("one line is written", WAIT, () -> signal.linesWritten() == 1);
    assertEquals("wake\n", stream.text());
  }

  @Test
  void wakes_during_a_blocked_write_never_block_the_caller_and_fold_into_one_line() {
    BlockingStream stream = new BlockingStream();
    WakeSignal signal = new WakeSignal(stream, "test");
    signal.signal();
    Await.until("the first write blocks", WAIT, () -> stream.blockedWrites.get() == 1);

    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          for (int i = 0; i < 100_000; i++) {
            signal.signal();
          }
        });
    stream.release.countDown();

    Await.until("the folded wake is written", WAIT, () -> signal.linesWritten() == 2);
    assertEquals("wake\nwake\n", stream.text());
  }

  @Test
  void close_returns_at_once_even_while_a_write_is_blocked() throws InterruptedException {
    BlockingStream stream = new BlockingStream();
    WakeSignal signal = new WakeSignal(stream, "test");
    signal.signal();
    Await.until("the first write blocks", WAIT, () -> stream.blockedWrites.get() == 1);

    assertTimeoutPreemptively(Duration.ofSeconds(1), signal::close);
    stream.release.countDown();

    assertTrue(stream.inputClosed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "input closed");
  }

  @Test
  void a_broken_pipe_ends_the_signal_quietly() {
    BrokenStream stream = new BrokenStream();
    WakeSignal signal = new WakeSignal(stream, "test");

    signal.signal();
    Await.until("the broken input is closed", WAIT, stream.closed::get);
    signal.signal();
    signal.signal();

    assertEquals(1, stream.attempts.get());
    assertEquals(0, signal.linesWritten());
  }

  @Test
  void wakes_after_close_write_nothing() {
    RecordingStream stream = new RecordingStream();
    WakeSignal signal = new WakeSignal(stream, "test");

    signal.close();
    signal.signal();

    Await.until("the input is closed", WAIT, () -> stream.closed);
    assertEquals("", stream.text());
  }

  private static class RecordingStream extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    volatile boolean closed;

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
    }

    synchronized String text() {
      return bytes.toString(US_ASCII);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Like a full pipe: the first write blocks until released; close waits for the write. */
  private static final class BlockingStream extends RecordingStream {
    final AtomicInteger blockedWrites = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch inputClosed = new CountDownLatch(1);

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (blockedWrites.getAndIncrement() == 0) {
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      super.write(b, off, len);
    }

    @Override
    public synchronized void close() {
      inputClosed.countDown();
    }
  }

  private static final class BrokenStream extends OutputStream {
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void write(int b) throws IOException {
      attempts.incrementAndGet();
      throw new IOException("Broken pipe");
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      write(0);
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}
