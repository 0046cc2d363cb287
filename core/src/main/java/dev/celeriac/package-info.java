/**
 * Celeriac's public API: the task annotations, the {@link dev.celeriac.Celeriac} application object and
 * the types that generated task stubs return and accept.
 */
package dev.celeriac;
