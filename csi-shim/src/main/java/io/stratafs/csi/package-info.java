/**
 * The Kubernetes CSI shim: a volume is a quota'd subtree with a storage policy. Today the volume
 * model and its validation; the gRPC Identity/Controller/Node services build on it. Immutable
 * value types, thread-safe.
 */
package io.stratafs.csi;
