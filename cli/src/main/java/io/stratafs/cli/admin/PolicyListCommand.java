package io.stratafs.cli.admin;

import io.stratafs.cli.ClientLogs;
import io.stratafs.cli.DurationConverter;
import io.stratafs.protocol.meta.ListPoliciesReply;
import io.stratafs.protocol.meta.ListPoliciesRequest;
import io.stratafs.protocol.meta.PolicyReply;
import io.stratafs.protocol.rpc.Methods;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata policy list}: the built-in and cluster-configured policies with their definitions. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the storage policies the metadata server accepts, with their definitions.")
public final class PolicyListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterTarget target;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10s", description = "How long to wait for the metadata server (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    ClientLogs.quietZooKeeperClient();
    ListPoliciesReply r;
    try (MetaAdmin meta = new MetaAdmin(target.resolve(), timeout)) {
      r = meta.call(Methods.META_LIST_POLICIES, ListPoliciesRequest.getDefaultInstance(), ListPoliciesReply.parser());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-12s %s%n", "NAME", "DEFINITION");
    for (PolicyReply p : r.getPoliciesList()) {
      out.printf("%-12s %s%n", p.getPolicy(), p.getDefinition());
    }
    out.flush();
    return 0;
  }
}
