/** Worker metrics through Micrometer, for whatever registry the application exports from. */
package dev.celeriac.metrics;
