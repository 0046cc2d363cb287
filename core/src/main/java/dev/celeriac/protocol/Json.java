package dev.celeriac.protocol;

/**
 * The runtime's one JSON reader and writer, for what travels besides task messages: events and remote-control
 * requests and replies. Values are those {@link JsonValues} describes. A {@link java.math.BigDecimal} is written
 * as {@link java.math.BigDecimal#toString()} spells it: {@code BigDecimal.valueOf(double)} so gives a float as
 * Python writes one ({@code 1796395548.7800953}, {@code 2.0}), where a {@code Double} would come out as
 * {@code 1.7963955487800953E9}.
 */
public final class Json {

  private Json() {}

  /** The UTF-8 JSON of {@code value}. */
  public static byte[] write(Object value) {
    return new JsonWriter(256).value(value).toByteArray();
  }

  /** A JSON object written field by field, straight into bytes, without building a map first. */
  public static final class ObjectWriter {
    private final JsonWriter out;
    private boolean first = true;

    public ObjectWriter(int capacity) {
      out = new JsonWriter(capacity).raw('{');
    }

    /** Adds a field; the value is any value {@link #write} takes. */
    public ObjectWriter field(String name, Object value) {
      out.comma(first).name(name).value(value);
      first = false;
      return this;
    }

    /** The object's bytes; the writer is done with. */
    public byte[] end() {
      return out.raw('}').toByteArray();
    }
  }

  /**
   * Reads one JSON document.
   *
   * @throws MalformedMessageException when the bytes are not JSON
   */
  public static Object read(byte[] json) {
    return JsonReader.parse(json);
  }
}
