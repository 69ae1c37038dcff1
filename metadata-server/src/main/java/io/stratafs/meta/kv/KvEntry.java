package io.stratafs.meta.kv;

/** One key/value pair returned by a scan. Arrays are owned by the receiver. */
public record KvEntry(byte[] key, byte[] value) {}
