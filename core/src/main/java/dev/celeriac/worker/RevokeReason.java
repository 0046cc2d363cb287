package dev.celeriac.worker;

import java.util.Locale;

/** Why a task was revoked: the reasons Celery stores in a REVOKED result ({@code TaskRevokedError}). */
public enum RevokeReason {
  /** Its id was revoked before it ran; its message was discarded. */
  REVOKED,
  /** It was running when revoked with {@code terminate}, and was interrupted. */
  TERMINATED,
  /** Its message arrived after its {@code expires} time and was discarded. */
  EXPIRED;

  /** Celery's word for it, the message of the stored {@code TaskRevokedError}: {@code revoked}, {@code terminated}, {@code expired}. */
  public String celeryName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
