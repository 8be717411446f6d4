package io.orrery.ps.transport;

import io.aeron.ChannelUri;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The channel strings and stream ids of a job. Only channels differ between one JVM ({@code aeron:ipc}) and a
 * cluster ({@code aeron:udp}); the classes using them are the same (docs/architecture.md, invariant 5).
 *
 * <p>Workers publish joins and heartbeats on {@link #CONTROL_STREAM_ID} and the gradient chunks of shard s on
 * {@code SHARD_STREAM_BASE + s}, all to the server's ingress endpoint, so every shard agent polls its own
 * subscription. The server sends parameters back on one broadcast publication: over UDP a dynamic
 * multi-destination-cast publication (each worker's subscription registers itself at the control port), over IPC
 * an ordinary IPC publication every subscriber of the driver reads. One publication means the parameters of a
 * version are written once to one log, however many workers there are.
 */
public final class Channels {

    /** Worker to server: Join, Heartbeat, Leave. */
    public static final int CONTROL_STREAM_ID = 100;
    /** Server to workers: JoinAck, ParameterChunk, StepFailed. */
    public static final int BROADCAST_STREAM_ID = 200;
    /** Worker to server: gradient chunks of shard s arrive on stream {@code SHARD_STREAM_BASE + s}. */
    public static final int SHARD_STREAM_BASE = 1000;

    /** Default MTU on IPC: large frames so that one chunk is one frame (no reassembly copy). */
    public static final int DEFAULT_IPC_MTU = 8192;
    /**
     * Aeron's default MTU, safe on an Ethernet network of MTU 1500. The default UDP MTU is now chosen from the
     * interface ({@link #udpMtu}); this stays as a name for the Ethernet figure.
     */
    public static final int DEFAULT_UDP_MTU = 1408;

    private Channels() {
    }

    /** Server-side ingress subscription channel for a single sending stream; see the next. */
    public static String serverIngress(String bindHost, int port, int mtu) {
        return serverIngress(bindHost, port, mtu, 1);
    }

    /**
     * Server-side ingress subscription channel, whose one socket receives {@code senders} gradient streams (workers
     * x hosted shards): each stream's receiver window is cut so that together they fit the socket
     * ({@link UdpSettings#ingressReceiverParams}).
     */
    public static String serverIngress(String bindHost, int port, int mtu, int senders) {
        if (bindHost == null) {
            return "aeron:ipc?mtu=" + mtu;
        }
        return "aeron:udp?endpoint=" + bindHost + ":" + port + "|mtu=" + mtu
                + UdpSettings.forHost(bindHost).ingressReceiverParams(senders);
    }

    /**
     * Flow control of the parameter broadcast: paced by the slowest receiver, which drops out after
     * {@code orrery.udp.fcReceiverTimeoutMs} (default 1000) without status messages. A receiver whose subscription
     * closed (a task that ended) sends nothing to say so, and held the broadcast back for Aeron's default of 5 s at
     * the start of every later epoch; a live receiver sends a status message at least every 200 ms.
     */
    static final String MIN_FLOW_CONTROL = "fc=min,t:" + Long.getLong("orrery.udp.fcReceiverTimeoutMs", 1000) + "ms";

    /** Server-side broadcast publication channel; the control port is {@code port + 1}. */
    public static String serverBroadcast(String bindHost, int port, int mtu, int termLength) {
        if (bindHost == null) {
            return "aeron:ipc?mtu=" + mtu + "|term-length=" + termLength;
        }
        return "aeron:udp?control=" + bindHost + ":" + (port + 1) + "|control-mode=dynamic|" + MIN_FLOW_CONTROL + "|mtu=" + mtu
                + "|term-length=" + termLength + UdpSettings.forHost(bindHost).senderParams();
    }

    /**
     * Server-side parameter publication of a job with a key, over UDP: a manual multi-destination-cast publication.
     * The server adds a worker's endpoint ({@link #destination}) only after the worker proved the key, so a process
     * that never did receives no parameters, join answer or step failure. Its socket binds an ephemeral port of
     * {@code bindHost}; workers' status messages come back to it.
     */
    public static String serverParameters(String bindHost, int mtu, int termLength) {
        return "aeron:udp?control=" + bindHost + ":0|control-mode=manual|" + MIN_FLOW_CONTROL + "|mtu=" + mtu + "|term-length="
                + termLength + UdpSettings.forHost(bindHost).senderParams();
    }

    /**
     * Server-side replies publication of a job with a key, over UDP: challenges and rejections, which must reach
     * senders that have not proved the key, on a dynamic multi-destination-cast publication at the control port
     * {@code port + 1} that never carries parameters. Default (max) flow control: a subscriber that does not read
     * cannot hold the replies back.
     */
    public static String serverReplies(String bindHost, int port, int mtu, int termLength) {
        return "aeron:udp?control=" + bindHost + ":" + (port + 1) + "|control-mode=dynamic|mtu=" + mtu
                + "|term-length=" + termLength + UdpSettings.forHost(bindHost).senderParams();
    }

    /** The channel that adds or removes a worker's parameter endpoint ({@code host:port}) as a destination. */
    public static String destination(String endpoint) {
        return "aeron:udp?endpoint=" + endpoint;
    }

    /**
     * Worker-side subscription to the parameters of a job with a key, over UDP: a plain endpoint on an ephemeral
     * local port, which the worker reads back and names in its JoinProof.
     */
    public static String workerParameters(String serverHost, String localHost) {
        return "aeron:udp?endpoint=" + localHost + ":0" + UdpSettings.forHost(serverHost).receiverParams();
    }

    /** Worker-side publication channel to the server's ingress. */
    public static String workerEgress(String serverHost, int port, int mtu, int termLength) {
        if (serverHost == null) {
            return "aeron:ipc?mtu=" + mtu + "|term-length=" + termLength;
        }
        return "aeron:udp?endpoint=" + serverHost + ":" + port + "|mtu=" + mtu + "|term-length=" + termLength
                + UdpSettings.forHost(serverHost).senderParams();
    }

    /**
     * Worker-side publication channel to the server's ingress with an explicit Aeron session id: a worker sends its
     * Join, heartbeats and every shard's gradients under one session id, which the server binds to its worker id.
     */
    public static String workerEgress(String serverHost, int port, int mtu, int termLength, int sessionId) {
        return workerEgress(serverHost, port, mtu, termLength) + "|" + "session-id="
                + sessionId;
    }

    /** Worker-side subscription to the broadcast: an ephemeral local port registered at the control port. */
    public static String workerBroadcast(String serverHost, int port, String localHost) {
        if (serverHost == null) {
            return "aeron:ipc";
        }
        return "aeron:udp?endpoint=" + localHost + ":0|control=" + serverHost + ":" + (port + 1)
                + "|control-mode=dynamic" + UdpSettings.forHost(serverHost).receiverParams();
    }

    /**
     * The default UDP frame length between this host and {@code host} (a server's bind address, or the server a
     * worker sends to): chosen from the MTU of the interface that carries the traffic ({@link UdpSettings}), within
     * what a term of {@code termLength} allows.
     */
    public static int udpMtu(String host, int termLength) {
        return UdpSettings.forHost(host).mtuFor(termLength);
    }

    /** True for an {@code aeron:ipc} channel. */
    public static boolean isIpc(String channel) {
        return ChannelUri.parse(channel).isIpc();
    }

    /**
     * The local address of the interface that routes to {@code remoteHost}: connecting a UDP socket sends nothing
     * but makes the kernel pick the route, which is the address the server can reach us on.
     */
    public static String routingAddressTo(String remoteHost, int port) {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(remoteHost), port));
            InetAddress local = socket.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new TransportException("no route to the server: serverHost=" + remoteHost + " port=" + port
                        + " hint=\"set the worker's localAddress explicitly\"");
            }
            return local.getHostAddress();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the local address routing to " + remoteHost + ":" + port, e);
        }
    }
}
