package io.stratafs.cli;

import io.stratafs.cli.admin.FsckCommand;
import io.stratafs.cli.admin.LocateCommand;
import io.stratafs.cli.admin.PolicyCommand;
import io.stratafs.cli.cluster.DownCommand;
import io.stratafs.cli.cluster.StatusCommand;
import io.stratafs.cli.cluster.UpCommand;
import io.stratafs.cli.daemon.MetaCommand;
import io.stratafs.cli.daemon.MountCommand;
import io.stratafs.cli.daemon.NodeCommand;
import io.stratafs.cli.daemon.StorageCommand;
import io.stratafs.cli.daemon.ZkCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code strata} command: the embedded single-machine cluster ({@code up}, {@code down},
 * {@code status}) and the daemons one runs per host ({@code zk}, {@code meta}, {@code storage},
 * {@code mount}, or {@code node}: a storage daemon and a mount in one process). Exit codes: 0 ok, 1 operational failure, 2 usage error.
 */
@Command(
    name = "strata",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "StrataFS: a distributed POSIX filesystem over tiered storage, mounted with FUSE.",
    description = {
      "Single machine:  strata up | strata status | strata down",
      "Several hosts:   strata zk / strata meta / strata storage / strata mount, one per host;",
      "                 strata node runs a storage daemon and the mount in one process.",
      "Administration:  strata policy set|get|list, strata fsck [--repair].",
    },
    subcommands = {
      UpCommand.class,
      DownCommand.class,
      StatusCommand.class,
      ZkCommand.class,
      MetaCommand.class,
      StorageCommand.class,
      MountCommand.class,
      NodeCommand.class,
      PolicyCommand.class,
      FsckCommand.class,
      LocateCommand.class,
      CommandLine.HelpCommand.class,
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 operational failure, 2 usage error.",
      "Data directory of up/down/status: --data, else $STRATA_DATA, else ~/.strata.",
    })
public final class Strata implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of failures (default: one line).")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // "strata" alone: show what there is to do rather than doing nothing silently.
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
  }

  public boolean verbose() {
    return verbose;
  }

  /** A configured command line; tests call {@link CommandLine#execute} on it. */
  public static CommandLine commandLine() {
    Strata root = new Strata();
    CommandLine cl = new CommandLine(root);
    cl.setExecutionExceptionHandler(new FailureReporter(root));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setUsageHelpAutoWidth(true);
    return cl;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    // Foreground daemons return only after shutdown; up/down/status are done. Either way, the
    // non-daemon threads of libraries (Curator, Netty) must not keep the JVM alive.
    System.exit(code);
  }
}
