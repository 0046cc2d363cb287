/** The rules a {@code @Task} method must follow, one small validator per concern; they report, never throw. */
package dev.celeriac.processor.validation;
