package io.stratafs.cli.admin;

import io.stratafs.cli.ClientLogs;
import io.stratafs.cli.DurationConverter;
import io.stratafs.protocol.meta.PolicyReply;
import io.stratafs.protocol.meta.SetPolicyRequest;
import io.stratafs.protocol.rpc.Methods;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata policy set PATH NAME} (meta.SetPolicy; the same as setfattr user.strata.policy). */
@Command(
    name = "set",
    mixinStandardHelpOptions = true,
    description = "Set the storage policy of a file or directory on a mounted StrataFS; an unknown name is refused (EINVAL).")
public final class PolicySetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterTarget target;

  @Parameters(index = "0", paramLabel = "PATH", description = "A file or directory under a StrataFS mount point.")
  String path;

  @Parameters(index = "1", paramLabel = "NAME", description = "Policy name (see `strata policy list`).")
  String name;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10s", description = "How long to wait for the metadata server (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    ClientLogs.quietZooKeeperClient();
    StrataPath p = StrataPath.resolve(path);
    try (MetaAdmin meta = new MetaAdmin(target.resolve(), timeout)) {
      meta.call(
          Methods.META_SET_POLICY,
          SetPolicyRequest.newBuilder().setCaller(StrataPath.caller()).setIno(p.ino()).setPolicy(name).build(),
          PolicyReply.parser());
      PolicyReply now =
          meta.call(
              Methods.META_GET_POLICY,
              io.stratafs.protocol.meta.GetPolicyRequest.newBuilder().setCaller(StrataPath.caller()).setIno(p.ino()).build(),
              PolicyReply.parser());
      PrintWriter out = spec.commandLine().getOut();
      out.println(p.path() + ": " + PolicyGetCommand.describe(now));
      out.flush();
    }
    return 0;
  }
}
