/**
 * Task results as Celery stores them: the states, the meta document ({@code celery-task-meta-<id>}), exceptions in
 * Celery's serialized form, and the result backends found by URL scheme ({@link dev.celeriac.result.ResultBackends}).
 */
package dev.celeriac.result;
