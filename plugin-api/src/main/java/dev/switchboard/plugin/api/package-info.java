/**
 * The contract between the Switchboard gateway and its plugins.
 *
 * <p>Everything here is plain data: JDK types, records and interfaces of this package, and PF4J's
 * {@code ExtensionPoint} marker. A plugin compiles against this package alone (with {@code
 * provided} scope) and implements one of two extension points:
 *
 * <ul>
 *   <li>{@link dev.switchboard.plugin.api.ChannelFactory}: a channel, one platform connection that
 *       turns platform events into {@link dev.switchboard.plugin.api.InboundEvent}s and delivers
 *       {@link dev.switchboard.plugin.api.OutboundMessage}s;
 *   <li>{@link dev.switchboard.plugin.api.AgentProviderFactory}: an agent provider, which starts
 *       and stops the agent that works a session.
 * </ul>
 *
 * <p>The API is versioned ({@link dev.switchboard.plugin.api.PluginApi#VERSION}) and only grows:
 * new interface methods arrive as {@code default} methods, and a record that plugins construct
 * keeps its old constructors.
 */
package dev.switchboard.plugin.api;
