package dev.ix.transport;

import dev.ix.transport.uring.LibC;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;

import java.util.Map;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_KEEPALIVE;
import static io.netty.channel.ChannelOption.SO_LINGER;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.ChannelOption.TCP_NODELAY;

/**
 * Options of an {@link IxSocketChannel}. Socket options are read from and written to the kernel directly
 * ({@code getsockopt}/{@code setsockopt}); {@code TCP_NODELAY} is on by default, as in Netty's native transports.
 */
public final class IxSocketChannelConfig extends DefaultChannelConfig implements SocketChannelConfig {
    static final int IPPROTO_IP = 0;
    static final int IP_TOS_OPT = 1;
    static final int IPV6_TCLASS = 67;

    private final IxSocketChannel channel;
    private final IxSocket socket;
    private volatile boolean allowHalfClosure;

    IxSocketChannelConfig(IxSocketChannel channel, IxSocket socket) {
        super(channel);
        this.channel = channel;
        this.socket = socket;
        setTcpNoDelay(true);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_RCVBUF, SO_SNDBUF, TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR,
                SO_LINGER, IP_TOS, ALLOW_HALF_CLOSURE);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == TCP_NODELAY) {
            return (T) Boolean.valueOf(isTcpNoDelay());
        }
        if (option == SO_KEEPALIVE) {
            return (T) Boolean.valueOf(isKeepAlive());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == SO_LINGER) {
            return (T) Integer.valueOf(getSoLinger());
        }
        if (option == IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == TCP_NODELAY) {
            setTcpNoDelay((Boolean) value);
        } else if (option == SO_KEEPALIVE) {
            setKeepAlive((Boolean) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == SO_LINGER) {
            setSoLinger((Integer) value);
        } else if (option == IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    @Override
    protected void autoReadCleared() {
        channel.autoReadCleared();
    }

    @Override
    public boolean isTcpNoDelay() {
        return socket.getInt(LibC.IPPROTO_TCP, LibC.TCP_NODELAY, "TCP_NODELAY") != 0;
    }

    @Override
    public IxSocketChannelConfig setTcpNoDelay(boolean tcpNoDelay) {
        socket.setInt(LibC.IPPROTO_TCP, LibC.TCP_NODELAY, tcpNoDelay ? 1 : 0, "TCP_NODELAY");
        return this;
    }

    @Override
    public int getSoLinger() {
        return socket.getLinger();
    }

    @Override
    public IxSocketChannelConfig setSoLinger(int soLinger) {
        socket.setLinger(soLinger);
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return socket.getInt(LibC.SOL_SOCKET, LibC.SO_SNDBUF, "SO_SNDBUF");
    }

    @Override
    public IxSocketChannelConfig setSendBufferSize(int sendBufferSize) {
        socket.setInt(LibC.SOL_SOCKET, LibC.SO_SNDBUF, sendBufferSize, "SO_SNDBUF");
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return socket.getInt(LibC.SOL_SOCKET, LibC.SO_RCVBUF, "SO_RCVBUF");
    }

    @Override
    public IxSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        socket.setInt(LibC.SOL_SOCKET, LibC.SO_RCVBUF, receiveBufferSize, "SO_RCVBUF");
        return this;
    }

    @Override
    public boolean isKeepAlive() {
        return socket.getInt(LibC.SOL_SOCKET, LibC.SO_KEEPALIVE, "SO_KEEPALIVE") != 0;
    }

    @Override
    public IxSocketChannelConfig setKeepAlive(boolean keepAlive) {
        socket.setInt(LibC.SOL_SOCKET, LibC.SO_KEEPALIVE, keepAlive ? 1 : 0, "SO_KEEPALIVE");
        return this;
    }

    @Override
    public int getTrafficClass() {
        return socket.isIpv6() ? socket.getInt(LibC.IPPROTO_IPV6, IPV6_TCLASS, "IPV6_TCLASS")
                : socket.getInt(IPPROTO_IP, IP_TOS_OPT, "IP_TOS");
    }

    @Override
    public IxSocketChannelConfig setTrafficClass(int trafficClass) {
        if (socket.isIpv6()) {
            socket.setInt(LibC.IPPROTO_IPV6, IPV6_TCLASS, trafficClass, "IPV6_TCLASS");
        }
        socket.setInt(IPPROTO_IP, IP_TOS_OPT, trafficClass, "IP_TOS");
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return socket.getInt(LibC.SOL_SOCKET, LibC.SO_REUSEADDR, "SO_REUSEADDR") != 0;
    }

    @Override
    public IxSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        socket.setInt(LibC.SOL_SOCKET, LibC.SO_REUSEADDR, reuseAddress ? 1 : 0, "SO_REUSEADDR");
        return this;
    }

    @Override
    public IxSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public IxSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    @Override
    public IxSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public IxSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public IxSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public IxSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public IxSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public IxSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public IxSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public IxSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public IxSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public IxSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public IxSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
