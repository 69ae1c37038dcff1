package io.stratafs.storage.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.stratafs.common.StatusCode;
import io.stratafs.common.StrataException;
import io.stratafs.protocol.rpc.Methods;
import io.stratafs.protocol.rpc.RpcCall;
import io.stratafs.protocol.rpc.RpcClient;
import io.stratafs.protocol.rpc.RpcHandler;
import io.stratafs.protocol.rpc.RpcReply;
import io.stratafs.protocol.storage.ChainHop;
import io.stratafs.protocol.storage.CopyChunkRequest;
import io.stratafs.protocol.storage.StorageReply;
import io.stratafs.protocol.storage.SyncChunkRequest;
import io.stratafs.protocol.storage.TruncateChunkRequest;
import io.stratafs.protocol.storage.WriteChunkReply;
import io.stratafs.protocol.storage.WriteChunkRequest;
import io.stratafs.storage.chunk.ChunkStore;

/**
 * storage.CopyChunk (healing, docs/adr/017): under the chunk's exclusive lock, adopts
 * {@code new_version} here (writes with an older version are refused from then on), empties the
 * chunk at {@code dest}, streams it there in verified pieces of {@link #PIECE_BYTES} as WriteChunk
 * at {@code new_version}, and makes it durable with a final SyncChunk. A chunk this replica does
 * not hold is copied as an empty chunk (dest then holds an empty, durable chunk at
 * {@code new_version}). Replies the copied length. Any failure fails the call; dest may then hold
 * a partial copy, which the caller deletes. A destination on another device of this same daemon is
 * written directly (an RPC to ourselves would wait for the lock this call holds).
 */
final class CopyChunkHandler implements RpcHandler<CopyChunkRequest> {
  static final int PIECE_BYTES = 4 << 20;

  private final ChunkStore store;
  private final RpcClient peers;

  CopyChunkHandler(ChunkStore store, RpcClient peers) {
    this.store = store;
    this.peers = peers;
  }

  @Override
  public RpcReply handle(RpcCall<CopyChunkRequest> call) {
    CopyChunkRequest req = call.request();
    ChainHop dest = req.getDest();
    long chunkId = req.getChunkId();
    long version = req.getNewVersion();
    // Leave a quarter of the caller's time to report an error before it gives up.
    long now = System.nanoTime();
    long deadline = now + (call.deadlineNanos() - now) / 4 * 3;
    if (dest.getStorageId().equals(store.storageId())) {
      return RpcReply.of(StorageReply.newBuilder().setChunkLength(copyLocally(req)).build());
    }
    long length =
        store.copy(
            chunkId, req.getDevice(), version, PIECE_BYTES,
            new ChunkStore.ChunkSink() {
              private boolean started;

              private void start() {
                if (!started) {
                  started = true;
                  PeerCalls.call(
                      peers, dest.getAddress(), Methods.STORAGE_TRUNCATE,
                      TruncateChunkRequest.newBuilder().setChunkId(chunkId).setDevice(dest.getDevice()).setLength(0).build(),
                      Unpooled.EMPTY_BUFFER, StorageReply.parser(), deadline);
                }
              }

              @Override
              public void piece(long offset, ByteBuf data) {
                start();
                write(offset, data.retainedDuplicate(), false);
              }

              @Override
              public void finish(long length) {
                boolean empty = !started;
                start();
                if (empty) {
                  // No piece carried the version: an empty synced write records it and makes the chunk durable.
                  write(0, Unpooled.EMPTY_BUFFER, true);
                } else {
                  PeerCalls.call(
                      peers, dest.getAddress(), Methods.STORAGE_SYNC,
                      SyncChunkRequest.newBuilder().setChunkId(chunkId).setDevice(dest.getDevice()).build(),
                      Unpooled.EMPTY_BUFFER, StorageReply.parser(), deadline);
                }
              }

              private void write(long offset, ByteBuf data, boolean sync) {
                PeerCalls.call(
                    peers, dest.getAddress(), Methods.STORAGE_WRITE,
                    WriteChunkRequest.newBuilder()
                        .setChunkId(chunkId)
                        .setVersion(version)
                        .setDevice(dest.getDevice())
                        .setOffset(offset)
                        .setSync(sync)
                        .build(),
                    data, WriteChunkReply.parser(), deadline);
              }
            });
    return RpcReply.of(StorageReply.newBuilder().setChunkLength(length).build());
  }

  /**
   * A destination on another device of this daemon: written directly, on this thread, which
   * already holds the chunk's exclusive lock (re-entrant); an RPC to ourselves would wait for it.
   */
  private long copyLocally(CopyChunkRequest req) {
    long chunkId = req.getChunkId();
    String destDevice = req.getDest().getDevice();
    if (destDevice.isEmpty() || req.getDevice().isEmpty() || destDevice.equals(req.getDevice())) {
      throw StrataException.of(
          StatusCode.INVALID_ARGUMENT,
          "copy of chunk %s from device '%s' to device '%s' of the same storage %s: name both devices, and different ones",
          ChunkStore.hex(chunkId), req.getDevice(), destDevice, store.storageId());
    }
    long version = req.getNewVersion();
    return store.copy(
        chunkId, req.getDevice(), version, PIECE_BYTES,
        new ChunkStore.ChunkSink() {
          private boolean started;

          private void start() {
            if (!started) {
              started = true;
              store.truncate(chunkId, destDevice, 0, false);
              store.adoptVersion(chunkId, destDevice, version);
            }
          }

          @Override
          public void piece(long offset, ByteBuf data) {
            start();
            store.write(chunkId, destDevice, offset, data, false, version);
          }

          @Override
          public void finish(long length) {
            start();
            store.sync(chunkId, destDevice);
          }
        });
  }
}
