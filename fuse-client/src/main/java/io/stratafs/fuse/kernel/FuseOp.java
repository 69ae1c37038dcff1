package io.stratafs.fuse.kernel;

/**
 * Serves one opcode: reads the arguments from the request, calls the Vfs, writes the payload into
 * the reply. Failures are thrown ({@code StrataException} for operating errors); the dispatcher's
 * single wrapper turns them into errnos.
 */
@FunctionalInterface
interface FuseOp {
  void handle(FuseRequest req, FuseReply reply);
}
