package dev.celeriac;

/** Bad configuration: an unknown key, a malformed broker URL, an out-of-range value. The CLI exits 2. */
public class ConfigurationException extends CeleriacException {

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
