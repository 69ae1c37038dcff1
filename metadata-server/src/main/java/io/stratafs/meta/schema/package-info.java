/**
 * The metadata key schema (MetaSchema) and the stored record types. Pure functions and immutable
 * values: thread-safe.
 */
package io.stratafs.meta.schema;
