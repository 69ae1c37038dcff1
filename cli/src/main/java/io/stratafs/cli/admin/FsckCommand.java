package io.stratafs.cli.admin;

import io.stratafs.cli.ClientLogs;
import io.stratafs.cli.DurationConverter;
import io.stratafs.protocol.meta.FsckReply;
import io.stratafs.protocol.meta.FsckRequest;
import io.stratafs.protocol.rpc.Methods;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code strata fsck}: replica health of the whole filesystem (meta.Fsck), optionally repairing. */
@Command(
    name = "fsck",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check every chunk's replicas: under-replicated, lost, corrupt, pending external uploads.",
      "With --repair the metadata leader first re-creates missing replicas (bounded) and counts again.",
    },
    footer = {
      "",
      "Exit codes: 0 healthy (lost = corrupt = under_replicated = 0), 1 not healthy or the check failed, 2 usage error.",
    })
public final class FsckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterTarget target;

  @Option(names = "--repair", description = "Repair what can be repaired before counting.")
  boolean repair;

  @Option(names = "--json", description = "Print one JSON object: chunks, under_replicated, over_replicated, lost, corrupt, repaired, pending_uploads, max_external_lag_ms, details.")
  boolean json;

  @Option(names = "--max-details", paramLabel = "N", defaultValue = "100", description = "At most N problem chunks listed (default: ${DEFAULT-VALUE}).")
  int maxDetails;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "6m", description = "How long to wait for the answer; a repair can take minutes (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    if (maxDetails < 0) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--max-details': must be 0 or more, got " + maxDetails);
    }
    ClientLogs.quietZooKeeperClient();
    FsckReply reply;
    try (MetaAdmin meta = new MetaAdmin(target.resolve(), timeout)) {
      reply = meta.call(Methods.META_FSCK, FsckRequest.newBuilder().setRepair(repair).setMaxDetails(maxDetails).build(), FsckReply.parser());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(FsckReport.JSON.writeValueAsString(FsckReport.toJson(reply)));
    } else {
      FsckReport.printTable(out, reply, repair);
    }
    out.flush();
    return FsckReport.exitCode(reply);
  }
}
