package io.stratafs.cli;

import io.stratafs.common.StrataException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a failure of a command into one clear line on stderr and exit code 1 (the full stack trace
 * with {@code --verbose}). Usage errors never get here: picocli reports them with exit code 2.
 */
final class FailureReporter implements IExecutionExceptionHandler {
  private final Strata root;

  FailureReporter(Strata root) {
    this.root = root;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
    PrintWriter err = cl.getErr();
    if (ex instanceof CommandLine.ParameterException pe) {
      err.println("strata: " + pe.getMessage());
      pe.getCommandLine().usage(err);
      err.flush();
      return Strata.EXIT_USAGE;
    }
    err.println("strata " + cl.getCommandName() + ": " + describe(ex));
    if (root.verbose()) {
      ex.printStackTrace(err);
    }
    err.flush();
    return Strata.EXIT_FAILURE;
  }

  /** The message users read: ours as written; a library's with its type, which is its context. */
  static String describe(Throwable ex) {
    if (ex instanceof StrataException se) {
      return se.getMessage();
    }
    String msg = ex.getMessage();
    return msg == null ? ex.getClass().getName() : ex.getClass().getSimpleName() + ": " + msg;
  }
}
