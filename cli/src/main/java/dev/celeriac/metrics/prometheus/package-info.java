/**
 * The Prometheus endpoint of {@code run worker --metrics-port} and {@code run cron --metrics-port}: an HTTP server
 * that serves a Micrometer registry in Prometheus's text format. In {@code celeriac-cli}, so that {@code
 * celeriac-core} carries no Prometheus client; the meters themselves are {@link dev.celeriac.metrics}'s.
 */
package dev.celeriac.metrics.prometheus;
