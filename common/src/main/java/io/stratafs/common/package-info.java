/**
 * Value types shared by every module: the {@link io.stratafs.common.StatusCode} error vocabulary,
 * {@link io.stratafs.common.LifeCycle}, fault points and small helpers. Everything here is
 * thread-safe and depends on nothing but the JDK and SLF4J.
 */
package io.stratafs.common;
