/** The in-JVM result backend: {@code memory://} and eager mode. */
package dev.celeriac.result.memory;
