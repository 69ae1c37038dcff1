package io.stratafs.meta.ops;

import io.stratafs.protocol.meta.ListPoliciesReply;
import io.stratafs.tiering.StoragePolicy;

/** meta.ListPolicies: built-in then operator-defined policies with their definitions. */
public final class ListPoliciesOp {
  private ListPoliciesOp() {}

  public static ListPoliciesReply run(MetaContext ctx) {
    ListPoliciesReply.Builder out = ListPoliciesReply.newBuilder();
    for (StoragePolicy p : ctx.policies().all()) {
      out.addPolicies(GetPolicyOp.reply(p, false));
    }
    return out.build();
  }
}
