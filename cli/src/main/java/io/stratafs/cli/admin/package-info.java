/**
 * Administrative commands that talk to a running filesystem's metadata leader: {@code strata
 * fsck} and {@code strata policy set|get|list}. They find the leader through ZooKeeper, either
 * from the embedded cluster's cluster.json ({@code --data}) or from {@code --zk/--fs}, and make
 * one bounded RPC per step. Commands are single-threaded; {@link io.stratafs.cli.admin.MetaAdmin}
 * is used by one thread.
 */
package io.stratafs.cli.admin;
