package io.stratafs.cli.admin;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strata policy}: storage policies of files and directories (docs/tiers.md). */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = {
      "Storage policies: where a file's chunks are kept (local replicas, external copies).",
      "A directory's policy is inherited by files and directories created in it later; a file's applies to its chunks.",
    },
    subcommands = {PolicySetCommand.class, PolicyGetCommand.class, PolicyListCommand.class})
public final class PolicyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a policy command: set, get or list");
  }
}
