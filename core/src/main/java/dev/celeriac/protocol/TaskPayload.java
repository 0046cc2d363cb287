package dev.celeriac.protocol;

import java.util.List;
import java.util.Map;

/**
 * A decoded protocol v2 body, {@code [args, kwargs, embed]}: the positional and keyword arguments and the
 * workflow options (callbacks, errbacks, chain, chord), whose {@code embed} may be null.
 */
public record TaskPayload(List<Object> args, Map<String, Object> kwargs, Map<String, Object> embed) {}
