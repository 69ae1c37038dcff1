/**
 * Storage policies: which media hold how many replicas of a file, synchronously or not. Today
 * the policy model and its parser; the heat tracker and the mover that migrates replicas between
 * tiers build on it. Immutable value types, thread-safe.
 */
package io.stratafs.tiering;
