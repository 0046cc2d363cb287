/** Writers of generated files: JavaPoet for the stubs and the index, hand-written JSON for tasks.json. */
package dev.celeriac.processor.writing;
