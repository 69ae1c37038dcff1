package io.stratafs.storage.chunk;

import java.nio.file.Path;

/**
 * A snapshot of one device's capacity.
 *
 * @param capacityBytes total size of the filesystem holding the device
 * @param usedBytes sum of the logical lengths of the device's chunks
 * @param freeBytes bytes still usable on that filesystem (before the daemon's reserve)
 * @param chunks number of chunks on the device
 * @param incarnation creation time (ms) of the device's identity file; a wiped device gets a new one
 */
public record DeviceUsage(
    String name, String media, Path path, long capacityBytes, long usedBytes, long freeBytes, long chunks, long incarnation) {}
