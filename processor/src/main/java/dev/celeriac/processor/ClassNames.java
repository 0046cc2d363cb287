package dev.celeriac.processor;

import com.squareup.javapoet.ClassName;

/**
 * Every annotation and runtime type the processor names, by qualified name: the processor does not have
 * the runtime classes on its class path, so it never uses their {@code .class} literals.
 */
public final class ClassNames {

  public static final String TASK = "dev.celeriac.Task";
  public static final String PERIODIC = "dev.celeriac.Periodic";
  public static final String EXTRAS = "dev.celeriac.Extras";
  public static final String KWARG = "dev.celeriac.Kwarg";
  public static final String DEFAULT = "dev.celeriac.Default";

  public static final ClassName TASK_DEFINITION = ClassName.get("dev.celeriac", "TaskDefinition");
  public static final ClassName PARAMETER = ClassName.get("dev.celeriac", "Parameter");
  public static final ClassName VALUE_TYPE = ClassName.get("dev.celeriac", "ValueType");
  public static final ClassName VALUE_TYPE_KIND = VALUE_TYPE.nestedClass("Kind");
  public static final ClassName TASK_CALL = ClassName.get("dev.celeriac", "TaskCall");
  public static final ClassName TASK_REF = ClassName.get("dev.celeriac", "TaskRef");
  public static final ClassName SIGNATURE = ClassName.get("dev.celeriac", "Signature");
  public static final ClassName TASK_INDEX = ClassName.get("dev.celeriac.internal", "TaskIndex");
  public static final ClassName ARGUMENTS = ClassName.get("dev.celeriac.internal", "Arguments");
  public static final ClassName STUB_CALL = ClassName.get("dev.celeriac.internal", "StubCall");
  public static final ClassName SIGNATURES = ClassName.get("dev.celeriac.internal", "Signatures");

  public static final String GENERATED = "javax.annotation.processing.Generated";
  public static final String LIST = "java.util.List";
  public static final String MAP = "java.util.Map";
  public static final String STRING = "java.lang.String";
  public static final String OBJECT = "java.lang.Object";

  private ClassNames() {}
}
