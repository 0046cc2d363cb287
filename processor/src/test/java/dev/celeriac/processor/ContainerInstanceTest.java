package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;
import static dev.celeriac.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Instance tasks on classes a dependency-injection container creates: accepted without a no-argument constructor
 * when the class or one of its constructors carries a container's annotation, directly or as a meta-annotation.
 * The containers' annotations are declared here as sources under their real names.
 */
class ContainerInstanceTest {

  private static final List<JavaFileObject> CONTAINER_ANNOTATIONS = List.of(
      annotation("jakarta.inject.Inject", "CONSTRUCTOR, METHOD, FIELD"),
      annotation("javax.inject.Inject", "CONSTRUCTOR, METHOD, FIELD"),
      annotation("com.google.inject.Inject", "CONSTRUCTOR, METHOD, FIELD"),
      annotation("org.springframework.beans.factory.annotation.Autowired", "CONSTRUCTOR, METHOD, FIELD"),
      annotation("jakarta.inject.Singleton", "TYPE"),
      annotation("javax.inject.Singleton", "TYPE"),
      annotation("com.google.inject.Singleton", "TYPE"),
      annotation("jakarta.enterprise.context.ApplicationScoped", "TYPE"),
      annotation("javax.enterprise.context.ApplicationScoped", "TYPE"),
      annotation("org.springframework.stereotype.Component", "TYPE"),
      // Spring's own stereotypes carry @Component; a team's stereotype may carry one of those in turn.
      source("org.springframework.stereotype.Service",
          "package org.springframework.stereotype;",
          "@java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)",
          "@Component",
          "public @interface Service {}"),
      source("com.acme.TaskService",
          "package com.acme;",
          "@java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)",
          "@java.lang.annotation.Documented",
          "@org.springframework.stereotype.Service",
          "public @interface TaskService {}"));

  private static JavaFileObject annotation(String qualifiedName, String targets) {
    int dot = qualifiedName.lastIndexOf('.');
    return source(qualifiedName,
        "package " + qualifiedName.substring(0, dot) + ";",
        "import static java.lang.annotation.ElementType.*;",
        "@java.lang.annotation.Target({" + targets + "})",
        "public @interface " + qualifiedName.substring(dot + 1) + " {}");
  }

  private static Compilation compileWithAnnotations(JavaFileObject... sources) {
    List<JavaFileObject> all = new ArrayList<>(CONTAINER_ANNOTATIONS);
    all.addAll(List.of(sources));
    return compile(List.of("-Xlint:all,-processing"), all.toArray(JavaFileObject[]::new));
  }

  private static JavaFileObject tasks(String classAnnotation, String constructorAnnotation) {
    return acme("Mailer",
        classAnnotation,
        "public class Mailer {",
        "  private final String server;",
        "  " + constructorAnnotation + " public Mailer(String server) { this.server = server; }",
        "  @Task(name = \"acme.mail\")",
        "  public void mail(@Extras Map<String, Object> extras) {}",
        "}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"@jakarta.inject.Singleton", "@javax.inject.Singleton", "@com.google.inject.Singleton",
      "@jakarta.enterprise.context.ApplicationScoped", "@javax.enterprise.context.ApplicationScoped",
      "@org.springframework.stereotype.Component", "@org.springframework.stereotype.Service",
      "@com.acme.TaskService"})
  void aClassAnnotationOfAContainerAcceptsAClassWithoutNoArgumentConstructor(String annotation) {
    Compilation compilation = compileWithAnnotations(tasks(annotation, ""));
    assertThat(compilation).succeededWithoutWarnings();
    // No constructor reference: the app's InstanceProvider supplies the instance.
    assertThat(compilation).generatedSourceFile("com.acme.MailTask").contentsAsUtf8String()
        .contains(".function(Mailer.class, MailTask::invoke)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"@jakarta.inject.Inject", "@javax.inject.Inject", "@com.google.inject.Inject",
      "@org.springframework.beans.factory.annotation.Autowired"})
  void anInjectionAnnotationOnAConstructorAcceptsTheClass(String annotation) {
    Compilation compilation = compileWithAnnotations(tasks("", annotation));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("com.acme.MailTask").contentsAsUtf8String()
        .contains(".function(Mailer.class, MailTask::invoke)");
  }

  @Test
  void aContainerClassWithANoArgumentConstructorKeepsItAsTheDefault() {
    Compilation compilation = compileWithAnnotations(acme("Mailer",
        "@org.springframework.stereotype.Service",
        "public class Mailer {",
        "  @Task(name = \"acme.mail\")",
        "  public void mail(@Extras Map<String, Object> extras) {}",
        "}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("com.acme.MailTask").contentsAsUtf8String()
        .contains(".function(Mailer.class, Mailer::new, MailTask::invoke)");
  }

  @Test
  void anInjectionAnnotationElsewhereThanOnAConstructorDoesNotCount() {
    JavaFileObject f = acme("Mailer",
        "public class Mailer {",
        "  @jakarta.inject.Inject String server;",
        "  public Mailer(String server) { this.server = server; }",
        "  @jakarta.inject.Inject void setServer(String server) { this.server = server; }",
        "  @Task(name = \"acme.mail\")",
        "  public void mail(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compileWithAnnotations(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.NO_INSTANCE.tag()).inFile(f).onLineContaining("void mail");
  }

  @Test
  void anAbstractContainerClassIsStillRejected() {
    JavaFileObject f = acme("Mailer",
        "@org.springframework.stereotype.Service",
        "public abstract class Mailer {",
        "  @jakarta.inject.Inject public Mailer(String server) {}",
        "  @Task(name = \"acme.mail\")",
        "  public void mail(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compileWithAnnotations(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.NO_INSTANCE.tag()).inFile(f).onLineContaining("void mail");
    assertThat(compilation).hadErrorContaining("class com.acme.Mailer is abstract");
  }

  @Test
  void anUnrelatedAnnotationNamedLikeAContainersDoesNotCount() {
    JavaFileObject component = source("com.acme.Component",
        "package com.acme;",
        "public @interface Component {}");
    JavaFileObject f = acme("Mailer",
        "@Component",
        "public class Mailer {",
        "  public Mailer(String server) {}",
        "  @Task(name = \"acme.mail\")",
        "  public void mail(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compileWithAnnotations(component, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining(Message.NO_INSTANCE.tag()).inFile(f).onLineContaining("void mail");
  }
}
