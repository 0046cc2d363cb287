/** The {@code celeriac} command line: {@code tasks} and {@code run worker}. */
package dev.celeriac.cli;
