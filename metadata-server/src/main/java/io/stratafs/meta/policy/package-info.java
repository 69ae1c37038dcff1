/**
 * Storage policies as the metadata server sees them: the built-in and cluster-configured
 * definitions, and the {@code user.strata.policy} xattr that selects one per file or directory.
 * Immutable after construction, thread-safe.
 */
package io.stratafs.meta.policy;
