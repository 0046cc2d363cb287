/** {@code run cron}: fires {@code @Periodic} tasks, each slot once however many cron processes run. */
package dev.celeriac.cron;
