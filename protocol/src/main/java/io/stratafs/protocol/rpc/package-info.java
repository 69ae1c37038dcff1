/**
 * The Netty RPC layer every daemon and client uses: length-prefixed frames (see rpc.proto),
 * call ids multiplexing many calls on one connection, deadlines, status codes carried in reply
 * headers, bulk data beside the protobuf body.
 *
 * <p>Public API: {@link io.stratafs.protocol.rpc.RpcServer} (handlers run on virtual threads) and
 * {@link io.stratafs.protocol.rpc.RpcClient} (futures complete on virtual threads); both are
 * thread-safe. Internals: {@code RpcFrame} (the wire format), {@code FrameDecoders} (stream
 * splitting), {@code Transport} (epoll or NIO event loops), {@code CallDispatcher}, {@code
 * ReplyChannel} and {@code ServerInboundHandler} (server side), {@code DirectListener} (a
 * server's optional second port, a thread per connection), {@code ClientConnection}, {@code
 * PendingCall} and {@code ClientInboundHandler} (client side), {@link
 * io.stratafs.protocol.rpc.BlockingRpcConnection} (one thread's own socket). Event-loop code never blocks; reference-counted
 * buffers are released by whoever owns them last, as documented on each type.
 */
package io.stratafs.protocol.rpc;
