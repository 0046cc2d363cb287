/**
 * Spring Boot 3.5 and 4.0 auto-configuration for Celeriac: the app from the {@code celeriac.*} properties, instance
 * tasks on the context's beans, and the worker and cron as lifecycle beans.
 */
package dev.celeriac.spring.boot;
