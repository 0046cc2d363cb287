/**
 * Celeriac's public API: the task annotations, the {@link dev.celeriac.Celeriac} application object and
 * the types that generated task stubs return and accept. Its annotations, exceptions and values depend on no other
 * package; the few types that wire or expose the packages below are listed, with why, in core's PackageCyclesTest.
 */
package dev.celeriac;
