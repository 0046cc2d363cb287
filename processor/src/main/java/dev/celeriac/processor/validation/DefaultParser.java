package dev.celeriac.processor.validation;

import dev.celeriac.processor.model.DefaultValue;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import dev.celeriac.rules.JsonText;
import dev.celeriac.rules.ValueKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses {@code @Default} text against a parameter's type, into the normal forms of {@link DefaultValue}.
 * Pure: it reports nothing itself, it says what is wrong.
 */
final class DefaultParser {

  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
  private static final Pattern DECIMAL = Pattern.compile("-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  /** What went wrong, and how to write it instead. */
  record Problem(String reason, String hint) {}

  /** Either a value or a problem. */
  record Result(DefaultValue value, Problem problem) {
    static Result ok(DefaultValue value) {
      return new Result(value, null);
    }

    static Result failed(String reason, String hint) {
      return new Result(null, new Problem(reason, hint));
    }
  }

  private DefaultParser() {}

  static Result parse(String text, ValueTypeDescriptor type) {
    if (type.kind() != ValueKind.LIST) {
      Scalar scalar = scalar(text, type, false);
      return scalar.problem == null ? Result.ok(new DefaultValue(text, List.of(scalar.value))) : scalar.failure();
    }
    Object parsed;
    try {
      parsed = JsonText.read(text);
    } catch (JsonText.SyntaxException e) {
      return Result.failed("it is not a JSON array (" + e.getMessage() + ")", example(type));
    }
    if (!(parsed instanceof List<?> elements)) {
      return Result.failed("it is not a JSON array", example(type));
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      Object element = elements.get(i);
      if (element == null) {
        return Result.failed("null is not allowed in a default list", example(type));
      }
      if (!(element instanceof String || element instanceof BigDecimal || element instanceof Boolean)) {
        return Result.failed("element " + (i + 1) + " is neither a string, a number nor a boolean", example(type));
      }
      boolean string = element instanceof String;
      // A number as its JSON literal reads it: digits, fraction and exponent, which the scalar checks then take.
      String token = element instanceof BigDecimal number ? number.toString() : element.toString();
      if (string != type.element().kind().travelsAsString()) {
        return Result.failed("element " + (i + 1) + " (" + token + ") is "
            + (string ? "a JSON string" : "not a JSON string"), example(type));
      }
      Scalar scalar = scalar(token, type.element(), true);
      if (scalar.problem != null) {
        return Result.failed("element " + (i + 1) + ": " + scalar.problem, scalar.hint);
      }
      values.add(scalar.value);
    }
    return Result.ok(new DefaultValue(text, values));
  }

  /** A parsed scalar in normal form, or its problem. */
  private record Scalar(String value, String problem, String hint) {
    static Scalar of(String value) {
      return new Scalar(value, null, null);
    }

    static Scalar failed(String problem, String hint) {
      return new Scalar(null, problem, hint);
    }

    Result failure() {
      return Result.failed(problem, hint);
    }
  }

  private static Scalar scalar(String text, ValueTypeDescriptor type, boolean json) {
    switch (type.kind()) {
      case BOOLEAN:
        return text.equals("true") || text.equals("false")
            ? Scalar.of(text)
            : Scalar.failed("it is neither true nor false", "Write \"true\" or \"false\".");
      case BYTE:
        return integer(text, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
      case SHORT:
        return integer(text, Short.MIN_VALUE, Short.MAX_VALUE, "short");
      case INT:
        return integer(text, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
      case LONG:
        return integer(text, Long.MIN_VALUE, Long.MAX_VALUE, "long");
      case FLOAT:
      case DOUBLE:
        return decimal(text, type.kind() == ValueKind.FLOAT, json);
      case CHAR:
        return text.length() == 1
            ? Scalar.of(text)
            : Scalar.failed("it has " + text.length() + " characters, not one", "Write exactly one character.");
      case STRING:
        return Scalar.of(text);
      case ENUM:
        if (type.enumConstants().contains(text)) {
          return Scalar.of(text);
        }
        String nearest = NearMatch.hint(text, type.enumConstants());
        return Scalar.failed("it is not a constant of " + type.enumBinaryName(),
            nearest.isEmpty() ? "Use one of " + String.join(", ", type.enumConstants()) + "." : nearest.trim());
      default:
        throw new IllegalArgumentException("not a scalar: " + type);
    }
  }

  private static Scalar integer(String text, long min, long max, String typeName) {
    if (!INTEGER.matcher(text).matches()) {
      return Scalar.failed("it is not a decimal integer",
          "Write digits with an optional leading '-', without suffix, for example \"10\".");
    }
    BigInteger value = new BigInteger(text);
    if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
      return Scalar.failed("it is out of range for " + typeName,
          "Write a value from " + min + " to " + max + ".");
    }
    return Scalar.of(value.toString());
  }

  private static Scalar decimal(String text, boolean isFloat, boolean json) {
    if (!(json ? JSON_NUMBER : DECIMAL).matcher(text).matches()) {
      return Scalar.failed("it is not a decimal number",
          "Write a number such as \"1.5\" or \"-2e3\", without suffix, NaN or Infinity.");
    }
    if (isFloat) {
      float value = Float.parseFloat(text);
      return Float.isFinite(value)
          ? Scalar.of(Float.toString(value))
          : Scalar.failed("it is out of range for float", "Write a smaller number.");
    }
    double value = Double.parseDouble(text);
    return Double.isFinite(value)
        ? Scalar.of(Double.toString(value))
        : Scalar.failed("it is out of range for double", "Write a smaller number.");
  }

  private static String example(ValueTypeDescriptor list) {
    switch (list.element().kind()) {
      case STRING:
      case CHAR:
        return "Write a JSON array of strings, for example [\"a\", \"b\"] or [].";
      case ENUM:
        return "Write a JSON array of constant names, for example [\"" + list.element().enumConstants().stream()
            .findFirst().orElse("CONSTANT") + "\"] or [].";
      case BOOLEAN:
        return "Write a JSON array of booleans, for example [true, false] or [].";
      default:
        return "Write a JSON array of numbers, for example [1, 2] or [].";
    }
  }
}
