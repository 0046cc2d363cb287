package dev.celeriac.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic.Kind;

/**
 * The one place that talks to {@link Messager}. It counts errors (not warnings or notes) so that callers can tell whether an element
 * came through clean: take a {@link #checkpoint()}, validate, then ask {@link #cleanSince(int)}.
 */
public final class Diagnostics {

  private final Messager messager;
  private int errors;

  public Diagnostics(Messager messager) {
    this.messager = messager;
  }

  /** Reports {@code message} on {@code element}. */
  public void error(Message message, Element element, Object... arguments) {
    print(Kind.ERROR, message.format(arguments), element, null, null);
  }

  /** Reports {@code message} on an annotation of {@code element}. */
  public void error(Message message, Element element, AnnotationMirror annotation, Object... arguments) {
    print(Kind.ERROR, message.format(arguments), element, annotation, null);
  }

  /** Reports {@code message} on one value of an annotation, so that the caret sits on that value. */
  public void error(Message message, Element element, AnnotationMirror annotation, AnnotationValue value,
      Object... arguments) {
    print(Kind.ERROR, message.format(arguments), element, annotation, value);
  }

  /** Warns about {@code element}; a warning does not fail the build. */
  public void warning(Message message, Element element, Object... arguments) {
    print(Kind.WARNING, message.format(arguments), element, null, null);
  }

  /** Warns about one value of an annotation, so that the caret sits on that value. */
  public void warning(Message message, Element element, AnnotationMirror annotation, AnnotationValue value,
      Object... arguments) {
    print(Kind.WARNING, message.format(arguments), element, annotation, value);
  }

  /** Tells the user something worth knowing, on {@code element} if there is one. */
  public void note(Message message, Element element, Object... arguments) {
    if (element == null) {
      messager.printMessage(Kind.NOTE, message.format(arguments));
    } else {
      messager.printMessage(Kind.NOTE, message.format(arguments), element);
    }
  }

  /** Reports an exception the processor should not have thrown, on the element it was working on. */
  public void internalError(Element element, Throwable failure) {
    java.io.StringWriter trace = new java.io.StringWriter();
    failure.printStackTrace(new java.io.PrintWriter(trace));
    print(Kind.ERROR, Message.INTERNAL_ERROR.format(failure, trace), element, null, null);
  }

  /** The number of errors so far, to pass to {@link #cleanSince(int)}. */
  public int checkpoint() {
    return errors;
  }

  /** Whether no error was reported after {@code checkpoint}. */
  public boolean cleanSince(int checkpoint) {
    return errors == checkpoint;
  }

  /** Whether the processor reported no error at all. */
  public boolean isClean() {
    return errors == 0;
  }

  private void print(Kind kind, String text, Element element, AnnotationMirror annotation, AnnotationValue value) {
    if (kind == Kind.ERROR) {
      errors++;
    }
    if (element == null) {
      messager.printMessage(kind, text);
    } else if (annotation == null) {
      messager.printMessage(kind, text, element);
    } else if (value == null) {
      messager.printMessage(kind, text, element, annotation);
    } else {
      messager.printMessage(kind, text, element, annotation, value);
    }
  }
}
