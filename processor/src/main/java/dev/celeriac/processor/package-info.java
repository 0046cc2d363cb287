/**
 * The Celeriac annotation processor: {@link dev.celeriac.processor.CeleriacProcessor}, its diagnostics façade and
 * message catalogue. It validates {@code @Task} methods, models them, then writes stubs, the index and tasks.json.
 */
package dev.celeriac.processor;
