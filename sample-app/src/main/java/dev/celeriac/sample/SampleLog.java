package dev.celeriac.sample;

/** What the sample prints: one line per thing a task did, so the main job's output reads as a log. */
final class SampleLog {

  private SampleLog() {}

  // @FormatMethod would add Error Prone's annotations to the sample's dependencies for one private helper.
  @SuppressWarnings("AnnotateFormatMethod")
  static void line(String format, Object... args) {
    String text = String.format(format, args);
    synchronized (System.out) {
      System.out.println("  [" + Thread.currentThread().getName() + "] " + text);
    }
  }
}
