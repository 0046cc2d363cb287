package dev.celeriac.processor.writing;

import com.squareup.javapoet.ArrayTypeName;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one generated source file names the types it uses: by simple name when that is unambiguous (its own
 * package, {@code java.lang}, or an import), otherwise qualified. The rules are JavaPoet's: a simple name that two
 * used types share, or that a type declared in the file takes, is spelled out in full for the other types.
 */
final class Imports {

  private final String packageName;
  /** The top-level class each simple name stands for in this file. */
  private final Map<String, ClassName> simple = new HashMap<>();
  private final Set<String> imported = new TreeSet<>();

  /**
   * @param packageName the file's package
   * @param declared the simple names of the types the file declares (the stub and its nested classes)
   * @param used every class the file names, nested ones included
   */
  Imports(String packageName, Set<String> declared, Collection<ClassName> used) {
    this.packageName = packageName;
    Set<String> clashing = new HashSet<>(declared);
    Map<String, ClassName> candidates = new HashMap<>();
    for (ClassName type : used) {
      ClassName top = topLevel(type);
      ClassName other = candidates.putIfAbsent(top.simpleName(), top);
      if (other != null && !other.equals(top)) {
        clashing.add(top.simpleName());
      }
    }
    for (ClassName top : candidates.values()) {
      if (clashing.contains(top.simpleName())) {
        continue;
      }
      simple.put(top.simpleName(), top);
      if (!top.packageName().equals(packageName) && !top.packageName().equals("java.lang")) {
        imported.add(top.canonicalName());
      }
    }
  }

  /** The import lines, sorted, each ending in a newline. */
  String lines() {
    StringBuilder out = new StringBuilder();
    for (String name : imported) {
      out.append("import ").append(name).append(";\n");
    }
    return out.toString();
  }

  /** How the file spells {@code type}. */
  String name(TypeName type) {
    StringBuilder out = new StringBuilder();
    append(out, type);
    return out.toString();
  }

  void append(StringBuilder out, TypeName type) {
    if (type instanceof ClassName className) {
      ClassName top = topLevel(className);
      if (top.equals(simple.get(top.simpleName()))) {
        out.append(String.join(".", className.simpleNames()));
      } else {
        out.append(className.canonicalName());
      }
    } else if (type instanceof ParameterizedTypeName parameterized) {
      append(out, parameterized.rawType);
      out.append('<');
      for (int i = 0; i < parameterized.typeArguments.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        append(out, parameterized.typeArguments.get(i));
      }
      out.append('>');
    } else if (type instanceof ArrayTypeName array) {
      append(out, array.componentType);
      out.append("[]");
    } else {
      // Primitives and void.
      out.append(type);
    }
  }

  /** Every class {@code type} names, type arguments included. */
  static void collect(TypeName type, Collection<ClassName> into) {
    if (type instanceof ClassName className) {
      into.add(className);
    } else if (type instanceof ParameterizedTypeName parameterized) {
      into.add(parameterized.rawType);
      parameterized.typeArguments.forEach(argument -> collect(argument, into));
    } else if (type instanceof ArrayTypeName array) {
      collect(array.componentType, into);
    }
  }

  private static ClassName topLevel(ClassName type) {
    return type.topLevelClassName();
  }

  String packageName() {
    return packageName;
  }
}
