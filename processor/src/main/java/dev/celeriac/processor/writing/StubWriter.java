package dev.celeriac.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import dev.celeriac.processor.model.TaskDescriptor;
import java.util.Map;

/**
 * Writes the stub of one task: its name, its {@code TaskDefinition}, typed {@code enqueue} and {@code signature}
 * methods, the fluent {@code Call} and, for a task this JVM can run, the invoker that calls the method without
 * reflection.
 *
 * <p>A stub is as small as it can be, because compiling it is most of what the processor costs a build (javac of
 * 500 task classes took 2.5 times as long with their stubs as without, and stubs are written for every task on every
 * build): every method is one line that hands its arguments, in parameter order, to the runtime
 * ({@code StubCall}, {@code Signatures}), which knows their keywords from the definition; the definition sets only
 * what differs from {@code @Task}'s defaults; and the documentation is said once, on the class, not on each
 * overload.
 *
 * <p>The text is written by hand ({@link StubSource}, with {@link Imports} naming types as JavaPoet would), not
 * through JavaPoet: in a profile of javac with the processor on 500 task classes, JavaPoet's emitting took 13% of
 * all samples (its line splitting alone 9%), more than its help is worth for a file of one fixed shape. JavaPoet
 * still names the types ({@code ClassName}, {@code TypeName}) and writes the index, one file per compilation.
 */
public final class StubWriter {

  /** The extras map type in generated signatures. */
  static final TypeName EXTRAS_TYPE =
      ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class), ClassName.get(Object.class));

  private final boolean generated;

  /** @param generated whether to put {@code @Generated} on stubs: whether the JDK has it */
  public StubWriter(boolean generated) {
    this.generated = generated;
  }

  /** The stub's source text. */
  public String write(TaskDescriptor task) {
    return StubSource.write(task, generated);
  }
}
