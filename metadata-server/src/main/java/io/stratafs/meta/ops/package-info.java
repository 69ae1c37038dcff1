/**
 * The namespace operations, one class per RPC (LookupOp, MkdirOp, RenameOp, ...), written once
 * above the KV seam through {@link io.stratafs.meta.ops.Tx}. Mutations run on the journal's writer
 * thread, one at a time; read-only operations run on caller threads against committed state.
 * Operation classes are stateless; MetaContext parts are thread-safe.
 */
package io.stratafs.meta.ops;
