package dev.celeriac.it.amqp.robustness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the run log that worker JVMs append {@code "<task> <pid>"} lines to, incrementally: each
 * {@link #refresh()} reads only what was appended since, up to the last complete line.
 */
final class RunLog {

  private final Path file;
  private final Map<Integer, List<Long>> runs = new HashMap<>();
  private long offset;
  private long total;

  RunLog(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Reads what was appended; returns this. */
  synchronized RunLog refresh() {
    if (!Files.exists(file)) {
      return this;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size <= offset) {
        return this;
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) (size - offset));
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
        // read it all
      }
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
      int end = text.lastIndexOf('\n');
      if (end < 0) {
        return this;
      }
      for (String line : text.substring(0, end).split("\n", -1)) {
        String[] parts = line.split(" ", -1);
        runs.computeIfAbsent(Integer.parseInt(parts[0]), k -> new ArrayList<>(1)).add(Long.parseLong(parts[1]));
        total++;
      }
      offset += end + 1;
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many distinct tasks ran. */
  synchronized int distinct() {
    return runs.size();
  }

  /** How many runs there were. */
  synchronized long total() {
    return total;
  }

  /** Task → the pids of the workers that ran it, in run order. */
  synchronized Map<Integer, List<Long>> runs() {
    Map<Integer, List<Long>> copy = new HashMap<>();
    runs.forEach((task, pids) -> copy.put(task, List.copyOf(pids)));
    return copy;
  }
}
