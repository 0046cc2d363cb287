package dev.celeriac;

import dev.celeriac.canvas.SignatureSpec;
import java.util.List;
import java.util.Objects;

/**
 * Tasks sent together, as Celery's {@code group}: each member is its own message with the group's id in its
 * {@code group} header. Made by {@link Canvas#group}; the header of a {@link Canvas#chord}. Immutable.
 */
public final class Group {

  private final SignatureSpec spec;
  private final Celeriac app;

  Group(SignatureSpec spec, Celeriac app) {
    this.spec = spec;
    this.app = app;
  }

  /** The group as a signature, to be a step of a {@link Canvas#chain}: followed by a step it becomes a chord. */
  public Signature<List<Object>> asSignature() {
    return new Signature<>(spec, app);
  }

  /** Applies through {@code app} instead of {@link Celeriac#getDefault()}. */
  public Group on(Celeriac app) {
    return new Group(spec, Objects.requireNonNull(app));
  }

  SignatureSpec spec() {
    return spec;
  }

  /** Sends every member; returns the group's id and each member's task. */
  public GroupRef apply() {
    return (app != null ? app : Celeriac.getDefault()).applyGroup(spec);
  }

  @Override
  public String toString() {
    return spec.toWire().toString();
  }
}
