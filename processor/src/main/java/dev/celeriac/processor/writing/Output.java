package dev.celeriac.processor.writing;

import com.squareup.javapoet.JavaFile;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.tools.FileObject;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/** Hands generated files to javac's {@link Filer}. */
public final class Output {

  private final Filer filer;

  public Output(Filer filer) {
    this.filer = filer;
  }

  /** Writes a generated source file; its originating elements are those JavaPoet recorded. */
  public void source(JavaFile file) {
    try {
      file.writeTo(filer);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file.packageName + "." + file.typeSpec.name, e);
    }
  }

  /** Writes a generated source file, {@code text} of the type {@code qualifiedName}. */
  public void source(String qualifiedName, String text, Element... originatingElements) {
    try {
      JavaFileObject file = filer.createSourceFile(qualifiedName, originatingElements);
      try (Writer writer = file.openWriter()) {
        writer.write(text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + qualifiedName, e);
    }
  }

  /** Writes a resource to the class output, UTF-8. */
  public void resource(String path, String content, Element... originatingElements) {
    try {
      FileObject file = filer.createResource(StandardLocation.CLASS_OUTPUT, "", path, originatingElements);
      try (Writer writer = new OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
        writer.write(content);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + path, e);
    }
  }
}
