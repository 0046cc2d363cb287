/**
 * Types that only generated code may call: the task index that {@link java.util.ServiceLoader} finds, the
 * invoker interface and the argument helpers. Not an API; it changes without notice.
 */
package dev.celeriac.internal;
