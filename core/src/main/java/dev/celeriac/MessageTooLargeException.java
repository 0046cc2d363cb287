package dev.celeriac;

/** An enqueue refused because the message exceeds the configured cap. Nothing was sent. */
public class MessageTooLargeException extends CeleriacException {

  private final String taskName;
  private final long size;
  private final long limit;

  public MessageTooLargeException(String taskName, long size, long limit) {
    super("message for task '" + taskName + "' is " + size + " bytes, over the limit of " + limit
        + " bytes (message.max-bytes); arguments travel in the message: pass ids and load the data in the task");
    this.taskName = taskName;
    this.size = size;
    this.limit = limit;
  }

  public String taskName() {
    return taskName;
  }

  public long size() {
    return size;
  }

  public long limit() {
    return limit;
  }
}
