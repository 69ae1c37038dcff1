package io.stratafs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the strata command line in-process and captures its exit code and output. */
public final class StrataRunner {
  public record Run(int exitCode, String out, String err) {}

  private StrataRunner() {}

  public static Run run(String... args) {
    CommandLine cl = Strata.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
