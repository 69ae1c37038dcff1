/**
 * The Netty RPC layer every daemon and client uses: length-prefixed frames (see rpc.proto),
 * call ids multiplexing many calls on one connection, deadlines, status codes carried in reply
 * headers, bulk data beside the protobuf body. {@link io.stratafs.protocol.rpc.RpcServer} and
 * {@link io.stratafs.protocol.rpc.RpcClient} are thread-safe.
 */
package io.stratafs.protocol.rpc;
