/**
 * The wire protocol: SBE codecs generated from {@code src/main/resources/sbe/orrery-ps-protocol.xml} (package
 * {@code io.orrery.ps.protocol.sbe}), proxies that encode and offer messages, the adapter that checks every
 * length, index and version before a listener sees a message, and the reasons a message is dropped.
 */
package io.orrery.ps.protocol;
