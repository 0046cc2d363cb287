/**
 * The {@code celeriac} command line: {@code tasks}, {@code queues}, {@code dead}, {@code purge}, {@code run worker}
 * and {@code run cron}.
 */
package dev.celeriac.cli;
