/**
 * The journal: the one ordered path of namespace mutations, group-committed by a single writer
 * thread. {@code submit} is thread-safe; mutations run only on the writer thread.
 */
package io.stratafs.meta.journal;
