/**
 * The Actuator health indicator {@code celeriac}: one check, and one auto-configuration per Boot version, since Boot 4
 * moved the health API.
 */
package dev.celeriac.spring.boot.health;
