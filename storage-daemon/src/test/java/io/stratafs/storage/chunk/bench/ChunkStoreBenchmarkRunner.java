package io.stratafs.storage.chunk.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link ChunkStoreBenchmark} under {@code mvn -Pbench -pl storage-daemon test}; short by design. */
class ChunkStoreBenchmarkRunner {
  @Test
  void run() throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(ChunkStoreBenchmark.class.getName())
            .forks(1)
            .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled")
            .warmupIterations(3)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(5)
            .measurementTime(TimeValue.seconds(1))
            .build();
    new Runner(options).run();
  }
}
