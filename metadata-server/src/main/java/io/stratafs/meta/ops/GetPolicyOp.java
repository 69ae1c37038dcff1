package io.stratafs.meta.ops;

import io.stratafs.meta.policy.Policies;
import io.stratafs.protocol.meta.GetPolicyRequest;
import io.stratafs.protocol.meta.PolicyReply;
import io.stratafs.tiering.StoragePolicy;

/**
 * meta.GetPolicy: the policy an inode's chunks follow. explicit = the inode carries the xattr (set
 * on it or copied from its parent at creation); otherwise the cluster default.
 */
public final class GetPolicyOp {
  private GetPolicyOp() {}

  public static PolicyReply run(MetaContext ctx, Tx tx, GetPolicyRequest req) {
    long ino = tx.inode(req.getIno()).ino();
    boolean explicit = Policies.storedName(tx.reader(), ino) != null;
    return reply(ctx.policies().effective(tx.reader(), ino), explicit);
  }

  static PolicyReply reply(StoragePolicy p, boolean explicit) {
    return PolicyReply.newBuilder().setPolicy(p.name()).setDefinition(p.toString()).setExplicit(explicit).build();
  }
}
