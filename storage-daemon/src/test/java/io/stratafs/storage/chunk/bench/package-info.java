/**
 * JMH benchmarks of the chunk store, compiled and run only under the {@code bench} Maven profile
 * ({@code mvn -Pbench -pl storage-daemon test}); not part of the test suite. Single-threaded.
 */
package io.stratafs.storage.chunk.bench;
