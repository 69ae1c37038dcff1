package io.stratafs.cli.admin;

import io.stratafs.cli.ClientLogs;
import io.stratafs.cli.DurationConverter;
import io.stratafs.protocol.meta.GetPolicyRequest;
import io.stratafs.protocol.meta.PolicyReply;
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

/** {@code strata policy get PATH}: the effective policy, and whether it is set there or inherited/default. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show the effective storage policy of a file or directory on a mounted StrataFS.")
public final class PolicyGetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterTarget target;

  @Parameters(index = "0", paramLabel = "PATH", description = "A file or directory under a StrataFS mount point.")
  String path;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10s", description = "How long to wait for the metadata server (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    ClientLogs.quietZooKeeperClient();
    StrataPath p = StrataPath.resolve(path);
    try (MetaAdmin meta = new MetaAdmin(target.resolve(), timeout)) {
      PolicyReply r =
          meta.call(
              Methods.META_GET_POLICY,
              GetPolicyRequest.newBuilder().setCaller(StrataPath.caller()).setIno(p.ino()).build(),
              PolicyReply.parser());
      PrintWriter out = spec.commandLine().getOut();
      out.println(p.path() + ": " + describe(r));
      out.flush();
    }
    return 0;
  }

  /** "hybrid (1xnvme + s3 async) — set here" / "… — inherited or default". */
  static String describe(PolicyReply r) {
    String def = r.getDefinition().isEmpty() ? "" : " (" + r.getDefinition() + ")";
    return r.getPolicy() + def + (r.getExplicit() ? ", set here" : ", inherited or the default");
  }
}
