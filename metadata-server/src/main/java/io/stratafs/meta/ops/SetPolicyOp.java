package io.stratafs.meta.ops;

import com.google.protobuf.ByteString;
import io.stratafs.meta.policy.Policies;
import io.stratafs.protocol.meta.PolicyReply;
import io.stratafs.protocol.meta.SetPolicyRequest;
import io.stratafs.protocol.meta.SetXattrRequest;
import java.nio.charset.StandardCharsets;

/**
 * meta.SetPolicy: the same operation as setxattr of {@code user.strata.policy} (same permission
 * check and validation); replies the policy now in effect.
 */
public final class SetPolicyOp {
  private SetPolicyOp() {}

  public static PolicyReply run(MetaContext ctx, Tx tx, SetPolicyRequest req) {
    SetXattrOp.run(ctx, tx, SetXattrRequest.newBuilder()
        .setCaller(req.getCaller())
        .setIno(req.getIno())
        .setName(ByteString.copyFrom(Policies.XATTR_BYTES))
        .setValue(ByteString.copyFrom(req.getPolicy(), StandardCharsets.UTF_8))
        .build());
    return GetPolicyOp.reply(ctx.policies().validate(req.getPolicy()), true);
  }
}
