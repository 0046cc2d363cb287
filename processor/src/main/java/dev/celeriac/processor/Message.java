package dev.celeriac.processor;

import java.util.Locale;

/**
 * The catalogue of everything the processor reports. Each message has a stable tag, printed as
 * {@code [Celeriac:Tag]}, that users can search for and tests can import. Every text follows one grammar:
 * what was found, what is allowed, how to fix it.
 */
public enum Message {
  INVALID_NAME("InvalidName",
      "@Task name \"%s\" is not allowed: a task name must match [A-Za-z_][A-Za-z0-9_.:-]* and have at most 200"
          + " characters. Use a dotted name such as \"myapp.tasks.send_email\".%s"),
  DUPLICATE_NAME("DuplicateName",
      "@Task name \"%s\" is already used by %s; task names must be unique. Rename one of the two tasks."),
  INVALID_QUEUE("InvalidQueue",
      "@Task queue \"%s\" is not allowed: a queue name must not be blank or contain whitespace. Use a name such"
          + " as \"events\", or leave queue out for \"celery\"."),
  NEGATIVE_SETTING("NegativeSetting",
      "@Task %s is %d; it must be 0 or more. Use 0 for %s."),
  UNSUPPORTED_PARAMETER("UnsupportedParameter",
      "@Task methods may only take primitives, boxes, String, enums or List of those; parameter '%s' is %s. %s"),
  MISSING_EXTRAS("MissingExtras",
      "@Task method %s has no @Extras parameter; every task must take one, last, to receive the keyword"
          + " arguments it does not name (messages from older or newer deploys carry them). Add"
          + " '@Extras Map<String, Object> extras' as the last parameter."),
  DUPLICATE_EXTRAS("DuplicateExtras",
      "Parameter '%s' is a second @Extras parameter (the first is '%s'); a task takes exactly one. Remove @Extras"
          + " from one of them."),
  EXTRAS_TYPE("ExtrasType",
      "@Extras parameter '%s' is %s; it must be exactly java.util.Map<String, Object>. Declare it as"
          + " 'Map<String, Object> %s'."),
  EXTRAS_NOT_LAST("ExtrasNotLast",
      "@Extras parameter '%s' is not the last parameter; it must be last. Move it after '%s'."),
  PRIVATE_METHOD("PrivateMethod",
      "@Task method %s is private; task methods must be reachable from the generated stub in the same package."
          + " Make it public or package-private."),
  GENERIC_METHOD("GenericMethod",
      "@Task method %s declares type parameters %s; task methods may not be generic because arguments travel as"
          + " plain values. Replace the type parameters with concrete types."),
  UNSUPPORTED_RESULT("UnsupportedResult",
      "@Task method %s returns %s; a task's result travels as JSON through the result backend, so it must be void,"
          + " a primitive, a box, String, an enum, a List of those, or Map<String, Object> with JSON values. %s"),
  NO_INSTANCE("NoInstance",
      "@Task method %s is an instance method, but %s; a worker needs an instance to call it. Make the method"
          + " static, give the class a non-private no-argument constructor, or, when a dependency-injection container"
          + " creates the class, say so with %s, and configure the app's InstanceProvider (the Spring Boot starter"
          + " does)."),
  INACCESSIBLE_CLASS("InaccessibleClass",
      "%s, so the stub generated in package %s cannot reach %s; such types must be top-level or static nested"
          + " types, not private, inside types that are not private. Make it a static nested type that is"
          + " package-private or public."),
  BAD_DEFAULT("BadDefault",
      "@Default \"%s\" on parameter '%s' does not parse as %s: %s. %s"),
  INVALID_KWARG("InvalidKwarg",
      "Keyword \"%s\" of parameter '%s' is not allowed: a keyword must match [A-Za-z_][A-Za-z0-9_]* to work as a"
          + " Python keyword argument. %s"),
  PYTHON_KEYWORD("PythonKeyword",
      "Keyword \"%s\" of parameter '%s' is a Python keyword, and @Task method %s is implemented elsewhere: a Python"
          + " function cannot declare a parameter named %s, so a Celery worker would find it only in its **kwargs."
          + " Use another keyword, for example @Kwarg(\"%s_\"), unless the task's implementation reads it from"
          + " **kwargs."),
  DUPLICATE_KWARG("DuplicateKwarg",
      "Parameter '%s' travels under keyword \"%s\", which parameter '%s' already uses; keywords must be unique"
          + " within a task. Give one of them another @Kwarg."),
  MISPLACED_ANNOTATION("MisplacedAnnotation",
      "@%s on %s has no effect: %s. %s"),
  BAD_CRON("BadCron",
      "@Periodic cron \"%s\" is not valid: %s. Use five fields (minute hour day-of-month month day-of-week), for"
          + " example \"*/5 * * * *\", or one of @yearly @annually @monthly @weekly @daily @midnight @hourly."),
  BAD_ZONE("BadZone",
      "@Periodic zone \"%s\" is not a time zone java.time.ZoneId knows. Use a region such as \"Europe/Paris\" or"
          + " \"UTC\".%s"),
  PERIODIC_REQUIRED_PARAMETER("PeriodicRequiredParameter",
      "@Periodic task %s has required parameter '%s' (%s without @Default); scheduled runs carry no arguments."
          + " Add @Default to it or use the boxed type %s, which is null when missing."),
  STUB_NAME_CLASH("StubNameClash",
      "The stub %s for @Task method %s would clash with %s; stub names must be unique in a package. Rename one of"
          + " the methods."),
  /** A processor option ({@code Option -Aname=value}) or an annotation element with a value it may not have. */
  INVALID_OPTION("InvalidOption",
      "%s is not %s. %s"),
  NOT_A_WORKER_ENTRY("NotAWorkerEntry",
      "Method %s implements @Task method %s, which declares task \"%s\" as implemented elsewhere, so this method"
          + " is not a worker entry: a worker here dead-letters the task's messages without calling it. To run the"
          + " task in Java, move @Task(name = \"%3$s\") from %s to a static or instance method such as this one,"
          + " or give this method a @Task with a name of its own and send that task instead. If the task runs"
          + " elsewhere, for example in Python, ignore this."),
  NEW_REQUIRED_PARAMETER("NewRequiredParameter",
      "Parameter '%s' of task \"%s\" is required (%s without @Default), but %s; messages from the previous"
          + " release, still queued during a rolling deploy, lack keyword \"%s\" and would be dead-lettered. Make it"
          + " optional first: add @Default(\"...\") or use %s, which is null when missing, and start passing it in a"
          + " later deploy."),
  INCOMPATIBLE_PARAMETER_TYPE("IncompatibleParameterType",
      "Parameter '%s' of task \"%s\" is %s, but the committed schema %s has keyword \"%s\" as %s: %s. Messages"
          + " from the previous release, still queued during a rolling deploy, would be dead-lettered. Keep the old"
          + " type, or add the new one as an optional parameter under another keyword and remove the old one once"
          + " the queues have drained."),
  KWARG_CHANGED("KwargChanged",
      "Parameter '%s' of task \"%s\" travels under keyword \"%s\", but the committed schema %s has it under"
          + " \"%s\"; messages from the previous release, still queued during a rolling deploy, carry \"%s\", which"
          + " would land in @Extras while '%s' is %s. Keep @Kwarg(\"%s\"); to rename a keyword, add the new one as an"
          + " optional parameter, deploy, and remove the old one in a later release."),
  TASK_REMOVED("TaskRemoved",
      "Task \"%s\" (%s) is in the committed schema %s, but %s; messages from the previous release, still queued"
          + " during a rolling deploy, would be dead-lettered as an unknown task. %s"),
  REMOVED_PARAMETER("RemovedParameter",
      "Task \"%s\" no longer takes keyword \"%s\" (parameter '%s', %s, in the committed schema %s); messages from"
          + " the previous release still carry it, and it will land in @Extras '%s'. Read it from there while such"
          + " messages may be queued, or ignore this if its value no longer matters."),
  PARAMETER_MOVED("ParameterMoved",
      "Parameters of task \"%s\" changed position since the committed schema %s (%s); a message that passes"
          + " arguments positionally, as Python Celery's apply_async(args=[...]) does, binds them in declaration"
          + " order and would hand old values to the wrong parameters. Celeriac's stubs always send keywords: if"
          + " only they produce this task, ignore this; otherwise keep the old order and add parameters at the end."),
  QUEUE_CHANGED("QueueChanged",
      "Task \"%s\" moves from queue \"%s\" (in the committed schema %s) to \"%s\"; messages the previous release"
          + " queued on \"%s\" run only where a worker still consumes that queue. Keep \"%s\" among the workers'"
          + " queues (-Q, or worker.queues) until it has drained."),
  BAD_SCHEMA("BadSchema",
      "The committed task schema %s cannot be read: %s. Fix the file, or regenerate it from the released sources"
          + " with -Aceleriac.updateSchema=true."),
  NO_SCHEMA_PATH("NoSchemaPath",
      "Option -Aceleriac.updateSchema=true asks to write the task schema, but %s. Set"
          + " -Aceleriac.schema=<file>, for example"
          + " -Aceleriac.schema=${project.basedir}/src/main/resources/celeriac/tasks-schema.json."),
  SCHEMA_UNREACHABLE("SchemaUnreachable",
      "The rolling-deploy check against the committed task schema cannot run: %s, so the processor cannot find"
          + " src/main/resources/celeriac/tasks-schema.json beside the src/main/java of the task sources. Name the"
          + " committed schema with -Aceleriac.schema=<file> (write it once with -Aceleriac.updateSchema=true; under"
          + " Gradle, also declare the file an input of compileJava), or turn the check off with"
          + " -Aceleriac.schema=none."),
  SCHEMA_UPDATED("SchemaUpdated",
      "Wrote the task schema %s: %d tasks, %d of them retired. Commit it with the release."),
  INTERNAL_ERROR("InternalError",
      "The Celeriac processor failed on this element: %s; please report this with the stack trace:%n%s");

  private final String tag;
  private final String template;

  Message(String tag, String template) {
    this.tag = tag;
    this.template = template;
  }

  /** The stable tag as printed, for example {@code [Celeriac:InvalidName]}. */
  public String tag() {
    return "[Celeriac:" + tag + "]";
  }

  /** The full text of this message with its arguments, starting with the tag. */
  public String format(Object... arguments) {
    return tag() + " " + String.format(Locale.ROOT, template, arguments);
  }
}
