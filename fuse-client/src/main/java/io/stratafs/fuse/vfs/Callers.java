package io.stratafs.fuse.vfs;

import io.stratafs.protocol.meta.Caller;
import java.util.function.LongFunction;

/** Builds the {@link Caller} every metadata request carries from the kernel's view of the caller. */
final class Callers {
  private Callers() {}

  /** The caller for the session id the request is (re)sent under. */
  static LongFunction<Caller> of(VfsContext ctx) {
    return sessionId -> {
      Caller.Builder b =
          Caller.newBuilder().setUid(ctx.uid()).setGid(ctx.gid()).setPid(ctx.pid()).setSessionId(sessionId);
      if (ctx.groups() != null) {
        for (int g : ctx.groups()) {
          b.addGroups(g);
        }
      }
      return b.build();
    };
  }
}
