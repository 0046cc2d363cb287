/** Immutable descriptors of tasks that passed validation: everything writers need, nothing they must check. */
package dev.celeriac.processor.model;
