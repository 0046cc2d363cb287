/**
 * The rules the processor checks at compile time and the runtime applies, one home for each: the cron grammar
 * ({@link dev.celeriac.rules.CronExpression}), the kinds of values and how they travel ({@link
 * dev.celeriac.rules.ValueKind}), task, queue and keyword names ({@link dev.celeriac.rules.Names}) and the JSON
 * of tasks.json ({@link dev.celeriac.rules.TasksJson}, {@link dev.celeriac.rules.JsonText}). No dependencies: the
 * runtime depends on this package, and the processor shades it as {@code dev.celeriac.processor.shaded.rules}.
 */
package dev.celeriac.rules;
