/**
 * The {@code strata} command line: the picocli root command {@link io.stratafs.cli.Strata}, its
 * failure reporting (one line, exit code 1; usage errors exit 2) and the strict converters for
 * sizes and durations. Subcommands live in {@code daemon} (foreground daemons) and {@code cluster}
 * (the embedded single-machine cluster). Commands run on the main thread, one per process;
 * converters are stateless and thread-safe.
 */
package io.stratafs.cli;
